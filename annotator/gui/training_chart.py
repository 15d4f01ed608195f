"""Dev F1 per evaluation as a small line chart, drawn with QPainter (no plotting library for one line)."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QWidget

LINE = QColor("#1f77b4")
GRID = QColor(0, 0, 0, 40)
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 34, 10, 8, 20


class F1Chart(QWidget):
    """Steps along x (0 to the run's max steps), F1 from 0 to 1 along y; a dot per evaluation."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.points: list[tuple[int, float]] = []
        self.max_steps = 1
        self.setMinimumSize(260, 120)
        self.setAccessibleName("Dev F1 per evaluation")

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(420, 150)

    def add(self, step: int, f1: float, max_steps: int) -> None:
        self.points.append((step, f1))
        self.max_steps = max(max_steps, step, 1)
        self.update()

    def clear(self) -> None:
        self.points.clear()
        self.update()

    def plot_area(self) -> QRectF:
        return QRectF(self.rect()).adjusted(MARGIN_LEFT, MARGIN_TOP, -MARGIN_RIGHT, -MARGIN_BOTTOM)

    def position(self, step: int, f1: float) -> QPointF:
        """Where a point is drawn (tests check the drawing against it)."""
        area = self.plot_area()
        return QPointF(area.left() + area.width() * step / self.max_steps, area.bottom() - area.height() * min(max(f1, 0.0), 1.0))

    def paintEvent(self, _event) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        self._axes(painter)
        if not self.points:
            painter.setPen(self.palette().placeholderText().color())
            painter.drawText(self.plot_area(), Qt.AlignmentFlag.AlignCenter, "dev F1 shows after the first evaluation")
            return
        path = QPainterPath(self.position(*self.points[0]))
        for point in self.points[1:]:
            path.lineTo(self.position(*point))
        painter.setPen(QPen(LINE, 2))
        painter.drawPath(path)
        painter.setBrush(LINE)
        for point in self.points:
            painter.drawEllipse(self.position(*point), 2.5, 2.5)

    def _axes(self, painter: QPainter) -> None:
        area, text = self.plot_area(), self.palette().text().color()
        for f1 in (0.0, 0.5, 1.0):
            y = self.position(0, f1).y()
            painter.setPen(QPen(GRID, 1))
            painter.drawLine(QPointF(area.left(), y), QPointF(area.right(), y))
            painter.setPen(text)
            painter.drawText(QRectF(0, y - 8, MARGIN_LEFT - 4, 16), Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, f"{f1:.1f}")
        painter.drawText(QRectF(area.left(), area.bottom() + 2, area.width(), MARGIN_BOTTOM - 2),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop, "dev F1 by step")
        painter.drawText(QRectF(area.left(), area.bottom() + 2, area.width(), MARGIN_BOTTOM - 2),
                         Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop, f"{self.max_steps:,}")
