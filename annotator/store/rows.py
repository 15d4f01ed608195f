"""Conversions between core records and table rows (dicts to insert, rows read back)."""

from __future__ import annotations

import json

from annotator.core.model import Document, Source, Span, State, Status
from annotator.store.schema import DocumentRow, LabelRow, SpanRow


def document_values(doc: Document, doc_id: int, stamp: str) -> dict:
    return {
        "id": doc_id,
        "title": doc.title,
        "text": doc.text,
        "text_length": len(doc.text),
        "source_path": doc.source_path,
        "content_hash": doc.content_hash,
        "meta": json.dumps(doc.meta, ensure_ascii=False),
        "status": Status(doc.status).value,
        "note": doc.note,
        "created_at": stamp,
        "updated_at": stamp,
    }


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


def document_of(row) -> Document:
    return Document(
        id=row.id,
        title=row.title,
        text=row.text,
        source_path=row.source_path,
        content_hash=row.content_hash,
        meta=json.loads(row.meta) if row.meta != "{}" else {},
        status=Status(row.status),
        note=row.note,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def span_of(row) -> Span:
    start, end, label, source, state, *rest = row
    return Span(start, end, label, _SOURCES[source], _STATES[state], *rest)
