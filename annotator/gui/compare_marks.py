"""A comparison drawn over the article (Review > Compare annotators): the gold layer is the
view's own spans; over them, each undecided disagreement's spans as lines under the text,
A's blue above B's orange (a line over the text reads as the line above's), agreements
not yet in gold as a dashed green line, a pale red wash on each undecided disagreement
and a red frame around the one the keys decide.

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

A_COLOR, B_COLOR = QColor("#1d4ed8"), QColor("#c2410c")  # blue, orange
AGREED_COLOR, OPEN_COLOR = QColor("#15803d"), QColor("#b91c1c")
OPEN_WASH = QColor(239, 68, 68, 40)  # pale: black text stays readable on any label fill
_PENS = {
    "a": QPen(A_COLOR, 3.0),
    "b": QPen(B_COLOR, 3.0),
    "agreed": QPen(AGREED_COLOR, 2.0, Qt.PenStyle.DashLine),
    "current": QPen(OPEN_COLOR, 2.0),
}
_ORDER = {"open": 0, "agreed": 1, "a": 2, "b": 2, "current": 3}  # washes under lines under the frame


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
        self._marks, self.current = sorted(marks, key=lambda mark: _ORDER[mark[2]]), current
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
            painter.setPen(_PENS.get(kind, Qt.PenStyle.NoPen))
            for rect in line_rects(view, offsets, qs, qe):
                if not rect.intersects(visible):
                    continue
                if kind == "open":
                    painter.fillRect(rect, OPEN_WASH)
                    continue
                if kind == "current":
                    painter.drawRoundedRect(rect.adjusted(-3, -2, 3, 2), 3, 3)
                    continue
                y = rect.bottom() - (5.5 if kind == "a" else 1.5)  # two lines under the text, A's above B's
                painter.drawLine(QPointF(rect.left(), y), QPointF(rect.right(), y))
        painter.end()
