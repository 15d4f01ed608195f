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

from PySide6.QtCore import QPoint, QPointF, QRect, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPen, QPolygonF
from PySide6.QtWidgets import QPlainTextEdit

from annotator.core.model import Relation, RelationLabel, Span
from annotator.gui.colors import ink
from annotator.gui.display import TAG, shown
from annotator.gui.offsets import OffsetMap
from annotator.gui.relation_layout import Arc, ArcRequest, End, lay_out
from annotator.gui.span_frame import line_rects

FALLBACK_COLOR = "#555555"
LINE_ALPHA = 190  # of 255: the arcs; letters under a leg stay readable
PILL_ALPHA = 170  # the label's background
CORNER = 5  # px radius of the run's corners
ARROW = 5  # px of the arrowhead at the tail
PAD_X = 3  # px inside the label pill
SCALE = 0.7  # the label font, relative to the article's (as the span tags)
PREVIEW_COLOR = QColor(31, 35, 40, 200)


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
        self.font_changed()

    # -- what is drawn ------------------------------------------------------------

    def set_labels(self, labels: list[RelationLabel]) -> None:
        self._labels = {label.name: label for label in labels}
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

    # -- on screen ----------------------------------------------------------------

    def in_view(self, offsets: OffsetMap) -> list[Relation]:
        """The relations with an end between the first and the last character on screen."""
        if not self._ends:
            return []
        view = self._view
        first = offsets.to_cp(view.firstVisibleBlock().position())
        corner = view.viewport().rect().bottomRight()
        last = offsets.to_cp(view.cursorForPosition(corner).position())
        lo, hi = bisect_left(self._ends, (first, -1)), bisect_right(self._ends, (last, float("inf")))
        ids = dict.fromkeys(relation_id for _cp, relation_id in self._ends[lo:hi])
        return [self._by_id[relation_id] for relation_id in ids]

    def arcs(self, offsets: OffsetMap) -> list[Arc]:
        """The arcs on screen now (tests look at them; paint draws them)."""
        requests = []
        boxes: dict[int, End | None] = {}
        for relation in self.in_view(offsets):
            head, tail = (self._box(span, offsets, boxes) for span in (relation.head, relation.tail))
            if head is not None and tail is not None:
                requests.append(ArcRequest(relation, head, tail, self._label_width(relation.label)))
        return lay_out(requests, self._line_spacing())

    def _box(self, span: Span, offsets: OffsetMap, boxes: dict) -> End | None:
        if span.id not in boxes:
            rects = line_rects(self._view, offsets, *offsets.to_qt_range(span.start, span.end))
            boxes[span.id] = End(rects[0].left(), rects[0].top(), rects[0].right()) if rects else None
            if rects:
                self._line_height = rects[0].height()
        return boxes[span.id]

    def _line_spacing(self) -> float:
        """The text lines' pitch as laid out (the font's line spacing counts a leading the layout leaves out)."""
        return self._line_height or float(self._view.fontMetrics().height())

    def _label_width(self, name: str) -> float:
        return self._metrics.horizontalAdvance(shown(name, TAG)) + 2 * PAD_X

    # -- painting -----------------------------------------------------------------

    def paint(self, area: QRect, offsets: OffsetMap) -> None:
        if not (self.shown and self._ends) and self.pending is None:
            return
        painter = QPainter(self._view.viewport())
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setFont(self._font)
        if self.shown:
            for arc in self.arcs(offsets):
                self._paint_arc(painter, arc, self._color(arc.key.label), arc.key.label)
        if self.pending is not None:
            self._paint_pending(painter, offsets)
        painter.end()

    def _color(self, name: str) -> QColor:
        label = self._labels.get(name)
        return QColor(label.color if label else FALLBACK_COLOR)

    def _directed(self, name: str) -> bool:
        label = self._labels.get(name)
        return label.directed if label else True

    def _paint_arc(self, painter: QPainter, arc: Arc, color: QColor, name: str, dashed: bool = False) -> None:
        line = QColor(color)
        line.setAlpha(LINE_ALPHA)
        pen = QPen(line, 1.6, Qt.PenStyle.DashLine if dashed else Qt.PenStyle.SolidLine)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(arc_path(arc))
        if self._directed(name):
            _arrowhead(painter, QPointF(arc.tail[0], arc.tail[1] + 2), QPointF(0, 1), line)
        if name:
            self._paint_label(painter, arc, color, name)

    def _paint_label(self, painter: QPainter, arc: Arc, color: QColor, name: str) -> None:
        text = shown(name, TAG)
        width, height = self._label_width(name), self._metrics.height()
        x, y = arc.label_center
        pill = QRectF(x - width / 2, y - height / 2, width, height)
        fill = QColor(255, 255, 255, PILL_ALPHA)
        painter.setPen(QPen(QColor(color.red(), color.green(), color.blue(), LINE_ALPHA), 1))
        painter.setBrush(QBrush(fill))
        painter.drawRoundedRect(pill, 3, 3)
        painter.setPen(ink(color.name()) if color.lightness() > 90 else color)
        painter.drawText(pill, Qt.AlignmentFlag.AlignCenter, text)

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
                self._paint_arc(painter, arc, PREVIEW_COLOR, "", dashed=True)
                _arrowhead(painter, QPointF(arc.tail[0], arc.tail[1] + 2), QPointF(0, 1), PREVIEW_COLOR)
            return
        origin = QPointF((start.left + start.right) / 2, start.top)
        painter.setPen(QPen(PREVIEW_COLOR, 1.6, Qt.PenStyle.DashLine))
        painter.drawLine(origin, to)
        direction = to - origin
        length = max((direction.x() ** 2 + direction.y() ** 2) ** 0.5, 1.0)
        _arrowhead(painter, to, direction / length, PREVIEW_COLOR)

    def label_at(self, point: QPoint | QPointF, offsets: OffsetMap) -> Relation | None:
        """The relation whose label pill is under ``point`` (a click there selects it)."""
        height = self._metrics.height()
        for arc in self.arcs(offsets):
            x, y = arc.label_center
            width = self._label_width(arc.key.label)
            if QRectF(x - width / 2, y - height / 2, width, height).contains(QPointF(point)):
                return arc.key
        return None


def arc_path(arc: Arc) -> QPainterPath:
    """Legs up from both ends, a run across the gap, rounded where they meet."""
    (hx, hy), (tx, ty), run = arc.head, arc.tail, arc.run_y
    toward = 1 if tx >= hx else -1
    radius = max(0.0, min(CORNER, abs(tx - hx) / 2, hy - run, ty - run))
    path = QPainterPath(QPointF(hx, hy))
    path.lineTo(hx, run + radius)
    path.quadTo(hx, run, hx + toward * radius, run)
    path.lineTo(tx - toward * radius, run)
    path.quadTo(tx, run, tx, run + radius)
    path.lineTo(tx, ty)
    return path


def _arrowhead(painter: QPainter, tip: QPointF, direction: QPointF, color: QColor) -> None:
    """A filled triangle with its tip at ``tip``, pointing along the unit vector ``direction``."""
    back = tip - direction * ARROW * 1.6
    side = QPointF(-direction.y(), direction.x()) * ARROW * 0.8
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(color)
    painter.drawPolygon(QPolygonF([tip, back + side, back - side]))
    painter.setBrush(Qt.BrushStyle.NoBrush)


def _ends(relation: Relation) -> tuple[tuple[int, int], tuple[int, int]]:
    return (relation.head.start, relation.id), (relation.tail.start, relation.id)
