"""Real input for the article view (drag with the mouse, press keys), and Qt documents to compare offsets with."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor, QTextDocument
from PySide6.QtTest import QTest

from annotator.gui.article_view import ArticleView


def drag(view: ArticleView, start: int, end: int, modifiers=Qt.KeyboardModifier.NoModifier) -> None:
    """Press at code point ``start``, move and release at ``end``, as a user would."""
    viewport = view.viewport()
    a, b = view.point_of(start), view.point_of(end)
    QTest.mousePress(viewport, Qt.MouseButton.LeftButton, modifiers, a)
    QTest.mouseMove(viewport, b)
    QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, modifiers, b)


def click(view: ArticleView, pos: int) -> None:
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, view.point_of(pos))


def keys(widget, *presses) -> None:
    """Each press is a key, a character, or a (key, modifiers) pair."""
    for press in presses:
        key, modifiers = press if isinstance(press, tuple) else (press, Qt.KeyboardModifier.NoModifier)
        QTest.keyClick(widget, key, modifiers)


def qt_document(text: str) -> QTextDocument:
    """A QTextDocument holding ``text``, as the article view's document holds it."""
    doc = QTextDocument()
    doc.setPlainText(text)
    return doc


def selected(doc: QTextDocument, qt_start: int, qt_end: int) -> str:
    """What Qt selects between two of its positions."""
    cursor = QTextCursor(doc)
    cursor.setPosition(qt_start)
    cursor.setPosition(qt_end, QTextCursor.MoveMode.KeepAnchor)
    return cursor.selectedText()
