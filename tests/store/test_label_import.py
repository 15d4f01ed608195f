"""Store.save_labels in one pass (issue 16): the same result as saving one label at a time.

The reference is the code save_labels had before: per label, a lookup by name, a
max(position) query for a new one, and an UPDATE taking its hotkey from any other label.
"""

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from annotator.core.model import AnnotationError, Label
from annotator.store import Store
from annotator.store.schema import LabelRow

NAMES = [f"L{i}" for i in range(12)] + ["PERSON", "ORG", "GPE"]  # some of the default scheme's too
KEYS = "abcdefgp"
COLORS = ["#112233", "#a6cee3", "#fdbf6f"]


def one_at_a_time(store: Store, labels: list[Label]) -> None:
    """The former Store.save_labels: quadratic, but the semantics to keep."""
    with store._write() as s:
        for label in labels:
            _old_upsert(s, label, label.name)


def _old_upsert(s: Session, label: Label, old_name: str) -> None:
    row = s.execute(select(LabelRow).where(LabelRow.name == old_name)).scalar_one_or_none()
    if row is None:
        position = s.execute(select(func.coalesce(func.max(LabelRow.position), -1))).scalar_one() + 1
        row = LabelRow(name=label.name, position=position)
        s.add(row)
    if label.hotkey:
        s.execute(update(LabelRow).where(LabelRow.hotkey == label.hotkey, LabelRow.name != old_name).values(hotkey=None))
    row.name, row.color, row.hotkey, row.description = label.name, label.color, label.hotkey, label.description
    s.flush()


def table(store: Store) -> list[tuple]:
    with store._read() as s:
        rows = s.execute(select(LabelRow.name, LabelRow.color, LabelRow.hotkey, LabelRow.description, LabelRow.position).order_by(LabelRow.position, LabelRow.name))
        return [tuple(r) for r in rows]


labels_strategy = st.lists(
    st.builds(Label, st.sampled_from(NAMES), st.sampled_from(COLORS), st.one_of(st.none(), st.sampled_from(KEYS)), st.sampled_from(["", "d"])),
    max_size=25,
)


@settings(max_examples=60, deadline=None)
@given(first=labels_strategy, second=labels_strategy)
def test_save_labels_gives_what_one_label_at_a_time_gave(tmp_path_factory, first, second):
    folder = tmp_path_factory.mktemp("labels")
    with Store(folder / "new.db") as new, Store(folder / "old.db") as old:
        for batch in (first, second):  # a second import over the first: updates, hotkeys moving, appends
            new.save_labels(batch)
            one_at_a_time(old, batch)
            assert table(new) == table(old)


def test_import_of_many_labels_matches_the_reference(tmp_path):
    rng = random.Random(16)
    keys = "abcdefghijklmnopqrstuvwxyz0123456789"
    batch = [Label(f"LABEL_{rng.randrange(4000)}", rng.choice(COLORS), rng.choice(keys) if rng.random() < 0.4 else None) for _ in range(3000)]
    batch = list({label.name: label for label in batch}.values())  # a scheme file names each label once
    with Store(tmp_path / "new.db") as new, Store(tmp_path / "old.db") as old:
        new.save_labels(batch)
        one_at_a_time(old, batch)
        assert table(new) == table(old)
        assert len({row[2] for row in table(new) if row[2]}) == len([row for row in table(new) if row[2]])  # hotkeys unique


def test_save_labels_is_a_few_statements_not_a_few_per_label(tmp_path):
    """Behaviour, not timing: the number of statements does not grow with the labels."""
    from sqlalchemy import event

    counts = []
    for n in (10, 1000):
        with Store(tmp_path / f"{n}.db") as store:
            store.save_labels([Label(f"OLD{i}", hotkey="xyz"[i]) for i in range(3)])  # hotkeys to move
            statements = []
            listener = lambda *args: statements.append(args[2])  # noqa: E731 - (conn, cursor, statement, ...)
            event.listen(store.engine, "before_cursor_execute", listener)
            try:
                store.save_labels([Label(f"N{n}_{i}", hotkey="xyz"[i % 3] if i % 7 == 0 else None) for i in range(n)])
            finally:
                event.remove(store.engine, "before_cursor_execute", listener)
            counts.append(len(statements))
    assert counts[1] == counts[0]


def test_renaming_onto_another_label_is_refused_and_changes_nothing(store):
    before = table(store)
    with pytest.raises(AnnotationError):
        store.save_label(Label("ORG", "#123456"), old_name="PERSON")
    assert table(store) == before


def test_a_label_created_for_a_span_takes_a_palette_colour_and_the_next_position(store):
    from annotator.core.labels import palette_color

    last = max(row[4] for row in table(store))
    with store._write() as s:
        created, ids = store._ensure_labels(s, ["ZETA", "ALPHA", "PERSON"])
    assert created == ["ALPHA", "ZETA"] and {"ALPHA", "ZETA", "PERSON"} <= ids.keys()
    rows = {row[0]: row for row in table(store)}
    assert (rows["ALPHA"][4], rows["ZETA"][4]) == (last + 1, last + 2)
    assert rows["ALPHA"][1] == palette_color(18) and rows["ZETA"][1] == palette_color(19)
