"""Suggested spans from pre-annotation and learned string matches (a Store mixin).

A suggestion never duplicates a stored span and never overrides a decision: see
suggestion_rules.Taken.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from annotator.core.model import Source, Span, State
from annotator.store.rows import now, span_values
from annotator.store.schema import DocumentRow, SpanRow
from annotator.store.suggestion_rules import SuggestionResult, Taken


class Suggestions:
    """Mixed into Store; uses its ``_read``/``_write`` sessions and ``_ensure_labels``."""

    def texts(self, doc_ids: Iterable[int]) -> list[tuple[int, str]]:
        """``(id, text)`` of these documents, in id order, without the rest of the row."""
        ids = list(doc_ids)
        with self._read() as s:
            return [tuple(row) for row in s.execute(select(DocumentRow.id, DocumentRow.text).where(DocumentRow.id.in_(ids)).order_by(DocumentRow.id))]

    def texts_containing(self, phrase: str) -> list[tuple[int, str]]:
        """``(id, text)`` of the documents whose text contains ``phrase`` (case-sensitive), in id order."""
        with self._read() as s:
            query = select(DocumentRow.id, DocumentRow.text).where(func.instr(DocumentRow.text, phrase) > 0)
            return [tuple(row) for row in s.execute(query.order_by(DocumentRow.id))]

    def add_suggestions(self, items: Iterable[tuple[int, Iterable[Span]]]) -> SuggestionResult:
        """Store suggested spans for many documents in one transaction.

        A span is skipped when it overlaps a human or accepted span, repeats a rejected
        one (same offsets and label), repeats a stored span, or overlaps another
        suggestion; so re-running a suggester never duplicates or overrides a decision.
        """
        result = SuggestionResult()
        items = [(doc_id, list(spans)) for doc_id, spans in items]
        with self._write() as s:
            _, label_ids = self._ensure_labels(s, {sp.label for _, spans in items for sp in spans})
            for i in range(0, len(items), 500):  # SQLite caps the parameters of one statement
                rows = self._suggestion_rows(s, items[i : i + 500], label_ids, result)
                if rows:
                    result.ids += s.execute(insert(SpanRow.__table__).returning(SpanRow.id), rows).scalars()
        return result

    def _suggestion_rows(self, s: Session, items: list[tuple[int, list[Span]]], label_ids: dict[str, int], result: SuggestionResult) -> list[dict]:
        ids = [doc_id for doc_id, _ in items]
        lengths = dict(s.execute(select(DocumentRow.id, DocumentRow.text_length).where(DocumentRow.id.in_(ids))).all())
        existing = self._spans_by_document(s, lengths.keys())
        rows, stamp = [], now()
        for doc_id, spans in items:
            taken = existing.setdefault(doc_id, Taken())
            for sp in spans:
                if doc_id not in lengths or not (0 <= sp.start < sp.end <= lengths[doc_id]):
                    result.invalid += 1
                    continue
                reason = taken.refuse(sp.start, sp.end, label_ids[sp.label])
                if reason:
                    setattr(result, reason, getattr(result, reason) + 1)
                    continue
                taken.add_suggestion(sp.start, sp.end, label_ids[sp.label])
                rows.append(span_values(sp, doc_id, label_ids[sp.label], stamp) | {"state": State.SUGGESTED.value})
                result.documents.add(doc_id)
        return rows

    @staticmethod
    def _spans_by_document(s: Session, doc_ids: Iterable[int]) -> dict[int, Taken]:
        found: dict[int, Taken] = {}
        query = select(SpanRow.document_id, SpanRow.start, SpanRow.end, SpanRow.label_id, SpanRow.source, SpanRow.state)
        for doc_id, start, end, label_id, source, state in s.execute(query.where(SpanRow.document_id.in_(list(doc_ids)))):
            found.setdefault(doc_id, Taken()).add(start, end, label_id, Source(source), State(state))
        return found

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
