"""Reviewing suggestions with the keyboard: Tab walks, Enter accepts, Delete rejects."""

from PySide6.QtCore import Qt

from annotator.core.model import Source, Span, State
from tests.gui.helpers import keys

Key, Mod = Qt.Key, Qt.KeyboardModifier
TEXT = "Pompeo met Lavrov in Sochi and flew to Moscow."


def suggestion(word: str, label: str) -> Span:
    start = TEXT.index(word)
    return Span(start, start + len(word), label, Source.MODEL, State.SUGGESTED)


def states(store):
    return [(TEXT[s.start : s.end], s.label, s.state, s.source) for s in store.spans(1)]


def with_suggestions(store_factory):
    spans = [suggestion("Pompeo", "PERSON"), suggestion("Lavrov", "ORG"), suggestion("Sochi", "GPE"), suggestion("Moscow", "GPE")]
    return store_factory([("Talks", TEXT, spans)])


def test_tab_enter_delete_review(open_window, store_factory):
    store = with_suggestions(store_factory)
    view = open_window(store).view
    keys(view, Key.Key_Tab)
    assert view.current.label == "PERSON"
    keys(view, Key.Key_Return)  # accept Pompeo, move on to Lavrov
    assert view.current.start == TEXT.index("Lavrov")
    keys(view, Key.Key_Delete)  # reject Lavrov, move on to Sochi
    keys(view, "l")  # a label key on a suggestion relabels and accepts it
    assert states(store) == [
        ("Pompeo", "PERSON", State.ACCEPTED, Source.MODEL),
        ("Lavrov", "ORG", State.REJECTED, Source.MODEL),
        ("Sochi", "LOC", State.ACCEPTED, Source.MODEL),
        ("Moscow", "GPE", State.SUGGESTED, Source.MODEL),
    ]
    keys(view, (Key.Key_Tab, Mod.ShiftModifier))
    assert view.current is None or view.current.start <= TEXT.index("Sochi")
    keys(view, (Key.Key_Z, Mod.ControlModifier), (Key.Key_Z, Mod.ControlModifier))
    assert [s[2] for s in states(store)] == [State.ACCEPTED, State.SUGGESTED, State.SUGGESTED, State.SUGGESTED]


def test_enter_without_a_current_span_accepts_the_next_suggestion(open_window, store_factory):
    store = with_suggestions(store_factory)
    view = open_window(store).view
    view.move_caret(TEXT.index(" in Sochi"))
    keys(view, Key.Key_Escape, Key.Key_Return)
    assert [s[2] for s in states(store)] == [State.SUGGESTED, State.SUGGESTED, State.ACCEPTED, State.SUGGESTED]


def test_accept_all_is_one_undo_step(open_window, store_factory):
    store = with_suggestions(store_factory)
    window = open_window(store)
    keys(window.view, (Key.Key_A, Mod.ControlModifier | Mod.ShiftModifier))
    assert {s[2] for s in states(store)} == {State.ACCEPTED}
    assert {s.state for s in window.view.spans()} == {State.ACCEPTED}
    keys(window.view, (Key.Key_Z, Mod.ControlModifier))
    assert {s[2] for s in states(store)} == {State.SUGGESTED}


def test_rejected_spans_are_not_drawn(open_window, store_factory):
    store = with_suggestions(store_factory)
    view = open_window(store).view
    keys(view, Key.Key_Tab, Key.Key_Delete)
    block = view.document().firstBlock()
    formats = [(r.start, r.length) for r in block.layout().formats() if r.format.background().style() != Qt.BrushStyle.NoBrush]
    assert (0, len("Pompeo")) not in formats
    assert (TEXT.index("Lavrov"), len("Lavrov")) in formats
