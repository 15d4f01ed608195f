"""The annotator's name in the window (issue 12): asked on first start, shown, changed later."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from annotator import identity
from annotator.core.model import Span
from annotator.gui.annotator_name import NameDialog

TEXT = "Angela Merkel met Emmanuel Macron in Paris."
SPANS = [Span(0, 13, "PERSON"), Span(37, 42, "GPE")]


def first_start(window, monkeypatch) -> tuple[NameDialog, list[str]]:
    """The question of a first start (no saved name, no ANNOTATOR_NAME), with the login name "kim"."""
    monkeypatch.delenv("ANNOTATOR_NAME")
    monkeypatch.setenv("LOGNAME", "kim")
    settled: list[str] = []
    assert window.annotator_name.first_start(then=lambda: settled.append("then"))
    dialog = window.annotator_name.dialog
    assert dialog.isVisible() and dialog.edit.text() == "kim"
    return dialog, settled


def type_name(dialog: NameDialog, name: str) -> None:
    dialog.edit.setFocus()
    dialog.edit.selectAll()
    QTest.keyClicks(dialog.edit, name)


def test_first_start_asks_the_name_and_takes_over_the_old_spans(store_factory, open_window, monkeypatch):
    store = store_factory([("Summit", TEXT, SPANS)])
    window = open_window(store)
    dialog, settled = first_start(window, monkeypatch)
    assert dialog.take.isChecked() and "2 spans made before names were recorded" in dialog.take.text()
    type_name(dialog, "  Alice   Smith ")
    QTest.keyClick(dialog.edit, Qt.Key.Key_Return)
    assert not dialog.isVisible() and settled == ["then"]
    assert identity.saved_name() == "Alice Smith" and store.annotator == "Alice Smith"
    assert store.layers_with_spans() == ["Alice Smith"]  # renamed, not copied
    assert [(s.start, s.end, s.annotator) for s in store.spans(1)] == [(0, 13, "Alice Smith"), (37, 42, "Alice Smith")]
    assert len(window.view.spans()) == 2
    assert window.annotator_name.button.text() == "Annotator: Alice Smith"


def test_a_new_name_can_leave_the_old_spans_where_they_are(store_factory, open_window, monkeypatch):
    store = store_factory([("Summit", TEXT, SPANS)])
    window = open_window(store)
    dialog, _ = first_start(window, monkeypatch)
    QTest.mouseClick(dialog.take, Qt.MouseButton.LeftButton)
    assert not dialog.take.isChecked()
    QTest.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    assert store.annotator == "kim" and identity.saved_name() == "kim"
    assert store.layers_with_spans() == ["default"]
    assert window.view.spans() == []  # kim's layer is empty


def test_cancel_keeps_the_default_layer_and_asks_again_next_time(store_factory, open_window, monkeypatch):
    window = open_window(store_factory([("Summit", TEXT, SPANS)]))
    dialog, settled = first_start(window, monkeypatch)
    QTest.keyClick(dialog.edit, Qt.Key.Key_Escape)
    assert settled == ["then"] and identity.saved_name() is None and window.store.annotator == "default"


def test_an_empty_name_cannot_be_confirmed(store_factory, open_window, monkeypatch):
    window = open_window(store_factory([("Summit", TEXT, SPANS)]))
    dialog, _ = first_start(window, monkeypatch)
    type_name(dialog, "   ")
    assert not dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled()
    assert dialog.problem.text() == "Type a name."


def test_a_named_annotator_is_not_asked(store_factory, open_window):
    window = open_window(store_factory([("Summit", TEXT, SPANS)]))  # ANNOTATOR_NAME is set by conftest
    settled = []
    assert not window.annotator_name.first_start(then=lambda: settled.append("then"))
    assert settled == ["then"] and window.annotator_name.dialog is None


def test_the_name_changes_from_the_file_menu_and_the_window_shows_that_layer(store_factory, open_window, monkeypatch):
    store = store_factory([("Summit", TEXT, [])])
    store.add_span(1, Span(18, 33, "PERSON", annotator="Bob"))
    window = open_window(store)
    assert window.view.spans() == [] and window.annotator_name.button.text() == "Annotator: default"
    window.annotator_name.action.trigger()  # File > Annotator…
    dialog = window.annotator_name.dialog
    assert dialog.take.isHidden()  # Bob's layer has spans: nothing to take over
    type_name(dialog, "BOB")  # the same annotator as Bob
    QTest.keyClick(dialog.edit, Qt.Key.Key_Return)
    assert store.annotator == "Bob" and identity.saved_name() == "Bob"
    assert [(s.start, s.end) for s in window.view.spans()] == [(18, 33)]
    assert window.annotator_name.button.text() == "Annotator: Bob"
    QTest.mouseClick(window.annotator_name.button, Qt.MouseButton.LeftButton)  # the name in the status bar
    assert window.annotator_name.dialog.isVisible() and window.annotator_name.dialog.edit.text() == "Bob"
    QApplication.processEvents()
