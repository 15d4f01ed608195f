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

from bisect import bisect_right
from collections.abc import Callable

from PySide6.QtCore import QPointF, QRect, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen, QTextBlock, QTextLine
from PySide6.QtWidgets import QPlainTextEdit

from annotator.gui.offsets import OffsetMap
from annotator.gui.tag_layer import _lines_in
from annotator.sentences.groups import SentenceWithCopies

MARK_COLOR = QColor("#0e7490")  # a dark cyan no label of the default scheme uses
BAR_WIDTH = 4  # pixels; the current sentence's bar is twice as wide
_COLORS = {True: MARK_COLOR, False: QColor(MARK_COLOR.red(), MARK_COLOR.green(), MARK_COLOR.blue(), 190)}  # current or not
_PENS = {True: QPen(MARK_COLOR, 1.5), False: QPen(_COLORS[False], 1.0, Qt.PenStyle.DotLine)}


class CopyMarks:
    """The marked sentences of the article ``view`` shows (``offsets()`` is its map)."""

    def __init__(self, view: QPlainTextEdit, offsets: Callable[[], OffsetMap]) -> None:
        self._view, self._offsets = view, offsets
        self._sentences: list[SentenceWithCopies] = []
        self._starts: list[int] = []  # code points, sorted
        self._ends: list[int] = []
        self._qt: list[tuple[int, int]] = []  # Qt ranges, same order
        self._qt_ends: list[int] = []
        self.current: SentenceWithCopies | None = None
        self._left = 0.0  # the bar's middle, set at each paint

    # -- content ------------------------------------------------------------------

    def load(self, sentences: list[SentenceWithCopies]) -> None:
        """The copied sentences of the article just shown (code points into its text)."""
        offsets = self._offsets()
        self._sentences = sorted((s for s in sentences if 0 <= s.start < s.end <= offsets.length), key=lambda s: s.start)
        self._starts = [s.start for s in self._sentences]
        self._ends = [s.end for s in self._sentences]
        self._qt = [offsets.to_qt_range(s.start, s.end) for s in self._sentences]
        self._qt_ends = [qe for _qs, qe in self._qt]
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
        """Paint the marks on the lines in ``area`` of the viewport: only the blocks there,
        and in a long paragraph only its lines there (found by bisection)."""
        if not self._sentences:
            return
        view = self._view
        painter = QPainter(view.viewport())
        offset = view.contentOffset()
        self._left = (view.document().documentMargin() + offset.x()) / 2  # the bar's middle, in the margin
        block = view.firstVisibleBlock()
        while block.isValid():
            geometry = view.blockBoundingGeometry(block).translated(offset)
            if geometry.top() > area.bottom():
                break
            layout = block.layout()
            if block.isVisible() and geometry.bottom() >= area.top() and layout is not None and layout.lineCount():
                self._paint_block(painter, block, geometry.topLeft(), area)
            block = block.next()
        painter.end()

    def _paint_block(self, painter: QPainter, block: QTextBlock, origin: QPointF, area: QRect) -> None:
        layout, base = block.layout(), block.position()
        low, high = _lines_in(layout, area.top() - origin.y(), area.bottom() - origin.y())
        first, last = (layout.lineForTextPosition(pos).lineNumber() for pos in (low, max(low, high - 1)))
        for number in range(max(first, 0), last + 1):
            line = layout.lineAt(number)
            lo = base + line.textStart()
            hi = lo + line.textLength()
            i = bisect_right(self._qt_ends, lo)  # the first sentence ending after the line's start
            while i < len(self._sentences) and self._qt[i][0] < hi:
                self._paint_piece(painter, i, line, origin, (base, lo, hi))
                i += 1

    def _paint_piece(self, painter: QPainter, i: int, line: QTextLine, origin: QPointF, where: tuple[int, int, int]) -> None:
        """Sentence ``i`` on one line: its part of the dotted line, its part of the margin bar."""
        base, lo, hi = where
        sentence, (qs, qe) = self._sentences[i], self._qt[i]
        current = sentence is self.current
        top, height = origin.y() + line.y(), line.height()
        x1, x2 = (origin.x() + line.cursorToX(pos - base)[0] for pos in (max(qs, lo), min(qe, hi)))
        painter.setPen(_PENS[current])
        painter.drawLine(QPointF(x1, top + height - 1), QPointF(x2, top + height - 1))
        # The bar, a piece per line: the same shapes whatever part of the view Qt repaints.
        width = BAR_WIDTH * (2 if current else 1)
        left = round(self._left - width / 2)
        if sentence.kind == "exact":
            first, last = qs >= lo, qe <= hi
            painter.fillRect(QRectF(left, top + 2 * first, width, height - 2 * first - 2 * last), _COLORS[current])
            return
        for dash in (0.12, 0.6):  # near copies only: two dashes a line (a one-line sentence looks dashed too)
            painter.fillRect(QRectF(left, top + dash * height, width, 0.28 * height), _COLORS[current])
