"""The label tags on the article view: the room made for them in the text, where they
stand on screen, hit testing, and their painting.

The room is made in the blocks on screen as they come into view (scrolling, resizing,
opening), so opening and scrolling cost about the same whatever the length of the
article. The view owns one ``LabelTagLayer`` and tells it what changed; what a tag
is, its sizes and how it looks are in ``label_tags``. Positions here are Qt positions.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QPoint, QPointF, QRect, QRectF, QTimer
from PySide6.QtGui import QPainter, QTextBlock, QTextCharFormat, QTextCursor, QTextLine
from PySide6.QtWidgets import QPlainTextEdit

from annotator.core.model import Span
from annotator.gui.highlighter import SpanHighlighter
from annotator.gui.label_tags import GAP, LEAD, Entry, LabelTag, TagMetrics, TagPainter, TagPlaces, is_suggested, tag_name
from annotator.gui.offsets import OffsetMap


class LabelTagLayer:
    """A tag with its label's name after every drawn span of ``view``, while shown."""

    def __init__(self, view: QPlainTextEdit, highlighter: SpanHighlighter, offsets: Callable[[], OffsetMap]) -> None:
        self._view, self._highlighter = view, highlighter
        self._offsets = offsets  # the view's map, read at each use: the view makes a new one per article
        self._metrics: TagMetrics | None = None  # shown: the tags' font and sizes
        self._painter: TagPainter | None = None
        self._roomed: set[int] = set()  # numbers of the blocks whose tags have their room
        self._places = TagPlaces(view.document(), "")

    # -- what the view tells ------------------------------------------------------

    @property
    def shown(self) -> bool:
        return self._metrics is not None

    def set_shown(self, on: bool) -> None:
        if on == self.shown:
            return
        self._take_room()
        self._measure(on)
        self.ensure_room()
        self._view.viewport().update()

    def load(self, text: str) -> None:
        """A new article is in the document (its formats went with the old text)."""
        self._places = TagPlaces(self._view.document(), text)
        self._roomed.clear()
        self.ensure_room()

    def spans_reloaded(self) -> None:
        """Every span was replaced: the room is made again from scratch."""
        self._take_room()
        self.ensure_room()

    def font_changed(self) -> None:
        if self.shown:
            self._take_room()
            self._measure(True)  # tags follow the text size
            self.ensure_room()

    def ensure_room(self, *_value) -> None:
        """Make the tags' room in the blocks on screen, where it is missing (scrolling,
        resizing: before the new blocks are painted)."""
        if self._metrics is None:
            return
        missing = [number for number in self._blocks_near_view() if number not in self._roomed]
        if missing:
            self._make_room(missing)

    def spans_changed(self, *changed: Span) -> None:
        """Resize the room after the last characters of ``changed`` spans (just added, removed
        or replaced) for the tags that now follow them."""
        if self._metrics is None:
            return
        offsets, places, spans_drawn = self._offsets(), self._places, self._highlighter.drawn
        wanted = {places.place(*offsets.to_qt_range(span.start, span.end), span) for span in changed}
        wanted = sorted(where for where in wanted if where is not None and offsets.block_of(where[1] - 1) in self._roomed)
        if not wanted:
            return
        with _format_edit(self._view.document()) as cursor:
            for where in wanted:
                start, end = where
                nearby = spans_drawn.touching(start, end + 1)  # every span with its tag here touches its last cluster
                labels = tuple(span.label for qs, qe, span in nearby if places.place(qs, qe, span) == where)
                cursor.setPosition(start)
                cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
                cursor.setCharFormat(self._metrics.room_format(labels) if labels else QTextCharFormat())

    # -- what the view asks -------------------------------------------------------

    def tags(self, area: QRect) -> list[LabelTag]:
        """The tags in ``area`` of the viewport, in text order."""
        return self._tags_in(area)[0]

    def tag_at(self, point: QPoint | QPointF) -> LabelTag | None:
        return next((tag for tag in self._tags_on_row(point) if tag.rect.contains(QPointF(point))), None)

    def past_room(self, point: QPointF) -> QPointF | None:
        """The caret spot after the room ``point`` is in, if any: a drag that ends just after
        a word's last letter takes the whole letter (the room widens it)."""
        if self._metrics is None:
            return None
        for tag in self._tags_on_row(point):
            room = tag.room
            if room.left() <= point.x() < room.right() and room.top() <= point.y() < room.bottom():
                return QPointF(room.right(), point.y())
        return None

    def paint(self, area: QRect, colors: dict[str, str]) -> None:
        """Paint the tags in ``area`` once Qt has drawn the text there."""
        if self._metrics is None:
            return
        tags, waiting = self._tags_in(area)
        if tags:
            painter = QPainter(self._view.viewport())
            self._painter.paint(painter, tags, colors)
            painter.end()
        if waiting:  # came into view other than by scrolling or resizing: make room, paint again
            places = self._places
            QTimer.singleShot(0, lambda: self._room_later(places, waiting))

    # -- room -----------------------------------------------------------------------

    def _measure(self, on: bool) -> None:
        self._metrics = TagMetrics(self._view.document().defaultFont()) if on else None
        self._painter = TagPainter(self._metrics) if on else None

    def _blocks_near_view(self) -> list[int]:
        """The blocks on screen, a few lines more: counted by their lines, which asks no
        block for a layout (the room made in them will redo it anyway)."""
        view = self._view
        numbers, spacing = [], max(view.fontMetrics().lineSpacing(), 1)
        left = view.viewport().height() + spacing
        block = view.firstVisibleBlock()
        while block.isValid() and left > 0:
            numbers.append(block.blockNumber())
            left -= max(block.lineCount(), 1) * spacing
            block = block.next()
        return numbers

    def _make_room(self, numbers) -> None:
        """Widen the last character of each drawn span ending in these blocks by the width
        of the tags that follow it: character formats in one edit block, with the
        document's signals held so the highlighter does not draw the blocks again."""
        spans_drawn, places, room_format = self._highlighter.drawn, self._places, self._metrics.room_format
        offsets = self._offsets()
        with _format_edit(self._view.document()) as cursor:
            for number in numbers:
                base, high = offsets.block_range(number)
                for (start, end), labels in places.labels(spans_drawn.touching(base, high)).items():
                    if base < end <= high:  # not the tag of a span going on in a later block
                        cursor.setPosition(start)
                        cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
                        cursor.setCharFormat(room_format(labels))
                self._roomed.add(number)

    def _room_later(self, places: TagPlaces, numbers: list[int]) -> None:
        """Room for blocks a paint found waiting, if the view still shows that text with tags."""
        if self._metrics is not None and places is self._places:
            missing = [number for number in numbers if number not in self._roomed]
            if missing:
                self._make_room(missing)

    def _take_room(self) -> None:
        """Take back the room made so far (the document has no other character formats)."""
        if self._roomed:
            offsets = self._offsets()
            with _format_edit(self._view.document()) as cursor:
                for number in sorted(self._roomed):
                    base, high = offsets.block_range(number)
                    if high > base:
                        cursor.setPosition(base)
                        cursor.setPosition(high, QTextCursor.MoveMode.KeepAnchor)
                        cursor.setCharFormat(QTextCharFormat())
            self._roomed.clear()

    # -- where the tags stand -------------------------------------------------------

    def _tags_on_row(self, point: QPoint | QPointF) -> list[LabelTag]:
        """The tags on the pixel row of ``point``, across the viewport."""
        return self.tags(QRect(0, int(point.y()), self._view.viewport().width(), 1))

    def _tags_in(self, area: QRect) -> tuple[list[LabelTag], list[int]]:
        """The tags in ``area``, and the blocks there that still wait for their room.

        Only the blocks on screen are visited, and in each only the spans touching it
        (found by bisection among the highlighter's sorted spans).
        """
        if self._metrics is None:
            return [], []
        view = self._view
        tags: list[LabelTag] = []
        waiting = []
        offset = view.contentOffset()
        block = view.firstVisibleBlock()
        while block.isValid():
            geometry = view.blockBoundingGeometry(block).translated(offset)
            if geometry.top() > area.bottom():
                break
            if block.isVisible() and geometry.bottom() >= area.top():
                if block.blockNumber() in self._roomed:
                    tags.extend(self._block_tags(block, geometry.left(), geometry.top(), area))
                else:
                    waiting.append(block.blockNumber())
            block = block.next()
        return tags, waiting

    def _block_tags(self, block: QTextBlock, left: float, top: float, area: QRect) -> list[LabelTag]:
        layout = block.layout()
        if layout is None or layout.lineCount() == 0:
            return []
        base, high = self._offsets().block_range(block.blockNumber())
        low, up = _lines_in(layout, area.top() - top, area.bottom() - top)  # a long paragraph: its lines on screen
        low, up = max(base, base + low), min(high, base + up)
        groups = self._places.groups(self._highlighter.drawn.touching(low, up))
        tags = []
        for (_start, end), entries in sorted(groups.items()):
            if not low < end <= up:  # a tag off screen, or of a span that goes on in a later block
                continue
            line = layout.lineForTextPosition(end - 1 - base)
            tags.extend(self._group_tags(entries, line, left + line.cursorToX(end - base)[0], top + line.y()))
        return tags

    def _group_tags(self, entries: list[Entry], line: QTextLine, right: float, y: float) -> list[LabelTag]:
        """The tags after one character, side by side in the room that ends at ``right``
        on ``line`` (its top at ``y``), innermost span first."""
        metrics = self._metrics
        font = metrics.metrics
        room = metrics.room(span.label for _qs, _qe, span in entries)
        height = min(line.height() - 2, font.height() + 2)
        tag_top = y + line.ascent() - font.ascent() - (height - font.height()) / 2  # names sit on the baseline
        space = QRectF(right - room, y, room, line.height())
        x, tags = right - room + LEAD, []
        for _qs, _qe, span in entries:
            width = metrics.width(span.label)
            tags.append(LabelTag(span, QRectF(x, tag_top, width, height), space, tag_name(span.label), is_suggested(span)))
            x += width + GAP
        return tags


