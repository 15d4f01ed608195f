"""Label names on the text: a tag after every drawn span, in room the layout makes for it.

The checks compare the tags the view computes (and paints) with the caret positions
Qt reports for the text, so "a tag never covers a character" is measured, not assumed.
"""

import unicodedata

from hypothesis import given, settings, strategies as st
from PySide6.QtCore import QPoint, QPointF, QSettings, Qt
from PySide6.QtGui import QHelpEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QToolTip

from annotator.core.model import Source, Span, State
from annotator.gui.article_view import ArticleView
from annotator.gui.main_window import LABEL_NAMES_KEY
from tests.gui.helpers import drag, keys

Key, Mod = Qt.Key, Qt.KeyboardModifier
TEXT = (
    "Russian President Vladimir Putin met Mike Pompeo in the Black Sea resort city of Sochi.\n"
    "The Kremlin and Washington disagreed, said Lavrov.\n"
    "Chemist 👩\u200d🔬 and Marie Curie 🇫🇷 met Ève and Zoe\u0308.\n"
    "\n"
    "Last line with Moscow"
)
COLORS = {"PERSON": "#aa9cfc", "ORG": "#7aecec", "GPE": "#feca74", "LOC": "#ff9561", "NORP": "#c887fb"}


def at(phrase: str, occurrence: int = 0) -> int:
    start = -1
    for _ in range(occurrence + 1):
        start = TEXT.index(phrase, start + 1)
    return start


def span(phrase: str, label: str, state: State = State.ACCEPTED, cut: int = 0) -> Span:
    """The span over ``phrase`` (its last ``cut`` code points left out)."""
    start = at(phrase)
    source = Source.MODEL if state == State.SUGGESTED else Source.HUMAN
    return Span(start, start + len(phrase) - cut, label, source, state)


SPANS = [
    span("Vladimir Putin", "PERSON"),
    span("Mike Pompeo", "PERSON", State.SUGGESTED),
    span("the Black Sea resort city of Sochi", "LOC"),
    span("Sochi", "GPE"),  # nested, same end: two tags after one character
    span("Black Sea", "LOC", State.SUGGESTED),  # nested, its own end
    span("Kremlin", "ORG", State.REJECTED),  # rejected: no tag, as it is not drawn
    span("Washington", "GPE", State.SUGGESTED),
    span("Lavrov", "PERSON"),
    span("Chemist 👩\u200d🔬", "NORP"),  # ends with an emoji ZWJ sequence
    span("Marie Curie 🇫🇷", "PERSON"),  # ends with a flag
    span("Ève", "PERSON"),  # starts with a composed letter
    span("Zoe\u0308", "PERSON"),  # ends with a combining diaeresis
    span("Moscow", "GPE"),  # at the very end of the text
]


def last_cluster(text: str, end: int) -> int:
    """Where the grapheme cluster ending at ``end`` starts (enough rules for these texts)."""
    i = end - 1
    while i > 0:
        c, before = text[i], text[i - 1]
        if unicodedata.category(c) in ("Mn", "Me") or c in "\u200d\ufe0f" or before == "\u200d":
            i -= 1
        elif 0x1F1E6 <= ord(c) <= 0x1F1FF and 0x1F1E6 <= ord(before) <= 0x1F1FF:
            return i - 1  # a flag: two regional indicators
        else:
            break
    return i


def shown_spans(spans, text: str = TEXT):
    """The spans with a tag: drawn ones (not rejected) with more than white space."""
    return [s for s in spans if s.state != State.REJECTED and text[s.start : s.end].strip()]


def tag_end(text: str, span: Span) -> int:
    """The tag goes after the span's last character that is not white space."""
    return span.start + len(text[span.start : span.end].rstrip())


def check_tags(view: ArticleView, spans, text: str = TEXT) -> list:
    """Every drawn span has exactly one tag with its label's name, right after its last
    character, in room no character stands in; no two tags overlap."""
    tags = view.label_tags()
    by_span = {}
    for tag in tags:
        assert tag.span.id not in by_span, f"two tags for {tag.span}"
        by_span[tag.span.id] = tag
    assert set(by_span) == {s.id for s in shown_spans(spans, text)}
    for s in shown_spans(spans, text):
        tag = by_span[s.id]
        assert tag.text == s.label
        assert tag.suggested == (s.state == State.SUGGESTED)
        check_place(view, tag, text)
    for i, a in enumerate(tags):
        for b in tags[i + 1 :]:
            assert not a.rect.intersects(b.rect), f"tags of {a.span} and {b.span} overlap"
    no_text_under(view, tags, len(text))
    return tags


