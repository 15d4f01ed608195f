"""Relations in a DocBin: ``doc.user_data["relations"]``, JSON-safe, one map per relation:
``{"head": [start, end, "LABEL"], "child": [start, end, "LABEL"], "label", "source"?, "state"?,
"note"?, "annotator"?}`` (character offsets of the ends, end exclusive; ``[start, end]`` without
the span label is read too, and names the first span on those characters)."""

from __future__ import annotations

from typing import Any

from annotator.core.limits import json_kind
from annotator.core.model import AnnotationError, Relation, Span
from annotator.formats.relation_records import RelationRules, build_relation, relation_fields


def read_relations(items, spans: list[Span], mapper, rules: RelationRules) -> tuple[list, list[str]]:
    """The relations of ``user_data["relations"]`` onto the document's spans, a message per bad one."""
    at = {}
    for span in spans:
        at.setdefault((span.start, span.end), []).append(span)
    relations, errors = [], []
    for i, item in enumerate(items, 1):
        try:
            if not isinstance(item, dict):
                raise AnnotationError(f"must be a map with head, child and label, got {json_kind(item)}")
            head, tail = (_end(item.get(key), key, at, mapper) for key in ("head", "child"))
            relations.append(build_relation(head, tail, item.get("label"), rules, item))
        except AnnotationError as error:
            errors.append(f"relation #{i}: {error}")
    return relations, errors


def _end(value: Any, key: str, at: dict, mapper) -> Span:
    """The span at ``[start, end]`` or ``[start, end, label]`` (character offsets)."""
    if not (isinstance(value, (list, tuple)) and len(value) in (2, 3) and all(isinstance(v, int) and not isinstance(v, bool) for v in value[:2])):
        raise AnnotationError(f"{key} must be [start, end] or [start, end, label], got {value!r}")
    start, end = (mapper(v) for v in value[:2]) if mapper else value[:2]
    found = [span for span in at.get((start, end), []) if len(value) == 2 or span.label == value[2]]
    if not found:
        raise AnnotationError(f"{key} {list(value)} is not a span of the document (a dangling end)")
    return found[0]


def relation_data(relation: Relation) -> dict[str, Any]:
    ends = {key: [sp.start, sp.end, sp.label] for key, sp in (("head", relation.head), ("child", relation.tail))}
    return {**ends, "label": relation.label, **relation_fields(relation)}
