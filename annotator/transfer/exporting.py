"""Streaming, atomic export of a Store to any export format.

Documents stream from the store to the format's writer, which replaces the output file only
when everything is written (a brat folder's files are merged in then; a file the export did not
write is overwritten only with ``force``). A name that is a FIFO, device, socket or folder is
refused before any work. Spans or notes a format cannot carry are reported in the returned log,
or refuse the export with ``strict``.

Each document's ``meta`` gets ``"duplicates": [{"start", "end", "group"}]``, its sentences that
have copies (from the copy index; absent when it has none). With ``dedupe``, the spans inside an
exact copy of a sentence are written once: the first copy in export order that has spans to
write keeps them; the later copies are written without the spans inside them, and their
``duplicates`` entries say ``"deduped": true``.

Relations travel with their documents (``Document.relations``): only those whose two ends are
written (``labels`` and ``dedupe`` leave some spans out; a format that cannot place a span
reports its relations with it). CoNLL carries none and says how many it left out.

``annotators`` names the layers written (default: the store's annotator's). Several layers:
JSONL and Prodigy write one record per document and annotator (transfer.layer_export); doccano
writes a folder of one file per annotator (``OUT/alice.jsonl``, as doccano exports a project's
members), brat one folder per annotator (``OUT/alice/``); a DocBin or CoNLL file holds one layer.
"""

from __future__ import annotations

import stat
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from annotator.core.model import State
from annotator.formats import EXPORT_FORMATS, module
from annotator.formats.atomic import check_file_target, stat_output
from annotator.formats.folder_export import export_folder
from annotator.formats.scheme import sidecar_path
from annotator.formats.records import ExportLog, Record
from annotator.formats.relation_records import ends_kept
from annotator.store.database import DamagedDatabaseError, damaged_message
from annotator.store.rows import DamagedMeta
from annotator.store.service import Progress, Store
from annotator.core.problems import ExportError, Problem
from annotator.transfer.layer_export import ONE_LAYER_FORMATS, as_annotator, layer_file_names, layer_records

ExportReport = ExportLog  # documents, spans, problems
_BY_SUFFIX = {".jsonl": "jsonl", ".spacy": "spacy", ".conll": "conll", ".iob": "conll", ".iob2": "conll"}
_WITH_SIDECAR = ("jsonl", "prodigy", "doccano", "conll")  # NAME.labels.json beside NAME
_NO_MISSING_MARK = ("brat", "conll")  # the JSONL formats say "deduped" in meta, a DocBin marks the tokens missing

__all__ = ["ExportError", "ExportReport", "export", "export_jsonl", "format_for"]


def format_for(out: Path) -> str:
    """The export format an output name implies; doccano and brat are asked for by name."""
    fmt = _BY_SUFFIX.get(Path(out).suffix.lower())
    if fmt is None:
        raise ExportError(f"{out}: cannot tell the format from the name; use --format ({', '.join(EXPORT_FORMATS)})")
    return fmt