def check_place(view: ArticleView, tag, text: str) -> None:
    """The tag's room starts after the caret before the span's last character and ends at
    the caret after it, on that character's line; the tag lies inside its room."""
    end = tag_end(text, tag.span)
    last, after = view.point_of(last_cluster(text, end)), view.point_of(end)
    assert tag.room.top() <= last.y() <= tag.room.bottom()
    assert last.x() < tag.room.left()
    if tag.room.top() <= after.y() <= tag.room.bottom():
        assert abs(tag.room.right() - after.x()) <= 1
    else:  # the line wraps right after the span: that caret position opens the next line
        assert after.y() > tag.room.bottom()
    assert tag.room.left() <= tag.rect.left() and tag.rect.right() <= tag.room.right()
    assert tag.room.top() <= tag.rect.top() and tag.rect.bottom() <= tag.room.bottom()


def no_text_under(view: ArticleView, tags, length: int) -> None:
    """No caret position (so no edge of a character) stands inside a tag's room."""
    for pos in range(length + 1):
        point = view.point_of(pos)
        for tag in tags:
            inside = tag.room.left() + 0.5 < point.x() < tag.room.right() - 0.5 and tag.room.top() <= point.y() <= tag.room.bottom()
            assert not inside, f"position {pos} stands in the room of the tag of {tag.span}"


def window_with(open_window, store_factory, spans=SPANS, text=TEXT):
    store = store_factory([("Tags", text, spans)])
    window = open_window(store)
    return store, window


def test_every_drawn_span_has_its_label_name_right_after_it(open_window, store_factory):
    store, window = window_with(open_window, store_factory)
    assert window.label_names_action.isChecked() and window.view.label_names_shown()
    tags = check_tags(window.view, store.spans(1))
    names = [tag.text for tag in tags]
    assert "ORG" not in names  # the rejected Kremlin
    sochi = [tag for tag in tags if tag.span.end == at("Sochi") + len("Sochi")]
    assert [tag.text for tag in sochi] == ["GPE", "LOC"]  # the inner span's tag nearest the text
    assert sochi[0].rect.right() < sochi[1].rect.left()


def test_tags_keep_emoji_flags_and_accents_whole(open_window, store_factory):
    """The room widens a whole grapheme cluster: the emoji is as wide as without tags."""
    store, window = window_with(open_window, store_factory)
    view = window.view
    clusters = {"Chemist": at("👩"), "Marie": at("🇫🇷"), "Zoe": at("e\u0308")}  # where each span's last cluster starts
    ends = {s.id: (clusters[w], s.end) for w in clusters for s in store.spans(1) if TEXT[s.start : s.end].startswith(w)}
    with_tags = {i: view.point_of(end).x() - view.point_of(start).x() for i, (start, end) in ends.items()}
    rooms = {tag.span.id: tag.room.width() for tag in view.label_tags()}
    window.label_names_action.trigger()
    without = {i: view.point_of(end).x() - view.point_of(start).x() for i, (start, end) in ends.items()}
    for i in ends:
        assert 0 < without[i] and abs(with_tags[i] - rooms[i] - without[i]) <= 1


def test_a_span_ending_inside_a_cluster_gets_its_tag_after_the_whole_cluster(qtbot):
    view = shown_view(qtbot)
    flag = at("🇫🇷")
    inside = Span(at("Marie"), flag + 1, "PERSON", id=1)  # stops between the two regional indicators
    view.show_document(TEXT, [inside])
    (tag,) = view.label_tags()
    assert abs(tag.room.right() - view.point_of(flag + 2).x()) <= 1
    check_place(view, tag, TEXT)


def test_view_menu_hides_the_tags_and_is_remembered(open_window, store_factory, tmp_path):
    store, window = window_with(open_window, store_factory)
    view = window.view
    lavrov = next(s for s in store.spans(1) if s.label == "PERSON" and TEXT[s.start : s.end] == "Lavrov")
    widened = view.point_of(lavrov.end).x()
    assert view.label_tags()
    window.label_names_action.trigger()
    assert not window.label_names_action.isChecked()
    assert view.label_tags() == []
    assert view.point_of(lavrov.end).x() < widened  # the room is gone too, the text closes up
    window.close()
    again = open_window(store)
    assert not again.label_names_action.isChecked() and not again.view.label_names_shown()
    assert again.view.label_tags() == []
    keys(again.view, (Key.Key_L, Mod.ControlModifier | Mod.ShiftModifier))
    assert again.view.label_tags() and again.settings.value(LABEL_NAMES_KEY, type=bool) is True
    check_tags(again.view, store.spans(1))


