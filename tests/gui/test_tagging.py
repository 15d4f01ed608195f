"""Creating, relabelling and deleting spans with real mouse and key events."""

from PySide6.QtCore import Qt

from annotator.core.model import Source, Span, State
from tests.gui.helpers import click, drag, keys

TEXT = "Russian President Vladimir Putin met Mike Pompeo in Sochi on Tuesday."
Key, Mod = Qt.Key, Qt.KeyboardModifier


def stored(store, doc_id=1):
    return [(TEXT[s.start : s.end], s.label, s.state, s.source) for s in store.spans(doc_id)]


def test_mouse_selection_snaps_to_tokens_and_hotkey_tags(open_window, store_factory):
    store = store_factory([("Putin", TEXT, [])])
    window = open_window(store)
    view = window.view
    drag(view, TEXT.index("ladimir"), TEXT.index("utin") + 2)  # "ladimir Pu"
    keys(view, "p")
    assert stored(store) == [("Vladimir Putin", "PERSON", State.ACCEPTED, Source.HUMAN)]


def test_modifier_keeps_the_exact_selection(open_window, store_factory):
    store = store_factory([("Putin", TEXT, [])])
    view = open_window(store).view
    drag(view, TEXT.index("Soch"), TEXT.index("Soch") + 4, Mod.AltModifier)
    keys(view, "g")
    assert stored(store) == [("Soch", "GPE", State.ACCEPTED, Source.HUMAN)]


def test_palette_click_tags_the_selection(open_window, store_factory, qtbot):
    store = store_factory([("Putin", TEXT, [])])
    window = open_window(store)
    drag(window.view, TEXT.index("Sochi"), TEXT.index("Sochi") + 3)
    qtbot.mouseClick(window.palette.buttons["GPE"], Qt.MouseButton.LeftButton)
    assert stored(store) == [("Sochi", "GPE", State.ACCEPTED, Source.HUMAN)]


def test_keyboard_only_create_relabel_delete(open_window, store_factory):
    store = store_factory([("Putin", TEXT, [])])
    view = open_window(store).view
    keys(view, Key.Key_Right, Key.Key_Right)  # caret after "President"
    keys(view, (Key.Key_Right, Mod.ShiftModifier), (Key.Key_Right, Mod.ShiftModifier))
    assert view.selection() == (TEXT.index(" Vladimir"), TEXT.index(" met"))
    keys(view, "o")
    assert stored(store) == [("Vladimir Putin", "ORG", State.ACCEPTED, Source.HUMAN)]
    keys(view, "p")  # the new span is current: its label changes
    assert stored(store) == [("Vladimir Putin", "PERSON", State.ACCEPTED, Source.HUMAN)]
    keys(view, Key.Key_Delete)
    assert stored(store) == []


def test_keyboard_character_steps_with_alt(open_window, store_factory):
    store = store_factory([("Putin", TEXT, [])])
    view = open_window(store).view
    keys(view, (Key.Key_Right, Mod.AltModifier), *[(Key.Key_Right, Mod.AltModifier | Mod.ShiftModifier)] * 3)
    keys(view, "n")
    assert stored(store) == [("uss", "NORP", State.ACCEPTED, Source.HUMAN)]


def test_click_on_a_span_selects_it_for_relabel_and_delete(open_window, store_factory):
    mike = TEXT.index("Mike")
    store = store_factory([("Putin", TEXT, [Span(mike, mike + 11, "ORG")])])
    window = open_window(store)
    click(window.view, mike + 3)
    assert window.span_panel.span.label == "ORG"
    keys(window.view, "p")
    assert stored(store) == [("Mike Pompeo", "PERSON", State.ACCEPTED, Source.HUMAN)]
    window.span_panel.delete.click()
    assert stored(store) == []


def test_relabel_from_the_panel(open_window, store_factory, qtbot):
    mike = TEXT.index("Mike")
    store = store_factory([("Putin", TEXT, [Span(mike, mike + 11, "ORG")])])
    window = open_window(store)
    click(window.view, mike + 1)
    combo = window.span_panel.label
    combo.setFocus()
    keys(combo, Key.Key_Down)  # PERSON, ORG, GPE: down from ORG is GPE
    assert stored(store) == [("Mike Pompeo", "GPE", State.ACCEPTED, Source.HUMAN)]


def test_span_note_is_stored_as_typed(open_window, store_factory, qtbot):
    mike = TEXT.index("Mike")
    store = store_factory([("Putin", TEXT, [Span(mike, mike + 11, "PERSON")])])
    window = open_window(store)
    click(window.view, mike + 1)
    qtbot.keyClicks(window.span_panel.note, "US <b>Secretary</b>")
    assert store.spans(1)[0].note == "US <b>Secretary</b>"
    keys(window.view, (Key.Key_Z, Mod.ControlModifier))  # one undo step for the typing
    assert store.spans(1)[0].note == ""
    assert window.span_panel.note.toPlainText() == ""


def test_find_selects_the_match_for_tagging(open_window, store_factory, qtbot):
    store = store_factory([("Putin", TEXT, [])])
    window = open_window(store)
    keys(window.view, (Key.Key_F, Mod.ControlModifier))
    assert window.find_bar.isVisible()
    qtbot.keyClicks(window.find_bar.line, "Pompeo")
    keys(window.find_bar.line, Key.Key_Return, Key.Key_Escape)
    keys(window.view, "p")
    assert stored(store) == [("Pompeo", "PERSON", State.ACCEPTED, Source.HUMAN)]


def test_hotkey_works_with_caps_lock(open_window, store_factory):
    store = store_factory([("Putin", TEXT, [])])
    view = open_window(store).view
    drag(view, TEXT.index("Sochi"), TEXT.index("Sochi") + 2)
    keys(view, (Key.Key_G, Mod.ShiftModifier))  # types "G"
    assert stored(store) == [("Sochi", "GPE", State.ACCEPTED, Source.HUMAN)]


def test_the_panel_shows_where_a_span_came_from_and_who_marked_it(open_window, store_factory):
    mike = TEXT.index("Mike")
    span = Span(mike, mike + 11, "PERSON", Source.MODEL, State.SUGGESTED, annotator="alice", provenance="en_core_web_lg")
    store = store_factory([("Putin", TEXT, [span])])
    store.use_annotator("alice")  # the window shows the layer of the store's annotator
    window = open_window(store)
    click(window.view, mike + 3)
    assert window.span_panel.origin.text() == "suggestion · from model (en_core_web_lg) · by alice"
