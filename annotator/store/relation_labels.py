"""Relation labels of the scheme: read, saved (a scheme import, the scheme dialog), deleted
(a Store mixin). The entity labels allowed at each end are stored by id, so renaming an entity
label renames it here too; an entity label named at an end cannot be deleted."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from annotator.core.model import AnnotationError, Label, RelationLabel
from annotator.store.schema import LabelRow, RelationLabelEndRow, RelationLabelRow, RelationRow

ENDS = ("head", "tail")


def relation_label_ids(s: Session) -> dict[str, int]:
    return dict(s.execute(select(RelationLabelRow.name, RelationLabelRow.id)).all())


def read_relation_labels(s: Session, names: Iterable[str] | None = None) -> dict[str, RelationLabel]:
    """Relation labels by name, in scheme order (two queries: the labels, then every end)."""
    query = select(RelationLabelRow).order_by(RelationLabelRow.position, RelationLabelRow.name)
    if names is not None:
        query = query.where(RelationLabelRow.name.in_(list(names)))
    rows = list(s.execute(query).scalars())
    ends: dict[tuple[int, str], list[str]] = {}
    end_rows = (
        select(RelationLabelEndRow.relation_label_id, RelationLabelEndRow.end, LabelRow.name)
        .join(LabelRow, LabelRow.id == RelationLabelEndRow.label_id)
        .where(RelationLabelEndRow.relation_label_id.in_([r.id for r in rows]))
        .order_by(LabelRow.position, LabelRow.name)
    )
    for label_id, end, name in s.execute(end_rows):
        ends.setdefault((label_id, end), []).append(name)
    return {
        r.name: RelationLabel(r.name, r.color, r.hotkey, r.description, bool(r.directed), tuple(ends.get((r.id, "head"), ())),
                              tuple(ends.get((r.id, "tail"), ())))
        for r in rows
    }


class RelationLabels:
    """Mixed into Store; uses its ``_read``/``_write`` sessions and ``_ensure_labels``."""

    def relation_labels(self) -> list[RelationLabel]:
        with self._read() as s:
            return list(self._relation_labels(s).values())

    def _relation_labels(self, s: Session, names: Iterable[str] | None = None) -> dict[str, RelationLabel]:
        return read_relation_labels(s, names)

    def _relation_label_ids(self, s: Session) -> dict[str, int]:
        return relation_label_ids(s)

    def save_relation_labels(self, labels: Iterable[RelationLabel]) -> None:
        """Insert or update relation labels by name, in order; a hotkey moves to the label that
        claims it last; entity labels named at the ends that do not exist yet are created."""
        with self._write() as s:
            for label in labels:
                self._upsert_relation_label(s, label, label.name)

    def save_scheme(self, labels: Iterable[Label], relation_labels: Iterable[RelationLabel] = ()) -> None:
        """A scheme import: entity labels, then relation labels (their ends name entity labels),
        in one transaction: all of it or nothing (each saved as save_labels / save_relation_labels do)."""
        with self._write() as s:
            self._upsert_labels(s, [(label, label.name) for label in labels])
            for label in relation_labels:
                self._upsert_relation_label(s, label, label.name)

    def save_relation_label(self, label: RelationLabel, old_name: str | None = None) -> None:
        """Create a relation label, or update the one called ``old_name`` (renaming it)."""
        with self._write() as s:
            if old_name is not None and old_name != label.name and old_name not in self._relation_label_ids(s):
                raise AnnotationError(f"no relation label {old_name!r}")
            self._upsert_relation_label(s, label, old_name or label.name)

    def _upsert_relation_label(self, s: Session, label: RelationLabel, old_name: str) -> int:
        table = RelationLabelRow.__table__
        ids = self._relation_label_ids(s)
        if label.name != old_name and label.name in ids:
            raise AnnotationError(f"a relation label named {label.name!r} already exists")
        if label.hotkey:  # taken from whichever other relation label held it
            s.execute(update(table).where(table.c.hotkey == label.hotkey, table.c.name != old_name).values(hotkey=None))
        values = {"name": label.name, "color": label.color, "hotkey": label.hotkey, "description": label.description, "directed": label.directed}
        label_id = ids.get(old_name)
        if label_id is None:
            position = s.execute(select(func.coalesce(func.max(table.c.position), -1))).scalar_one() + 1
            label_id = s.execute(insert(table).values(**values, position=position)).inserted_primary_key[0]
        else:
            s.execute(update(table).where(table.c.id == label_id).values(**values))
            s.execute(delete(RelationLabelEndRow).where(RelationLabelEndRow.relation_label_id == label_id))
        entity_ids = self._ensure_labels(s, [*label.heads, *label.tails])[1]
        ends = [{"relation_label_id": label_id, "end": end, "label_id": entity_ids[name]}
                for end, names in zip(ENDS, (label.heads, label.tails)) for name in names]
        if ends:
            s.execute(insert(RelationLabelEndRow.__table__), ends)
        return label_id

    def delete_relation_label(self, name: str) -> None:
        """Delete an unused relation label (refused, with the count, while relations use it)."""
        with self._write() as s:
            label_id = self._relation_label_ids(s).get(name)
            if label_id is None:
                raise AnnotationError(f"no relation label {name!r}")
            used = s.execute(select(func.count()).where(RelationRow.label_id == label_id)).scalar_one()
            if used:
                raise AnnotationError(f"relation label {name!r} is used by {used} relations; relabel or delete them first")
            s.execute(delete(RelationLabelRow).where(RelationLabelRow.id == label_id))

    def _relation_ends_using(self, s: Session, label_id: int) -> list[str]:
        """The relation labels that allow the entity label ``label_id`` at an end (refuse its delete)."""
        query = (
            select(RelationLabelRow.name).distinct()
            .join(RelationLabelEndRow, RelationLabelEndRow.relation_label_id == RelationLabelRow.id)
            .where(RelationLabelEndRow.label_id == label_id)
            .order_by(RelationLabelRow.name)
        )
        return list(s.execute(query).scalars())
