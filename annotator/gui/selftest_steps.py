"""The self-test's window steps (see annotator/selftest.py): Qt lives only in annotator.gui.

They drive the real MainWindow the way a user does: the selection is set in the
article view and the label's hotkey arrives as a key event, so the tag goes through
ArticleView -> Editor -> undo command -> Store, exactly as in the app.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QSettings, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication

from annotator.core.model import Span
from annotator.gui.app import make_application
from annotator.gui.main_window import MainWindow
from annotator.selftest_checks import SelfTestError, check, expect_tagged


class WindowCheck:
    def __init__(self, app: QApplication, window: MainWindow, doc_id: int) -> None:
        self.app, self.window, self.doc_id = app, window, doc_id
        self.tokens = 0

    @classmethod
    def open(cls, store, doc_id: int, settings_file: Path) -> WindowCheck:
        """Show the main window with ``doc_id`` open; settings go to ``settings_file`` only."""
        app = make_application([])
        settings = QSettings(str(settings_file), QSettings.Format.IniFormat)
        settings.setValue("lastDocument", doc_id)  # the window reopens the last document
        window = MainWindow(store, settings)
        window.show()
        app.processEvents()
        opened = window.editor.document
        check(window.isVisible(), "the main window did not show")
        check(opened is not None and opened.id == doc_id, f"the window opened document {opened and opened.id}, expected {doc_id}")
        self = cls(app, window, doc_id)
        # Token boundaries (caret moves, snapping) need spaCy's English tokenizer in the build.
        self.tokens = len(window.tokens.get(doc_id, opened.text))
        check(self.tokens > 0, "spaCy's tokenizer found no tokens in the article")
        return self

    def tag(self, start: int, end: int) -> tuple[Span, str]:
        """Select [start, end) in the view and press the first label's hotkey."""
        label = next((l for l in self.window.store.labels() if l.hotkey), None)
        check(label is not None, "no label has a hotkey")
        view = self.window.view
        view.setFocus()
        view.select(start, end)
        check(view.selection() == (start, end), f"the view selected {view.selection()}, expected ({start}, {end})")
        self._press(label.hotkey)
        span = expect_tagged(self.window.store.spans(self.doc_id), start, end, label.name)
        check(span in view.spans(), "the new span is stored but the view does not show it")
        return span, f"with its hotkey {label.hotkey!r}"

    def undo_redo(self, span: Span) -> None:
        group = self.window.editor.undo_group  # what Edit > Undo / Redo and Ctrl+Z call
        check(group.canUndo(), "nothing to undo after tagging")
        group.undo()
        ids = {s.id for s in self.window.store.spans(self.doc_id)}
        check(span.id not in ids, "undo did not remove the span from the database")
        check(span.id not in {s.id for s in self.window.view.spans()}, "undo did not remove the span from the view")
        group.redo()
        again = expect_tagged(self.window.store.spans(self.doc_id), span.start, span.end, span.label)
        check(again in self.window.view.spans(), "redo restored the span in the database but not in the view")

    def _press(self, text: str) -> None:
        key = Qt.Key(ord(text.upper())) if len(text) == 1 else None
        if key is None:
            raise SelfTestError(f"hotkey {text!r} is not a single key")
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(self.window.view, QKeyEvent(kind, key, Qt.KeyboardModifier.NoModifier, text))
        self.app.processEvents()

    def close(self) -> None:
        self.window.close()  # saves geometry into the temporary settings file, stops the token thread
        self.window.deleteLater()
        self.app.processEvents()
