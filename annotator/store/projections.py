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
from typing import NamedTuple

from sqlalchemy import delete, func, select, text
from sqlalchemy.orm import Session

from annotator.core.model import Source, Span, State
from annotator.store import dialect
from annotator.store.changes import touched
from annotator.store.rows import SPAN_INSERT_COLUMNS, now, span_of, span_row, span_values
from annotator.store.schema import DocumentRow, SpanRow
from annotator.store.suggestion_rules import Taken

PROPOSED, ALREADY, DECIDED, REMOVED = "proposed", "already", "decided", "removed"

# Templates of store.dialect (its {fragment:argument} idioms).
# Every span overlapping a (document, low, high) range: one indexed range per document.
_NEAR = (
    'SELECT s.start, s."end", l.name, s.source, s.state, s.note, s.annotator, s.provenance, s.id, s.document_id, '
    "s.created_at, s.updated_at, s.version FROM {rows::ranges r doc lo hi} "
    "JOIN spans AS s ON s.document_id = r.doc AND s.annotator = :annotator AND s.start < r.hi AND s.\"end\" > r.lo "
    "JOIN labels AS l ON l.id = s.label_id"
)
_INSERT = "INSERT INTO spans (id, {}) VALUES ({})".format(  # through the driver: rows as tuples (see store.bulk)
    ", ".join(f'"{c}"' for c in SPAN_INSERT_COLUMNS), ", ".join("?" * (len(SPAN_INSERT_COLUMNS) + 1))
)
# The sentence holding each (start, end) place: the last one starting at or before it (an
# index seek), if it has copies and reaches the place's end.
_HOLDING = (
    "SELECT DISTINCT s.id, s.group_id FROM {rows::places p lo hi} JOIN sentences AS s ON s.id = "
    "(SELECT id FROM sentences WHERE document_id = :doc AND start <= p.lo ORDER BY start DESC LIMIT 1) "
    "WHERE s.\"end\" >= p.hi AND s.group_id IS NOT NULL"
)
_MEMBERS = (  # the sentences of some groups (texts read by copy_near.sliced: each document once)
    'SELECT s.group_id, s.id, s.document_id, s.start, s."end" FROM sentences AS s WHERE s.group_id IN ({groups}) ORDER BY s.id'
)
_SLICES = (
    "SELECT substr(d.text, CAST(w.lo + 1 AS integer), CAST(w.hi - w.lo AS integer)) "
    "FROM {rows::windows w doc lo hi} LEFT JOIN documents AS d ON d.id = w.doc ORDER BY w.key"
)


class CopyPlace(NamedTuple):
    """A copy of a sentence: where it is and what it says."""

    doc_id: int
    start: int  # code points into its document's text, end exclusive
    end: int
    text: str


@dataclass(frozen=True)
class Copied:
    """A sentence of the source document that has copies."""

    start: int
    end: int
    text: str
    copies: tuple[CopyPlace, ...]
    more: int = 0  # copies past the limit, left out


