"""Suggested spans from pre-annotation and learned string matches (a Store mixin).

A suggestion never duplicates a stored span and never overrides a decision: see
suggestion_rules.Taken.

The write lock is never held across the work of deciding which suggestions to store.
``add_suggestions`` reads the spans already stored (a read transaction, which in WAL mode
blocks no writer), decides outside any transaction, and writes the rows in short write
transactions of at most ``ROWS_PER_WRITE`` rows, with a pause between them in which a
waiting writer gets the lock (see ``_room_for_others``). If another connection committed in between
(dialect.write_token on our connection tells), each later write first reads,
inside its transaction, the spans near its rows (their range, widened by the longest span)
and checks the rows against what changed, so the rules above hold exactly, whoever else
writes meanwhile, and a write stays short however many spans the document holds.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from sqlalchemy import Connection, delete, func, insert, select

from annotator.core.model import Span, State
from annotator.store import dialect
from annotator.store.changes import touched, write_changes
from annotator.store.rows import now, span_values
from annotator.store.schema import DocumentRow, SpanRow
from annotator.store.suggestion_rules import SuggestionResult, Taken

ROWS_PER_WRITE = 2_000  # rows per write transaction: tens of milliseconds of the write lock
DOCUMENTS_PER_PLAN = 500  # documents whose spans are read and checked at a time (SQLite caps parameters)
TEXT_CHARS_PER_READ = 4_000_000  # characters of text read at a time by texts_matching (one longer text alone)

# A stored span as the plan compares it: (id, start, end, label_id, source, state).
_Row = tuple[int, int, int, int, str, str]


@dataclass
class _Plan:
    """The rows to write for some documents, and what they were checked against."""

    version: object  # dialect.write_token when the documents' spans were read (None: unknown, re-check)
    rows: dict[int, list[dict]] = field(default_factory=dict)  # doc_id -> rows to write, in order
    seen: dict[int, set[_Row]] = field(default_factory=dict)  # doc_id -> its spans as read then
    ours: set[int] = field(default_factory=set)  # ids of the rows written so far


class Suggestions:
    """Mixed into Store; uses its ``_read``/``_write`` sessions and ``_ensure_labels``."""

    def texts(self, doc_ids: Iterable[int]) -> list[tuple[int, str]]:
        """``(id, text)`` of these documents, in id order, without the rest of the row."""
        ids = list(doc_ids)
        with self._read() as s:
            return [tuple(row) for row in s.execute(select(DocumentRow.id, DocumentRow.text).where(DocumentRow.id.in_(ids)).order_by(DocumentRow.id))]

    def texts_containing(self, phrase: str) -> list[tuple[int, str]]:
        """``(id, text)`` of the documents whose text contains ``phrase`` (case-sensitive), in id order."""
        return [pair for batch in self.texts_matching(phrase) for pair in batch]

    def texts_matching(self, phrase: str, chars: int | None = None) -> Iterator[list[tuple[int, str]]]:
        """The documents whose text contains ``phrase``, as batches of ``(id, text)`` in id order.

        One query finds their ids (dialect.text_contains, nothing but ids comes back), then texts are
        read a batch of about ``chars`` characters at a time, each batch in its own short read:
        memory holds one batch, not every matching text.
        """
        chars = chars or TEXT_CHARS_PER_READ
        with self._read() as s:
            found = s.execute(
                select(DocumentRow.id, DocumentRow.text_length).where(dialect.text_contains(DocumentRow.text, phrase, s)).order_by(DocumentRow.id)
            ).all()
        batch: list[int] = []
        size = 0
        for doc_id, length in found:
            if batch and (size + length > chars or len(batch) >= DOCUMENTS_PER_PLAN):
                yield self.texts(batch)
                batch, size = [], 0
            batch.append(doc_id)
            size += length
        if batch:
            yield self.texts(batch)

    def add_suggestions(self, items: Iterable[tuple[int, Iterable[Span]]], cancelled: Callable[[], bool] | None = None) -> SuggestionResult:
        """Store suggested spans for many documents, in short write transactions.

        A span is skipped when it overlaps a human or accepted span, repeats a rejected
        one (same offsets and label), repeats a stored span, or overlaps another
        suggestion; so re-running a suggester never duplicates or overrides a decision.
        Which spans pass is worked out outside any write transaction (see the module
        docstring); each write holds at most ``ROWS_PER_WRITE`` rows. ``cancelled()`` is
        checked between writes: the result then counts what was stored until then.
        """
        result = SuggestionResult()
        items = [(doc_id, list(spans)) for doc_id, spans in items]
        names = {sp.label for _, spans in items for sp in spans}
        if not names:
            return result
        label_ids = self._suggestion_label_ids(names)
        if not self._annotator_stored:
            with self._write() as s:
                self._me(s)
        with self._translate(), self.engine.connect() as conn:  # one connection: data_version is per connection
            for i in range(0, len(items), DOCUMENTS_PER_PLAN):
                if cancelled and cancelled():
                    break
                plan = self._plan(conn, items[i : i + DOCUMENTS_PER_PLAN], label_ids, result)
                self._write_plan(conn, plan, result, cancelled)
        return result

    def _suggestion_label_ids(self, names: set[str]) -> dict[str, int]:
        """Every label's id, creating the missing ones in a short write of their own."""
        with self._read() as s:
            known = self._label_ids(s)
        if names <= known.keys():
            return known
        with self._write() as s:
            return self._ensure_labels(s, names)[1]

    def _plan(self, conn: Connection, items: list[tuple[int, list[Span]]], label_ids: dict[str, int], result: SuggestionResult) -> _Plan:
        """Read the documents' lengths and spans in one read transaction, then decide outside it."""
        ids = [doc_id for doc_id, _ in items]
        conn.execution_options(immediate=False)
        with conn.begin():  # a read: one snapshot, no write lock
            version = dialect.write_token(conn)  # first: a commit after it is seen as a change, never missed
            lengths = dict(conn.execute(select(DocumentRow.id, DocumentRow.text_length).where(DocumentRow.id.in_(ids))).all())
            seen = _stored_spans(conn, lengths.keys(), self.annotator)
        plan, stamp = _Plan(version), now()
        for doc_id, spans in items:
            if doc_id not in lengths:
                result.invalid += len(spans)
                continue
            stored = plan.seen[doc_id] = seen.get(doc_id, set())
            taken, length, rows = _taken(stored), lengths[doc_id], plan.rows.setdefault(doc_id, [])
            for sp in spans:
                if not (0 <= sp.start < sp.end <= length):
                    result.invalid += 1
                    continue
                label_id = label_ids[sp.label]
                reason = taken.refuse(sp.start, sp.end, label_id)
                if reason:
                    setattr(result, reason, getattr(result, reason) + 1)
                    continue
                taken.add_suggestion(sp.start, sp.end, label_id)
                rows.append(span_values(sp, doc_id, label_id, stamp) | {"state": State.SUGGESTED.value, "annotator": self.annotator})
        return plan

    def _write_plan(self, conn: Connection, plan: _Plan, result: SuggestionResult, cancelled: Callable[[], bool] | None) -> None:
        """Write the planned rows, at most ROWS_PER_WRITE per transaction, documents in order."""
        queue = [(doc_id, row) for doc_id, rows in plan.rows.items() for row in rows]
        held = 0.0  # how long the previous chunk held the write lock
        for i in range(0, len(queue), ROWS_PER_WRITE):
            if cancelled and cancelled():
                return
            if i:
                time.sleep(_room_for_others(held))
            chunk = queue[i : i + ROWS_PER_WRITE]
            began = time.perf_counter()
            self._check_writable()
            conn.execution_options(immediate=True)
            try:
                with conn.begin():  # BEGIN IMMEDIATE: the write lock, for this chunk only
                    if plan.version is None or dialect.write_token(conn) != plan.version:  # another connection wrote since the spans were read
                        chunk = _recheck(conn, plan, chunk, result, self.annotator)
                    rows = [row for _, row in chunk]
                    ids = list(conn.execute(insert(SpanRow.__table__).returning(SpanRow.id), rows).scalars()) if rows else []
                    self._own_changes.update(write_changes(conn, sorted({doc_id for doc_id, _ in chunk}), self.annotator))  # windows polling see them
            finally:
                conn.execution_options(immediate=False)
            held = time.perf_counter() - began
            if dialect.own_writes_move_token(conn):
                plan.version = None  # our own commit moved the token: the next chunks re-check
            result.ids += ids
            plan.ours.update(ids)
            result.documents.update(doc_id for doc_id, _ in chunk)

    def delete_suggestions(self, span_ids: Iterable[int]) -> list[tuple[int, int]]:
        """Delete those of ``span_ids`` that are still pending suggestions, in one transaction.

        Undoes learned string matches: a suggestion the user accepted or rejected since is a
        decision and stays. Returns ``(document_id, span_id)`` of the spans deleted.
        """
        ids, deleted = list(span_ids), []
        with self._write() as s:
            for i in range(0, len(ids), 500):  # SQLite caps the parameters of one statement
                pending = SpanRow.id.in_(ids[i : i + 500]) & (SpanRow.state == State.SUGGESTED.value)
                deleted += s.execute(delete(SpanRow).where(pending).returning(SpanRow.document_id, SpanRow.id)).all()
            touched(s, *{doc_id for doc_id, _ in deleted})
        return [(doc_id, span_id) for doc_id, span_id in deleted]


