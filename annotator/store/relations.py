"""Relations between spans (a Store mixin): read, added, relabelled, noted, deleted, restored.

The database keeps the ends in the relation's document and layer, refuses self-loops and
repeats (store.schema.RelationRow); what it cannot say clearly (an unknown label, ends the label
does not allow, a repeat of an undirected relation read the other way) is checked here first.
A document's relations are read in one query that joins both ends, never a query per relation.
Deleting a span deletes its relations: ``delete_span_with_relations`` returns them and
``restore_span`` puts span and relations back (the window's undo).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from typing import TypeVar

from sqlalchemy import and_, delete, func, insert, or_, select, update
from sqlalchemy.orm import Session, aliased

from annotator.core.model import AnnotationError, Relation, Source, Span, State, check_note, check_relation_ends
from annotator.store.changes import touched
from annotator.store.conflicts import conflict_of, delete_checked, read_seen, update_checked
from annotator.store.rows import now, span_of
from annotator.store.schema import LabelRow, RelationLabelRow, RelationRow, SpanRow

_HEAD, _TAIL = aliased(SpanRow, name="head"), aliased(SpanRow, name="tail")
_HEAD_LABEL, _TAIL_LABEL = aliased(LabelRow, name="head_label"), aliased(LabelRow, name="tail_label")
_R = RelationRow
# In Relation's field order after head and tail (see relation_of).
RELATION_COLUMNS = [
    RelationLabelRow.name.label("label"), _R.source, _R.state, _R.note, _R.annotator, _R.provenance, _R.id, _R.document_id,
    _R.created_at, _R.updated_at, _R.version,
]
_SOURCES = {m.value: m for m in Source}
T = TypeVar("T", bound=tuple)  # (Document, spans in some shape)
_STATES = {m.value: m for m in State}


def _span_columns(span, label) -> list:
    return [span.start, span.end, label.name, span.source, span.state, span.note, span.annotator, span.provenance, span.id,
            span.document_id, span.created_at, span.updated_at]


def _with_ends():
    """Relations with both end spans and their labels: one row per relation."""
    return (
        select(*RELATION_COLUMNS, *_span_columns(_HEAD, _HEAD_LABEL), *_span_columns(_TAIL, _TAIL_LABEL))
        .join(RelationLabelRow, RelationLabelRow.id == _R.label_id)
        .join(_HEAD, _HEAD.id == _R.head_id).join(_HEAD_LABEL, _HEAD_LABEL.id == _HEAD.label_id)
        .join(_TAIL, _TAIL.id == _R.tail_id).join(_TAIL_LABEL, _TAIL_LABEL.id == _TAIL.label_id)
        .order_by(_HEAD.start, _TAIL.start, _R.id)
    )


def relation_of(row, head: Span, tail: Span) -> Relation:
    label, source, state, *rest = row[: len(RELATION_COLUMNS)]
    return Relation(head, tail, label, _SOURCES[source], _STATES[state], *rest)


def relations_of_rows(rows) -> list[Relation]:
    """Relations from _with_ends rows; an end shared by several relations is one Span object."""
    spans: dict[int, Span] = {}
    found = []
    n = len(RELATION_COLUMNS)
    for row in rows:
        head, tail = (spans.setdefault(sp.id, sp) for sp in (span_of(row[n : n + 12]), span_of(row[n + 12 : n + 24])))
        found.append(relation_of(row, head, tail))
    return found


def export_relations_query():
    """Relations without their ends' columns (the export maps end ids onto the Spans it read),
    in document order, to be merged with the export's document cursor."""
    return (
        select(_R.document_id.label("doc"), _R.head_id, _R.tail_id, *RELATION_COLUMNS)
        .join(RelationLabelRow, RelationLabelRow.id == _R.label_id)
        .order_by(_R.document_id, _R.id)
    )


