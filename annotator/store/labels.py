"""The label scheme: read, saved in bulk (a scheme import), created on first use, deleted (a Store mixin)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import bindparam, delete, func, insert, select, update
from sqlalchemy.orm import Session

from annotator.core.labels import palette_color
from annotator.core.model import AnnotationError, Label
from annotator.store.schema import LabelRow, SpanRow


@dataclass(slots=True)
class _LabelState:
    """A label row as save_labels works it out before writing (id None: not stored yet)."""

    id: int | None
    name: str
    color: str
    hotkey: str | None
    description: str
    position: int = 0


class Labels:
    """Mixed into Store; uses its ``_read``/``_write`` sessions."""

    def labels(self) -> list[Label]:
        with self._read() as s:
            rows = s.execute(select(LabelRow).order_by(LabelRow.position, LabelRow.name)).scalars()
            return [Label(r.name, r.color, r.hotkey, r.description) for r in rows]

    def _label_ids(self, s: Session) -> dict[str, int]:
        return dict(s.execute(select(LabelRow.name, LabelRow.id)).all())

    def save_labels(self, labels: Iterable[Label]) -> None:
        """Insert or update labels by name (the scheme import and the first run), in one pass.

        Labels are taken in order: an existing one is updated, a new one appended after the
        last position; a hotkey moves to the label that claims it last. A handful of bulk
        statements, whatever the number of labels (100,000 labels: under a second).
        """
        with self._write() as s:
            self._upsert_labels(s, [(label, label.name) for label in labels])

    def save_label(self, label: Label, old_name: str | None = None) -> None:
        """Create a label, or update the one called ``old_name`` (renaming it)."""
        with self._write() as s:
            self._upsert_labels(s, [(label, old_name or label.name)])

    def _upsert_label(self, s: Session, label: Label, old_name: str) -> None:
        self._upsert_labels(s, [(label, old_name)])

    def _upsert_labels(self, s: Session, changes: list[tuple[Label, str]]) -> None:
        """Apply ``(label, name it has now)`` changes in order, as one label at a time would:
        the final state is worked out in memory from one read of the table, then written with
        one UPDATE (executemany) of the hotkeys that move, one of the changed rows and one
        INSERT of the new ones (not a max(position) query and a hotkey UPDATE per label)."""
        if not changes:
            return
        table = LabelRow.__table__
        rows = {r.name: _LabelState(r.id, r.name, r.color, r.hotkey, r.description) for r in s.execute(select(table))}
        held = {st.hotkey: st for st in rows.values() if st.hotkey}
        was = {st.id: st.hotkey for st in rows.values()}
        position = s.execute(select(func.coalesce(func.max(LabelRow.position), -1))).scalar_one() + 1
        changed: dict[int, _LabelState] = {}
        created: list[_LabelState] = []
        for label, old_name in changes:
            state = rows.get(old_name)
            if state is None:
                if label.name in rows:
                    raise AnnotationError(f"refused by the database: a label named {label.name!r} already exists")
                state = rows[label.name] = _LabelState(None, label.name, label.color, None, label.description, position)
                position += 1
                created.append(state)
            elif state.id is not None:
                changed[state.id] = state
            if label.hotkey and held.get(label.hotkey, state) is not state:  # a hotkey moves to the label that claims it last
                owner = held[label.hotkey]
                owner.hotkey = None
                if owner.id is not None:
                    changed[owner.id] = owner
            if label.name != state.name:
                if label.name in rows:
                    raise AnnotationError(f"refused by the database: a label named {label.name!r} already exists")
                del rows[state.name]
            if state.hotkey and held.get(state.hotkey) is state:
                del held[state.hotkey]
            state.name, state.color, state.hotkey, state.description = label.name, label.color, label.hotkey, label.description
            rows[state.name] = state
            if state.hotkey:
                held[state.hotkey] = state
        # Hotkeys that move are cleared first, so that no statement ever sees one twice.
        moved = [{"b_id": i} for i, st in changed.items() if was[i] and was[i] != st.hotkey]
        if moved:
            s.execute(update(table).where(table.c.id == bindparam("b_id")).values(hotkey=None), moved)
        if changed:
            values = [{"b_id": i, "name": st.name, "color": st.color, "hotkey": st.hotkey, "description": st.description} for i, st in changed.items()]
            s.execute(update(table).where(table.c.id == bindparam("b_id")), values)
        if created:
            s.execute(insert(table), [{"name": st.name, "color": st.color, "hotkey": st.hotkey, "description": st.description, "position": st.position} for st in created])

    def _ensure_labels(self, s: Session, names: Iterable[str]) -> tuple[list[str], dict[str, int]]:
        """Create the missing labels (palette colours); returns their names and every label's id."""
        known = self._label_ids(s)
        created = sorted(set(names) - known.keys())
        self._upsert_labels(s, [(Label(name, palette_color(len(known) + i)), name) for i, name in enumerate(created)])
        return created, (self._label_ids(s) if created else known)

    def delete_label(self, name: str) -> None:
        with self._write() as s:
            label_id = self._label_ids(s).get(name)
            if label_id is None:
                raise AnnotationError(f"no label {name!r}")
            used = s.execute(select(func.count()).where(SpanRow.label_id == label_id)).scalar_one()
            if used:
                raise AnnotationError(f"label {name!r} is used by {used} spans; relabel or delete them first")
            if relations := self._relation_ends_using(s, label_id):
                raise AnnotationError(f"label {name!r} is allowed at an end of the relation label(s) {', '.join(relations)}; edit those first")
            s.execute(delete(LabelRow).where(LabelRow.id == label_id))
