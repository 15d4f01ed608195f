"""Labels dialog: add, rename, recolour, hotkey; stored at once and shown at once."""

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication, QLineEdit, QPushButton

from annotator.gui.labels_dialog import COLOR, HOTKEY, NAME
from tests.gui.helpers import drag, keys

Key, Mod = Qt.Key, Qt.KeyboardModifier
TEXT = "Angela Merkel spoke in Berlin."


def edit_cell(qtbot, dialog, row, column, text):
    """F2 on the cell, type, Enter (keys go to the cell editor: offscreen dialogs never get focus)."""
    table = dialog.table
    table.setCurrentCell(row, column)
    keys(table, Key.Key_F2)
    (editor,) = [e for e in table.viewport().findChildren(QLineEdit) if e.isVisible()]
    keys(editor, (Key.Key_A, Mod.ControlModifier))
    qtbot.keyClicks(editor, text)
    keys(editor, Key.Key_Return)
    QApplication.processEvents()  # the delegate commits through a queued call


def open_dialog(window, qtbot):
    keys(window.view, (Key.Key_L, Mod.ControlModifier))
    return window.labels_dialog


def test_rename_and_hotkey_show_at_once(open_window, store_factory, qtbot):
    store = store_factory([("Merkel", TEXT, [])])
    window = open_window(store)
    dialog = open_dialog(window, qtbot)
    row = [label.name for label in store.labels()].index("PERSON")
    edit_cell(qtbot, dialog, row, NAME, "PER")
    edit_cell(qtbot, dialog, row, HOTKEY, "x")
    assert store.labels()[row].name == "PER"
    assert store.labels()[row].hotkey == "x"
    assert "PER" in window.palette.buttons and "PERSON" not in window.palette.buttons
    dialog.close()
    drag(window.view, 0, 3)
    keys(window.view, "x")
    assert [(s.label, TEXT[s.start : s.end]) for s in store.spans(1)] == [("PER", "Angela")]


def test_add_and_recolour(open_window, store_factory, qtbot):
    store = store_factory([("Merkel", TEXT, [])])
    window = open_window(store)
    dialog = open_dialog(window, qtbot)
    count = len(store.labels())
    add = next(b for b in dialog.findChildren(QPushButton) if b.text() == "Add label")
    qtbot.mouseClick(add, Qt.MouseButton.LeftButton)
    assert len(store.labels()) == count + 1
    assert store.labels()[-1].name in window.palette.buttons
    dialog.recolour(0, QColor("#abcdef"))
    assert store.labels()[0].color == "#abcdef"
    assert dialog.table.item(0, COLOR).text() == "#abcdef"


def test_rename_to_an_invalid_name_is_refused(open_window, store_factory, qtbot):
    store = store_factory([("Merkel", TEXT, [])])
    dialog = open_dialog(open_window(store), qtbot)
    before = store.labels()
    edit_cell(qtbot, dialog, 0, NAME, " ")
    assert store.labels() == before
    assert dialog.error.text()


def test_renaming_a_used_label_renames_the_spans_shown(open_window, store_factory, qtbot):
    from annotator.core.model import Span

    store = store_factory([("Merkel", TEXT, [Span(0, 6, "PERSON")])])
    window = open_window(store)
    dialog = open_dialog(window, qtbot)
    row = [label.name for label in store.labels()].index("PERSON")
    edit_cell(qtbot, dialog, row, NAME, "PEOPLE")
    assert [s.label for s in window.view.spans()] == ["PEOPLE"]
    assert [s.label for s in store.spans(1)] == ["PEOPLE"]


def test_delete_a_label_and_a_used_one_is_kept_with_why(open_window, store_factory, qtbot):
    from annotator.core.model import Span

    store = store_factory([("Merkel", TEXT, [Span(0, 6, "PERSON")])])
    window = open_window(store)
    dialog = open_dialog(window, qtbot)
    names = [label.name for label in store.labels()]
    unused = next(name for name in names if name != "PERSON")
    delete = next(b for b in dialog.findChildren(QPushButton) if b.text() == "Delete label")
    dialog.table.setCurrentCell(names.index("PERSON"), NAME)
    qtbot.mouseClick(delete, Qt.MouseButton.LeftButton)
    assert "'PERSON' is used by 1 spans" in dialog.error.text() and [label.name for label in store.labels()] == names
    dialog.table.setCurrentCell(names.index(unused), NAME)
    qtbot.mouseClick(delete, Qt.MouseButton.LeftButton)
    assert [label.name for label in store.labels()] == [name for name in names if name != unused]
    assert unused not in window.palette.buttons and dialog.table.rowCount() == len(names) - 1 and dialog.error.text() == ""
