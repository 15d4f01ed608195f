"""Optimistic edits: a single edit names the version of the row it saw, and is refused when
someone else wrote the row since (two windows, two annotators, one database).

Every versioned row (spans, document_states, relations) carries ``version`` (bumped by each
write) and ``updated_by``. An edit that passes ``version`` updates ``WHERE id = ? AND version = ?``;
no row matched means the row moved on (or is gone): ``ConflictError``, nothing written. Callers
that pass no version (CLI bulk work, imports) write as before and still bump the version, so
the windows that saw the old one are refused instead of overwriting.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from collections.abc import Callable

from sqlalchemy import Table, delete, select, update
from sqlalchemy.orm import Session

from annotator.core.model import AnnotationError, Span

SOMEONE = "Someone"  # a row written without a name (an import, an older version of the app)


def clock(stamp: str | None) -> str:
    """A stored UTC timestamp as the local time a person reads: "14:02", or "2024-05-03 14:02"
    when not today; "" when unknown."""
    try:
        when = datetime.fromisoformat(stamp).astimezone()
    except (TypeError, ValueError):
        return ""
    return when.strftime("%H:%M" if when.date() == datetime.now().astimezone().date() else "%Y-%m-%d %H:%M")


class ConflictError(AnnotationError):
    """Someone else changed (or deleted) the row since the caller read it; the edit was not applied.

    ``current`` is the row as stored now (a Span, a DocumentState, a Relation), None when it is
    gone; ``by`` and ``at`` say who wrote it last and when (UTC ISO)."""

    def __init__(self, what: str, current: object | None, by: str | None, at: str | None, change: str = "") -> None:
        self.what, self.current, self.by, self.at = what, current, by or SOMEONE, at
        super().__init__(self.describe(change))

    def describe(self, change: str = "") -> str:
        """The message; ``change`` says what became of the row ("'s label to ORG"; by default
        what it holds now: " (now ORG)")."""
        when = f" at {clock(self.at)}" if clock(self.at) else ""
        if self.current is None:
            return f"{self.by} deleted this {self.what}{when}; your change was not applied"
        return f"{self.by} changed this {self.what}{change or _now(self.current)}{when}; your change was not applied"


@dataclass(frozen=True, slots=True)
class DocumentState:
    """An annotator's status and note of a document as stored, with its version (0: no row)."""

    status: str
    note: str
    version: int


def _now(current: object) -> str:
    """What a row holds now, in a few words, for a message that has no change to name."""
    if isinstance(current, Span):
        return f" (now {current.label})"
    if isinstance(current, DocumentState):
        return f" (now {current.status.replace('_', ' ')})"
    label = getattr(current, "label", None)  # a relation
    return f" (now {label})" if label else ""


def state_change(seen_status: str, seen_note: str, now: DocumentState) -> str:
    """What became of a document's status and note since they were read, for ConflictError.describe."""
    if now.status != str(getattr(seen_status, "value", seen_status)):
        return f"'s status to {now.status.replace('_', ' ')}"
    return "'s note" if now.note != seen_note else ""


def span_change(seen: Span, now: Span) -> str:
    """What became of a span since ``seen`` was read, for ConflictError.describe."""
    if now.label != seen.label:
        return f"'s label to {now.label}"
    if (now.start, now.end) != (seen.start, seen.end):
        return f"'s extent to {now.start}-{now.end}"
    if now.state != seen.state:
        return f" ({now.state.value if hasattr(now.state, 'value') else now.state})"
    if now.note != seen.note:
        return "'s note"
    return ""


def explain(error: ConflictError, shown_spans: list[Span], status: str | None, note: str | None) -> str:
    """The message of a refused edit for a window that showed ``shown_spans`` and this status and
    note: "Alice changed this span's label to ORG at 14:02; your change was not applied"."""
    now = error.current
    if isinstance(now, Span):
        seen = next((span for span in shown_spans if span.id == now.id), None)
        return error.describe(span_change(seen, now) if seen is not None else "")
    if isinstance(now, DocumentState) and status is not None:
        return error.describe(state_change(status, note or "", now))
    return str(error)


def bump(table: Table, who: str) -> dict:
    """The values every write of a versioned row adds: the next version and its writer."""
    return {"version": table.c.version + 1, "updated_by": who}


def update_checked(s: Session, table: Table, row_id: int, version: int | None, values: dict, who: str) -> bool:
    """UPDATE one row by id, bumping its version; with ``version``, only if it is still that one.
    False when no row matched (the caller raises ConflictError with the fresh row)."""
    query = update(table).where(table.c.id == row_id).values(**values, **bump(table, who))
    if version is not None:
        query = query.where(table.c.version == version)
    return s.execute(query).rowcount == 1


def delete_checked(s: Session, table: Table, row_id: int, version: int | None) -> bool:
    """DELETE one row by id; with ``version``, only if it is still that one. False when none matched."""
    query = delete(table).where(table.c.id == row_id)
    if version is not None:
        query = query.where(table.c.version == version)
    return s.execute(query).rowcount == 1


def conflict_of(s: Session, table: Table, row_id: int, what: str, read: Callable[[Session, int], object]) -> ConflictError:
    """The ConflictError of an edit of row ``row_id`` (a span, a relation): the row as ``read``
    gives it now, who wrote it last; None when it is gone (who deleted it is not kept)."""
    row = s.execute(select(table.c.updated_by, table.c.annotator, table.c.updated_at).where(table.c.id == row_id)).one_or_none()
    if row is None:
        return ConflictError(what, None, None, None)
    return ConflictError(what, read(s, row_id), row.updated_by or row.annotator, row.updated_at)


def read_seen(s: Session, table: Table, row_id: int, what: str, read: Callable[[Session, int], object], version: int | None):
    """The row as ``read`` gives it; an edit that names a version of a row that is gone is a
    conflict (someone deleted it), not a mistake of the caller."""
    try:
        return read(s, row_id)
    except AnnotationError:
        if version is None:
            raise
        raise conflict_of(s, table, row_id, what, read) from None
