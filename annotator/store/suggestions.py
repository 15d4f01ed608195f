"""Suggested spans from pre-annotation and learned string matches (a Store mixin).

A suggestion never duplicates a stored span and never overrides a decision: see
suggestion_rules.Taken.

The write lock is never held across the work of deciding which suggestions to store.
``add_suggestions`` reads the spans already stored (a read transaction, which in WAL mode
blocks no writer), decides outside any transaction, and writes the rows in short write
transactions of at most ``ROWS_PER_WRITE`` rows. If another connection committed in between
(SQLite's ``PRAGMA data_version`` on our connection tells), the documents of the next write
are read again inside it and the planned rows checked against what changed, so the rules
above hold exactly, whoever else writes meanwhile.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from sqlalchemy import Connection, delete, func, insert, select

from annotator.core.model import Source, Span, State
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

    rows: dict[int, list[dict]] = field(default_factory=dict)  # doc_id -> rows still to write, in order
    seen: dict[int, set[_Row]] = field(default_factory=dict)  # doc_id -> its spans when last read
    version: dict[int, int] = field(default_factory=dict)  # doc_id -> data_version of that read


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

        One query finds their ids (SQLite ``instr``, nothing but ids comes back), then texts are
        read a batch of about ``chars`` characters at a time, each batch in its own short read:
        memory holds one batch, not every matching text.
        """
        chars = chars or TEXT_CHARS_PER_READ
        with self._read() as s:
            found = s.execute(
                select(DocumentRow.id, DocumentRow.text_length).where(func.instr(DocumentRow.text, phrase) > 0).order_by(DocumentRow.id)
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
            version = _data_version(conn)  # first: a commit after it is seen as a change, never missed
            lengths = dict(conn.execute(select(DocumentRow.id, DocumentRow.text_length).where(DocumentRow.id.in_(ids))).all())
            seen = _stored_spans(conn, lengths.keys())
        plan, stamp = _Plan(), now()
        for doc_id, spans in items:
            if doc_id not in lengths:
                result.invalid += len(spans)
                continue
            stored = seen.get(doc_id, set())
            plan.seen[doc_id], plan.version[doc_id] = stored, version
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
                rows.append(span_values(sp, doc_id, label_id, stamp) | {"state": State.SUGGESTED.value})
        return plan

    def _write_plan(self, conn: Connection, plan: _Plan, result: SuggestionResult, cancelled: Callable[[], bool] | None) -> None:
        """Write the planned rows, at most ROWS_PER_WRITE per transaction, documents in order."""
        queue = [(doc_id, row) for doc_id, rows in plan.rows.items() for row in rows]
        refused: set[int] = set()  # id() of planned rows a re-check turned down
        written: dict[int, int] = {}  # doc_id -> how many of its planned rows are behind us
        for i in range(0, len(queue), ROWS_PER_WRITE):
            if cancelled and cancelled():
                return
            chunk = queue[i : i + ROWS_PER_WRITE]
            self._check_writable()
            conn.execution_options(immediate=True)
            try:
                with conn.begin():  # BEGIN IMMEDIATE: the write lock, for this chunk only
                    version = _data_version(conn)
                    stale = [doc_id for doc_id in dict.fromkeys(d for d, _ in chunk) if plan.version[doc_id] != version]
                    if stale:  # another connection wrote since these documents were read
                        self._recheck(conn, plan, stale, version, written, refused, result)
                    rows = [row for _, row in chunk if id(row) not in refused]
                    ids = list(conn.execute(insert(SpanRow.__table__).returning(SpanRow.id), rows).scalars()) if rows else []
            finally:
                conn.execution_options(immediate=False)
            result.ids += ids
            result.documents.update(d for d, row in chunk if id(row) not in refused)
            for doc_id, _ in chunk:
                written[doc_id] = written.get(doc_id, 0) + 1

    @staticmethod
    def _recheck(conn: Connection, plan: _Plan, doc_ids: list[int], version: int, written: dict[int, int], refused: set[int], result: SuggestionResult) -> None:
        """Inside the write: check the rows still to write of ``doc_ids`` against what changed
        since they were planned (spans added or changed by others; a document deleted)."""
        lengths = dict(conn.execute(select(DocumentRow.id, DocumentRow.text_length).where(DocumentRow.id.in_(doc_ids))).all())
        now_stored = _stored_spans(conn, lengths.keys())
        ours = set(result.ids)
        for doc_id in doc_ids:
            pending = [row for row in plan.rows[doc_id][written.get(doc_id, 0) :] if id(row) not in refused]
            if doc_id not in lengths:  # deleted meanwhile
                refused.update(id(row) for row in pending)
                result.invalid += len(pending)
                continue
            current = now_stored.get(doc_id, set())
            changed = Taken.of(row[1:] for row in current - plan.seen[doc_id] if row[0] not in ours)
            for row in pending:
                reason = changed.refuse(row["start"], row["end"], row["label_id"])
                if reason:
                    refused.add(id(row))
                    setattr(result, reason, getattr(result, reason) + 1)
            plan.seen[doc_id], plan.version[doc_id] = current, version

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
        return [(doc_id, span_id) for doc_id, span_id in deleted]


def _data_version(conn: Connection) -> int:
    """Changes whenever another connection commits; our own commits leave it as it is."""
    return conn.exec_driver_sql("PRAGMA data_version").scalar_one()


def _stored_spans(conn: Connection, doc_ids: Iterable[int]) -> dict[int, set[_Row]]:
    found: dict[int, set[_Row]] = {}
    query = select(SpanRow.document_id, SpanRow.id, SpanRow.start, SpanRow.end, SpanRow.label_id, SpanRow.source, SpanRow.state)
    for doc_id, *row in conn.execute(query.where(SpanRow.document_id.in_(list(doc_ids)))):
        found.setdefault(doc_id, set()).add(tuple(row))
    return found


def _taken(rows: set[_Row]) -> Taken:
    return Taken.of(row[1:] for row in rows)
