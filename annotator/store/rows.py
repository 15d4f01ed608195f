"""Conversions between core records and table rows (dicts to insert, rows read back)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone

from annotator.core.model import Document, DocumentSummary, Source, Span, State, Status
from annotator.store.schema import DocumentRow, LabelRow, SpanRow


def now() -> str:
    """The timestamp rows carry: UTC, ISO 8601, milliseconds."""
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


DOCUMENT_INSERT_COLUMNS = ("id", "title", "text", "text_length", "source_path", "content_hash", "meta", "created_at", "updated_at")


def document_row(doc: Document, doc_id: int, stamp: str) -> tuple:
    """The values of DOCUMENT_INSERT_COLUMNS (bulk inserts go through the driver); the status
    and note are an annotator's (document_states)."""
    meta = json.dumps(doc.meta, ensure_ascii=False) if doc.meta else "{}"
    return (doc_id, doc.title, doc.text, len(doc.text), doc.source_path, doc.content_hash, meta, stamp, stamp)


def span_values(span: Span, doc_id: int, label_id: int, stamp: str) -> dict:
    """The row of a span whose ``annotator`` is its layer's stored name."""
    return {
        "document_id": doc_id,
        "start": span.start,
        "end": span.end,
        "label_id": label_id,
        "source": Source(span.source).value,
        "state": State(span.state).value,
        "note": span.note,
        "annotator": span.annotator,
        "provenance": span.provenance,
        "created_at": stamp,
        "updated_at": stamp,
    }


SPAN_INSERT_COLUMNS = (
    "document_id", "start", "end", "label_id", "source", "state", "note", "annotator", "provenance", "created_at", "updated_at",
)


def span_row(span: Span, doc_id: int, label_id: int, stamp: str, annotator: str) -> list:
    """The values of SPAN_INSERT_COLUMNS, as a list (bulk inserts go through the driver)."""
    return [doc_id, span.start, span.end, label_id, str(span.source), str(span.state), span.note, annotator, span.provenance, stamp, stamp]


# Without status and note: those are an annotator's (store.layers.document_columns adds them).
DOCUMENT_COLUMNS = [c for c in DocumentRow.__table__.c if c.name not in ("text_length", "copies_indexed")]
_span = SpanRow.__table__.c
# In Span's field order, so that span_of builds each Span in one positional call: opening a
# document with 20,000 spans is dominated by this conversion.
SPAN_COLUMNS = [
    _span.start, _span.end, LabelRow.name.label("label"), _span.source, _span.state, _span.note,
    _span.annotator, _span.provenance, _span.id, _span.document_id, _span.created_at, _span.updated_at, _span.version,
]
_SOURCES = {m.value: m for m in Source}
_STATES = {m.value: m for m in State}


class DamagedMeta(dict):
    """``documents.meta`` that is not a JSON object every export can write (edited by hand,
    written by another program): read as no metadata, with ``problem`` saying why."""

    __slots__ = ("problem",)

    def __init__(self, problem: str) -> None:
        super().__init__()
        self.problem = problem


def meta_of(value) -> dict:
    """The ``documents.meta`` column as a dict; a DamagedMeta (empty) when it cannot be one."""
    if value == "{}":
        return {}
    from annotator.core.limits import JSONValueError, parse_json

    if not isinstance(value, (str, bytes)):
        return DamagedMeta(f"{type(value).__name__}, not JSON text")
    try:
        meta = parse_json(value)
    except JSONValueError as error:
        return DamagedMeta(str(error))
    if not isinstance(meta, dict):
        return DamagedMeta(f"JSON but not an object ({type(meta).__name__})")
    return meta


class Damaged(str):
    """A text column holding what the app never writes there (edited by hand, written by another
    program): NULL, a BLOB, bytes that are not UTF-8, a status it does not know. Read as the
    text it comes closest to, with ``problem`` saying what is wrong; the row stays as it is."""

    problem: str

    def __new__(cls, value: str, problem: str) -> Damaged:
        text = super().__new__(cls, value)
        text.problem = problem
        return text


STATUS_NAMES = ", ".join(status.value for status in Status)


def text_of(value, column: str) -> str:
    """A text column as str; a Damaged one when it holds NULL, a BLOB or another type."""
    if isinstance(value, str):
        return value
    if value is None:
        return Damaged("", f"{column} is NULL")
    if isinstance(value, bytes):
        return Damaged(value.decode("utf-8", "replace"), f"{column} is a BLOB of {len(value):,} bytes, not text")
    return Damaged(str(value), f"{column} is a {type(value).__name__}, not text")