def test_label_names_are_on_by_default_in_a_fresh_settings_file(open_window, store_factory, tmp_path):
    _store, window = window_with(open_window, store_factory)
    assert QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat).value(LABEL_NAMES_KEY) is None
    assert window.label_names_action.isChecked()


def test_toggling_never_changes_what_is_stored(open_window, store_factory):
    store, window = window_with(open_window, store_factory)
    before = (store.document(1), store.spans(1), store.status_counts())
    for _ in range(3):
        window.label_names_action.trigger()
    keys(window.view, (Key.Key_L, Mod.ControlModifier | Mod.ShiftModifier))
    assert (store.document(1), store.spans(1), store.status_counts()) == before
    assert not window.editor.undo_group.canUndo()
    assert window.view.document().toPlainText() == TEXT.replace("\u2029", "\n")


def test_tags_follow_tagging_accepting_and_undo(open_window, store_factory):
    store, window = window_with(open_window, store_factory)
    view = window.view
    drag(view, at("Moscow") - len("with "), at("Moscow") - 1)  # "with"
    keys(view, "o")
    assert "ORG" in [tag.text for tag in view.label_tags()]
    check_tags(view, store.spans(1))
    keys(view, (Key.Key_Z, Mod.ControlModifier))
    assert "ORG" not in [tag.text for tag in view.label_tags()]
    keys(view, (Key.Key_A, Mod.ControlModifier | Mod.ShiftModifier))  # accept every suggestion
    assert not any(tag.suggested for tag in view.label_tags())
    check_tags(view, store.spans(1))


def test_a_drag_ending_in_the_room_takes_the_last_letter(open_window, store_factory):
    """The room widens the last character: a mouse released just after the letter, over
    the room's left half, still means "after the letter"."""
    _store, window = window_with(open_window, store_factory)
    view = window.view
    lavrov = at("Lavrov")
    (tag,) = [t for t in view.label_tags() if t.span.start == lavrov]
    viewport, start = view.viewport(), view.point_of(lavrov)
    just_after = QPoint(int(tag.room.left()) + 2, view.point_of(lavrov + 6).y())
    QTest.mousePress(viewport, Qt.MouseButton.LeftButton, Mod.AltModifier, start)
    QTest.mouseMove(viewport, just_after)
    QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, Mod.AltModifier, just_after)
    assert view.selection() == (lavrov, lavrov + len("Lavrov"))


def test_clicking_a_tag_picks_its_span_and_hovering_names_it(open_window, store_factory):
    _store, window = window_with(open_window, store_factory)
    view = window.view
    loc = next(t for t in view.label_tags() if t.text == "LOC" and TEXT[t.span.start : t.span.end].startswith("the Black"))
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, Mod.NoModifier, loc.rect.center().toPoint())
    assert view.current == loc.span  # the outer span, though the caret stands in both
    point = loc.rect.center().toPoint()
    QApplication.sendEvent(view.viewport(), QHelpEvent(QHelpEvent.Type.ToolTip, point, view.viewport().mapToGlobal(point)))
    assert QToolTip.isVisible() and "LOC" in QToolTip.text() and "GPE" not in QToolTip.text()


