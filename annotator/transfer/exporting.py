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
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Iterator
from pathlib import Path

from annotator.core.model import State
from annotator.formats import EXPORT_FORMATS, module
from annotator.formats.atomic import check_file_target
from annotator.formats.scheme import sidecar_path
from annotator.formats.records import ExportLog, Record
from annotator.store.database import DamagedDatabaseError, damaged_message
from annotator.store.rows import DamagedMeta
from annotator.store.service import Progress, Store
from annotator.core.problems import ExportError, Problem

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
) -> ExportLog:
    """Write the documents (filtered) to ``out``; the old output stays intact if anything fails.

    ``force`` (brat, and spacy when it writes a folder of shards): overwrite files in the folder
    that the export did not write; the log names them. ``documents``: only these ids (a split).
    ``dedupe``: spans inside exact copies of a sentence written once (see the module docstring).
    """
    out = Path(out)
    fmt = fmt or format_for(out)
    if fmt not in EXPORT_FORMATS:
        raise ExportError(f"unknown export format {fmt!r}; expected one of {', '.join(EXPORT_FORMATS)}")
    labels = list(labels) if labels is not None else None
    statuses = list(statuses) if statuses else None  # read by two cursors
    states = (State.ACCEPTED, State.SUGGESTED) if include_suggestions else (State.ACCEPTED,)
    log = ExportLog(str(out), strict)
    # Tokenizing costs ~30x the rest of a JSONL export, so only the prodigy format pays it.
    options = {"tokens": fmt == "prodigy"} if fmt in ("jsonl", "prodigy") else {"force": force} if fmt in ("brat", "spacy") else {}
    # Refused before any work (a FIFO, /dev/null, a folder); brat checks its folder itself, and so
    # does a spacy export into the folder of .spacy files an earlier, sharded one wrote.
    if fmt != "brat" and not (fmt == "spacy" and module(fmt).earlier_shards(out)):
        check_file_target(out)
        if fmt in _WITH_SIDECAR:
            check_file_target(sidecar_path(out))
    try:
        scheme = [label for label in store.labels() if labels is None or label.name in labels]
        documents = None if documents is None else sorted(set(documents))
        items = store.iter_export(statuses=statuses, labels=labels, states=states, documents=documents)
        copies = store.iter_document_copies(statuses, documents, states if dedupe else None, labels)
        total = (store.count_documents() if documents is None else len(documents)) if progress else 0
        checked = _checked(items, progress, total, log, store.path)
        module(fmt).write(out, _with_copies(checked, copies, log), scheme, log, **options)
        if log.deduped and fmt in _NO_MISSING_MARK:
            log.problems.append(Problem(str(out), f"--dedupe left out {log.deduped} span(s) inside exact copies of sentences; {fmt} has no mark for "
                                        "text left unannotated, so those copies read as sentences without entities", warning=True))
    except DamagedDatabaseError as error:  # a corrupt page: "database disk image is malformed"
        raise ExportError(damaged_message(error.path, error.reason, f"nothing was exported ({out} is untouched). ")) from None
    return log


def _with_copies(items: Iterable[Record], copies: Iterator[tuple[int, list[dict]]], log: ExportLog) -> Iterator[Record]:
    """Merge the documents' copied sentences (a second cursor, in document order) into the records."""
    pending = next(copies, None)
    for doc, spans in items:
        while pending is not None and pending[0] < doc.id:  # a document the first cursor left out
            pending = next(copies, None)
        if pending is not None and pending[0] == doc.id:
            yield _duplicates(doc, spans, pending[1], log)
            pending = next(copies, None)
        elif "duplicates" in doc.meta:  # a stored key is never the index's word: dropped
            doc.meta = {k: v for k, v in doc.meta.items() if k != "duplicates"}
            yield doc, spans
        else:
            yield doc, spans


def _duplicates(doc, spans: list, copies: list[dict], log: ExportLog) -> Record:
    doc.meta = {**{k: v for k, v in doc.meta.items() if k != "duplicates"}, "duplicates": copies}
    dropped = [(c["start"], c["end"]) for c in copies if c.get("deduped")]
    if not dropped:
        return doc, spans
    kept = [span for span in spans if not _inside(span, dropped)]
    log.deduped += len(spans) - len(kept)
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
    for done, (doc, spans) in enumerate(items, 1):
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
