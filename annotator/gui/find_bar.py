"""Ctrl+F: find text in the article; the match is selected, so a label key tags it."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent, QTextDocument
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QToolButton, QWidget

from annotator.gui.article_view import ArticleView


class FindLine(QLineEdit):
    closed = Signal()
    backwards = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        if event.key() == Qt.Key.Key_Escape:
            self.closed.emit()
        elif event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
            self.backwards.emit()
        else:
            super().keyPressEvent(event)


class FindBar(QWidget):
    def __init__(self, view: ArticleView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("findBar")
        self.view = view
        self.line = FindLine(placeholderText="Find in article (Enter: next, Shift+Enter: previous, Esc: close)")
        self.result = QLabel()
        self.result.setObjectName("hint")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.addWidget(self.line, 1)
        layout.addWidget(self.result)
        for text, slot in (("↑", lambda: self.find(False)), ("↓", lambda: self.find(True)), ("✕", self.close_bar)):
            button = QToolButton(text=text, autoRaise=True)
            button.clicked.connect(slot)
            layout.addWidget(button)
        self.line.returnPressed.connect(lambda: self.find(True))
        self.line.backwards.connect(lambda: self.find(False))
        self.line.closed.connect(self.close_bar)
        self.hide()

    def open_bar(self) -> None:
        self.show()
        cursor = self.view.textCursor()
        selected = cursor.selectedText() if cursor.selectionEnd() - cursor.selectionStart() <= 1_000 else ""  # not a whole long article
        if selected and "\u2029" not in selected:
            self.line.setText(selected)
        self.line.selectAll()
        self.line.setFocus()

    def close_bar(self) -> None:
        self.hide()
        self.view.setFocus()

    def find(self, forward: bool) -> bool:
        text = self.line.text()
        if not text:
            return False
        flags = QTextDocument.FindFlag(0) if forward else QTextDocument.FindFlag.FindBackward
        found = self.view.find(text, flags)
        if not found:  # wrap around once
            cursor = self.view.textCursor()
            cursor.movePosition(cursor.MoveOperation.Start if forward else cursor.MoveOperation.End)
            self.view.setTextCursor(cursor)
            found = self.view.find(text, flags)
        self.result.setText("" if found else "not found")
        return found