def _room_for_others(held: float) -> float:
    """How long to leave the write lock free after holding it ``held`` seconds, before the next write.

    A writer that came meanwhile (the user's edit) waits in SQLite's busy handler, which tries
    again after 1, 2, 5, 10, 15, 20, 25, 25, 25, 50, 50 ms, then every 100 ms: back-to-back
    writes could miss its tries for seconds. A pause longer than its interval by then lets it in,
    so it waits at most about one write and one pause.
    """
    if held < 0.1:
        return 0.03
    return 0.055 if held < 0.175 else 0.105


def _recheck(conn: Connection, plan: _Plan, chunk: list[tuple[int, dict]], result: SuggestionResult, annotator: str) -> list[tuple[int, dict]]:
    """Inside the write: the rows of ``chunk`` that still pass, given what other connections
    stored or changed since the plan's read (a document deleted meanwhile loses its rows).

    Only the spans that could clash are read: per document, those starting in the chunk's
    range widened by the document's longest span (an index range; the longest span is one
    covering-index scan in SQLite), so a write stays short however many spans the document has.
    """
    bounds: dict[int, list[int]] = {}
    for doc_id, row in chunk:
        low_high = bounds.setdefault(doc_id, [row["start"], row["end"]])
        low_high[0], low_high[1] = min(low_high[0], row["start"]), max(low_high[1], row["end"])
    ids = list(bounds)
    alive = set(conn.execute(select(DocumentRow.id).where(DocumentRow.id.in_(ids))).scalars())
    longest = dict(conn.execute(
        select(SpanRow.document_id, func.max(SpanRow.end - SpanRow.start)).where(SpanRow.document_id.in_(ids)).group_by(SpanRow.document_id)
    ).all())
    window = select(SpanRow.id, SpanRow.start, SpanRow.end, SpanRow.label_id, SpanRow.source, SpanRow.state).where(SpanRow.annotator == annotator)
    changed: dict[int, Taken] = {}
    for doc_id in alive:
        low, high = bounds[doc_id]
        near = conn.execute(window.where(SpanRow.document_id == doc_id, SpanRow.start >= low - longest.get(doc_id, 0), SpanRow.start < high))
        seen = plan.seen[doc_id]
        changed[doc_id] = Taken.of(tuple(row[1:]) for row in near if tuple(row) not in seen and row[0] not in plan.ours)
    kept = []
    for doc_id, row in chunk:
        if doc_id not in alive:
            result.invalid += 1
            continue
        reason = changed[doc_id].refuse(row["start"], row["end"], row["label_id"])
        if reason:
            setattr(result, reason, getattr(result, reason) + 1)
        else:
            kept.append((doc_id, row))
    return kept


def _stored_spans(conn: Connection, doc_ids: Iterable[int], annotator: str) -> dict[int, set[_Row]]:
    """The annotator's spans of the documents (a suggestion is weighed against their layer only)."""
    found: dict[int, set[_Row]] = {}
    query = select(SpanRow.document_id, SpanRow.id, SpanRow.start, SpanRow.end, SpanRow.label_id, SpanRow.source, SpanRow.state)
    for doc_id, *row in conn.execute(query.where(SpanRow.document_id.in_(list(doc_ids)), SpanRow.annotator == annotator)):
        found.setdefault(doc_id, set()).add(tuple(row))
    return found


def _taken(rows: set[_Row]) -> Taken:
    return Taken.of(row[1:] for row in rows)
