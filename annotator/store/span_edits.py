"""One span added, changed or deleted: the window's edits (a Store mixin).

Each edit is one write transaction. It first takes the quick path (store.span_writes: one
statement, the database checking the offsets, the label and the clash); when the database
refuses, the checked path runs in a new transaction, reading what it needs to say why (or to
create a label on its first use). On PostgreSQL an edit is then BEGIN, its statement, the
change log's statement and COMMIT; it used to be a dozen round trips.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import replace
from typing import TypeVar

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from annotator.core.model import AnnotationError, Source, Span, State, check_note, check_offsets
from annotator.store import span_writes
from annotator.store.changes import touched
from annotator.store.conflicts import conflict_of, delete_checked, read_seen, update_checked
from annotator.store.rows import now, span_values
from annotator.store.schema import DocumentRow, SpanRow
from annotator.store.span_writes import Refused

T = TypeVar("T")
_ANY_LENGTH = sys.maxsize  # the quick path checks start < end in Python, the end against the text in the database
_EDITABLE = {"label", "state", "source", "note", "start", "end", "annotator"}


def _changed_values(after: Span) -> dict:
    """The columns an update writes, but the label's id and the layer."""
    return {"state": State(after.state).value, "source": Source(after.source).value, "note": after.note,
            "start": after.start, "end": after.end, "updated_at": now()}


class SpanEdits:
    """Mixed into Store; uses its ``_write`` sessions, ``annotator``, ``_me``, ``_ensure_annotators``,
    ``_ensure_labels`` and ``_span_by_id``."""

    annotator: str
    _annotator_stored: bool

    def _quick_or_checked(self, quick: Callable[[Session], T] | None, checked: Callable[[Session], T]) -> T:
        """``quick`` in a write transaction; when it is None or the database refuses it, ``checked`` in a new one."""
        if quick is not None:
            try:
                with self._write() as s:
                    return quick(s)
            except Refused:
                pass
        with self._write() as s:
            return checked(s)

    def _mine(self, layer: str | None) -> bool:
        """Whether a span of ``layer`` goes to the store's annotator's layer, already stored."""
        return self._annotator_stored and layer in (None, "", self.annotator)

    def add_span(self, doc_id: int, span: Span) -> Span:
        """Store one span (checked against the text); returns it with id and timestamps.

        A span with an ``id`` is put back under that id (undo of a delete). It goes to the layer
        of ``span.annotator``, or the store's annotator's when that is empty.
        """
        quick = (lambda s: self._insert_quick(s, doc_id, span)) if self._mine(span.annotator) else None
        return self._quick_or_checked(quick, lambda s: self._span_by_id(s, self._insert_span(s, doc_id, span)))

    def _insert_quick(self, s: Session, doc_id: int, span: Span) -> Span:
        check_offsets(span.start, span.end, _ANY_LENGTH)
        touched(s, doc_id)
        return span_writes.insert_span(s, self._span_row(span, doc_id, None, self.annotator), span.label)

    def _span_row(self, span: Span, doc_id: int, label_id: int | None, who: str) -> dict:
        row = span_values(replace(span, annotator=who), doc_id, label_id, now())
        if span.id is not None:
            row["id"] = span.id
            row["created_at"] = span.created_at or row["created_at"]
        return {**row, "updated_by": self.annotator}

    def _insert_span(self, s: Session, doc_id: int, span: Span) -> int:
        """add_span's checks and insert inside an open write; the new row's id."""
        who = self._ensure_annotators(s, [span.annotator])[span.annotator] if span.annotator else self._me(s)
        length = s.execute(select(DocumentRow.text_length).where(DocumentRow.id == doc_id)).scalar_one_or_none()
        if length is None:
            raise AnnotationError(f"no document {doc_id}")
        check_offsets(span.start, span.end, length)
        label_id = self._ensure_labels(s, [span.label])[1][span.label]
        clash = s.execute(
            select(SpanRow.id).where(
                SpanRow.document_id == doc_id, SpanRow.annotator == who,
                SpanRow.start == span.start, SpanRow.end == span.end, SpanRow.label_id == label_id,
            )
        ).scalar_one_or_none()
        if clash is not None:
            raise AnnotationError(f"a {span.label} span at {span.start}-{span.end} already exists")
        touched(s, doc_id)
        return s.execute(insert(SpanRow.__table__).values(self._span_row(span, doc_id, label_id, who))).inserted_primary_key[0]

    def update_span(self, span_id: int, version: int | None = None, **changes) -> tuple[Span, Span]:
        """Change label, state, source, note or offsets of a span; returns (before, after).
        With ``version`` (Span.version as read), ConflictError if the span moved on or is gone."""
        if unknown := changes.keys() - _EDITABLE:
            raise AnnotationError(f"cannot change {', '.join(sorted(unknown))} of a span")
        if "note" in changes:
            changes["note"] = check_note(changes["note"])
        quick = None if "annotator" in changes else (lambda s: self._update_quick(s, span_id, version, changes))
        return self._quick_or_checked(quick, lambda s: self._update_checked(s, span_id, version, changes))

    def _update_quick(self, s: Session, span_id: int, version: int | None, changes: dict) -> tuple[Span, Span]:
        before = read_seen(s, SpanRow.__table__, span_id, "span", self._span_by_id, version)
        after = replace(before, **changes)
        check_offsets(after.start, after.end, _ANY_LENGTH)
        stored = span_writes.update_span(s, span_id, version, _changed_values(after), after.label, self.annotator)
        if stored is None:
            raise conflict_of(s, SpanRow.__table__, span_id, "span", self._span_by_id)
        touched(s, before.document_id)
        return before, stored

    def _update_checked(self, s: Session, span_id: int, version: int | None, changes: dict) -> tuple[Span, Span]:
        before = read_seen(s, SpanRow.__table__, span_id, "span", self._span_by_id, version)
        after = replace(before, **changes)
        length = s.execute(select(DocumentRow.text_length).where(DocumentRow.id == before.document_id)).scalar_one()
        check_offsets(after.start, after.end, length)
        _, label_ids = self._ensure_labels(s, [after.label])
        if "annotator" in changes:
            after.annotator = self._ensure_annotators(s, [after.annotator])[after.annotator]
        values = {**_changed_values(after), "label_id": label_ids[after.label], "annotator": after.annotator}
        if not update_checked(s, SpanRow.__table__, span_id, version, values, self.annotator):
            raise conflict_of(s, SpanRow.__table__, span_id, "span", self._span_by_id)
        touched(s, before.document_id)
        return before, self._span_by_id(s, span_id)

    def delete_span(self, span_id: int, version: int | None = None) -> Span:
        """Delete a span; returns it as it was, so undo can put it back with add_span. With
        ``version``, ConflictError if the span moved on or is gone."""
        return self._quick_or_checked(lambda s: self._delete_quick(s, span_id, version), lambda s: self._delete_checked(s, span_id, version))

    def _delete_quick(self, s: Session, span_id: int, version: int | None) -> Span:
        before = span_writes.delete_span(s, span_id, version)
        if before is None:  # gone or moved on: the checked path says which
            return self._delete_checked(s, span_id, version)
        touched(s, before.document_id)
        return before

    def _delete_checked(self, s: Session, span_id: int, version: int | None) -> Span:
        before = read_seen(s, SpanRow.__table__, span_id, "span", self._span_by_id, version)
        if not delete_checked(s, SpanRow.__table__, span_id, version):
            raise conflict_of(s, SpanRow.__table__, span_id, "span", self._span_by_id)
        touched(s, before.document_id)
        return before
