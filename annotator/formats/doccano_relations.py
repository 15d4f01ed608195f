"""doccano's relation form: ``{"text", "entities": [{"id","start_offset","end_offset","label"}],
"relations": [{"id","from_id","to_id","type"}]}`` (a "Relation extraction" project's export).

Entity ids are doccano's database ids, unique in the whole export: a ``from_id``/``to_id`` that
names an entity of another record is refused as a relation across documents (named with that
record), one naming no entity at all as a dangling end. Our exports number entities and
relations from 1 through the file, and write a relation's note, source and state as extra
keys of its object (doccano ignores them).
"""

from __future__ import annotations

from typing import Any

from annotator.core.model import AnnotationError, Document, Relation, Span
from annotator.formats.records import ExportLog, json_type
from annotator.formats.relation_records import RelationRules, build_relation, relation_fields, written_relations


class EntityIds:
    """Which record of the file holds each entity id seen so far (ids are file-wide in doccano)."""

    def __init__(self) -> None:
        self.owner: dict[Any, str] = {}

    def add(self, ids: dict[Any, Span], text: str) -> None:
        where = " ".join(text[:40].split())
        for key in ids:
            self.owner.setdefault(key, where)

    def dangling(self, key: Any, field: str) -> AnnotationError:
        if key in self.owner:
            return AnnotationError(f"{field} {key!r} is an entity of another record ({self.owner[key]!r}...): a relation links spans of one document")
        return AnnotationError(f"{field} {key!r} names no entity of this record")


def read_relations(raw: list, ids: dict[Any, Span], seen: EntityIds, rules: RelationRules) -> tuple[list[Relation], list[str]]:
    """The relations of a record whose entities are ``ids``, and a message per bad one."""
    relations, errors = [], []
    for number, item in enumerate(raw, 1):
        try:
            if not isinstance(item, dict):
                raise AnnotationError(f"must be an object with from_id, to_id and type, got {json_type(item)}")
            head, tail = (_end(item, field, ids, seen) for field in ("from_id", "to_id"))
            relations.append(build_relation(head, tail, item.get("type"), rules, item))
        except AnnotationError as error:
            errors.append(f"relation #{number}: {error}")
    return relations, errors


def _end(item: dict, field: str, ids: dict[Any, Span], seen: EntityIds) -> Span:
    key = item.get(field)
    if key is None:
        raise AnnotationError(f"missing {field!r}")
    if key not in ids:
        raise seen.dangling(key, field)
    return ids[key]


# -- writing ------------------------------------------------------------------


class Numbering:
    """Entity and relation ids, running through the file as doccano's database ids do."""

    def __init__(self) -> None:
        self.entities = self.relations = 0

    def record(self, doc: Document, spans: list[Span], log: ExportLog | None) -> dict[str, Any]:
        first = self.entities + 1
        entities = [{"id": first + i, "label": sp.label, "start_offset": sp.start, "end_offset": sp.end} for i, sp in enumerate(spans)]
        self.entities += len(spans)
        relations = []
        for relation, head, tail in written_relations(doc, spans, log if log is not None else ExportLog("")):
            self.relations += 1
            fields = {k: v for k, v in relation_fields(relation).items() if k != "annotator"}  # the file names the layer
            relations.append({"id": self.relations, "from_id": first + head, "to_id": first + tail, "type": relation.label, **fields})
        return {"entities": entities, "relations": relations}
