"""Colour arithmetic for label highlights: tints, darker ink, contrast with black text."""

from __future__ import annotations

from PySide6.QtGui import QColor


def tint(color: str, amount: float) -> QColor:
    """``color`` mixed with white: ``amount`` 1.0 is the colour, 0.0 is white."""
    c = QColor(color)
    return QColor(*(round(255 - (255 - v) * amount) for v in (c.red(), c.green(), c.blue())))


def ink(color: str) -> QColor:
    """A darker shade of the label colour for underlines and swatch borders."""
    return QColor(color).darker(210)


def _luminance(c: QColor) -> float:
    def channel(v: int) -> float:
        s = v / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(c.red()) + 0.7152 * channel(c.green()) + 0.0722 * channel(c.blue())


def contrast(ink_color: str | QColor, background: str | QColor) -> float:
    """WCAG contrast ratio of two colours (4.5 is AA, 7 is AAA)."""
    a, b = _luminance(QColor(ink_color)), _luminance(QColor(background))
    return (max(a, b) + 0.05) / (min(a, b) + 0.05)


def contrast_with_black(color: str | QColor) -> float:
    """WCAG contrast ratio of black text on ``color`` (4.5 is AA, 7 is AAA)."""
    return (_luminance(QColor(color)) + 0.05) / 0.05
