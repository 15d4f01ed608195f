"""The relations of the open article, painted as labelled arcs over its text.

The article view paints this layer after the text (it is one of its ``overlays``).
Only relations with an end on screen are laid out: the ends of every relation are
kept sorted by position, and two binary searches find those between the first and the
last character in view, so a paint costs what is visible, not what the article holds.
Where the arcs go is ``relation_layout``'s business; this module measures the spans'
boxes and paints. Arcs and labels are half transparent: the text under them shows.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right, insort
from dataclasses import dataclass
from math import ceil

from PySide6.QtCore import QPoint, QPointF, QRect, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPen, QPixmap, QPolygonF
from PySide6.QtWidgets import QPlainTextEdit

from annotator.core.model import Relation, RelationLabel, Span
from annotator.gui.colors import ink
from annotator.gui.display import TAG, shown
from annotator.gui.offsets import OffsetMap
from annotator.gui.relation_layout import Arc, ArcRequest, End, Ink, lay_out
from annotator.gui.span_frame import first_line_rect

FALLBACK_COLOR = "#555555"
LINE_ALPHA = 150  # of 255: the arcs; letters under a leg stay readable
SELECTED_ALPHA = 235  # the arcs of the selected span stand out
PILL_ALPHA = 150  # the label's background: the letters under it show through
CORNER = 5  # px radius of the run's corners
ARROW = 5  # px of the arrowhead at the tail
PAD_X = 3  # px inside the label pill
SCALE = 0.7  # the label font, relative to the article's (as the span tags)


class RelationLayer:
    """What the view's paint event calls: ``paint(area, offsets)``."""

    def __init__(self, view: QPlainTextEdit) -> None:
        self._view = view
        self._by_id: dict[int, Relation] = {}
        self._ends: list[tuple[int, int]] = []  # (code point where an end starts, relation id), sorted
        self._labels: dict[str, RelationLabel] = {}
        self.shown = True
        self.pending: tuple[Span, Span | QPointF] | None = None  # an arrow being drawn (mouse or keys)
        self._font = QFont()
        self._metrics = QFontMetricsF(self._font)
        self._line_height = 0.0  # of the last span box measured
        self._styles: dict[tuple[str, bool], _Style] = {}  # by (label, at the selected span): pens made once
        self._widths: dict[str, float] = {}
        self._pills: dict[_Style, QPixmap] = {}
        self._heads: dict[_Style, QPixmap] = {}  # arrowheads, antialiased once per style
        self.font_changed()

    # -- what is drawn ------------------------------------------------------------

    def set_labels(self, labels: list[RelationLabel]) -> None:
        self._labels = {label.name: label for label in labels}
        self._styles.clear()
        self._pills.clear()
        self._heads.clear()
        self._view.viewport().update()

    def label(self, name: str) -> RelationLabel | None:
        return self._labels.get(name)

    def load(self, relations: list[Relation]) -> None:
        self._by_id = {relation.id: relation for relation in relations}
        self._ends = sorted(end for relation in relations for end in _ends(relation))
        self._view.viewport().update()

    def add(self, relation: Relation) -> None:
        self.remove(relation.id)
        self._by_id[relation.id] = relation
        for end in _ends(relation):
            insort(self._ends, end)
        self._view.viewport().update()

    def remove(self, relation_id: int) -> Relation | None:
        relation = self._by_id.pop(relation_id, None)
        if relation is not None:
            for end in _ends(relation):
                i = bisect_left(self._ends, end)
                if i < len(self._ends) and self._ends[i] == end:
                    del self._ends[i]
            self._view.viewport().update()
        return relation

    def get(self, relation_id: int) -> Relation | None:
        return self._by_id.get(relation_id)

    def all(self) -> list[Relation]:
        return list(self._by_id.values())

    def of_span(self, span_id: int) -> list[Relation]:
        """The relations with ``span_id`` at one end, by id."""
        return sorted((r for r in self._by_id.values() if span_id in (r.head.id, r.tail.id)), key=lambda r: r.id)

    def set_shown(self, on: bool) -> None:
        self.shown = on
        self._view.viewport().update()

    def font_changed(self) -> None:
        font = QFont(self._view.document().defaultFont())
        font.setPointSizeF(max(6.0, font.pointSizeF() * SCALE))
        font.setWeight(QFont.Weight.DemiBold)
        self._font, self._metrics = font, QFontMetricsF(font)
        self._widths, self._pills, self._heads = {}, {}, {}

    # -- on screen ----------------------------------------------------------------

    def in_view(self, offsets: OffsetMap) -> list[Relation]:
        """The relations with an end between the first and the last character on screen."""
        return self._in_view(offsets)[0]

    def _in_view(self, offsets: OffsetMap) -> tuple[list[Relation], int, int]:
        if not self._ends:
            return [], 0, 0
        view = self._view
        first = offsets.to_cp(view.firstVisibleBlock().position())
        corner = view.viewport().rect().bottomRight()
        last = offsets.to_cp(view.cursorForPosition(corner).position())
        lo, hi = bisect_left(self._ends, (first, -1)), bisect_right(self._ends, (last, float("inf")))
        ids = dict.fromkeys(relation_id for _cp, relation_id in self._ends[lo:hi])
        return [self._by_id[relation_id] for relation_id in ids], first, last

    def arcs(self, offsets: OffsetMap) -> list[Arc]:
        """The arcs on screen now (tests look at them; paint draws them). An end off screen is
        not measured (that would lay out its paragraph): its leg leaves the screen at the top or
        the bottom, beside the other end's."""
        requests = []
        boxes: dict[int, End | None] = {}
        relations, first, last = self._in_view(offsets)
        for relation in relations:
            head, tail = relation.head, relation.tail
            if not first <= head.start <= last:
                tail_box = self._box(tail, offsets, boxes)
                head_box = tail_box and self._off_screen(tail_box, head.start < first)
            else:
                head_box = self._box(head, offsets, boxes)
                tail_box = head_box and (self._box(tail, offsets, boxes) if first <= tail.start <= last else self._off_screen(head_box, tail.start < first))
            if head_box is not None and tail_box is not None:
                requests.append(ArcRequest(relation, head_box, tail_box, self._label_width(relation.label)))
        return lay_out(requests, self._line_spacing(), ink=self._ink() if requests else (), label_height=self._metrics.height(), ceiling=0.0)

    def _ink(self) -> list[Ink]:
        """The glyphs of the text lines on screen (labels move off them): from the cap height
        to the descent of each line, its natural width; a paint measures only what it shows."""
        view, ink = self._view, []
        offset, bottom = view.contentOffset(), view.viewport().height()
        cap = view.fontMetrics().capHeight()
        block = view.firstVisibleBlock()
        while block.isValid():
            box = view.blockBoundingGeometry(block).translated(offset)
            if box.top() > bottom:
                break
            layout = block.layout()
            for i in range(layout.lineCount() if block.isVisible() and layout else 0):
                line = layout.lineAt(i)
                if line.naturalTextWidth() > 0:
                    baseline, left = box.top() + line.y() + line.ascent(), box.left() + line.x()
                    ink.append(Ink(baseline - cap, baseline + line.descent(), left, left + line.naturalTextWidth()))
            block = block.next()
        return ink

    def _off_screen(self, near: End, above: bool) -> End:
        """A box for an end beyond the top (or bottom) edge, a little right of ``near``."""
        spacing = self._line_spacing()
        top = -2 * spacing if above else self._view.viewport().height() + spacing
        return End(near.right + 4, top, near.right + 24)

    def _box(self, span: Span, offsets: OffsetMap, boxes: dict) -> End | None:
        if span.id not in boxes:
            rect = first_line_rect(self._view, offsets, *offsets.to_qt_range(span.start, span.end))
            boxes[span.id] = End(rect.left(), rect.top(), rect.right()) if rect is not None else None
            if rect is not None:
                self._line_height = rect.height()
        return boxes[span.id]

    def _line_spacing(self) -> float:
        """The text lines' pitch as laid out (the font's line spacing counts a leading the layout leaves out)."""
        return self._line_height or float(self._view.fontMetrics().height())

    def _label_width(self, name: str) -> float:
        width = self._widths.get(name)
        if width is None:
            width = self._widths[name] = self._metrics.horizontalAdvance(shown(name, TAG)) + 2 * PAD_X
        return width

    # -- painting -----------------------------------------------------------------

    def paint(self, area: QRect, offsets: OffsetMap) -> None:
        if not (self.shown and self._ends) and self.pending is None:
            return
        painter = QPainter(self._view.viewport())  # no antialiasing: arcs are straight but for their corners, and it costs 5x
        if self.shown:
            current = self._view.current
            selected = current.id if current is not None else None
            for arc in self.arcs(offsets):
                relation = arc.key
                self._paint_arc(painter, arc, self._style(relation.label, selected in (relation.head.id, relation.tail.id)))
        if self.pending is not None:
            self._paint_pending(painter, offsets)
        painter.end()

    def _style(self, name: str, selected: bool) -> _Style:
        """How arcs of label ``name`` look; those of the selected span stand out, the others stay faint."""
        style = self._styles.get((name, selected))
        if style is None:
            label = self._labels.get(name)
            style = self._styles[(name, selected)] = _Style.of(QColor(label.color if label else FALLBACK_COLOR), name,
                                                               label.directed if label else True, selected)
        return style

    def _paint_arc(self, painter: QPainter, arc: Arc, style: _Style) -> None:
        painter.setPen(style.line)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(arc_path(arc))
        if style.directed:
            self._paint_head(painter, arc.tail[0], arc.tail[1] + 2, style)
        if style.name:
            self._paint_label(painter, arc, style)

    def _paint_label(self, painter: QPainter, arc: Arc, style: _Style) -> None:
        pill = self._pills.get(style)
        if pill is None:
            pill = self._pills[style] = self._pill(style)
        x, y = arc.label_center
        size = pill.deviceIndependentSize()
        painter.drawPixmap(QPointF(x - size.width() / 2, y - size.height() / 2), pill)

    def _paint_head(self, painter: QPainter, x: float, y: float, style: _Style) -> None:
        """The arrowhead pointing down at (x, y), from a pixmap drawn once per style: an
        antialiased polygon on the viewport costs far more than copying its pixels."""
        head = self._heads.get(style)
        if head is None:
            head = self._heads[style] = _head_pixmap(style.line.color(), self._view.devicePixelRatioF())
        size = head.deviceIndependentSize()
        painter.drawPixmap(QPointF(round(x) + 0.5 - size.width() / 2, round(y) - size.height() + 1), head)  # tip on the leg's pixel column

    def _pill(self, style: _Style) -> QPixmap:
        """The label's pill, drawn once per style (text drawing is the costly part of a paint)."""
        ratio = self._view.devicePixelRatioF()
        width, height = self._label_width(style.name), self._metrics.height()
        pixmap = QPixmap(round(width * ratio) + 2, round(height * ratio) + 2)
        pixmap.setDevicePixelRatio(ratio)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setFont(self._font)
        rect = QRectF(0.5, 0.5, width, height)
        painter.setPen(style.border)
        painter.setBrush(style.fill)
        painter.drawRoundedRect(rect, 3, 3)
        painter.setPen(style.text)
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, style.shown_name)
        painter.end()
        return pixmap

    def _paint_pending(self, painter: QPainter, offsets: OffsetMap) -> None:
        """The arrow being made: a dashed arc to a span, or a straight line to the mouse."""
        head, to = self.pending
        boxes: dict[int, End | None] = {}
        start = self._box(head, offsets, boxes)
        if start is None:
            return
        if isinstance(to, Span):
            end = self._box(to, offsets, boxes)
            if end is not None and to.id != head.id:
                (arc,) = lay_out([ArcRequest(None, start, end, 0)], self._line_spacing())
                self._paint_arc(painter, arc, PREVIEW)
            return
        origin = QPointF((start.left + start.right) / 2, start.top)
        painter.setPen(PREVIEW.line)
        painter.drawLine(origin, to)
        direction = to - origin
        length = max((direction.x() ** 2 + direction.y() ** 2) ** 0.5, 1.0)
        _arrowhead(painter, to, direction / length, PREVIEW.line.color())

    def label_at(self, point: QPoint | QPointF, offsets: OffsetMap) -> Relation | None:
        """The relation whose label pill is under ``point`` (a click there selects it)."""
        height = self._metrics.height()
        for arc in self.arcs(offsets):
            x, y = arc.label_center
            width = self._label_width(arc.key.label)
            if QRectF(x - width / 2, y - height / 2, width, height).contains(QPointF(point)):
                return arc.key
        return None


