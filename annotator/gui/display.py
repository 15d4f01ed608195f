"""Stored strings made fit for a widget: cut before Qt sees them, elided to a widget's width.

Titles, label names, notes, file names and error messages come from the database or
from files and can be any length: a title of a million characters made a QLabel with
word wrap lay it out whole (10,000 characters: 2.5 s and 570 MB; 1,000,000: a crash).
Every stored string passes through ``shown`` (or ``shown_lines``) on its way to a
widget, a tooltip, a menu, the status bar or a dialog; where the widget has a width,
``ElidedLabel`` and ``ElidedButton`` elide to it with QFontMetrics.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QFont, QFontMetrics, QTextLayout, QTextOption
from PySide6.QtWidgets import QLabel, QPushButton, QSizePolicy, QStatusBar, QStyle, QStyleOptionButton, QWidget

ELLIPSIS = "…"
LINE = 300  # characters of a one-line string (titles, names, messages)
TOOLTIP = 1_000  # characters of a tooltip (a note, a title in full...)
LABEL = 60  # characters of a label name in menus and lists
TAG = 32  # characters of a label name on the tags in the text
_BREAKS = re.compile("[\r\n\u2028\u2029\x85\v\f]+")
# Other control characters (a NUL in a hand-edited title...) show as their control pictures.
_CONTROLS = {c: 0x2400 + c for c in range(0x20) if chr(c) not in "\t\n\r\v\f"} | {0x7F: 0x2421}


def shown(value: object, limit: int = LINE, one_line: bool = True) -> str:
    """``value`` as text of at most ``limit`` characters, cut with "…"; line breaks become
    spaces when ``one_line``. Anything that is not a string (a damaged row) is shown by repr."""
    if value is None:
        return ""
    if not isinstance(value, str):
        value = repr(value)
    cut = len(value) > limit
    text = value[: limit - 1] if cut else value
    if one_line:
        text = _BREAKS.sub(" ", text).replace("\t", " ")
    return text.translate(_CONTROLS) + (ELLIPSIS if cut else "")


def shown_lines(text: str, limit: int = LINE, lines: int = 1_000) -> str:
    """Several lines (a list of problems), each cut to ``limit`` characters, at most ``lines`` of them."""
    rows = text.split("\n", lines)
    more = len(rows) > lines
    rows = [shown(row, limit) for row in rows[:lines]]
    if more:
        rows.append(f"{ELLIPSIS} (more lines left out)")
    return "\n".join(rows)


_LONG_RUN = re.compile(r"(\S{24})(?=\S)")


def breakable(text: str) -> str:
    """``text`` with a zero-width space after every 24 characters of a run without white
    space, so that a word-wrapped label can break it (Qt wraps at word boundaries only, and an
    unbreakable run would make the label, and its panel, as wide as the run)."""
    return _LONG_RUN.sub("\\1\u200b", text)


class WrappedLabel(QLabel):
    """Plain text, word-wrapped, every long run breakable (see ``breakable``): however long
    the words it is given, it never widens its layout."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.PlainText)  # stored text is shown literally
        self.setWordWrap(True)
        self.setText(text)

    def setText(self, text: str) -> None:  # noqa: N802 - Qt override
        super().setText(breakable(text))

    def text(self) -> str:
        """The text as given (without the break opportunities added for the layout)."""
        return super().text().replace("\u200b", "")


def elided(text: str, metrics: QFontMetrics, width: int) -> str:
    return metrics.elidedText(text, Qt.TextElideMode.ElideRight, max(width, 0))


class ElidedLabel(QLabel):
    """Plain text on at most ``lines`` lines (wrapped at words, else anywhere), the last one
    elided to the label's width; the whole (cut) text in a tooltip when it does not fit.
    Its size hint never asks for the text's width."""

    def __init__(self, text: str = "", lines: int = 1, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self._full, self._lines = "", lines
        self.set_full_text(text)

    def set_full_text(self, text: object) -> None:
        self._full = shown(text)
        self._elide()

    def full_text(self) -> str:
        return self._full

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        # A character's width to spare: the last glyph never touches the next pane.
        width = self.contentsRect().width() - 2 * self.margin() - self.fontMetrics().averageCharWidth()
        text = "\n".join(_wrapped(self._full, self.font(), width, self._lines))
        if text != self.text():
            super().setText(text)
        self.setToolTip(shown(self._full, TOOLTIP) if text.replace("\n", " ") != self._full else "")

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(0, super().minimumSizeHint().height())

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(self.fontMetrics().averageCharWidth() * 20, super().sizeHint().height())


def _wrapped(text: str, font: QFont, width: int, lines: int) -> list[str]:
    """``text`` laid out at ``width`` on at most ``lines`` lines, the last one elided."""
    metrics = QFontMetrics(font)
    if lines <= 1 or width <= 0 or metrics.horizontalAdvance(text) <= width:
        return [elided(text, metrics, width)]
    layout = QTextLayout(text, font)
    option = QTextOption()
    option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
    layout.setTextOption(option)
    units = text.encode("utf-16-le", "surrogatepass")  # the layout counts UTF-16 units, and never splits a pair
    layout.beginLayout()
    rows, rest = [], 0
    while len(rows) < lines - 1:
        line = layout.createLine()
        if not line.isValid():
            break
        line.setLineWidth(width)
        rest = line.textStart() + line.textLength()
        rows.append(units[2 * line.textStart() : 2 * rest].decode("utf-16-le", "surrogatepass").rstrip())
    layout.endLayout()
    tail = units[2 * rest :].decode("utf-16-le", "surrogatepass").lstrip()
    return [*rows, elided(tail, metrics, width)] if tail else rows


class ElidedButton(QPushButton):
    """A push button showing a name elided to its width, then a ``suffix`` that always shows
    (a label's name and its hotkey in the palette). No "&" is a mnemonic."""

    def __init__(self, name: str, suffix: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._name, self._suffix = shown(name, LABEL), suffix
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self._show(self._name)

    def full_text(self) -> str:
        return self._name + self._suffix

    def shown_text(self) -> str:
        """The text painted, as the user reads it (no mnemonic escapes)."""
        return self.text().replace("&&", "&")

    def _show(self, name: str) -> None:
        text = (name + self._suffix).replace("&", "&&")
        if text != self.text():
            self.setText(text)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        metrics = self.fontMetrics()
        text_width = metrics.horizontalAdvance(self._name + self._suffix)
        option = QStyleOptionButton()
        self.initStyleOption(option)
        needed = self.style().sizeFromContents(QStyle.ContentsType.CT_PushButton, option, QSize(text_width, metrics.height()), self).width()
        if needed <= self.width():  # what Qt's own size hint asks for the whole text
            self._show(self._name)
        else:
            room = self.width() - (needed - text_width) - metrics.horizontalAdvance(self._suffix)
            self._show(elided(self._name, metrics, room))

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        hint = super().sizeHint()
        return QSize(min(hint.width(), self.fontMetrics().averageCharWidth() * 16), hint.height())

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(0, super().minimumSizeHint().height())


class StatusBar(QStatusBar):
    """The window's status bar: every message is cut to one line (errors quote file names,
    label names and the database's own words, any of which can be long)."""

    MESSAGE = 500

    def showMessage(self, text: str, timeout: int = 0) -> None:  # noqa: N802 - Qt override
        super().showMessage(shown(text, self.MESSAGE), timeout)

    def setToolTip(self, text: str) -> None:  # noqa: N802 - Qt override
        super().setToolTip(shown(text, TOOLTIP, one_line=False))
