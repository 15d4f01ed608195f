"""Writing projections: a decision on a sentence proposed in its copies (a Store mixin).

The caller (annotator.copies.projection) works out the places in the copies; this writes
them in one short write transaction, deciding inside it against what the copies hold then:

- a proposal becomes a pending suggestion (source ``projection``) unless the copy already
  has that span (ALREADY), or a human decided there: an accepted or human span overlapping
  it, or the same span rejected (DECIDED). A pending suggestion elsewhere at that place
  (another label or other boundaries) does not stop it: both are shown, the user picks.
- a withdrawal (the source span was rejected, deleted or relabelled) deletes the copy's
  pending suggestion with that label at that place, whatever its source (REMOVED). It is
  removed, not rejected: a rejection is a decision, which the user did not make in the copy
  and could not tell from their own; a removal only takes the proposal back. An accepted or
  human span there stays (DECIDED); a rejected one or none already agrees (ALREADY).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import delete, insert, select, text
from sqlalchemy.orm import Session

from annotator.core.model import Source, Span, State
from annotator.store.rows import now, span_of, span_values
from annotator.store.schema import DocumentRow, SentenceRow, SpanRow
from annotator.store.suggestion_rules import Taken

PROPOSED, ALREADY, DECIDED, REMOVED = "proposed", "already", "decided", "removed"

# Every span overlapping a (document, low, high) range: one indexed range per document.
_NEAR = text(
    'SELECT s.start, s."end", l.name, s.source, s.state, s.note, s.annotator, s.provenance, s.id, s.document_id, '
    "s.created_at, s.updated_at FROM json_each(:ranges) AS r "
    "JOIN spans AS s ON s.document_id = json_extract(r.value, '$[0]') "
    "AND s.start < json_extract(r.value, '$[2]') AND s.\"end\" > json_extract(r.value, '$[1]') "
    "JOIN labels AS l ON l.id = s.label_id"
)


@dataclass(frozen=True)
class Place:
    """A span's place in one copy: proposed there, or withdrawn from there."""

    doc_id: int
    start: int  # code points into the copy's document text, end exclusive
    end: int
    label: str
    provenance: str = ""  # a proposal's origin and marks ("doc 3 40-46; text differs")


@dataclass
class ProjectionWrite:
    outcomes: list[str] = field(default_factory=list)  # per withdrawal, then per proposal, in the order given
    added: list[Span] = field(default_factory=list)  # the suggestions stored, with their ids
    removed: list[Span] = field(default_factory=list)  # the pending suggestions deleted, as they were


def _decided(span: Span) -> bool:
    return span.state == State.ACCEPTED or (span.source == Source.HUMAN and span.state != State.REJECTED)


