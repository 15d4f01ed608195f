"""Sentences with copies, marked on the article view: a bar in the left margin beside
their lines (solid: an exact copy exists; dashed: near copies only) and a dotted line
along the bottom of their lines, painted over the text after Qt has drawn it. Nothing
goes into the character formats, so label fills, underlines and tags stay as they are,
and the marks never shift a line.

The marks of a document are read once when it is shown (``load``), kept in code points
and Qt positions sorted by start (the sentences of one document never overlap), and
only those on screen are painted.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable

from PySide6.QtCore import QRect, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QPlainTextEdit

from annotator.gui.offsets import OffsetMap
from annotator.gui.span_frame import _line_rects
from annotator.sentences.groups import SentenceWithCopies

MARK_COLOR = QColor("#0e7490")  # a dark cyan no label of the default scheme uses
BAR_WIDTH = 4  # pixels; the current sentence's bar is twice as wide
BAR_DASH = 5  # pixels of bar, then as much gap, for near copies


class CopyMarks:
    """The marked sentences of the article ``view`` shows (``offsets()`` is its map)."""

    def __init__(self, view: QPlainTextEdit, offsets: Callable[[], OffsetMap]) -> None:
        self._view, self._offsets = view, offsets
        self._sentences: list[SentenceWithCopies] = []
        self._starts: list[int] = []  # code points, sorted
        self._ends: list[int] = []
        self._qt: list[tuple[int, int]] = []  # Qt ranges, same order
        self.current: SentenceWithCopies | None = None

    # -- content ------------------------------------------------------------------

    def load(self, sentences: list[SentenceWithCopies]) -> None:
        """The copied sentences of the article just shown (code points into its text)."""
        offsets = self._offsets()
        self._sentences = sorted((s for s in sentences if 0 <= s.start < s.end <= offsets.length), key=lambda s: s.start)
        self._starts = [s.start for s in self._sentences]
        self._ends = [s.end for s in self._sentences]
        self._qt = [offsets.to_qt_range(s.start, s.end) for s in self._sentences]
        self.current = None
        self._view.viewport().update()

    def clear(self) -> None:
        self.load([])

    def sentences(self) -> list[SentenceWithCopies]:
        return list(self._sentences)

    def at(self, start: int, end: int | None = None) -> SentenceWithCopies | None:
        """The marked sentence at the caret ``start`` (just after its last character counts),
        or the first one that the selection ``start``..``end`` overlaps."""
        if end is None or end == start:
            i = bisect_right(self._starts, start) - 1
            return self._sentences[i] if i >= 0 and start <= self._ends[i] else None
        i = bisect_right(self._ends, start)  # the first sentence ending after ``start``
        return self._sentences[i] if i < len(self._sentences) and self._starts[i] < end else None

    def set_current(self, sentence: SentenceWithCopies | None) -> None:
        """The sentence the side panel lists copies of: drawn stronger."""
        if sentence is not self.current:
            self.current = sentence
            self._view.viewport().update()

    # -- painting -----------------------------------------------------------------

    def paint(self, area: QRect) -> None:
        """Paint the marks of the sentences on the lines in ``area`` of the viewport."""
        if not self._sentences:
            return
        low, high = self._qt_range_in(area)
        first = bisect_left(self._ends, self._offsets().to_cp(low))
        painter = QPainter(self._view.viewport())
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        for i in range(first, len(self._sentences)):
            qs, qe = self._qt[i]
            if qs >= high:
                break
            rects = _line_rects(self._view, self._offsets(), qs, qe)
            if rects:
                self._paint_one(painter, self._sentences[i], rects)
        painter.end()

    def _qt_range_in(self, area: QRect) -> tuple[int, int]:
        """Qt positions of the blocks shown in ``area``: from the first block on screen to
        the end of the last one reaching into ``area``."""
        view = self._view
        block = view.firstVisibleBlock()
        low = block.position()
        offset = view.contentOffset()
        high = low
        while block.isValid() and view.blockBoundingGeometry(block).translated(offset).top() <= area.bottom():
            high = block.position() + block.length()
            block = block.next()
        return low, high

    def _paint_one(self, painter: QPainter, sentence: SentenceWithCopies, rects: list[QRectF]) -> None:
        current = sentence is self.current
        color = QColor(MARK_COLOR)
        if not current:
            color.setAlpha(190)
        width = BAR_WIDTH * (2 if current else 1)
        margin = self._view.document().documentMargin()
        left = (margin - width) / 2 + self._view.contentOffset().x()
        top, bottom = rects[0].top() + 2, rects[-1].bottom() - 2
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(color)
        dash = bottom - top if sentence.kind == "exact" else BAR_DASH
        y = top
        while y < bottom:
            painter.drawRoundedRect(QRectF(left, y, width, min(dash, bottom - y)), 1.5, 1.5)
            y += 2 * dash
        pen = QPen(color, 1.5 if current else 1.0, Qt.PenStyle.SolidLine if current else Qt.PenStyle.DotLine)
        painter.setPen(pen)
        for rect in rects:
            y = rect.bottom() - 1
            painter.drawLine(rect.left(), y, rect.right(), y)