def attach_relations(items: Iterator[T], rows: Iterator, spans_of: Callable[[T], Iterable[Span]]) -> Iterator[T]:
    """Each item of ``items`` (in document order) with its document's ``relations`` filled from
    ``rows`` (export_relations_query, in document order): ends are the item's Spans with those
    ids; a relation with an end not among them (filtered out of the export) is left out."""
    pending = next(rows, None)
    for item in items:
        doc = item[0]
        by_id = None
        while pending is not None and pending.doc <= doc.id:
            if pending.doc == doc.id:
                by_id = {sp.id: sp for sp in spans_of(item)} if by_id is None else by_id
                head, tail = by_id.get(pending.head_id), by_id.get(pending.tail_id)
                if head is not None and tail is not None:
                    doc.relations.append(relation_of(pending[3:], head, tail))
            pending = next(rows, None)
        yield item


class Relations:
    """Mixed into Store; uses its ``_read``/``_write`` sessions, ``annotator``, ``_me``,
    ``_named``, ``_span_by_id``, ``_insert_span`` and the relation labels (RelationLabels)."""

    # -- reads ------------------------------------------------------------------

    def relations(self, document_id: int, *, annotator: str | None = None) -> list[Relation]:
        """A document's relations in the store's annotator's layer (or ``annotator``'s), ends
        ordered by position; ends are full Spans with ids."""
        who = self.annotator if annotator is None else self._named(annotator)
        with self._read() as s:
            return relations_of_rows(s.execute(_with_ends().where(_R.document_id == document_id, _R.annotator == who)))

    def relations_onto(self, document_id: int, spans: Iterable[Span], *, annotator: str | None = None) -> list[Relation]:
        """A document's relations (as ``relations``) with ends that are the caller's ``spans``
        of that document, found by id: only the relation rows are read, not their ends (a
        window holds the spans already; reading them again costs 2.5x). A relation with an end
        not among ``spans`` is left out."""
        who = self.annotator if annotator is None else self._named(annotator)
        by_id = {span.id: span for span in spans}
        query = export_relations_query().where(_R.document_id == document_id, _R.annotator == who)
        with self._read() as s:
            rows = s.connection().execute(query).all()
        found = []
        for row in rows:
            head, tail = by_id.get(row[1]), by_id.get(row[2])  # (doc, head_id, tail_id, *RELATION_COLUMNS)
            if head is not None and tail is not None:
                found.append(relation_of(row[3:], head, tail))
        return sorted(found, key=lambda r: (r.head.start, r.tail.start, r.id))

    def _with_relations(self, items: Iterator[T], layers: list[str], states: Iterable[State], documents: Iterable[int] | None = None,
                        spans_of: Callable[[T], Iterable[Span]] = lambda item: item[1]) -> Iterator[T]:
        """The export's ``(document, spans...)`` items with each document's relations of these
        layers and states filled in (a third cursor merged in document order, memory flat)."""
        query = export_relations_query().where(_R.annotator.in_(layers), _R.state.in_([State(st).value for st in states]))
        if documents is not None:  # a range, not the ids (a split's 80,000 ids); documents left out are skipped by the merge
            ids = list(documents)
            query = query.where(_R.document_id.between(min(ids, default=0), max(ids, default=-1)))
        with self._read() as s:
            yield from attach_relations(items, iter(s.connection().execute(query.execution_options(yield_per=2000))), spans_of)

    def relations_of_span(self, span_id: int) -> list[Relation]:
        """The relations with ``span_id`` at either end (any layer: a span has one)."""
        with self._read() as s:
            return self._relations_where(s, or_(_R.head_id == span_id, _R.tail_id == span_id))

    def _relations_where(self, s: Session, *conditions) -> list[Relation]:
        return relations_of_rows(s.execute(_with_ends().where(*conditions)))

    def _relation_by_id(self, s: Session, relation_id: int) -> Relation:
        found = self._relations_where(s, _R.id == relation_id)
        if not found:
            raise AnnotationError(f"no relation {relation_id}")
        return found[0]

    def relation_counts(self, states: Iterable[State] | None = (State.ACCEPTED,), *, annotator: str | None = None) -> dict[str, int]:
        """Relations per label in the store's annotator's layer (or ``annotator``'s), of these
        states (None: all), labels in scheme order, unused ones left out."""
        who = self.annotator if annotator is None else self._named(annotator)
        query = (
            select(RelationLabelRow.name, func.count())
            .join(_R, _R.label_id == RelationLabelRow.id)
            .where(_R.annotator == who)
            .group_by(RelationLabelRow.id, RelationLabelRow.name)
            .order_by(RelationLabelRow.position, RelationLabelRow.name)
        )
        if states is not None:
            query = query.where(_R.state.in_([State(st).value for st in states]))
        with self._read() as s:
            return dict(s.execute(query).all())

    # -- edits ------------------------------------------------------------------

    def add_relation(self, head_id: int, tail_id: int, label: str, *, source: Source = Source.HUMAN, state: State = State.ACCEPTED,
                     note: str = "", annotator: str | None = None) -> Relation:
        """Link two spans of one document in the store's annotator's layer (or ``annotator``'s);
        AnnotationError saying why when it cannot be (see the module docstring)."""
        note = check_note(note, "relation note")
        with self._write() as s:
            who = self._me(s) if annotator is None else self._ensure_annotators(s, [annotator])[annotator]
            head, tail = self._span_by_id(s, head_id), self._span_by_id(s, tail_id)
            label_id = self._check_relation(s, head, tail, label, who)
            stamp = now()
            row = {"document_id": head.document_id, "head_id": head.id, "tail_id": tail.id, "label_id": label_id, "source": Source(source).value,
                   "state": State(state).value, "note": note, "annotator": who, "provenance": "", "created_at": stamp, "updated_at": stamp,
                   "updated_by": self.annotator}
            touched(s, head.document_id)
            return self._relation_by_id(s, s.execute(insert(_R.__table__).values(row)).inserted_primary_key[0])

    def _check_relation(self, s: Session, head: Span, tail: Span, label: str, who: str, relation_id: int | None = None) -> int:
        """The relation label's id, once the relation is known to be one the store takes."""
        if head.id == tail.id:
            raise AnnotationError(f"a span cannot be related to itself (span {head.id})")
        if head.document_id != tail.document_id:
            raise AnnotationError(f"span {head.id} is in document {head.document_id} and span {tail.id} in document {tail.document_id}: "
                                  "a relation links spans of one document")
        for span in (head, tail):
            if span.annotator != who:
                raise AnnotationError(f"span {span.id} is in {span.annotator}'s layer, not {who}'s: a relation links spans of its own layer")
        found = self._relation_labels(s, [label]).get(label)
        if found is None:
            raise AnnotationError(f"no relation label {label!r}; add it to the label scheme first")
        check_relation_ends(found, head.label, tail.label)
        label_id = self._relation_label_ids(s)[label]
        pairs = [(head.id, tail.id)] + ([] if found.directed else [(tail.id, head.id)])
        same = or_(*(and_(_R.head_id == h, _R.tail_id == t) for h, t in pairs))
        clash = s.execute(select(_R.id).where(same, _R.label_id == label_id, _R.annotator == who, _R.id != (relation_id or -1))).first()
        if clash is not None:
            raise AnnotationError(f"relation {label!r} between span {head.id} and span {tail.id} already exists (relation {clash[0]})")
        return label_id

    def relabel_relation(self, relation_id: int, label: str, version: int | None = None) -> Relation:
        """Give a relation another label (checked as add_relation does); the relation after.
        With ``version`` (Relation.version as read), ConflictError if it moved on or is gone."""
        with self._write() as s:
            before = read_seen(s, _R.__table__, relation_id, "relation", self._relation_by_id, version)
            label_id = self._check_relation(s, before.head, before.tail, label, before.annotator, relation_id)
            return self._relation_written(s, before, version, label_id=label_id)

    def set_relation_note(self, relation_id: int, note: str, version: int | None = None) -> Relation:
        note = check_note(note, "relation note")
        with self._write() as s:
            before = read_seen(s, _R.__table__, relation_id, "relation", self._relation_by_id, version)
            return self._relation_written(s, before, version, note=note)

    def _relation_written(self, s: Session, before: Relation, version: int | None, **values) -> Relation:
        if not update_checked(s, _R.__table__, before.id, version, {**values, "updated_at": now()}, self.annotator):
            raise conflict_of(s, _R.__table__, before.id, "relation", self._relation_by_id)
        touched(s, before.document_id)
        return self._relation_by_id(s, before.id)

    def delete_relation(self, relation_id: int, version: int | None = None) -> Relation:
        """Delete a relation; returns it as it was, for restore_relations (undo). With ``version``,
        ConflictError if it moved on or is gone."""
        with self._write() as s:
            before = read_seen(s, _R.__table__, relation_id, "relation", self._relation_by_id, version)
            if not delete_checked(s, _R.__table__, relation_id, version):
                raise conflict_of(s, _R.__table__, relation_id, "relation", self._relation_by_id)
            touched(s, before.document_id)
            return before

    def restore_relations(self, relations: Iterable[Relation]) -> list[Relation]:
        """Put deleted relations back (undo), under their ids when free; their ends (by id) must
        exist again. Returns them as stored."""
        with self._write() as s:
            return self._restore_relations(s, list(relations), {})

    def _restore_relations(self, s: Session, relations: list[Relation], moved: dict[int, int]) -> list[Relation]:
        """Re-insert ``relations``; ``moved`` maps end ids of spans that came back under another id."""
        ids = []
        for relation in relations:
            head_id, tail_id = (moved.get(end.id, end.id) for end in (relation.head, relation.tail))
            ends = {row.id: row for row in s.execute(select(SpanRow.id, SpanRow.document_id, SpanRow.annotator).where(SpanRow.id.in_([head_id, tail_id])))}
            for end_id in (head_id, tail_id):
                if end_id not in ends or (ends[end_id].document_id, ends[end_id].annotator) != (relation.document_id, relation.annotator):
                    raise AnnotationError(f"relation {relation.id} cannot be put back: its span {end_id} is no longer there")
            label_id = self._relation_label_ids(s).get(relation.label)
            if label_id is None:
                raise AnnotationError(f"relation {relation.id} cannot be put back: no relation label {relation.label!r} any more")
            row = {"document_id": relation.document_id, "head_id": head_id, "tail_id": tail_id, "label_id": label_id,
                   "source": Source(relation.source).value, "state": State(relation.state).value, "note": relation.note,
                   "annotator": relation.annotator, "provenance": relation.provenance,
                   "created_at": relation.created_at or now(), "updated_at": relation.updated_at or now(), "updated_by": self.annotator,
                   "version": relation.version or 1}  # as it was: the Relation an undo shows again is the stored row
            if relation.id is not None and s.execute(select(_R.id).where(_R.id == relation.id)).first() is None:
                row["id"] = relation.id
            ids.append(s.execute(insert(_R.__table__).values(row)).inserted_primary_key[0])
            touched(s, relation.document_id)
        return self._relations_where(s, _R.id.in_(ids)) if ids else []

    # -- a span with its relations (the window's delete and its undo) -----------

    def delete_span_with_relations(self, span_id: int, version: int | None = None) -> tuple[Span, list[Relation]]:
        """Delete a span and (by cascade) its relations; returns both as they were, for restore_span.
        With ``version`` (Span.version as read), ConflictError if the span moved on or is gone."""
        with self._write() as s:
            relations = self._relations_where(s, or_(_R.head_id == span_id, _R.tail_id == span_id))
            before = read_seen(s, SpanRow.__table__, span_id, "span", self._span_by_id, version)
            if not delete_checked(s, SpanRow.__table__, span_id, version):
                raise conflict_of(s, SpanRow.__table__, span_id, "span", self._span_by_id)
            touched(s, before.document_id)
            return before, relations

    def restore_span(self, span: Span, relations: Iterable[Relation] = ()) -> tuple[Span, list[Relation]]:
        """Put a deleted span back with its relations, in one transaction: under its id when free
        (another id otherwise, the relations' ends following it). Returns both as stored."""
        with self._write() as s:
            taken = span.id is not None and s.execute(select(SpanRow.id).where(SpanRow.id == span.id)).first() is not None
            new_id = self._insert_span(s, span.document_id, replace(span, id=None) if taken else span)
            restored = self._restore_relations(s, list(relations), {span.id: new_id} if span.id is not None else {})
            return self._span_by_id(s, new_id), restored
