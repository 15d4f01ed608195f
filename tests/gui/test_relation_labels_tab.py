"""The labels dialog's Relations tab: add, name, key, directed, allowed ends; stored at once,
and the window's picker uses them at once."""

from types import SimpleNamespace

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from annotator.core.model import RelationLabel, Span
from annotator.gui.relation_labels_tab import DIRECTED, HEADS, HOTKEY, NAME
from tests.gui.helpers import keys
from tests.gui.test_labels_dialog import edit_cell as labels_dialog_edit_cell

Key, Mod = Qt.Key, Qt.KeyboardModifier
TEXT = "Angela Merkel met Emmanuel Macron in Berlin."


def edit_cell(qtbot, table, row, column, text):
    labels_dialog_edit_cell(qtbot, SimpleNamespace(table=table), row, column, text)


def test_add_a_relation_label_and_draw_one_with_it(open_window, store_factory, qtbot):
    store = store_factory([("Merkel", TEXT, [Span(0, 13, "PERSON"), Span(18, 33, "PERSON"), Span(37, 43, "GPE")])])
    window = open_window(store)
    keys(window.view, (Key.Key_L, Mod.ControlModifier))
    dialog = window.labels_dialog
    dialog.tabs.setCurrentWidget(dialog.relations)
    add = next(b for b in dialog.findChildren(QPushButton) if b.text() == "Add relation label")
    qtbot.mouseClick(add, Qt.MouseButton.LeftButton)
    table = dialog.relations.table
    edit_cell(qtbot, table, 0, NAME, "met")
    edit_cell(qtbot, table, 0, HOTKEY, "x")
    edit_cell(qtbot, table, 0, HEADS, "PERSON")
    table.item(0, DIRECTED).setCheckState(Qt.CheckState.Unchecked)
    assert store.relation_labels() == [RelationLabel("met", store.relation_labels()[0].color, "x", "", False, ("PERSON",), ())]
    dialog.close()
    keys(window.view, Key.Key_BracketRight, (Key.Key_R, Mod.ControlModifier), Key.Key_BracketRight, Key.Key_Return)
    keys(window.relations.maker.picker.filter, "x")
    assert [(r.label, r.head.start, r.tail.start) for r in store.relations(1)] == [("met", 0, 18)]


def test_a_refused_change_says_why_and_keeps_the_stored_label(open_window, store_factory, qtbot):
    store = store_factory([("Merkel", TEXT, [])])
    store.save_relation_labels([RelationLabel("met", "#1971c2", "m"), RelationLabel("visited", "#2f9e44", "v")])
    window = open_window(store)
    keys(window.view, (Key.Key_L, Mod.ControlModifier))
    tab = window.labels_dialog.relations
    window.labels_dialog.tabs.setCurrentWidget(tab)
    edit_cell(qtbot, tab.table, 1, NAME, "met")  # a name taken
    assert tab.error.text()
    assert [label.name for label in store.relation_labels()] == ["met", "visited"]
