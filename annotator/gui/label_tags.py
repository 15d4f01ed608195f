"""Label names on the text: a small tag right after each drawn span, as displaCy shows them.

Room for the tags is made in the text layout, so a tag never covers a character and
two tags never overlap: the last character (grapheme cluster) of a span gets letter
spacing as wide as the tags that end after it. That spacing is a character format of
the QTextDocument, so the highlighter's formats stay exactly those of the spans; the
article view's ``LabelTagLayer`` (``tag_layer``) makes that room and paints the tags
into it once Qt has drawn the text. ``TagPlaces`` says where every tag goes, for the
room and for the painting alike.

Positions here are Qt positions (the view converts code points with ``OffsetMap``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, QTextBoundaryFinder, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPen, QPixmap, QTextCharFormat, QTextDocument

from annotator.core.model import Span, State
from annotator.gui.colors import contrast, ink, tint
from annotator.gui.display import TAG, shown

SCALE = 0.7  # the tag font, relative to the article's
LEAD = 3  # px between the span's last character and its first tag
GAP = 2  # px between two tags after the same character
TRAIL = 2  # px after the last tag, before the next character
PAD_X = 3  # px inside the tag, left and right of its name
TEXT = QColor("#1f2328")  # the name on an accepted tag, on the label colour (white on a dark one)
PALE_TEXT = QColor("#57606a")  # the name on a suggestion's tag: greyer, on near-white
SUGGESTION_TINT = 0.12  # a suggestion's tag: the label colour this much over white
FALLBACK_COLOR = "#dddddd"

Entry = tuple[int, int, Span]  # (Qt start, Qt end, span)


@dataclass(frozen=True, slots=True)
class LabelTag:
    """One tag as the view paints it, in viewport coordinates."""

    span: Span
    rect: QRectF  # the tag
    room: QRectF  # the room made for it and the tags beside it, after the span's last character
    text: str
    suggested: bool


def is_suggested(span: Span) -> bool:
    return span.state == State.SUGGESTED


def tag_name(label: str) -> str:
    """The name a tag shows: a label name of any length is cut (the room is made for this)."""
    return shown(label, TAG)


class TagMetrics:
    """The tag font, the width of each label's tag and the room a group of tags takes."""

    def __init__(self, text_font: QFont) -> None:
        font = QFont(text_font)
        if text_font.pointSizeF() > 0:
            font.setPointSizeF(text_font.pointSizeF() * SCALE)
        else:
            font.setPixelSize(max(7, round(text_font.pixelSize() * SCALE)))
        font.setWeight(QFont.Weight.DemiBold)
        self.font = font
        self.metrics = QFontMetricsF(font)
        self._widths: dict[str, int] = {}
        self._formats: dict[tuple[str, ...], QTextCharFormat] = {}

    def width(self, label: str) -> int:
        width = self._widths.get(label)
        if width is None:
            width = self._widths[label] = math.ceil(self.metrics.horizontalAdvance(tag_name(label))) + 2 * PAD_X
        return width

    def room(self, labels) -> int:
        """Pixels to leave after a character for tags with these names, side by side."""
        widths = [self.width(label) for label in labels]
        return LEAD + sum(widths) + GAP * (len(widths) - 1) + TRAIL

    def room_format(self, labels: tuple[str, ...]) -> QTextCharFormat:
        """The character format of a last character followed by tags with these names."""
        fmt = self._formats.get(labels)
        if fmt is None:
            fmt = self._formats[labels] = QTextCharFormat()
            fmt.setFontLetterSpacingType(QFont.SpacingType.AbsoluteSpacing)
            fmt.setFontLetterSpacing(self.room(labels))
        return fmt


class Clusters:
    """Grapheme clusters of a block's text: a tag never splits an emoji or a letter from its accents."""

    def __init__(self, text: str) -> None:
        self._finder = None if text.isascii() else QTextBoundaryFinder(QTextBoundaryFinder.BoundaryType.Grapheme, text)

    def around(self, end: int) -> tuple[int, int]:
        """(start, end) of the cluster holding the character before ``end`` (> 0)."""
        finder = self._finder
        if finder is None:
            return end - 1, end
        finder.setPosition(end)
        if not finder.isAtBoundary():
            end = finder.toNextBoundary()
        finder.setPosition(end)
        return finder.toPreviousBoundary(), end