def export(
    store: Store,
    out: Path,
    fmt: str | None = None,
    *,
    statuses: Iterable[str] | None = None,
    labels: Iterable[str] | None = None,
    include_suggestions: bool = False,
    strict: bool = False,
    force: bool = False,
    progress: Progress | None = None,
    documents: Iterable[int] | None = None,
    dedupe: bool = False,
    annotators: Iterable[str] | None = None,
) -> ExportLog:
    """Write the documents (filtered) to ``out``; the old output stays intact if anything fails.

    ``force`` (brat, and spacy when it writes a folder of shards): overwrite files in the folder
    that the export did not write; the log names them. ``documents``: only these ids (a split).
    ``dedupe``: spans inside exact copies of a sentence written once (see the module docstring).
    ``annotators``: the layers written (see the module docstring); unknown names are refused.
    """
    out = Path(out)
    fmt = fmt or format_for(out)
    if fmt not in EXPORT_FORMATS:
        raise ExportError(f"unknown export format {fmt!r}; expected one of {', '.join(EXPORT_FORMATS)}")
    layers = store.resolve_annotators(annotators) if annotators else [store.annotator]
    # Lists: read by two cursors, and once per annotator.
    statuses, labels = (list(statuses) if statuses else None), (list(labels) if labels is not None else None)
    documents = None if documents is None else sorted(set(documents))
    query = dict(statuses=statuses, labels=labels, include_suggestions=include_suggestions, strict=strict, force=force,
                 progress=progress, documents=documents, dedupe=dedupe)
    if len(layers) == 1:
        with as_annotator(store, layers[0]):
            return _export(store, out, fmt, None, **query)
    if fmt in ONE_LAYER_FORMATS:
        raise ExportError(f"a {fmt} export holds one annotator's spans; export each annotator with --annotator NAME (nothing was exported)")
    if dedupe:
        raise ExportError("--dedupe writes one layer's spans once; export each annotator with --annotator NAME --dedupe (nothing was exported)")
    if fmt in ("doccano", "brat"):
        return _export_per_layer(store, out, fmt, layers, query)
    return _export(store, out, fmt, layers, **query)


def _export_per_layer(store: Store, out: Path, fmt: str, layers: list[str], query: dict) -> ExportLog:
    """One doccano file or brat folder per annotator in the folder ``out``; each is written as a
    single-layer export is (a doccano folder as a whole, a brat folder each)."""
    log = ExportLog(str(out), query["strict"])
    names = layer_file_names(layers)
    if fmt == "doccano":
        with export_folder(out, fmt, force=query["force"]) as folder:
            for layer in layers:
                with as_annotator(store, layer):
                    name = f"{names[layer]}.jsonl"
                    _add(log, _export(store, folder.staging / name, fmt, None, shown=out / name, **query))
        return log
    stat_output(out, stat.S_ISDIR, "not a folder; a brat export of every annotator writes a folder of folders; nothing was written")
    out.mkdir(exist_ok=True)
    for layer in layers:
        with as_annotator(store, layer):
            _add(log, _export(store, out / names[layer], fmt, None, **query))
    return log


def _add(log: ExportLog, part: ExportLog) -> None:
    log.documents += part.documents
    log.spans += part.spans
    log.relations += part.relations
    log.problems += part.problems
    log.not_carried += part.not_carried


def _export(
    store: Store, out: Path, fmt: str, layers: list[str] | None, *, statuses, labels, include_suggestions, strict, force, progress, documents, dedupe,
    shown: Path | None = None,
) -> ExportLog:
    """The export of the store's annotator's layer (``layers`` None) or of several, one record
    each; ``shown``: the name problems give the output (``out`` is then a staged file)."""
    states = (State.ACCEPTED, State.SUGGESTED) if include_suggestions else (State.ACCEPTED,)
    log = ExportLog(str(shown or out), strict)
    # Tokenizing costs ~30x the rest of a JSONL export, so only the prodigy format pays it.
    options = {"tokens": fmt == "prodigy", "sessions": fmt == "prodigy"} if fmt in ("jsonl", "prodigy") else {"force": force} if fmt in ("brat", "spacy") else {}
    if fmt == "doccano":  # one form per file: the relation form when the layer has relations
        options["relation_form"] = bool(store.relation_counts(states, annotator=layers[0] if layers else None))
    # Refused before any work (a FIFO, /dev/null, a folder); brat checks its folder itself, and so
    # does a spacy export into the folder of .spacy files an earlier, sharded one wrote.
    if fmt != "brat" and not (fmt == "spacy" and module(fmt).earlier_shards(out)):
        check_file_target(out)
        if fmt in _WITH_SIDECAR:
            check_file_target(sidecar_path(out))
    with nothing_exported_if_damaged(out):
        scheme = [label for label in store.labels() if labels is None or label.name in labels]
        options["relation_labels"] = store.relation_labels()
        if layers is None:
            items = store.iter_export(statuses=statuses, labels=labels, states=states, documents=documents, relations=True)
        else:
            items = layer_records(store, layers, statuses=statuses, labels=labels, states=states, documents=documents)
        # The copies of every document, of any annotator's status, where several layers are written.
        copies = store.iter_document_copies(statuses if layers is None else None, documents, states if dedupe else None, labels)
        total = (store.count_documents() if documents is None else len(documents)) if progress else 0
        checked = _checked(items, progress, total, log, store.location)
        with store.reading_together():  # the cursors start here: one connection, one snapshot
            module(fmt).write(out, _with_copies(checked, copies, log), scheme, log, **options)
        if log.deduped and fmt in _NO_MISSING_MARK:
            log.problems.append(Problem(str(out), f"--dedupe left out {log.deduped} span(s) inside exact copies of sentences; {fmt} has no mark for "
                                        "text left unannotated, so those copies read as sentences without entities", warning=True))
    return log


