"""spaCy DocBin (``.spacy``), the training format of ``spacy train``.

Export: tokens from spaCy's English rules; every span is placed with
``Doc.char_span(..., alignment_mode="strict")``; a span that does not fall on token
boundaries cannot be carried and is reported with its document and offsets. All aligned
spans go to ``doc.spans["sc"]``, the non-overlapping ones (first in text order, longer first)
to ``doc.ents``. Document fields, span notes/sources/states and the label scheme travel in
``doc.user_data["annotator"]`` (kept by DocBin, ignored by training); relations in
``doc.user_data["relations"]`` as ``[{"head": [start, end, "LABEL"], "child": [...], "label", ...}]``
(character offsets of the ends; the span label tells apart two spans on the same characters;
a relation whose end is not placed on tokens is reported with it). Tokens carry only what
NER training reads (TRAINING_ATTRS). A corpus of more than SHARD_CHARS characters of text is
written as a folder of .spacy files, one DocBin in memory at a time (see ``write``).
Import: spans from ``doc.ents`` and every span group, deduplicated; relations from user data.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

from annotator.core.labels import labels_to_json
from annotator.core import limits
from annotator.core.limits import MiB, json_kind, portable_problem, size_text
from annotator.core.model import AnnotationError, Label, Span
from annotator.core.text import TextError, document_too_long, read_limited
from annotator.formats.records import (
    ExportLog,
    LabelScheme,
    ReadOptions,
    Record,
    build_span,
    dedupe_spans,
    document_with_meta,
    export_meta,
    offset_map,
    span_extras,
)
from annotator.formats.scheme import scheme_labels
from annotator.formats.relation_scheme import relation_labels_from_json, relation_labels_to_json
from annotator.formats.relation_records import RelationRules, written_relations
from annotator.formats.docbin_relations import read_relations, relation_data
from annotator.formats.tokenization import blank_english, non_overlapping, placed_on_tokens, spacy_doc
from annotator.formats.atomic import OutputRefused, atomic_binary_writer
from annotator.formats.folder_export import MANIFEST, FolderExport, export_folder, listed
from annotator.core.problems import Problem

NAME = "spacy"
KEY = "annotator"  # our entry in doc.user_data
# Text characters per .spacy file written: a shard's DocBin and its serialisation take ~40 bytes
# per character (bench/bench_growth.py), so an export peaks near 300 MB whatever the corpus.
SHARD_CHARS = 4_000_000
# What a NER training corpus needs of each token: its text, the whitespace after it (always
# stored) and the entity annotation. DocBin's default adds tag, head, dep, lemma, morph, pos
# and sentence starts, all empty here (the blank tokenizer sets none): twice the memory for nothing.
TRAINING_ATTRS = ("ORTH", "ENT_IOB", "ENT_TYPE", "ENT_KB_ID", "ENT_ID")


# -- reading ------------------------------------------------------------------


def read(path: Path, options: ReadOptions = ReadOptions()) -> Iterator[Record | Problem | LabelScheme]:
    name = str(path)
    loaded = _load(path)
    if isinstance(loaded, Problem):
        yield loaded
        return
    docbin, user_data = loaded
    known, rules = options.known_labels, RelationRules.of(options)
    docs = docbin.get_docs(blank_english().vocab)  # one Doc at a time: memory holds the DocBin, not every Doc
    for number in range(1, len(user_data) + 1):
        try:
            sdoc = next(docs)
        except StopIteration:
            return
        except Exception as error:  # arrays, strings or span groups that spaCy cannot put together
            yield Problem(name, f"document {number}: not a readable spaCy Doc ({_error_text(error)}); the rest of the file was not read")
            return
        info = _info(user_data[number - 1])
        if isinstance(info, str):
            yield Problem(name, f"document {number}: {info}")
            continue
        if number == 1 and info.get("labels"):
            scheme = _scheme(info, path)
            yield scheme
            if known is not None and isinstance(scheme, LabelScheme):
                known = known | {label.name for label in scheme.labels}
            rules = rules.widened(scheme)
        yield from _record(sdoc, info, number, name, known, rules)


def _error_text(error: Exception) -> str:
    text = " ".join(str(error).split())
    return f"{type(error).__name__}: {text[:200]}" if text else type(error).__name__


def _load(path: Path):
    """``(DocBin, the user data of each document)``, or a Problem naming the limit or the damage.

    Read with bounds: the file (MAX_DOCBIN_BYTES), what it inflates to (counted before
    spaCy inflates it: MAX_DOCBIN_INFLATED_BYTES), the text every document would have
    (MAX_DOCUMENT_CHARS each, MAX_DOCBIN_TEXT_CHARS together), worked out from the token
    arrays before a single Doc is built. User data is taken out and read per document
    (``_info``), so a bad one names its document instead of stopping spaCy.
    """
    from spacy.tokens import DocBin

    name = str(path)
    try:
        data = read_limited(path, limits.MAX_DOCBIN_BYTES, "a .spacy file")
    except TextError as error:
        return Problem(name, str(error))
    except OSError as error:
        return Problem(name, str(error))
    try:
        inflated = _inflated_size(data, limits.MAX_DOCBIN_INFLATED_BYTES)
    except zlib.error as error:
        return Problem(name, f"not a spaCy DocBin file (not zlib-compressed: {error})")
    if inflated > limits.MAX_DOCBIN_INFLATED_BYTES:
        return Problem(name, f"inflates to more than {size_text(limits.MAX_DOCBIN_INFLATED_BYTES)}, the limit for a DocBin's content; split it into smaller .spacy files")
    try:
        docbin = DocBin(store_user_data=True).from_bytes(data)
    except Exception as error:  # msgpack, numpy and spaCy raise many kinds for a file that is not a DocBin
        return Problem(name, f"not a spaCy DocBin file ({_error_text(error)})")
    del data
    try:
        problem = _size_problem(docbin)
    except Exception as error:
        problem = f"not a spaCy DocBin file ({_error_text(error)})"
    if problem:
        return Problem(name, problem)
    user_data = list(docbin.user_data)[: len(docbin.tokens)]
    user_data += [None] * (len(docbin.tokens) - len(user_data))
    docbin.user_data = [None] * len(docbin.tokens)
    return docbin, user_data


def _inflated_size(data: bytes, limit: int) -> int:
    """How many bytes the zlib stream inflates to, counted slice by slice without keeping them;
    stops as soon as it passes ``limit`` (a bomb is never inflated whole)."""
    inflater, total, view = zlib.decompressobj(), 0, memoryview(data)
    for start in range(0, len(view), MiB):
        pending = view[start : start + MiB]
        while pending:
            total += len(inflater.decompress(pending, 64 * MiB))
            if total > limit or inflater.eof:
                return total
            pending = inflater.unconsumed_tail
    while not inflater.eof and total <= limit:
        out = inflater.decompress(b"", 64 * MiB)
        if not out:
            break
        total += len(out)
    return total


def _size_problem(docbin) -> str | None:
    """Why the DocBin's texts would be too long, from its token arrays (no text is built)."""
    import numpy
    from spacy.attrs import ORTH
    from spacy.strings import hash_string

    if ORTH not in docbin.attrs:
        return "not a spaCy DocBin file (no ORTH attribute)"
    column = docbin.attrs.index(ORTH)
    lengths = {hash_string(s): len(s) for s in docbin.strings if isinstance(s, str)}
    total = 0
    for number, (tokens, spaces) in enumerate(zip(docbin.tokens, docbin.spaces), 1):
        if not len(tokens):
            continue
        orths, inverse = numpy.unique(tokens[:, column], return_inverse=True)
        sizes = numpy.fromiter((lengths.get(int(h), 0) for h in orths), dtype=numpy.int64, count=len(orths))
        chars = int(sizes[inverse.ravel()].sum()) + int(numpy.count_nonzero(spaces))
        if chars > limits.MAX_DOCUMENT_CHARS:
            return f"document {number}: {document_too_long(chars)}"
        total += chars
        if total > limits.MAX_DOCBIN_TEXT_CHARS:
            return f"its texts hold more than {limits.MAX_DOCBIN_TEXT_CHARS:,} characters, the limit for one DocBin; split it into smaller .spacy files"
    return None