def test_tags_of_a_scrolled_view_are_right_and_only_blocks_on_screen_are_visited(qtbot):
    paragraphs = [f"Paragraph {i} mentions Moscow and Anna Karenina near the Volga river." for i in range(3000)]
    text = "\n".join(paragraphs)
    spans, start = [], 0
    for i, paragraph in enumerate(paragraphs):
        for word, label in (("Moscow", "GPE"), ("Anna Karenina", "PERSON"), ("Volga", "LOC")):
            at_ = start + paragraph.index(word)
            spans.append(Span(at_, at_ + len(word), label, state=State.SUGGESTED if i % 3 else State.ACCEPTED, id=len(spans) + 1))
        start += len(paragraph) + 1
    view = shown_view(qtbot)
    view.show_document(text, spans)
    bar = view.verticalScrollBar()
    bar.setValue(bar.maximum() // 2)
    tags = view.label_tags()
    first = view.firstVisibleBlock().blockNumber()
    assert tags and all(first - 1 <= text.count("\n", 0, t.span.start) <= first + 200 for t in tags)
    for tag in tags:
        check_place(view, tag, text)
    for i, a in enumerate(tags):
        assert not any(a.rect.intersects(b.rect) for b in tags[i + 1 :])
    visited = []
    drawn = view._highlighter.drawn
    original = drawn.touching

    def counting(base, high):
        found = list(original(base, high))
        visited.extend(found)
        return iter(found)

    drawn.touching = counting
    view.viewport().grab()  # one paint of the whole viewport
    assert 0 < len(visited) < 300  # the spans of the blocks on screen, not 9,000


def shown_view(qtbot, width=900, height=500) -> ArticleView:
    view = ArticleView()
    qtbot.addWidget(view)
    view.set_labels(COLORS, {})
    view.resize(width, height)
    view.show()
    qtbot.waitExposed(view)
    return view


NESTED_TEXT = "Anna Karenina met Count Vronsky at the Moscow railway station in winter."


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, len(NESTED_TEXT) - 1), st.integers(1, 30), st.sampled_from(list(State)), st.sampled_from(sorted(COLORS))),
        max_size=12,
    )
)
def test_nested_and_overlapping_spans_get_tags_that_never_overlap(qapp, raw):
    view = ArticleView()
    try:
        view.set_labels(COLORS, {})
        view.resize(700, 600)
        view.show()
        spans = [Span(s, min(s + n, len(NESTED_TEXT)), label, state=state, id=i) for i, (s, n, state, label) in enumerate(raw, 1)]
        view.show_document(NESTED_TEXT, spans)
        tags = view.label_tags()
        assert sorted(t.span.id for t in tags) == sorted(s.id for s in shown_spans(spans, NESTED_TEXT))
        for i, a in enumerate(tags):
            assert not any(a.rect.intersects(b.rect) for b in tags[i + 1 :])
            check_place(view, a, NESTED_TEXT)
        no_text_under(view, tags, len(NESTED_TEXT))
        ends = {}
        for tag in tags:  # at one end, the inner (shorter) span's tag comes first
            ends.setdefault(tag_end(NESTED_TEXT, tag.span), []).append(tag)
        for group in ends.values():
            lengths = [t.span.end - t.span.start for t in sorted(group, key=lambda t: t.rect.left())]
            assert lengths == sorted(lengths)
    finally:
        view.close()
        view.deleteLater()


def test_the_next_article_does_not_take_the_room_at_the_caret(open_window, store_factory):
    """New text takes the character format at the caret; after a span's end that is a room."""
    plain = "Nothing tagged here, just words in a row."
    store = store_factory([("Tags", TEXT, SPANS), ("Plain", plain, [])])
    window = open_window(store)
    view = window.view
    view.move_caret(at("Lavrov") + len("Lavrov"))  # right after a widened character
    keys(view, (Key.Key_PageDown, Mod.ControlModifier))
    assert window.editor.document.title == "Plain"
    steps = [view.point_of(i + 1).x() - view.point_of(i).x() for i in range(len(plain))]
    assert max(steps) < 20 and view.label_tags() == []


def test_a_long_paragraph_visits_only_its_lines_on_screen(qtbot):
    words = ["Moscow", "Anna Karenina", "Volga"]
    text = " and ".join(words[i % 3] for i in range(3000)) + "."
    spans, start = [], 0
    for i in range(3000):
        word = words[i % 3]
        spans.append(Span(start, start + len(word), ["GPE", "PERSON", "LOC"][i % 3], id=i + 1))
        start += len(word) + len(" and ")
    view = shown_view(qtbot)
    view.show_document(text, spans)
    bar = view.verticalScrollBar()
    bar.setValue(bar.maximum() // 2)
    view.viewport().grab()
    tags = view.label_tags()
    assert tags
    for tag in tags:
        check_place(view, tag, text)
    visited = []
    drawn = view._highlighter.drawn
    original = drawn.touching
    drawn.touching = lambda base, high: iter(visited.extend(found := list(original(base, high))) or found)
    view.viewport().grab()
    assert 0 < len(visited) < 300  # the spans of the lines on screen, not the paragraph's 3,000


def test_tag_names_are_readable_on_every_label_colour(qapp):
    from annotator.core.labels import PALETTE, default_labels
    from annotator.gui.colors import contrast
    from annotator.gui.label_tags import chip_color, name_color

    for color in [label.color for label in default_labels()] + list(PALETTE) + ["#1a237e", "#000000"]:
        for suggested in (False, True):
            assert contrast(name_color(color, suggested), chip_color(color, suggested)) >= 4.5, (color, suggested)
