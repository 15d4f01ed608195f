"""Markup in a title, text, note, label name or file name is shown as the characters typed,
in every widget: view, list, tooltips, panels, labels dialog, palette, menus, status bar,
message boxes and window title."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtGui import Qt as GuiQt
from PySide6.QtWidgets import QApplication, QLabel

from annotator.core.model import Document, Label, Span
from annotator.core.text import content_hash
from annotator.gui.article_view import tooltip_html
from annotator.store import Store
from tests.gui.helpers import click, keys
from tests.reliability.tally import TALLY

MARKUP = '<b>bold</b> <img src=x> <a href="y">z</a> &amp;'
LABEL = "<b>L&amp;</b>"
TEXT = f"Before {MARKUP} after."
PIECES = ["<b>bold</b>", "<img src=x>", '<a href="y">z</a>', "&amp;"]


def shown(text: str) -> str:
    """What Qt displays for a tooltip: it renders anything that looks like rich text."""
    if GuiQt.mightBeRichText(text):
        document = QTextDocument()
        document.setHtml(text)
        return document.toPlainText()
    return text


def button_text(text: str) -> str:
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&")  # "&&" shows one "&"


def assert_labels_plain(*widgets) -> None:
    """Every QLabel showing any of the markup says Qt.PlainText (nothing else would show it literally)."""
    for widget in widgets:
        for label in widget.findChildren(QLabel):
            if any(piece in label.text() for piece in [*PIECES, LABEL]):
                assert label.textFormat() == Qt.TextFormat.PlainText, (label.objectName(), label.text())


def marked_store(tmp_path) -> Store:
    folder = tmp_path / "<b>data&amp;<br>"
    folder.mkdir()
    store = Store(folder / "<i>corpus<i>.db")
    store.save_labels([Label(LABEL, "#a8d8ea", "x", MARKUP)])
    start = TEXT.index("<b>")
    span = Span(start, start + len("<b>bold</b>"), LABEL, note=MARKUP)
    store.add_documents([(Document(None, MARKUP, TEXT, content_hash=content_hash(TEXT), note=MARKUP), [span])])
    return store


def test_markup_is_literal_everywhere(open_window, tmp_path, qtbot):
    store = marked_store(tmp_path)
    window = open_window(store)
    view, start = window.view, TEXT.index("<b>")
    assert view.toPlainText() == TEXT
    assert window.title.text() == MARKUP and window.title.textFormat() == Qt.TextFormat.PlainText
    assert "<i>corpus<i>.db" in window.windowTitle()  # window titles are never rich text
    model = window.documents.model
    assert model.data(model.index(0, 0)) == MARKUP
    assert shown(model.data(model.index(0, 0), Qt.ItemDataRole.ToolTipRole)) == f"#1 {MARKUP}"
    assert shown(tooltip_html(store.spans(1))).count(MARKUP) == 1 and LABEL in shown(tooltip_html(store.spans(1)))
    button = window.palette.buttons[LABEL]
    name_shown = button_text(button.text()).rsplit("   ", 1)[0]  # literally, elided to the button's width if need be
    assert button.full_text().startswith(LABEL) and (name_shown == LABEL or (name_shown.endswith("…") and LABEL.startswith(name_shown[:-1])))
    assert LABEL in shown(button.toolTip()) and MARKUP in shown(button.toolTip())
    click(view, start + 3)
    panel = window.span_panel
    assert "<b>bold</b>" in panel.text.text() and panel.note.toPlainText() == MARKUP
    assert panel.label.currentText() == LABEL
    assert window.document_panel.note.toPlainText() == MARKUP
    keys(view, "p", "x")  # relabel to PERSON, then back with the marked-up label's key
    assert [s.label for s in store.spans(1)] == [LABEL]
    assert button_text(window.undo_action.text()) == f"Undo Relabel as {LABEL}"  # "&" is no mnemonic
    keys(view, (Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier))
    assert button_text(window.redo_action.text()) == f"Redo Relabel as {LABEL}"
    window.edit_labels()
    dialog = window.labels_dialog
    names = [dialog.table.item(row, 0).text() for row in range(dialog.table.rowCount())]
    assert LABEL in names
    assert_labels_plain(window, dialog)
    dialog.close()
    TALLY["inputs"] += 1


def test_markup_in_messages_and_dialogs(open_window, tmp_path, qtbot):
    store = marked_store(tmp_path)
    window = open_window(store)
    bad = tmp_path / "<b>bad<b> &amp;.jsonl"
    bad.write_text('{"text": "<a href=\'y\'>z</a>"\n')
    window.import_files([str(bad)])
    qtbot.waitUntil(lambda: not window.import_run.job.running(), timeout=30_000)
    qtbot.wait(10)
    dialog = window.import_run.problems_dialog
    assert f"{bad}:1: not valid JSON" in dialog.list.toPlainText()
    assert_labels_plain(window, dialog)
    dialog.close()  # window-modal: the window gets keys again once active
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    path = store.path
    path.rename(path.with_name("gone.db"))  # the refusal names the file, markup and all
    keys(window.view, (Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier))
    assert "<i>corpus<i>.db was deleted" in window.statusBar().currentMessage()  # QStatusBar draws plain text
    assert "<b>data&amp;<br>" in window.unsaved_banner.text.text()
    assert_labels_plain(window)
    assert QApplication.activeModalWidget() is None  # a banner, not a box per keystroke
    window.unsaved_banner.discard.click()
    window.close()
    store.close()
    TALLY["inputs"] += 1