def _info(raw: Any) -> dict | str:
    """Our entry in a document's user data (``{}`` when there is none), or why it cannot be read.

    Everything in it must be plain JSON every export can write back (string keys, no lone
    surrogates, 64-bit integers): it becomes the document's meta and span fields.
    """
    if raw is None:
        return {}
    import srsly

    try:
        data = srsly.msgpack_loads(raw, use_list=False)
    except UnicodeDecodeError as error:
        return f"user_data holds a string that is not valid UTF-8 (byte {error.object[error.start]:#04x}; a lone surrogate?)"
    except Exception as error:
        if type(error).__name__ == "StackError":  # msgpack's own bound on nesting
            return f"user_data is nested too deep to read (more than {limits.MAX_JSON_DEPTH} levels is refused)"
        return f"user_data is not readable ({_error_text(error)})"
    if not isinstance(data, dict):
        return f"user_data must be a map, got {json_kind(data)}"
    info, relations = data.get(KEY), data.get("relations")
    if relations is not None:
        problem = portable_problem(relations, 'user_data["relations"]')
        if problem or not isinstance(relations, (list, tuple)):
            return problem or f'user_data["relations"] must be a list, got {json_kind(relations)}'
        info = {**(info or {}), "relations": relations} if info is None or isinstance(info, dict) else info
    if info is None:
        return {}
    where = f'user_data["{KEY}"]'
    if not isinstance(info, dict):
        return f"{where} must be a map, got {json_kind(info)}"
    problem = portable_problem(info, where)
    if problem:
        return problem
    meta, spans, labels = info.get("meta"), info.get("spans"), info.get("labels")
    if meta is not None and not isinstance(meta, dict):
        return f"{where}[\"meta\"] must be a map, got {json_kind(meta)}"
    if spans is not None and not isinstance(spans, (list, tuple)):
        return f"{where}[\"spans\"] must be a list, got {json_kind(spans)}"
    for i, item in enumerate(spans or (), 1):
        if not (isinstance(item, (list, tuple)) and len(item) == 4 and isinstance(item[3], dict)):
            return f"{where}[\"spans\"] #{i} must be [start, end, label, {{note, source, state}}], got {_short(item)}"
    if labels is not None and not isinstance(labels, (list, tuple)):
        return f"{where}[\"labels\"] must be a list, got {json_kind(labels)}"
    return info


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _scheme(info: dict, path: Path) -> LabelScheme | Problem:
    where = "label scheme in document 1"
    try:
        relations = relation_labels_from_json({"relations": _listed(info.get("relation_labels"))}, where)
        return LabelScheme(tuple(scheme_labels(list(info["labels"]), where)), str(path), tuple(relations))
    except AnnotationError as error:
        return Problem(str(path), str(error))


