"""Review > Compare annotators (issue 12): two layers shown, decisions by key into gold, undo."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialogButtonBox

from annotator.core.annotators import GOLD
from annotator.core.model import Span, State
from tests.gui.helpers import keys

Key, Mod = Qt.Key, Qt.KeyboardModifier
ALT = Mod.AltModifier
TEXT = "Angela Merkel met Emmanuel Macron in Paris on Monday."
OTHER = "Olaf Scholz flew to Rome."


def at(word: str) -> tuple[int, int]:
    start = TEXT.index(word)
    return start, start + len(word)


def layers(store) -> None:
    """alice and bob agree on Merkel; disagree on Macron's boundaries, Paris's label, and Monday (bob only)."""
    for name, spans in {
        "alice": [(at("Angela Merkel"), "PERSON"), (at("Emmanuel Macron"), "PERSON"), (at("Paris"), "GPE")],
        "bob": [(at("Angela Merkel"), "PERSON"), (at("Macron"), "PERSON"), (at("Paris"), "LOC"), (at("Monday"), "DATE")],
    }.items():
        for (start, end), label in spans:
            store.add_span(1, Span(start, end, label, annotator=name))
    store.add_span(2, Span(0, 11, "PERSON", annotator="alice"))  # Olaf Scholz
    store.add_span(2, Span(0, 4, "PERSON", annotator="bob"))  # Olaf: no agreement


def gold(store) -> list[tuple[str, str, State, str]]:
    return sorted((TEXT[s.start : s.end], s.label, s.state, s.provenance) for s in store.spans(1, annotator=GOLD))


def comparing(store_factory, open_window):
    store = store_factory([("Summit", TEXT, []), ("Trip", OTHER, []), ("Empty", "Nobody marked anything here.", [])])
    layers(store)
    window = open_window(store)
    keys(window.view, (Key.Key_C, Mod.ControlModifier | Mod.ShiftModifier))  # Review > Compare annotators…
    dialog = window.compare.dialog
    assert dialog.isVisible() and {dialog.a.itemData(i) for i in range(dialog.a.count())} == {"alice", "bob", "default"}  # gold is never offered
    dialog.a.setCurrentIndex(dialog.a.findData("alice"))
    dialog.b.setCurrentIndex(dialog.b.findData("bob"))
    QTest.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    window.view.setFocus()
    return store, window


def test_both_versions_show_and_the_keys_decide_into_gold_one_undo_step_each(store_factory, open_window):
    store, window = comparing(store_factory, open_window)
    assert store.annotator == GOLD and window.compare.panel.isVisible()
    assert window.annotator_name.button.text() == "Comparing alice | bob → gold"
    kinds = [item.kind for item in window.compare.comparison.items]
    assert kinds == ["other boundaries", "other label", "only B"]
    marks = window.compare.marks.marks()
    assert (*at("Emmanuel Macron"), "a") in marks and (*at("Macron"), "b") in marks and (*at("Angela Merkel"), "agreed") in marks
    assert window.compare.panel.list.count() == 3

    keys(window.view, (Key.Key_1, ALT))  # caret at 0: the first disagreement after it, Macron; alice's version
    assert gold(store) == [("Emmanuel Macron", "PERSON", State.ACCEPTED, "adjudicated by default: A"), ("Macron", "PERSON", State.REJECTED, "adjudicated by default: A")]
    assert window.view.caret() == at("Paris")[0]  # on to the next
    keys(window.view, (Key.Key_2, ALT))  # bob's LOC
    keys(window.view, (Key.Key_0, ALT))  # Monday: neither
    assert ("Monday", "DATE", State.REJECTED, "adjudicated by default: neither") in gold(store)
    assert ("Paris", "LOC", State.ACCEPTED, "adjudicated by default: B") in gold(store) and ("Paris", "GPE", State.REJECTED, "adjudicated by default: B") in gold(store)
    assert all(item.decided for item in window.compare.comparison.items)
    keys(window.view, (Key.Key_A, ALT))  # take all agreements
    assert ("Angela Merkel", "PERSON", State.ACCEPTED, "adjudicated by default: agreed") in gold(store)
    assert [(s.start, s.end) for s in window.view.spans() if s.state == State.ACCEPTED] == [at("Angela Merkel"), at("Emmanuel Macron"), at("Paris")]

    keys(window.view, (Key.Key_Z, Mod.ControlModifier))  # the agreements go, in one step
    assert not any(text == "Angela Merkel" for text, *_ in gold(store))
    keys(window.view, (Key.Key_Z, Mod.ControlModifier))  # then "neither" on Monday
    assert not any(text == "Monday" for text, *_ in gold(store)) and len(gold(store)) == 4
    assert [item.decided for item in window.compare.comparison.items] == [True, True, False]
    # a decided disagreement decided again: the new decision replaces the old, one step
    window.view.move_caret(at("Emmanuel")[0] + 2)
    keys(window.view, (Key.Key_3, ALT))
    assert [g for g in gold(store) if "Macron" in g[0]] == [("Emmanuel Macron", "PERSON", State.ACCEPTED, "adjudicated by default: both"), ("Macron", "PERSON", State.ACCEPTED, "adjudicated by default: both")]
    keys(window.view, (Key.Key_Z, Mod.ControlModifier))
    assert [g[2] for g in gold(store) if "Macron" in g[0]] == [State.ACCEPTED, State.REJECTED]
    assert store.spans(1, annotator="alice")[1].provenance == ""  # A's and B's layers are never touched
    assert len(store.spans(1, annotator="bob")) == 4

    window.compare.panel.done.click()  # stop comparing: back to the curator's layer
    assert store.annotator == "default" and not window.compare.panel.isVisible() and window.view.spans() == []


def test_the_document_list_shows_the_pairs_agreement_and_sorts_by_it(store_factory, open_window):
    store, window = comparing(store_factory, open_window)
    table, model = window.documents.table, window.documents.model
    assert not table.isColumnHidden(4)

    def column() -> list[tuple[int, str]]:
        return [(model.summary(row).id, model.data(model.index(row, 4))) for row in range(model.rowCount())]

    assert column() == [(1, f"{2 * 1 / (3 + 4):.2f}"), (2, "0.00"), (3, "—")]  # exact F1: 2 x shared / (alice's + bob's)
    header = table.horizontalHeader()
    section = QPoint(header.sectionViewportPosition(4) + 5, header.height() // 2)
    QTest.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, Mod.NoModifier, section)
    assert column() == [(2, "0.00"), (1, "0.29"), (3, "—")] and header.isSortIndicatorShown()  # lowest first, nothing to compare last
    assert window.documents.current_id() == 1  # the open document stays selected
    QTest.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, Mod.NoModifier, section)
    assert [doc_id for doc_id, _ in column()] == [1, 2, 3]
    window.compare.stop()
    assert table.isColumnHidden(4)
