"""Relations of a record (issue 14): checked as the readers build them, chosen as the writers write them.

A record's relations live in ``Document.relations``; their ends are Span objects of the
record's own span list (compared by identity). A reader checks every relation against the
rules it knows (``RelationRules``): no self-loop, a known label where a label scheme was given,
end labels the relation label allows. A writer writes only relations whose two ends it writes,
and reports every other one (``written_relations``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from annotator.core.model import AnnotationError, Document, Relation, RelationLabel, Source, Span, State, check_label_name, check_note, check_relation_ends
from annotator.formats.records import ExportLog, LabelScheme, ReadOptions, annotator_named, describe, source_kind, source_value, state_of


@dataclass(frozen=True)
class RelationRules:
    """What a reader checks each relation against: the relation labels whose allowed ends are
    known (the database's, a scheme given, a scheme that travelled with the input), and the
    label names allowed at all (None: any; a new name is created by the import)."""

    labels: dict[str, RelationLabel]
    known: frozenset[str] | None = None

    @classmethod
    def of(cls, options: ReadOptions, scheme: LabelScheme | Any = None) -> RelationRules:
        return cls({label.name: label for label in options.relation_labels}, options.known_relations).widened(scheme)

    def widened(self, scheme: LabelScheme | Any) -> RelationRules:
        """These rules plus a travelled scheme's relation labels (which are then known too)."""
        if not isinstance(scheme, LabelScheme) or not scheme.relations:
            return self
        labels = {**self.labels, **{label.name: label for label in scheme.relations}}
        known = None if self.known is None else self.known | {label.name for label in scheme.relations}
        return RelationRules(labels, known)

    def check(self, relation: Relation) -> None:
        if relation.head is relation.tail or (relation.head.start, relation.head.end, relation.head.label) == (relation.tail.start, relation.tail.end, relation.tail.label):
            raise AnnotationError(f"relation {relation.label!r} links a span to itself")  # a repeated span is merged: the same one
        relation.check()
        if self.known is not None and relation.label not in self.known:
            raise AnnotationError(f"unknown relation label {relation.label!r} (not in the label scheme)")
        rule = self.labels.get(relation.label)
        if rule is not None:
            check_relation_ends(rule, relation.head.label, relation.tail.label)


NO_RULES = RelationRules({})


def build_relation(head: Span, tail: Span, label: Any, rules: RelationRules, raw: dict | None = None) -> Relation:
    """A checked relation; ``raw`` may give ``source`` (another tool's name is kept as provenance),
    ``state``, ``note`` and ``annotator`` as our JSON formats write them."""
    raw = raw or {}
    if not isinstance(label, str):
        raise AnnotationError(f"relation label must be a string, got {label!r}")
    source, provenance = source_kind(raw.get("source"))
    relation = Relation(
        head,
        tail,
        check_label_name(label),
        source=source,
        provenance=provenance,
        state=state_of(raw.get("state", "accepted")),
        note=check_note(raw.get("note") or "", "relation note"),
        annotator=annotator_named(raw.get("annotator"), "relation annotator"),
    )
    rules.check(relation)
    return relation


def relation_fields(relation: Relation) -> dict[str, str]:
    """What a relation carries beyond its ends and label, for the JSON formats (only what differs
    from a plain accepted human relation, like span_extras)."""
    out: dict[str, str] = {}
    if relation.source != Source.HUMAN or relation.provenance:
        out["source"] = source_value(relation)
    if relation.state != State.ACCEPTED:
        out["state"] = str(relation.state)
    if relation.note:
        out["note"] = relation.note
    if relation.annotator:
        out["annotator"] = relation.annotator
    return out


def written_relations(doc: Document, written: Iterable[Span], log: ExportLog) -> list[tuple[Relation, int, int]]:
    """Each relation of ``doc`` whose two ends are among the spans ``written`` (in that order),
    with the indices of its head and tail there; every other relation is reported to ``log``."""
    index = {id(span): i for i, span in enumerate(written)}
    kept = []
    for relation in doc.relations:
        head, tail = index.get(id(relation.head)), index.get(id(relation.tail))
        if head is None or tail is None:
            which = "head" if head is None else "tail"
            log.lost(doc, f"{describe_relation(doc.text, relation)}: its {which} span is not exported; relation not exported")
            continue
        kept.append((relation, head, tail))
    log.relations += len(kept)
    return kept


def describe_relation(text: str, relation: Relation) -> str:
    return f"relation {relation.label!r} from {describe(text, relation.head)} to {describe(text, relation.tail)}"


def ends_kept(relations: list[Relation], spans: list[Span]) -> list[Relation]:
    """The relations both of whose ends are among ``spans`` (after a filter left some spans out)."""
    kept = {id(span) for span in spans}
    return [r for r in relations if id(r.head) in kept and id(r.tail) in kept]


__all__ = ["NO_RULES", "RelationRules", "build_relation", "describe_relation", "ends_kept", "relation_fields", "written_relations"]
