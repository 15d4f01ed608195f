"""The side panel's Copies box: the copies of the sentence at the caret, one row each
(document title, "exact" or the similarity in %, the start of the copy's text), a click on
a row going to that copy. It only shows what it is given; CopiesInWindow decides."""

from __future__ import annotations

import math

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent, QMouseEvent
from PySide6.QtWidgets import QFrame, QGridLayout, QGroupBox, QLabel, QVBoxLayout, QWidget

from annotator.gui.display import ElidedLabel, shown
from annotator.gui.side_panel import plain_label
from annotator.sentences.groups import SentenceCopy

MAX_ROWS = 6  # rows listed; the next-copy key walks through every copy
PREVIEW = 120  # characters of a copy's text handed to its row (elided to the row's width)
NEXT_KEY, PREVIOUS_KEY = "Ctrl+J", "Ctrl+Shift+J"
LEGEND = "Bar in the margin, dotted line under the text: a sentence with copies (solid bar: an exact copy, dashed: near copies only)."
ROW_STYLE = """
QFrame#copyRow { border: 1px solid #d8dce2; border-radius: 4px; background: #f8fafb; }
QFrame#copyRow:hover, QFrame#copyRow:focus { border-color: #0e7490; background: #ecf6f8; }
QLabel#copyTitle { font-weight: 600; }
QLabel#copyKind { color: #0e7490; font-weight: 600; }
"""


def similarity_text(similarity: float) -> str:
    """"exact", or the similarity in whole percent rounded down (99.6% is not an exact copy)."""
    return "exact" if similarity >= 1.0 else f"{math.floor(similarity * 100)}%"


class CopyRow(QFrame):
    """One copy: a click (or Enter / Space when focused) asks to go there."""

    clicked = Signal(object)  # the SentenceCopy

    def __init__(self, copy: SentenceCopy, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.copy = copy
        self.setObjectName("copyRow")
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus)  # a click goes to the copy: focus follows it to the article
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.title = ElidedLabel(title)
        self.title.setObjectName("copyTitle")
        self.kind = QLabel(similarity_text(copy.similarity))
        self.kind.setObjectName("copyKind")
        self.text = ElidedLabel(f"“{' '.join(copy.text[:PREVIEW].split())}")
        self.text.setObjectName("hint")
        grid = QGridLayout(self)
        grid.setContentsMargins(6, 3, 6, 4)
        grid.setVerticalSpacing(0)
        grid.addWidget(self.title, 0, 0)
        grid.addWidget(self.kind, 0, 1, Qt.AlignmentFlag.AlignRight)
        grid.addWidget(self.text, 1, 0, 1, 2)
        grid.setColumnStretch(0, 1)
        for label in (self.title, self.kind, self.text):
            label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setToolTip(f"{shown(title)}\n{shown(copy.text, 1_000, one_line=False)}\n\nClick to go to this copy")

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        if event.button() == Qt.MouseButton.LeftButton and self.rect().contains(event.position().toPoint()):
            self.clicked.emit(self.copy)
        super().mouseReleaseEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self.clicked.emit(self.copy)
        else:
            super().keyPressEvent(event)


class CopiesPanel(QGroupBox):
    """What the caret's sentence has: a line saying so, then its copies as rows."""

    jump_requested = Signal(object)  # a SentenceCopy

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Copies", parent)
        self.setObjectName("copies")
        self.setStyleSheet(ROW_STYLE)
        self.summary = plain_label()
        self.summary.setObjectName("copySummary")
        self.more = plain_label()
        self.more.setObjectName("hint")
        self.legend = plain_label(LEGEND)
        self.legend.setObjectName("hint")
        self.rows: list[CopyRow] = []
        self._rows = QVBoxLayout()
        self._rows.setSpacing(4)
        layout = QVBoxLayout(self)
        layout.setSpacing(6)
        layout.addWidget(self.summary)
        layout.addLayout(self._rows)
        layout.addWidget(self.more)
        layout.addWidget(self.legend)
        self.show_message("")

    def show_message(self, text: str) -> None:
        """No sentence with copies at the caret: ``text`` says why (or what to do)."""
        self._set_rows([], -1)
        self.summary.setText(text)
        self.more.hide()

    def show_copies(self, copies: list[SentenceCopy], count: int, here: int) -> None:
        """The copies of the caret's sentence, as many as the store lists, in the order the
        next-copy key visits them, and how many there are; ``here`` is the open document (its
        own copies say so instead of repeating its title)."""
        self.summary.setText(f"This sentence has {count:,} cop{'ies' if count != 1 else 'y'} · {NEXT_KEY} goes to the next")
        self._set_rows(copies[:MAX_ROWS], here)
        hidden = count - len(self.rows)
        walked = "all of them" if len(copies) == count else f"the first {len(copies):,}"
        self.more.setText(f"… and {hidden:,} more ({NEXT_KEY} walks through {walked})")
        self.more.setVisible(hidden > 0)

    def _set_rows(self, copies: list[SentenceCopy], here: int) -> None:
        for row in self.rows:
            self._rows.removeWidget(row)
            row.deleteLater()
        self.rows = []
        for copy in copies:
            row = CopyRow(copy, "This document" if copy.doc_id == here else copy.title or f"Document {copy.doc_id}")
            row.clicked.connect(self.jump_requested)
            self._rows.addWidget(row)
            self.rows.append(row)