def _listed(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value  # msgpack gives tuples


def _record(sdoc, info: dict, number: int, path: str, known, rules: RelationRules) -> Iterator[Record | Problem]:
    where = f"document {number}"
    text = sdoc.text
    if not text.strip():
        yield Problem(path, f"{where}: empty or blank text, skipped", warning=True)
        return
    try:
        doc = document_with_meta(text, dict(info.get("meta") or {}), path)
    except (AnnotationError, TextError) as error:
        yield Problem(path, f"{where}: {error}")
        return
    spans, errors = _spans(sdoc, _extras(info), known)
    spans = dedupe_spans(spans)
    if not errors:
        doc.relations, errors = read_relations(info.get("relations") or (), spans, offset_map(text), rules)
    yield from (Problem(path, f"{where}: {message}") for message in errors)
    if not errors:
        yield doc, spans


def _extras(info: dict) -> dict[tuple, dict]:
    """Note, source and state of our own spans, by (start, end, label) (``_info`` checked the shape)."""
    return {(s, e, label): dict(fields) for s, e, label, fields in info.get("spans") or ()}


def _spans(sdoc, extras: dict[tuple, dict], known) -> tuple[list[Span], list[str]]:
    """The spans of ``doc.ents`` and of every span group, and a message for each bad one."""
    text, mapper = sdoc.text, offset_map(sdoc.text)
    spans, errors = [], []
    for found in [*sdoc.ents, *(span for group in sdoc.spans.values() for span in group)]:
        key = (found.start_char, found.end_char, found.label_)
        try:
            spans.append(build_span({**extras.get(key, {}), "start": key[0], "end": key[1], "label": key[2]}, text, mapper, known))
        except AnnotationError as error:
            errors.append(f"span {key[0]}-{key[1]}: {error}")
    return spans, errors


# -- writing ------------------------------------------------------------------


def write(out: Path, items: Iterable[Record], labels: list[Label], log: ExportLog, force: bool = False, relation_labels=()) -> None:
    """Write ``out``: one ``.spacy`` file, or a folder of them when the corpus is large.

    spaCy's DocBin holds its whole content in memory until it is serialised (100,000 articles
    took 16.9 GB), so documents go into shards of at most ``SHARD_CHARS`` characters of text.
    A corpus that fits in one shard is the file ``out``, as always. A larger one makes ``out``
    a folder of ``part-00001.spacy``, ``part-00002.spacy``, ... (``spacy train`` and our import
    read a folder of .spacy files), written like a brat export: new, or merged into the
    folder an earlier sharded export wrote (see folder_export.export_folder; ``force`` as there).
    An earlier sharded export is written as a folder again, however small the corpus now is.
    Memory holds one shard. Every shard's first document carries the label scheme.
    """
    out = Path(out)
    shard, chars, written, folder = _docbin(), 0, 0, None
    with ExitStack() as stack:
        if earlier_shards(out):
            folder = stack.enter_context(export_folder(out, NAME, force=force))
        for doc, spans in items:
            if len(shard) and chars + len(doc.text) > SHARD_CHARS:
                if folder is None:
                    folder = stack.enter_context(_shard_folder(out, force))
                written += 1
                _write_shard(folder.staging, written, shard)
                shard, chars = _docbin(), 0
            sdoc = _training_doc(doc, spans, log)
            if not len(shard):
                sdoc.user_data[KEY]["labels"] = labels_to_json(labels)["labels"]
                if relation_labels:
                    sdoc.user_data[KEY]["relation_labels"] = relation_labels_to_json(relation_labels)
            shard.add(sdoc)
            chars += len(doc.text)
            log.documents += 1
        if folder is None:
            with atomic_binary_writer(out) as handle:
                handle.write(shard.to_bytes())
            return
        if len(shard) or not written:
            written += 1
            _write_shard(folder.staging, written, shard)
    log.problems.append(
        Problem(
            str(out),
            f"written as a folder of {written} .spacy file(s) of at most {SHARD_CHARS:,} characters of text each "
            "(one DocBin is held whole in memory); spacy train and annotator import read the folder",
            warning=True,
        )
    )
    if folder.replaced:
        log.problems.append(Problem(str(out), f"--force: overwrote {len(folder.replaced)} file(s) the export had not written or that were changed since: {listed(folder.replaced)}", warning=True))
    if folder.kept:
        log.problems.append(Problem(str(out), f"kept {len(folder.kept)} file(s) of an earlier export that were changed since it wrote them (this export does not write them): {listed(folder.kept)}", warning=True))


def earlier_shards(out: Path) -> bool:
    """Whether ``out`` is a folder of .spacy files that an earlier (sharded) spacy export wrote."""
    try:
        with open(Path(out) / MANIFEST, "rb") as handle:
            manifest = json.loads(handle.read(1 << 20))
    except (OSError, ValueError):
        return False
    return isinstance(manifest, dict) and manifest.get("written_by") == "annotator" and manifest.get("format") == NAME and Path(out).is_dir()


@contextmanager
def _shard_folder(out: Path, force: bool) -> Iterator[FolderExport]:
    try:
        with export_folder(out, NAME, force=force) as folder:
            yield folder
    except OutputRefused as error:
        if not out.is_file():
            raise
        raise OutputRefused(
            f"{out}: the corpus holds more than {SHARD_CHARS:,} characters of text, so it is written as a folder "
            f"of .spacy files, and {out} is a file (an earlier, smaller export?); remove it or choose a new name; "
            "nothing was written"
        ) from error


def _docbin():
    from spacy.tokens import DocBin

    return DocBin(attrs=TRAINING_ATTRS, store_user_data=True)


def _write_shard(folder: Path, number: int, shard) -> None:
    with open(folder / f"part-{number:05d}.spacy", "wb") as handle:
        handle.write(shard.to_bytes())


def _training_doc(doc, spans: list[Span], log: ExportLog):
    sdoc = spacy_doc(doc)
    placed = placed_on_tokens(doc, sdoc, spans, log)
    sdoc.spans["sc"] = [found for _, found in placed]
    sdoc.ents, _ = non_overlapping([found for _, found in placed])
    _unannotated(sdoc, doc.meta.get("duplicates") or ())
    extras = [[sp.start, sp.end, sp.label, span_extras(sp)] for sp, _ in placed if span_extras(sp)]
    sdoc.user_data[KEY] = {"meta": export_meta(doc), "spans": extras}
    if doc.relations:
        sdoc.user_data["relations"] = [relation_data(relation) for relation, _, _ in written_relations(doc, [sp for sp, _ in placed], log)]
    log.spans += len(placed)
    return sdoc


def _unannotated(sdoc, duplicates) -> None:
    """Tokens of a copy whose spans export --dedupe left out: missing NER annotation (spaCy's
    training ignores them), not O (no entity), which would teach the copy's entities away."""
    taken = {i for ent in sdoc.ents for i in range(ent.start, ent.end)}
    missing = [sdoc.char_span(d["start"], d["end"], alignment_mode="contract") for d in duplicates if d.get("deduped")]
    missing = [m for m in missing if m is not None and len(m) and not taken.intersection(range(m.start, m.end))]
    if missing:
        sdoc.set_ents([], missing=missing, default="unmodified")
