"""Text is shown literally and offsets stay exact with emoji and separators."""

from PySide6.QtCore import Qt

from annotator.core.model import Span, State
from annotator.gui.article_view import tooltip_html
from tests.gui.helpers import drag, keys

MARKUP = 'Read <b>this</b> <img src="x.png"> <a href="http://e.org">link</a> &amp; &lt;ok&gt;'
EMOJI = "Chemist 👩‍🔬 Marie Curie 🇫🇷 won\u2028twice\u2029in\xa0Paris.\nNew line 😀 Ève."


def test_markup_is_shown_as_characters(open_window, store_factory):
    store = store_factory([("<b>Title</b> &amp;", MARKUP, [Span(5, 16, "ORG", note="<i>x</i> & y")])])
    window = open_window(store)
    assert window.view.toPlainText() == MARKUP
    assert window.view.document().toRawText() == MARKUP
    assert window.title.text() == "<b>Title</b> &amp;"
    assert window.title.textFormat() == Qt.TextFormat.PlainText
    assert "&lt;i&gt;x&lt;/i&gt; &amp; y" in tooltip_html(store.spans(1))
    drag(window.view, MARKUP.index("<img"), MARKUP.index(" <a"), Qt.KeyboardModifier.AltModifier)
    keys(window.view, "w")
    assert [MARKUP[s.start : s.end] for s in store.spans(1) if s.label == "WORK_OF_ART"] == ['<img src="x.png">']


def test_marie_curie_with_zwj_emoji(open_window, store_factory):
    store = store_factory([("Curie", EMOJI, [])])
    view = open_window(store).view
    start, end = EMOJI.index("👩"), EMOJI.index(" 🇫🇷")
    drag(view, start, end, Qt.KeyboardModifier.AltModifier)
    keys(view, "p")
    (span,) = store.spans(1)
    assert EMOJI[span.start : span.end] == "👩‍🔬 Marie Curie"


def test_offsets_after_separators_and_astral_characters(open_window, store_factory):
    store = store_factory([("Curie", EMOJI, [])])
    view = open_window(store).view
    for word, key in (("twice", "d"), ("Paris", "g"), ("Ève", "p")):
        start = EMOJI.index(word)
        drag(view, start + 1, start + 2)  # snapping grows it to the whole word
        keys(view, key)
    assert sorted(EMOJI[s.start : s.end] for s in store.spans(1)) == ["Paris", "twice", "Ève"]


def test_spans_are_drawn_where_they_are_stored(open_window, store_factory):
    start = EMOJI.index("Ève")
    store = store_factory([("Curie", EMOJI, [Span(start, start + 3, "PERSON"), Span(0, 7, "ORG", state=State.SUGGESTED)])])
    view = open_window(store).view
    block = view.document().findBlock(view.document().characterCount() - 2)
    drawn = [(r.start, r.length) for r in block.layout().formats()]
    qt_start = len("New line 😀 ") + 1  # the emoji before it takes two UTF-16 units
    assert (qt_start, 3) in drawn


def test_tooltip_on_hover_names_label_source_and_escaped_note(open_window, store_factory):
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QHelpEvent
    from PySide6.QtWidgets import QApplication, QToolTip

    store = store_factory([("Markup", MARKUP, [Span(5, 16, "ORG", note="<i>x</i>")])])
    view = open_window(store).view
    point = view.point_of(8)
    QApplication.sendEvent(view.viewport(), QHelpEvent(QEvent.Type.ToolTip, point, view.viewport().mapToGlobal(point)))
    assert QToolTip.isVisible()
    assert "ORG" in QToolTip.text() and "human" in QToolTip.text() and "&lt;i&gt;x&lt;/i&gt;" in QToolTip.text()


def test_crlf_file_imported_then_tagged_keeps_exact_offsets(open_window, tmp_path):
    from annotator.store import Store
    from annotator.transfer.importing import import_paths

    (tmp_path / "news.txt").write_bytes("Headline 😀\r\n\r\nMarie Curie won\r\nin Paris.\r\n".encode())
    store = Store(tmp_path / "crlf.db")
    import_paths(store, [tmp_path / "news.txt"])
    text = store.document(1).text
    assert "\r" not in text
    view = open_window(store).view
    start = text.index("Paris")
    drag(view, start + 2, start + 3)
    keys(view, "g")
    (span,) = store.spans(1)
    assert text[span.start : span.end] == "Paris"
    store.close()