def decoded(value: bytes | None, column: str, storage: str = "text") -> str:
    """A text column read as bytes (CAST AS BLOB, so that bytes that are not UTF-8 cannot
    stop the read): str, or Damaged for NULL, a BLOB, or bytes that are not UTF-8."""
    if value is None:
        return Damaged("", f"{column} is NULL")
    if storage != "text":
        return Damaged(value.decode("utf-8", "replace"), f"{column} is {_STORAGE.get(storage, storage)}, not text")
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError as error:
        return Damaged(value.decode("utf-8", "replace"), f"{column} is not valid UTF-8 (byte {error.start:,})")


_STORAGE = {"blob": "a BLOB", "integer": "an integer", "real": "a real number"}


def status_of(value) -> Status | Damaged:
    """The status column; a Damaged text for a status the app does not know."""
    try:
        return Status(value)
    except ValueError:
        shown = value if isinstance(value, str) else repr(value)
        return Damaged(shown, f"status {shown[:60]!r} is not one of {STATUS_NAMES}")


def damage_of(doc: Document) -> list[str]:
    """What is wrong with a document's row, one phrase per column (empty for a sound row)."""
    found = [value.problem for value in (doc.status, doc.title, doc.text, doc.note, doc.source_path) if isinstance(value, Damaged)]
    if isinstance(doc.meta, DamagedMeta):
        found.append(f"meta cannot be read ({doc.meta.problem})")
    return found


def document_of(row) -> Document:
    """A Document from a row; damaged columns do not stop it (see Damaged, DamagedMeta)."""
    return Document(
        id=row.id,
        title=text_of(row.title, "title"),
        text=text_of(row.text, "text"),
        source_path=text_of(row.source_path, "source_path"),
        content_hash=row.content_hash,
        meta=meta_of(row.meta),
        status=status_of(row.status),
        note=text_of(row.note, "note"),
        created_at=row.created_at,
        updated_at=row.updated_at,
        version=getattr(row, "version", 0),  # the status and note row's (store.layers.document_columns)
    )


BYTES_COLUMNS = ("title", "text", "source_path", "content_hash", "meta", "status", "note", "created_at", "updated_at")


def document_of_bytes(row) -> Document:
    """A Document from a row whose text columns were read as BLOBs (``<name>_type`` their
    storage class): the fallback when a column is not valid UTF-8."""
    text = {name: decoded(getattr(row, name), name, getattr(row, f"{name}_type")) for name in BYTES_COLUMNS}
    meta, status = text["meta"], text["status"]
    return Document(
        id=row.id,
        title=text["title"],
        text=text["text"],
        source_path=text["source_path"],
        content_hash=text["content_hash"],
        meta=DamagedMeta(meta.problem) if isinstance(meta, Damaged) else meta_of(meta),
        status=status if isinstance(status, Damaged) else status_of(status),
        note=text["note"],
        created_at=text["created_at"],
        updated_at=text["updated_at"],
    )


SUMMARY_TITLE_CHARS = 300  # characters of a title a list row reads (the list never shows more)


@dataclass(slots=True)
class DamagedSummary(DocumentSummary):
    """A list row of a damaged document: ``problems`` names each column that is wrong."""

    problems: tuple[str, ...] = ()


def summary_of(doc_id, title: bytes | None, title_type: str, status: bytes | None, accepted: int, suggested: int,
               sound_meta, text_type: str, note_type: str) -> DocumentSummary:
    """A list row from Store.summaries' columns (title and status read as bytes)."""
    title_text = decoded(title, "title", title_type)
    status_text = decoded(status, "status")
    status_value = status_text if isinstance(status_text, Damaged) else status_of(status_text)
    problems = [value.problem for value in (status_value, title_text) if isinstance(value, Damaged)]
    for name, kind in (("text", text_type), ("note", note_type)):
        if kind != "text":
            problems.append(f"{name} is NULL" if kind == "null" else f"{name} is {_STORAGE.get(kind, kind)}, not text")
    if not sound_meta:
        problems.append("meta is not a JSON object")
    if problems:
        return DamagedSummary(doc_id, str(title_text), status_value, accepted, suggested, tuple(problems))
    return DocumentSummary(doc_id, title_text, status_value, accepted, suggested)


def span_of(row) -> Span:
    start, end, label, source, state, *rest = row
    return Span(start, end, label, _SOURCES[source], _STATES[state], *rest)