class Projections:
    """Mixed into Store; uses its ``_read`` and ``_write`` sessions and ``_ensure_labels``."""

    def copied_sentences(self, doc_id: int) -> list[tuple[int, int]]:
        """``(start, end)`` of the document's sentences that have copies, in order (no texts read)."""
        with self._read() as s:
            return [tuple(row) for row in s.execute(
                select(SentenceRow.start, SentenceRow.end)
                .where(SentenceRow.document_id == doc_id, SentenceRow.group_id.is_not(None)).order_by(SentenceRow.start)
            )]

    def write_projection(self, proposals: Sequence[Place], withdrawals: Sequence[Place] = ()) -> ProjectionWrite:
        """Withdraw, then propose, in one write transaction (see the module docstring)."""
        result = ProjectionWrite()
        if not proposals and not withdrawals:
            return result
        with self._write() as s:
            near = _near(s, [*withdrawals, *proposals])
            result.outcomes += [self._withdraw(s, place, near, result) for place in withdrawals]
            result.outcomes += self._propose(s, proposals, near, result)
        return result

    def _withdraw(self, s: Session, place: Place, near: dict[int, dict[tuple, Span]], result: ProjectionWrite) -> str:
        span = near.get(place.doc_id, {}).get((place.start, place.end, place.label))
        if span is None or span.state == State.REJECTED:
            return ALREADY
        if _decided(span):
            return DECIDED
        s.execute(delete(SpanRow).where(SpanRow.id == span.id))
        del near[place.doc_id][(place.start, place.end, place.label)]
        result.removed.append(span)
        return REMOVED

    def _propose(self, s: Session, proposals: Sequence[Place], near: dict[int, dict[tuple, Span]], result: ProjectionWrite) -> list[str]:
        taken = {doc_id: Taken.of((x.start, x.end, x.label, x.source, x.state) for x in spans.values()) for doc_id, spans in near.items()}
        outcomes, stored = [], []
        for place in proposals:
            refused = taken.setdefault(place.doc_id, Taken()).refuse(place.start, place.end, place.label)
            if refused in ("rejected", "overlaps_decided"):
                outcomes.append(DECIDED)
            elif refused == "duplicates":
                outcomes.append(ALREADY)
            else:  # over nothing, or beside another pending suggestion
                taken[place.doc_id].add_suggestion(place.start, place.end, place.label)
                stored.append(place)
                outcomes.append(PROPOSED)
        if stored:
            result.added += self._insert(s, stored)
        return outcomes

    def _insert(self, s: Session, places: list[Place]) -> list[Span]:
        label_ids = self._ensure_labels(s, {p.label for p in places})[1]
        stamp = now()
        spans = [Span(p.start, p.end, p.label, Source.PROJECTION, State.SUGGESTED, provenance=p.provenance, document_id=p.doc_id,
                      created_at=stamp, updated_at=stamp) for p in places]
        rows = [span_values(sp, sp.document_id, label_ids[sp.label], stamp) for sp in spans]
        ids = s.execute(insert(SpanRow.__table__).returning(SpanRow.id, sort_by_parameter_order=True), rows).scalars().all()
        for span, span_id in zip(spans, ids):
            span.id = span_id
        return spans

    def undo_projection(self, added: Iterable[int], removed: Iterable[Span]) -> tuple[list[tuple[int, int]], list[Span]]:
        """Take a projection back in one transaction: delete the suggestions it stored that are
        still pending (one the user decided on since stays) and put back the ones it removed
        (unless their place is taken again). Returns the ``(doc_id, span_id)`` deleted and the spans restored."""
        ids = list(added)
        with self._write() as s:
            deleted = [tuple(row) for i in range(0, len(ids), 500) for row in s.execute(  # SQLite caps the parameters
                delete(SpanRow).where(SpanRow.id.in_(ids[i : i + 500]), SpanRow.state == State.SUGGESTED.value)
                .returning(SpanRow.document_id, SpanRow.id)
            )]
            restored = [span for span in removed if self._restore(s, span)]
        return deleted, restored

    def _restore(self, s: Session, span: Span) -> bool:
        if s.execute(select(DocumentRow.id).where(DocumentRow.id == span.document_id)).first() is None:
            return False
        label_id = self._ensure_labels(s, [span.label])[1][span.label]
        row = span_values(span, span.document_id, label_id, span.updated_at or now()) | {"id": span.id, "created_at": span.created_at}
        return s.execute(insert(SpanRow.__table__).prefix_with("OR IGNORE").values(row)).rowcount == 1


def _near(s: Session, places: list[Place]) -> dict[int, dict[tuple, Span]]:
    """The stored spans around the places: doc_id -> (start, end, label) -> span."""
    ranges: dict[int, list[int]] = {}
    for p in places:
        low_high = ranges.setdefault(p.doc_id, [p.start, p.end])
        low_high[0], low_high[1] = min(low_high[0], p.start), max(low_high[1], p.end)
    found: dict[int, dict[tuple, Span]] = {doc_id: {} for doc_id in ranges}
    rows = s.execute(_NEAR, {"ranges": json.dumps([[doc_id, lo, hi] for doc_id, (lo, hi) in ranges.items()])})
    for row in rows:
        span = span_of(row)
        found[span.document_id][(span.start, span.end, span.label)] = span
    return found
