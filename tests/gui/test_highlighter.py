"""What the article view draws: fills, suggestion underlines, nested spans, rejected ones."""

from hypothesis import given, settings, strategies as st
from PySide6.QtGui import QTextCharFormat

from annotator.core.model import Span, State
from annotator.gui import drawn_spans
from annotator.gui.article_view import ArticleView
from annotator.gui.offsets import OffsetMap

COLORS = {"ORG": "#7aecec", "PERSON": "#aa9cfc"}
TEXT = "The Marie Curie Institute in 🇫🇷 Paris opened.\nSecond line."
Underline = QTextCharFormat.UnderlineStyle


def drawn(view: ArticleView) -> dict[int, QTextCharFormat]:
    """Qt position -> format, for every character that got one."""
    found = {}
    block = view.document().firstBlock()
    while block.isValid():
        for r in block.layout().formats():
            fmt = QTextCharFormat(r.format)  # r is a temporary
            for i in range(r.start, r.start + r.length):
                found[block.position() + i] = fmt
        block = block.next()
    return found


def view_with(qtbot, spans) -> ArticleView:
    view = ArticleView()
    if qtbot is not None:
        qtbot.addWidget(view)
    view.set_labels(COLORS, {})
    view.show_document(TEXT, [Span(s, e, label, state=state, id=i) for i, (s, e, label, state) in enumerate(spans, 1)])
    return view


def test_nested_span_stays_visible_as_an_underline(qtbot):
    outer = (TEXT.index("The Marie"), TEXT.index(" in"), "ORG", State.ACCEPTED)
    inner = (TEXT.index("Marie"), TEXT.index(" Institute"), "PERSON", State.ACCEPTED)
    formats = drawn(view_with(qtbot, [outer, inner]))
    marie, the = formats[TEXT.index("Marie")], formats[0]
    assert marie.background().color().name() == COLORS["ORG"]
    assert marie.underlineStyle() == Underline.SingleUnderline
    assert the.underlineStyle() == Underline.NoUnderline


def test_suggestion_is_dashed_and_paler(qtbot):
    paris = TEXT.index("Paris")
    formats = drawn(view_with(qtbot, [(paris, paris + 5, "ORG", State.SUGGESTED)]))
    qt = paris + 2  # the flag before it is two astral characters
    assert formats[qt].underlineStyle() == Underline.DashUnderline
    assert formats[qt].background().color().name() != COLORS["ORG"]
    assert formats[qt].background().color().lightness() > 200


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, len(TEXT) - 1), st.integers(1, 12), st.sampled_from(list(State))), max_size=8),
    st.sampled_from([2000, 4]),  # 4: most spans take the "long span" path
)
def test_exactly_the_drawn_spans_get_a_format(qapp, raw, long_limit):
    saved, drawn_spans.LONG = drawn_spans.LONG, long_limit
    try:
        check_formats(raw)
    finally:
        drawn_spans.LONG = saved


def check_formats(raw):
    spans = [(s, min(s + n, len(TEXT)), "ORG", state) for s, n, state in raw]
    view = view_with(None, spans)
    formats = drawn(view)
    view.deleteLater()
    offsets = OffsetMap.of(TEXT)
    expected = set()
    for s, e, _, state in spans:
        if state != State.REJECTED:
            qs, qe = offsets.to_qt_range(s, e)
            expected |= {q for q in range(qs, qe) if TEXT[offsets.to_cp(q)] != "\n"}
    assert set(formats) == expected
