"""The labels dialog's Relations tab: add, name, key, directed, allowed ends; stored at once,
and the window's picker uses them at once."""

from types import SimpleNamespace

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QPushButton

from annotator.core.model import RelationLabel, Span
from annotator.gui.relation_labels_tab import COLOR, DIRECTED, HEADS, HOTKEY, NAME
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


def test_recolour_and_delete_a_relation_label_and_a_used_one_is_kept_with_why(open_window, store_factory, qtbot):
    store = store_factory([("Merkel", TEXT, [Span(0, 13, "PERSON"), Span(18, 33, "PERSON")])])
    store.save_relation_labels([RelationLabel("met", "#1971c2", "m"), RelationLabel("visited", "#2f9e44", "v")])
    head, tail = store.spans(1)
    store.add_relation(head.id, tail.id, "met")
    window = open_window(store)
    keys(window.view, (Key.Key_L, Mod.ControlModifier))
    tab = window.labels_dialog.relations
    window.labels_dialog.tabs.setCurrentWidget(tab)
    tab.recolour(1, QColor("#abcdef"))
    assert store.relation_labels()[1].color == "#abcdef" and tab.table.item(1, COLOR).text() == "#abcdef"
    delete = next(b for b in tab.findChildren(QPushButton) if b.text() == "Delete relation label")
    tab.table.setCurrentCell(0, NAME)
    qtbot.mouseClick(delete, Qt.MouseButton.LeftButton)
    assert "used by 1 relation" in tab.error.text()
    assert [label.name for label in store.relation_labels()] == ["met", "visited"]
    tab.table.setCurrentCell(1, NAME)
    qtbot.mouseClick(delete, Qt.MouseButton.LeftButton)
    assert tab.error.text() == "" and [label.name for label in store.relation_labels()] == ["met"]
    assert tab.table.rowCount() == 1