def _text(value) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else value or ""


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

    def sentence_copies(self, doc_id: int, places: Sequence[tuple[int, int]], limit: int | None = None) -> list[Copied]:
        """The document's sentences that hold these ``(start, end)`` places and have copies, in
        order, with their copies (the first ``limit`` of each): only their groups are read, and
        each document's text once (Store.document_copies computes similarities too)."""
        with self._read() as s:
            holding = _holding(s, doc_id, places)
            if not holding:
                return []
            own = {sentence_id for sentence_id, _ in holding}
            groups = ",".join(str(int(g)) for g in {g for _, g in holding})
            members: dict[int, list[tuple]] = {}  # group -> rows (sentence id, doc, start, end)
            sizes: dict[int, int] = {}
            for group, sentence_id, *place in s.execute(text(_MEMBERS.format(groups=groups))):
                sizes[group] = sizes.get(group, 0) + 1
                kept = members.setdefault(group, [])
                if limit is None or len(kept) <= limit or sentence_id in own:
                    kept.append((sentence_id, *place))
            from annotator.store.copy_near import sliced  # with numpy: only when projecting

            texts = sliced(s, [row for rows in members.values() for row in rows])
        found = []
        for sentence_id, group in holding:
            rows = members[group]
            mine = next(r for r in rows if r[0] == sentence_id)
            copies = [CopyPlace(r[1], r[2], r[3], texts[r[0]][0]) for r in rows if r[0] != sentence_id][:limit]
            found.append(Copied(mine[2], mine[3], texts[sentence_id][0], tuple(copies), sizes[group] - 1 - len(copies)))
        return sorted(found, key=lambda x: x.start)

    def has_copies(self, doc_id: int, places: Sequence[tuple[int, int]]) -> bool:
        """Whether any of these ``(start, end)`` places lies inside a sentence that has copies."""
        with self._read() as s:
            return bool(_holding(s, doc_id, places))

    def text_slices(self, windows: Sequence[tuple[int, int, int]]) -> list[str]:
        """``text[start:end]`` of each ``(doc_id, start, end)``, in order, in one read (cut at the
        text's end; "" for a document that is not there)."""
        if not windows:
            return []
        with self._read() as s:
            return [_text(x) for x in s.execute(text(dialect.render(_SLICES, s)), {"windows": json.dumps([list(w) for w in windows])}).scalars()]

    def write_projection(self, proposals: Sequence[Place], withdrawals: Sequence[Place] = ()) -> ProjectionWrite:
        """Withdraw, then propose, in one write transaction (see the module docstring)."""
        result = ProjectionWrite()
        if not proposals and not withdrawals:
            return result
        with self._write() as s:
            near = _near(s, [*withdrawals, *proposals], self._me(s))
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
        touched(s, place.doc_id)
        del near[place.doc_id][(place.start, place.end, place.label)]
        result.removed.append(span)
        return REMOVED

    def _propose(self, s: Session, proposals: Sequence[Place], near: dict[int, dict[tuple, Span]], result: ProjectionWrite) -> list[str]:
        taken = {doc_id: Taken.of((x.start, x.end, x.label, x.source, x.state) for x in spans.values()) for doc_id, spans in near.items() if spans}
        outcomes, stored = [], []
        for place in proposals:
            if place.doc_id not in taken:
                taken[place.doc_id] = Taken()
            refused = taken[place.doc_id].refuse(place.start, place.end, place.label)
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
                      created_at=stamp, updated_at=stamp, version=1) for p in places]
        # Ids given here, not read back: RETURNING over many rows costs more than the insert.
        me = self._me(s)
        with dialect.lock_ids(s.connection(), "spans"):
            first = s.execute(select(func.coalesce(func.max(SpanRow.id), 0))).scalar_one() + 1
            for i, span in enumerate(spans):
                span.id, span.annotator = first + i, me
            rows = [(sp.id, *span_row(sp, sp.document_id, label_ids[sp.label], stamp, me)) for sp in spans]
            s.connection().exec_driver_sql(dialect.driver_sql(_INSERT, s), rows)
        touched(s, *{sp.document_id for sp in spans})
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
        # Its old id and version given back: the Span the window shows again is the stored row.
        row = span_values(span, span.document_id, label_id, span.updated_at or now()) | {"id": span.id, "created_at": span.created_at, "version": span.version or 1}
        touched(s, span.document_id)
        with dialect.lock_ids(s.connection(), "spans"):
            return s.execute(dialect.insert_or_ignore(SpanRow.__table__, s).values(row)).rowcount == 1


def _holding(s: Session, doc_id: int, places: Sequence[tuple[int, int]]) -> set[tuple[int, int]]:
    """(id, group) of the document's copied sentences holding some of the places."""
    rows = s.execute(text(dialect.render(_HOLDING, s)), {"doc": doc_id, "places": json.dumps([list(p) for p in places])})
    return {tuple(row) for row in rows}


def _near(s: Session, places: list[Place], annotator: str) -> dict[int, dict[tuple, Span]]:
    """The annotator's stored spans around the places: doc_id -> (start, end, label) -> span."""
    ranges: dict[int, list[int]] = {}
    for p in places:
        low_high = ranges.setdefault(p.doc_id, [p.start, p.end])
        low_high[0], low_high[1] = min(low_high[0], p.start), max(low_high[1], p.end)
    found: dict[int, dict[tuple, Span]] = {doc_id: {} for doc_id in ranges}
    rows = s.execute(text(dialect.render(_NEAR, s)), {"ranges": json.dumps([[doc_id, lo, hi] for doc_id, (lo, hi) in ranges.items()]), "annotator": annotator})
    for row in rows:
        span = span_of(row)
        found[span.document_id][(span.start, span.end, span.label)] = span
    return found
