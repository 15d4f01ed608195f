"""The selected span's look: a darker fill (one extra selection) and a thin dark frame
painted over the text line by line (extra selections can only recolour, and a font
change would re-layout the paragraph)."""

from __future__ import annotations

from collections.abc import Iterator

from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QPainter, QPen, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QPlainTextEdit, QTextEdit

from annotator.core.model import Span, State
from annotator.gui.colors import tint
from annotator.gui.offsets import OffsetMap

FRAME_COLOR = QColor("#1f2328")
CURRENT_DARKER = 118  # the selected span's fill, darker by this percentage (still >= 6:1 with black)


def current_outline(cursor: QTextCursor, offsets: OffsetMap, span: Span, color: str) -> QTextEdit.ExtraSelection:
    """The extra selection that fills the selected ``span`` darker (a suggestion stays pale and dashed)."""
    selection = QTextEdit.ExtraSelection()
    selection.cursor = cursor
    selection.cursor.setPosition(offsets.to_qt(span.start))
    selection.cursor.setPosition(offsets.to_qt(span.end), QTextCursor.MoveMode.KeepAnchor)
    fmt = QTextCharFormat()
    suggested = span.state == State.SUGGESTED
    fmt.setBackground(tint(color, 0.6) if suggested else QColor(color).darker(CURRENT_DARKER))
    Underline = QTextCharFormat.UnderlineStyle
    fmt.setUnderlineStyle(Underline.DashUnderline if suggested else Underline.SingleUnderline)
    fmt.setUnderlineColor(QColor("#202020"))
    selection.format = fmt
    return selection


def paint_frame(view: QPlainTextEdit, offsets: OffsetMap, start: int, end: int) -> None:
    """Frame code points ``start``..``end`` of the text ``offsets`` maps, on ``view``'s viewport."""
    qs, qe = offsets.to_qt_range(start, end)
    painter = QPainter(view.viewport())
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QPen(FRAME_COLOR, 1.5))
    for rect in line_rects(view, offsets, qs, qe):
        painter.drawRoundedRect(rect.adjusted(-1, 0, 1, 0), 3, 3)
    painter.end()


def line_rects(view: QPlainTextEdit, offsets: OffsetMap, qs: int, qe: int) -> list[QRectF]:
    """Viewport rectangles of Qt range ``qs``..``qe``, one for each line it covers."""
    return list(_line_rects(view, offsets, qs, qe))


def first_line_rect(view: QPlainTextEdit, offsets: OffsetMap, qs: int, qe: int) -> QRectF | None:
    """The first of ``line_rects`` (a relation's end), without measuring the lines after it."""
    return next(_line_rects(view, offsets, qs, qe), None)


def _line_rects(view: QPlainTextEdit, offsets: OffsetMap, qs: int, qe: int) -> Iterator[QRectF]:
    offset = view.contentOffset()
    for number in offsets.blocks_of(qs, qe):
        block = view.document().findBlockByNumber(number)
        if not block.isVisible() or not block.layout():
            continue
        origin = view.blockBoundingGeometry(block).translated(offset).topLeft()
        layout, base = block.layout(), block.position()
        first = max(0, layout.lineForTextPosition(max(qs - base, 0)).lineNumber())  # the lines before cannot hold the range
        for i in range(first, layout.lineCount()):
            line = layout.lineAt(i)
            if line.textStart() >= qe - base:
                break
            start = max(qs - base, line.textStart())
            end = min(qe - base, line.textStart() + line.textLength())
            if start < end:
                x1, x2 = line.cursorToX(start)[0], line.cursorToX(end)[0]
                yield QRectF(x1, line.y(), x2 - x1, line.height()).translated(origin)
