"""Conversions between core records and table rows (dicts to insert, rows read back)."""

from __future__ import annotations

import json
from datetime import datetime, timezone

from annotator.core.model import Document, Source, Span, State, Status
from annotator.store.schema import DocumentRow, LabelRow, SpanRow


def now() -> str:
    """The timestamp rows carry: UTC, ISO 8601, milliseconds."""
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


DOCUMENT_INSERT_COLUMNS = (
    "id", "title", "text", "text_length", "source_path", "content_hash", "meta", "status", "note", "created_at", "updated_at",
)


def document_row(doc: Document, doc_id: int, stamp: str) -> tuple:
    """The values of DOCUMENT_INSERT_COLUMNS (bulk inserts go through the driver)."""
    meta = json.dumps(doc.meta, ensure_ascii=False) if doc.meta else "{}"
    return (doc_id, doc.title, doc.text, len(doc.text), doc.source_path, doc.content_hash, meta, Status(doc.status).value, doc.note, stamp, stamp)


def span_values(span: Span, doc_id: int, label_id: int, stamp: str) -> dict:
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


def span_row(span: Span, doc_id: int, label_id: int, stamp: str) -> list:
    """The values of SPAN_INSERT_COLUMNS, as a list (bulk inserts go through the driver)."""
    return [doc_id, span.start, span.end, label_id, str(span.source), str(span.state), span.note, span.annotator, span.provenance, stamp, stamp]


DOCUMENT_COLUMNS = [c for c in DocumentRow.__table__.c if c.name != "text_length"]
_span = SpanRow.__table__.c
# In Span's field order, so that span_of builds each Span in one positional call: opening a
# document with 20,000 spans is dominated by this conversion.
SPAN_COLUMNS = [
    _span.start, _span.end, LabelRow.name.label("label"), _span.source, _span.state, _span.note,
    _span.annotator, _span.provenance, _span.id, _span.document_id, _span.created_at, _span.updated_at,
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


def document_of(row) -> Document:
    """A Document from a row; a damaged ``meta`` column does not stop it (see DamagedMeta)."""
    return Document(
        id=row.id,
        title=row.title,
        text=row.text,
        source_path=row.source_path,
        content_hash=row.content_hash,
        meta=meta_of(row.meta),
        status=Status(row.status),
        note=row.note,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def span_of(row) -> Span:
    start, end, label, source, state, *rest = row
    return Span(start, end, label, _SOURCES[source], _STATES[state], *rest)