def _lines_in(layout, top: float, bottom: float) -> tuple[int, int]:
    """Block-relative text range of the lines of ``layout`` between ``top`` and ``bottom``
    (relative to the block), found by bisection: a long paragraph costs no more per paint."""
    count = layout.lineCount()
    if count <= 8:
        line = layout.lineAt(count - 1)
        return 0, line.textStart() + line.textLength()
    low, high = 0, count - 1
    while low < high:  # the first line whose bottom reaches ``top``
        middle = (low + high) // 2
        line = layout.lineAt(middle)
        if line.y() + line.height() < top:
            low = middle + 1
        else:
            high = middle
    first = low
    low, high = first, count - 1
    while low < high:  # the last line whose top is above ``bottom``
        middle = (low + high + 1) // 2
        if layout.lineAt(middle).y() > bottom:
            high = middle - 1
        else:
            low = middle
    last = low
    end = layout.lineAt(last)
    return layout.lineAt(first).textStart(), end.textStart() + end.textLength()


class _format_edit:
    """A cursor for character-format edits in one edit block, with the document's signals
    held: the highlighter does not redraw, the layout still redoes the changed blocks."""

    def __init__(self, document) -> None:
        self.document = document

    def __enter__(self) -> QTextCursor:
        self.blocked = self.document.blockSignals(True)
        self.cursor = QTextCursor(self.document)
        self.cursor.beginEditBlock()
        return self.cursor

    def __exit__(self, *_exc) -> None:
        self.cursor.endEditBlock()
        self.document.blockSignals(self.blocked)
