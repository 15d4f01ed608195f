"""spaCy DocBin (``.spacy``), the training format of ``spacy train``.

Export: tokens from spaCy's English rules; every span is placed with
``Doc.char_span(..., alignment_mode="strict")``; a span that does not fall on token
boundaries cannot be carried and is reported with its document and offsets. All aligned
spans go to ``doc.spans["sc"]``, the non-overlapping ones (first in text order, longer first)
to ``doc.ents``. Document fields, span notes/sources/states and the label scheme travel in
``doc.user_data["annotator"]`` (kept by DocBin, ignored by training).
Import: spans from ``doc.ents`` and every span group, deduplicated.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from annotator.core.labels import labels_from_json, labels_to_json
from annotator.core.model import AnnotationError, Label, Span
from annotator.core.text import TextError
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
from annotator.formats.tokenization import blank_english, non_overlapping, placed_on_tokens, spacy_doc
from annotator.formats.atomic import atomic_binary_writer
from annotator.core.problems import Problem

NAME = "spacy"
KEY = "annotator"  # our entry in doc.user_data


# -- reading ------------------------------------------------------------------


def read(path: Path, options: ReadOptions = ReadOptions()) -> Iterator[Record | Problem | LabelScheme]:
    docs = _load(path)
    if isinstance(docs, Problem):
        yield docs
        return
    known = options.known_labels
    for number, sdoc in enumerate(docs, 1):
        info = sdoc.user_data.get(KEY) or {}
        if number == 1 and info.get("labels"):
            scheme = _scheme(list(info["labels"]), path)  # msgpack gives tuples
            yield scheme
            if known is not None and isinstance(scheme, LabelScheme):
                known = known | {label.name for label in scheme.labels}
        yield from _record(sdoc, info, number, str(path), known)


def _load(path: Path) -> list | Problem:
    from spacy.tokens import DocBin

    try:
        return list(DocBin(store_user_data=True).from_bytes(path.read_bytes()).get_docs(blank_english().vocab))
    except OSError as error:
        return Problem(str(path), str(error))
    except Exception as error:  # msgpack, zlib and spaCy raise many kinds for a file that is not a DocBin
        return Problem(str(path), f"not a spaCy DocBin file ({type(error).__name__}: {error})")


def _scheme(data: Any, path: Path) -> LabelScheme | Problem:
    try:
        return LabelScheme(tuple(labels_from_json(data, "label scheme in document 1")), str(path))
    except AnnotationError as error:
        return Problem(str(path), str(error))


def _record(sdoc, info: dict, number: int, path: str, known) -> Iterator[Record | Problem]:
    where = f"document {number}"
    text = sdoc.text
    if not text.strip():
        yield Problem(path, f"{where}: empty or blank text, skipped", warning=True)
        return
    try:
        doc = document_with_meta(text, info.get("meta") or {}, path)
    except (AnnotationError, TextError) as error:
        yield Problem(path, f"{where}: {error}")
        return
    spans, errors = _spans(sdoc, _extras(info), known)
    yield from (Problem(path, f"{where}: {message}") for message in errors)
    if not errors:
        yield doc, dedupe_spans(spans)


def _extras(info: dict) -> dict[tuple, dict]:
    """Note, source and state of our own spans, by (start, end, label)."""
    items = info.get("spans") or ()
    return {(s, e, label): dict(fields) for s, e, label, fields in items if isinstance(fields, dict)}


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


def write(out: Path, items: Iterable[Record], labels: list[Label], log: ExportLog) -> None:
    from spacy.tokens import DocBin

    docbin = DocBin(store_user_data=True)
    for doc, spans in items:
        sdoc = _training_doc(doc, spans, log)
        if log.documents == 0:
            sdoc.user_data[KEY]["labels"] = labels_to_json(labels)["labels"]
        docbin.add(sdoc)
        log.documents += 1
    with atomic_binary_writer(out) as handle:
        handle.write(docbin.to_bytes())


def _training_doc(doc, spans: list[Span], log: ExportLog):
    sdoc = spacy_doc(doc)
    placed = placed_on_tokens(doc, sdoc, spans, log)
    sdoc.spans["sc"] = [found for _, found in placed]
    sdoc.ents, _ = non_overlapping([found for _, found in placed])
    extras = [[sp.start, sp.end, sp.label, span_extras(sp)] for sp, _ in placed if span_extras(sp)]
    sdoc.user_data[KEY] = {"meta": export_meta(doc), "spans": extras}
    log.spans += len(placed)
    return sdoc
