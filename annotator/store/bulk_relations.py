"""The relations of imported records (part of store.bulk's one write transaction).

A record's relations name its own Span objects. Those spans may land as new rows or merge
into stored ones (store.bulk), so each end is found again by its place in the layer
(document, annotator, start, end, label) once the batch's spans are written: one read of the
spans and one of the relations of the batch's documents, not a query per relation. A relation
already stored (or repeated in the input; for an undirected label also read the other way) is
counted, not written again, so a re-run writes nothing. Unknown relation labels are created.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from annotator.core.model import AnnotationError, Document, Relation, RelationLabel, Source, Span, State, check_relation_ends
from annotator.store.relation_labels import read_relation_labels
from annotator.store.schema import RelationLabelEndRow, RelationLabelRow, RelationRow, SpanRow

_PARAMS = 500  # SQLite caps the parameters of one statement
SpanKey = tuple[int, str, int, int, int]  # document id, layer, start, end, label id


@dataclass
class _Pending:
    doc_id: int
    doc: Document
    path: str


class RelationWriter:
    """Checks relations as records arrive, writes them after their batch's spans."""

    def __init__(self, session: Session, stamp: str, created: list[str], entity_ids: Callable[[Iterable[str]], dict[str, int]]) -> None:
        """``created``: where the names of relation labels this import creates are listed (AddResult);
        ``entity_ids``: the ids of entity labels by name, missing ones created (BulkWriter's)."""
        self.s, self.stamp, self.created, self.entity_ids = session, stamp, created, entity_ids
        self._labels: dict[str, RelationLabel] | None = None  # read when the first relation arrives
        self._ids: dict[str, int] = {}
        self._pending: list[_Pending] = []
        self.written = self.present = 0

    def _scheme(self) -> dict[str, RelationLabel]:
        if self._labels is None:
            self._labels = read_relation_labels(self.s)
            self._ids = dict(self.s.execute(select(RelationLabelRow.name, RelationLabelRow.id)).all())
        return self._labels

    def add_scheme(self, labels: Iterable[RelationLabel]) -> None:
        """Relation labels that travelled with the input: missing ones are created with their look
        and allowed ends (a stored one keeps its own; a hotkey in use is not taken over)."""
        known = self._scheme()
        taken = {label.hotkey for label in known.values() if label.hotkey}
        for label in labels:
            if label.name not in known:
                self._insert(label if label.hotkey not in taken else replace(label, hotkey=None))
                taken.add(label.hotkey)

    def _insert(self, label: RelationLabel) -> None:
        table = RelationLabelRow.__table__
        position = self.s.execute(select(func.coalesce(func.max(table.c.position), -1))).scalar_one() + 1
        values = {"name": label.name, "color": label.color, "hotkey": label.hotkey, "description": label.description,
                  "directed": label.directed, "position": position}
        self._ids[label.name] = label_id = self.s.execute(insert(table).values(values)).inserted_primary_key[0]
        ends = [(end, name) for end, names in (("head", label.heads), ("tail", label.tails)) for name in names]
        if ends:
            entity = self.entity_ids(name for _, name in ends)
            self.s.execute(insert(RelationLabelEndRow.__table__), [{"relation_label_id": label_id, "end": end, "label_id": entity[name]} for end, name in ends])
        self._labels[label.name] = label
        self.created.append(label.name)

    def check(self, doc: Document, spans: list[Span], path: str) -> None:
        """Refuse (AnnotationError naming the input and record) a relation the store could not
        take; create the relation labels it names that do not exist yet."""
        if not doc.relations:
            return
        known = self._scheme()
        own = {id(span) for span in spans}
        for number, relation in enumerate(doc.relations, 1):
            where = f"{path or doc.source_path or 'input'}: {doc.title!r}: relation {number} ({relation.label})"
            try:
                _check_one(relation, own)
                if relation.label not in known:
                    self._insert(RelationLabel(relation.label))
                check_relation_ends(known[relation.label], relation.head.label, relation.tail.label)
            except (AnnotationError, ValueError) as error:
                raise AnnotationError(f"{where}: {error}") from None

    @property
    def pending(self) -> bool:
        """Relations wait for their batch's spans to be written."""
        return bool(self._pending)

    def defer(self, doc_id: int, doc: Document, path: str) -> None:
        if doc.relations:
            self._pending.append(_Pending(doc_id, doc, path))

    def flush(self, layer_of: Callable[[str], str], label_ids: dict[str, int]) -> None:
        """Write the deferred relations (after their spans); ``layer_of`` gives a record's
        annotator name its stored layer, ``label_ids`` entity label ids."""
        if not self._pending:
            return
        doc_ids = sorted({p.doc_id for p in self._pending})
        span_ids, stored = self._stored(doc_ids)
        directed = {self._ids[name]: label.directed for name, label in self._scheme().items()}
        rows = []
        for pending in self._pending:
            for relation in pending.doc.relations:
                who = layer_of(relation.head.annotator)
                head, tail = (span_ids[(pending.doc_id, who, sp.start, sp.end, label_ids[sp.label])] for sp in (relation.head, relation.tail))
                label_id = self._ids[relation.label]
                if head == tail:
                    raise AnnotationError(f"{pending.path}: {pending.doc.title!r}: relation {relation.label}: both ends are the same span once merged")
                if (head, tail, label_id, who) in stored or (not directed[label_id] and (tail, head, label_id, who) in stored):
                    self.present += 1
                    continue
                stored.add((head, tail, label_id, who))
                rows.append(_row(relation, pending.doc_id, head, tail, label_id, who, self.stamp))
        for i in range(0, len(rows), _PARAMS):
            self.s.execute(insert(RelationRow.__table__), rows[i : i + _PARAMS])
        self.written += len(rows)
        self._pending.clear()

    def _stored(self, doc_ids: list[int]) -> tuple[dict[SpanKey, int], set[tuple[int, int, int, str]]]:
        """The spans (by place) and relations (by ends, label, layer) of these documents."""
        spans: dict[SpanKey, int] = {}
        relations: set[tuple[int, int, int, str]] = set()
        span_query = select(SpanRow.document_id, SpanRow.annotator, SpanRow.start, SpanRow.end, SpanRow.label_id, SpanRow.id)
        relation_query = select(RelationRow.head_id, RelationRow.tail_id, RelationRow.label_id, RelationRow.annotator)
        for i in range(0, len(doc_ids), _PARAMS):
            chunk = doc_ids[i : i + _PARAMS]
            for *key, span_id in self.s.execute(span_query.where(SpanRow.document_id.in_(chunk))):
                spans[tuple(key)] = span_id
            relations.update(tuple(row) for row in self.s.execute(relation_query.where(RelationRow.document_id.in_(chunk))))
        return spans, relations


def _check_one(relation: Relation, own: set[int]) -> None:
    if id(relation.head) not in own or id(relation.tail) not in own:
        raise AnnotationError("an end is not one of the record's spans")
    relation.check()
    if relation.head.annotator != relation.tail.annotator:
        raise AnnotationError(f"its ends are in two layers ({relation.head.annotator or 'yours'}, {relation.tail.annotator or 'yours'})")
    if relation.annotator and relation.annotator != relation.head.annotator:
        raise AnnotationError(f"it is {relation.annotator}'s but its ends are in the layer {relation.head.annotator or 'yours'}")


def _row(relation: Relation, doc_id: int, head: int, tail: int, label_id: int, who: str, stamp: str) -> dict:
    return {"document_id": doc_id, "head_id": head, "tail_id": tail, "label_id": label_id, "source": Source(relation.source).value,
            "state": State(relation.state).value, "note": relation.note, "annotator": who, "provenance": relation.provenance,
            "created_at": stamp, "updated_at": stamp}