@contextmanager
def nothing_exported_if_damaged(out: Path) -> Iterator[None]:
    """A corrupt page ("database disk image is malformed") met while reading for an export to ``out``:
    one error naming the file, saying the output is untouched and how to recover."""
    try:
        yield
    except DamagedDatabaseError as error:
        raise ExportError(damaged_message(error.path, error.reason, f"nothing was exported ({out} is untouched). ")) from None


def _with_copies(items: Iterable[Record], copies: Iterator[tuple[int, list[dict]]], log: ExportLog) -> Iterator[Record]:
    """Merge the documents' copied sentences (a second cursor, in document order) into the records
    (several records of one document, one per annotator, follow each other)."""
    pending = next(copies, None)
    for doc, spans in items:
        while pending is not None and pending[0] < doc.id:  # a document the first cursor left out
            pending = next(copies, None)
        if pending is not None and pending[0] == doc.id:
            yield _duplicates(doc, spans, pending[1], log)
        elif "duplicates" in doc.meta:  # a stored key is never the index's word: dropped
            doc.meta = {k: v for k, v in doc.meta.items() if k != "duplicates"}
            yield doc, spans
        else:
            yield doc, spans


def _duplicates(doc, spans: list, copies: list[dict], log: ExportLog) -> Record:
    doc.meta = {**{k: v for k, v in doc.meta.items() if k != "duplicates"}, "duplicates": copies}
    dropped = [(c["start"], c["end"]) for c in copies if "deduped" in c]  # the key is there only when true
    if not dropped:
        return doc, spans
    kept = [span for span in spans if not _inside(span, dropped)]
    log.deduped += len(spans) - len(kept)
    doc.relations = ends_kept(doc.relations, kept)  # a relation goes with the copy that keeps both its ends
    return doc, kept


def _inside(span, sentences: list[tuple[int, int]]) -> bool:
    """Whether the span lies inside one of ``sentences`` (sorted, disjoint: one segmentation)."""
    i = bisect_right(sentences, (span.start, float("inf"))) - 1
    return i >= 0 and span.end <= sentences[i][1]


def export_jsonl(store: Store, out: Path, **kwargs) -> ExportLog:
    """The native export: Prodigy-compatible JSONL without tokens."""
    return export(store, out, "jsonl", **kwargs)


def _checked(items: Iterable[Record], progress: Progress | None, total: int, log: ExportLog, db: Path) -> Iterator[Record]:
    """The promise of every export: offsets are inside the text they index.

    A document whose ``meta`` column is damaged (not a JSON object, edited by hand) is
    exported without its free metadata, and named in a warning; the row is left as it is.
    """
    done, last = 0, None
    for doc, spans in items:
        done, last = done + (doc.id != last), doc.id  # documents, not records (one per annotator)
        if isinstance(doc.meta, DamagedMeta):
            log.problems.append(
                Problem(str(db), f"document {doc.id}: its meta column cannot be read ({doc.meta.problem}); exported without its metadata, the row is unchanged", warning=True)
            )
        for span in spans:
            if not 0 <= span.start < span.end <= len(doc.text):
                raise ExportError(f"document {doc.id}: span {span.start}-{span.end} is outside its text")
        yield doc, spans
        if progress:
            progress(done, total)