@dataclass(frozen=True, slots=True, eq=False)  # by identity: styles are made once and kept
class _Style:
    name: str
    shown_name: str
    directed: bool
    line: QPen
    border: QPen
    fill: QBrush
    text: QColor

    @classmethod
    def of(cls, color: QColor, name: str, directed: bool, selected: bool, dashed: bool = False) -> _Style:
        line = QColor(color)
        line.setAlpha(SELECTED_ALPHA if selected else LINE_ALPHA)
        pen = QPen(line, 2.0 if selected else 1.0, Qt.PenStyle.DashLine if dashed else Qt.PenStyle.SolidLine)
        text = ink(color.name()) if color.lightness() > 90 else QColor(color)
        fill = QBrush(QColor(255, 255, 255, PILL_ALPHA))
        return cls(name, shown(name, TAG), directed, pen, QPen(line, 1), fill, text)


PREVIEW = _Style.of(QColor(31, 35, 40), "", True, True, dashed=True)


def arc_path(arc: Arc) -> QPainterPath:
    """Legs up from both ends, a run across the gap, rounded where they meet."""
    (hx, hy), (tx, ty), run = arc.head, arc.tail, arc.run_y
    hx, tx, run = round(hx) + 0.5, round(tx) + 0.5, round(run) + 0.5  # on the pixel grid: crisp without antialiasing
    toward = 1 if tx >= hx else -1
    radius = max(0.0, min(CORNER, abs(tx - hx) / 2, hy - run, ty - run))
    path = QPainterPath(QPointF(hx, hy))
    path.lineTo(hx, run + radius)
    path.quadTo(hx, run, hx + toward * radius, run)
    path.lineTo(tx - toward * radius, run)
    path.quadTo(tx, run, tx, run + radius)
    path.lineTo(tx, ty)
    return path


def _head_pixmap(color: QColor, ratio: float) -> QPixmap:
    """A downward arrowhead on a transparent pixmap of odd width, its tip at the bottom middle."""
    width, height = 2 * ceil(ARROW * 0.8) + 3, ceil(ARROW * 1.6) + 1
    pixmap = QPixmap(round(width * ratio), round(height * ratio))
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    _arrowhead(painter, QPointF(width / 2, height), QPointF(0, 1), color)
    painter.end()
    return pixmap


def _arrowhead(painter: QPainter, tip: QPointF, direction: QPointF, color: QColor) -> None:
    """A filled triangle with its tip at ``tip``, pointing along the unit vector ``direction``."""
    back = tip - direction * ARROW * 1.6
    side = QPointF(-direction.y(), direction.x()) * ARROW * 0.8
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(color)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)  # small: cheap, and a jagged tip reads badly
    painter.drawPolygon(QPolygonF([tip, back + side, back - side]))
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
    painter.setBrush(Qt.BrushStyle.NoBrush)


def _ends(relation: Relation) -> tuple[tuple[int, int], tuple[int, int]]:
    return (relation.head.start, relation.id), (relation.tail.start, relation.id)