class TagPlaces:
    """Where the tag of a span goes: (first position of the widened cluster, position after it)."""

    def __init__(self, document: QTextDocument, text: str) -> None:
        self.document, self.text = document, text
        self.plain = text.isascii()  # every character is a cluster of its own
        self._clusters: dict[int, tuple[int, Clusters]] = {}  # block number -> (its position, clusters)

    def place(self, qs: int, qe: int, span: Span) -> tuple[int, int] | None:
        """After the span's last character that is not white space (a line may end after a
        space, and a block separator ends a line), widened to its whole grapheme cluster
        (an emoji, a letter with its accents); None for a span of white space only.
        ``qs``, ``qe``: the span in Qt positions."""
        text, anchor, end = self.text, qe, span.end  # the same place in Qt positions and in code points
        while anchor > qs and text[end - 1].isspace():  # white space is one Qt position
            anchor -= 1
            end -= 2 if text[end - 2 : end] == "\r\n" else 1  # except "\r\n": one block separator
        if anchor <= qs:
            return None
        if self.plain:
            return anchor - 1, anchor
        if text[end - 1] < "\x80" and (end == len(text) or text[end] < "\x80" or text[end] == "\u2029"):
            return anchor - 1, anchor  # ASCII on both sides: a cluster of one character
        block = self.document.findBlock(anchor - 1)
        number = block.blockNumber()
        cached = self._clusters.get(number)
        if cached is None:
            if len(self._clusters) > 512:
                self._clusters.clear()
            cached = self._clusters[number] = (block.position(), Clusters(block.text()))
        base, clusters = cached
        start, stop = clusters.around(anchor - base)
        return base + start, base + stop

    def groups(self, entries) -> dict[tuple[int, int], list[Entry]]:
        """Entries by the place of their tag; in each place the innermost span comes first."""
        found: dict[tuple[int, int], list[Entry]] = {}
        place = self.place
        for entry in entries:
            where = place(*entry)
            if where is not None:
                group = found.get(where)
                if group is None:
                    found[where] = [entry]
                else:
                    group.append(entry)
        for group in found.values():
            if len(group) > 1:
                group.sort(key=_inner_first)
        return found

    def labels(self, entries) -> dict[tuple[int, int], tuple[str, ...]]:
        """The names of the tags in each place (any order): what the room depends on."""
        found: dict[tuple[int, int], tuple[str, ...]] = {}
        place, get = self.place, found.get
        for entry in entries:
            where = place(*entry)
            if where is not None:
                found[where] = get(where, ()) + (entry[2].label,)
        return found


def _inner_first(entry: Entry) -> tuple:
    qs, qe, span = entry
    return (qe - qs, -qs, span.id if span.id is not None else -1)


def name_color(color: str, suggested: bool) -> QColor:
    """The colour of a tag's name on a tag of label colour ``color``."""
    if suggested:
        return PALE_TEXT
    return TEXT if contrast(TEXT, color) >= 4.5 else QColor("#ffffff")


def chip_color(color: str, suggested: bool) -> QColor:
    """The fill of a tag."""
    return tint(color, SUGGESTION_TINT) if suggested else QColor(color)


class TagPainter:
    """Paints tags from pixmaps drawn once per name, state, colour and size: a screen of
    50-100 tags costs a fraction of a millisecond (antialiased frames and text drawn
    tag by tag cost several)."""

    def __init__(self, metrics: TagMetrics) -> None:
        self.metrics = metrics
        self._pixmaps: dict[tuple, QPixmap] = {}

    def paint(self, painter: QPainter, tags: list[LabelTag], colors: dict[str, str]) -> None:
        ratio = painter.device().devicePixelRatioF()
        for tag in tags:
            color = colors.get(tag.span.label, FALLBACK_COLOR)
            key = (tag.text, tag.suggested, color, tag.rect.width(), tag.rect.height(), ratio)
            pixmap = self._pixmaps.get(key)
            if pixmap is None:
                pixmap = self._pixmaps[key] = self._draw(tag, color, ratio)
            painter.drawPixmap(tag.rect.topLeft(), pixmap)

    def _draw(self, tag: LabelTag, color: str, ratio: float) -> QPixmap:
        """Accepted: a chip in the label's colour with a dark name. Suggested: a near-white
        chip with a dashed border and a greyer name, as pale as the suggestion itself."""
        width, height = tag.rect.width(), tag.rect.height()
        pixmap = QPixmap(math.ceil(width * ratio), math.ceil(height * ratio))
        pixmap.setDevicePixelRatio(ratio)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        border = QPen(ink(color), 1)
        if tag.suggested:
            border.setStyle(Qt.PenStyle.DashLine)
        painter.setBrush(chip_color(color, tag.suggested))
        painter.setPen(border)
        painter.drawRoundedRect(QRectF(0.5, 0.5, width - 1, height - 1), 3, 3)
        metrics = self.metrics.metrics
        painter.setFont(self.metrics.font)
        painter.setPen(name_color(color, tag.suggested))
        painter.drawText(QPointF(PAD_X, (height - metrics.height()) / 2 + metrics.ascent()), tag.text)
        painter.end()
        return pixmap
