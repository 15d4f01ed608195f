"""A comparison drawn over the article (Review > Compare annotators): the gold layer is the
view's own spans; over them, each undecided disagreement's spans as lines, A's under the
text and B's over it, agreements not yet in gold as a dashed line under the text, and a
frame around each undecided disagreement (solid around the one the keys decide).

Painted after Qt drew the text, like the copy marks: nothing enters the character formats,
so the gold spans' fills and label tags stay as they are. Only marks on screen are painted.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, QRect, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QPlainTextEdit

from annotator.gui.adjudication import Comparison, Disagreement
from annotator.gui.offsets import OffsetMap
from annotator.gui.span_frame import line_rects

A_COLOR, B_COLOR = QColor("#1d4ed8"), QColor("#c2410c")  # blue under the text, orange over it
AGREED_COLOR, OPEN_COLOR = QColor("#15803d"), QColor("#b91c1c")
_PENS = {
    "a": QPen(A_COLOR, 2.5),
    "b": QPen(B_COLOR, 2.5),
    "agreed": QPen(AGREED_COLOR, 1.5, Qt.PenStyle.DashLine),
    "open": QPen(OPEN_COLOR, 1.0, Qt.PenStyle.DotLine),
    "current": QPen(OPEN_COLOR, 2.0),
}


class CompareMarks:
    def __init__(self, view: QPlainTextEdit) -> None:
        self._view = view
        self._marks: list[tuple[int, int, str]] = []  # code points and what to draw
        self.current: Disagreement | None = None

    def load(self, comparison: Comparison | None, current: Disagreement | None) -> None:
        marks = []
        if comparison is not None:
            marks = [(s.start, s.end, "agreed") for s in comparison.agreed]
            for item in comparison.items:
                if not item.decided:
                    marks += [(s.start, s.end, "a") for s in item.a] + [(s.start, s.end, "b") for s in item.b]
                    marks.append((item.start, item.end, "current" if item == current else "open"))
        self._marks, self.current = marks, current
        self._view.viewport().update()

    def marks(self) -> list[tuple[int, int, str]]:
        return list(self._marks)

    def paint(self, area: QRect, offsets: OffsetMap) -> None:
        if not self._marks:
            return
        view = self._view
        low = view.firstVisibleBlock().position()
        high = view.cursorForPosition(QPoint(view.viewport().width(), view.viewport().height())).position() + 1
        painter = QPainter(view.viewport())
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        visible = QRectF(area).adjusted(-4, -4, 4, 4)
        for start, end, kind in self._marks:
            qs, qe = offsets.to_qt_range(start, end)
            if qe < low or qs > high:
                continue
            painter.setPen(_PENS[kind])
            for rect in line_rects(view, offsets, qs, qe):
                if not rect.intersects(visible):
                    continue
                if kind in ("open", "current"):
                    painter.drawRoundedRect(rect.adjusted(-2, -1, 2, 1), 3, 3)
                    continue
                y = rect.top() + 1.5 if kind == "b" else rect.bottom() - 1.5
                painter.drawLine(QPointF(rect.left(), y), QPointF(rect.right(), y))
        painter.end()
