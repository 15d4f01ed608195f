"""The default label colours keep black text readable, also on the selected span."""

from PySide6.QtGui import QColor

from annotator.core.labels import PALETTE, default_labels
from annotator.gui.span_frame import CURRENT_DARKER
from annotator.gui.colors import contrast_with_black, tint
from annotator.gui.highlighter import SUGGESTION_TINT


def test_default_colours_pass_aa_with_black_text(qapp):
    for color in [label.color for label in default_labels()] + list(PALETTE):
        assert contrast_with_black(color) >= 7, color  # AAA on the plain fill
        assert contrast_with_black(QColor(color).darker(CURRENT_DARKER)) >= 4.5, color  # AA when selected
        assert contrast_with_black(tint(color, SUGGESTION_TINT)) >= contrast_with_black(color)


def test_contrast_of_known_colours(qapp):
    assert round(contrast_with_black("#ffffff"), 1) == 21.0
    assert round(contrast_with_black("#000000"), 1) == 1.0
