"""Relations in the window, with real mouse and key events: drawing them three ways, the
picker, the Relations box, undo; and what the store holds after each step."""

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from annotator.core.model import RelationLabel, Span
from tests.gui.helpers import click, keys

TEXT = "Russian President Vladimir Putin met Mike Pompeo in Sochi on Tuesday. S-400 systems went to Turkey."
Key, Mod = Qt.Key, Qt.KeyboardModifier
LABELS = [
    RelationLabel("met", "#1971c2", "m", directed=False),
    RelationLabel("visited", "#2f9e44", "v"),
    RelationLabel("delivered_to", "#e03131", "d", heads=("PRODUCT",)),
]


def at(word: str) -> int:
    return TEXT.index(word)


def span(word: str, label: str) -> Span:
    return Span(at(word), at(word) + len(word), label)


def relations_store(store_factory):
    spans = [span("Vladimir Putin", "PERSON"), span("Mike Pompeo", "PERSON"), span("Sochi", "GPE"), span("S-400", "PRODUCT"), span("Turkey", "GPE")]
    store = store_factory([("Putin", TEXT, spans)])
    store.save_relation_labels(LABELS)
    return store


def stored(store, doc_id=1):
    return sorted((TEXT[r.head.start : r.head.end], r.label, TEXT[r.tail.start : r.tail.end], r.note) for r in store.relations(doc_id))


def picker(window):
    picker = window.relations.maker.picker
    assert picker is not None and picker.isVisible()
    return picker


def test_keyboard_only_head_ctrl_r_span_keys_enter_and_the_label_key(open_window, store_factory):
    store = relations_store(store_factory)
    window = open_window(store)
    view = window.view
    keys(view, Key.Key_BracketRight)  # the first span: Vladimir Putin
    assert TEXT[view.current.start : view.current.end] == "Vladimir Putin"
    keys(view, (Key.Key_R, Mod.ControlModifier))
    assert "go to the tail" in window.statusBar().currentMessage()
    keys(view, Key.Key_BracketRight, Key.Key_BracketRight)  # to Sochi
    keys(view, Key.Key_Return)
    assert "press the relation's key" in window.statusBar().currentMessage()
    keys(picker(window).filter, "v")
    assert stored(store) == [("Vladimir Putin", "visited", "Sochi", "")]
    assert not window.relations.maker.picker.isVisible()


def test_escape_cancels_at_every_step(open_window, store_factory):
    store = relations_store(store_factory)
    window = open_window(store)
    view = window.view
    keys(view, Key.Key_BracketRight, (Key.Key_R, Mod.ControlModifier), Key.Key_Escape)
    assert window.relations.maker.mode is None and window.relations.layer.pending is None
    keys(view, (Key.Key_R, Mod.ControlModifier), Key.Key_BracketRight, Key.Key_Return)
    keys(picker(window).filter, Key.Key_Escape)
    assert window.relations.maker.mode is None
    assert "cancelled" in window.statusBar().currentMessage()
    keys(view, Key.Key_Return)  # Enter is the view's again: nothing to accept, no relation
    assert stored(store) == []


def test_typed_filter_and_enter_pick_a_label(open_window, store_factory):
    store = relations_store(store_factory)
    window = open_window(store)
    keys(window.view, Key.Key_BracketRight, (Key.Key_R, Mod.ControlModifier), Key.Key_BracketRight, (Key.Key_R, Mod.ControlModifier))
    pick = picker(window)
    QTest.keyClicks(pick.filter, "me")  # not a hotkey once the filter has text
    keys(pick.filter, Key.Key_Return)
    assert stored(store) == [("Vladimir Putin", "met", "Mike Pompeo", "")]


def test_a_label_whose_ends_do_not_fit_cannot_be_picked(open_window, store_factory):
    store = relations_store(store_factory)
    window = open_window(store)
    keys(window.view, Key.Key_BracketRight, (Key.Key_R, Mod.ControlModifier), Key.Key_BracketRight, Key.Key_Return)
    keys(picker(window).filter, "d")  # delivered_to needs a PRODUCT at its head
    assert stored(store) == []
    keys(picker(window).filter, Key.Key_Escape)


def test_alt_click_on_the_tail_while_the_head_is_selected(open_window, store_factory):
    store = relations_store(store_factory)
    window = open_window(store)
    view = window.view
    click(view, at("S-400") + 2)
    assert TEXT[view.current.start : view.current.end] == "S-400"
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, Mod.AltModifier, view.point_of(at("Turkey") + 2))
    keys(picker(window).filter, "d")
    assert stored(store) == [("S-400", "delivered_to", "Turkey", "")]


def test_drag_from_a_label_tag_onto_another_span(open_window, store_factory):
    store = relations_store(store_factory)
    window = open_window(store)
    view = window.view
    tag = next(t for t in view.label_tags() if t.span.start == at("Mike Pompeo"))
    start, end = tag.rect.center().toPoint(), view.point_of(at("Sochi") + 2)
    viewport = view.viewport()
    QTest.mousePress(viewport, Qt.MouseButton.LeftButton, Mod.NoModifier, start)
    QTest.mouseMove(viewport, start + QPoint(20, 0))
    QTest.mouseMove(viewport, end)
    assert window.relations.layer.pending[1].start == at("Sochi")  # the dashed arrow points at Sochi
    QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, Mod.NoModifier, end)
    keys(picker(window).filter, "v")
    assert stored(store) == [("Mike Pompeo", "visited", "Sochi", "")]


def test_relabel_note_delete_each_one_undo_step(open_window, store_factory, qtbot):
    store = relations_store(store_factory)
    spans = {TEXT[s.start : s.end]: s for s in store.spans(1)}
    store.add_relation(spans["Mike Pompeo"].id, spans["Sochi"].id, "visited")
    window = open_window(store)
    click(window.view, at("Sochi") + 1)
    box = window.relations.panel
    assert [box.list.item(i).text() for i in range(box.list.count())] == ["← visited ← Mike Pompeo"]
    keys(window.view, (Key.Key_R, Mod.ControlModifier | Mod.AltModifier))
    assert box.list.hasFocus()
    keys(box.list, Key.Key_F2)
    keys(window.relations.picker.filter, "m")
    assert stored(store) == [("Mike Pompeo", "met", "Sochi", "")]
    box.note.setFocus()
    QTest.keyClicks(box.note, "in May")
    assert stored(store) == [("Mike Pompeo", "met", "Sochi", "in May")]
    box.list.setFocus()
    keys(box.list, Key.Key_Delete)
    assert stored(store) == []
    window.view.setFocus()
    keys(window.view, (Key.Key_Z, Mod.ControlModifier))
    assert stored(store) == [("Mike Pompeo", "met", "Sochi", "in May")]
    keys(window.view, (Key.Key_Z, Mod.ControlModifier))  # the whole note typed is one step
    assert stored(store) == [("Mike Pompeo", "met", "Sochi", "")]
    keys(window.view, (Key.Key_Z, Mod.ControlModifier))
    assert stored(store) == [("Mike Pompeo", "visited", "Sochi", "")]
    keys(window.view, (Key.Key_Z, Mod.ControlModifier | Mod.ShiftModifier), (Key.Key_Z, Mod.ControlModifier | Mod.ShiftModifier))
    assert stored(store) == [("Mike Pompeo", "met", "Sochi", "in May")]


def test_undo_of_a_new_relation_and_redo_keeps_it(open_window, store_factory):
    store = relations_store(store_factory)
    window = open_window(store)
    keys(window.view, Key.Key_BracketRight, (Key.Key_R, Mod.ControlModifier), Key.Key_BracketRight, Key.Key_Return)
    keys(picker(window).filter, "m")
    (made,) = store.relations(1)
    keys(window.view, (Key.Key_Z, Mod.ControlModifier))
    assert stored(store) == [] and window.relations.layer.all() == []
    keys(window.view, (Key.Key_Z, Mod.ControlModifier | Mod.ShiftModifier))
    assert [r.id for r in store.relations(1)] == [made.id]
    assert [r.id for r in window.relations.layer.all()] == [made.id]


def test_deleting_a_span_deletes_its_relations_and_undo_brings_them_back(open_window, store_factory):
    store = relations_store(store_factory)
    spans = {TEXT[s.start : s.end]: s for s in store.spans(1)}
    store.add_relation(spans["Vladimir Putin"].id, spans["Mike Pompeo"].id, "met")
    store.add_relation(spans["Mike Pompeo"].id, spans["Sochi"].id, "visited", note="May")
    window = open_window(store)
    before = stored(store)
    click(window.view, at("Mike Pompeo") + 2)
    keys(window.view, Key.Key_Delete)
    assert stored(store) == [] and window.relations.layer.all() == []
    keys(window.view, (Key.Key_Z, Mod.ControlModifier))
    assert stored(store) == before
    assert len(window.relations.layer.all()) == 2
    click(window.view, at("Sochi"))  # the caret moves away and back: Mike Pompeo is picked again
    click(window.view, at("Mike Pompeo") + 2)
    assert window.relations.panel.list.count() == 2


def red_pixels(window, top: int, bottom: int, left: int, right: int) -> int:
    image = window.view.viewport().grab().toImage()
    count = 0
    for y in range(max(0, top), bottom):
        for x in range(left, right):
            c = image.pixelColor(x, y)
            count += c.red() > 180 and c.green() < 150 and c.blue() < 150
    return count


def test_the_arrow_is_painted_in_its_label_colour_between_its_spans(open_window, store_factory):
    store = relations_store(store_factory)
    spans = {TEXT[s.start : s.end]: s for s in store.spans(1)}
    store.add_relation(spans["S-400"].id, spans["Turkey"].id, "delivered_to")
    window = open_window(store)
    view = window.view
    head, tail = view.point_of(at("S-400") + 2), view.point_of(at("Turkey") + 2)
    line = view.fontMetrics().height()
    band = (head.y() - 3 * line, head.y(), head.x(), tail.x())  # above the line (the run may rise a few gaps), between the spans
    shown = red_pixels(window, *band)
    window.relations.shown_action.trigger()  # View > Show relations off
    assert shown > red_pixels(window, *band) + 50


def highlighted(pick) -> str:
    return pick.list.currentItem().data(Qt.ItemDataRole.UserRole)


def test_picker_up_and_down_skip_a_greyed_label_and_enter_picks_the_highlighted_one(open_window, store_factory):
    store = relations_store(store_factory)
    window = open_window(store)
    keys(window.view, Key.Key_BracketRight, (Key.Key_R, Mod.ControlModifier), Key.Key_BracketRight, Key.Key_Return)
    pick = picker(window)  # Vladimir Putin -> Mike Pompeo: delivered_to (a PRODUCT head) is greyed out
    assert highlighted(pick) == "met"
    keys(pick.filter, Key.Key_Down)
    assert highlighted(pick) == "visited"
    keys(pick.filter, Key.Key_Down)  # nothing pickable below: it stays
    assert highlighted(pick) == "visited"
    keys(pick.filter, Key.Key_Up)
    assert highlighted(pick) == "met"
    keys(pick.filter, Key.Key_Down, Key.Key_Return)
    assert stored(store) == [("Vladimir Putin", "visited", "Mike Pompeo", "")]
    assert not pick.isVisible()


def test_relations_box_enter_goes_to_the_other_end(open_window, store_factory):
    store = relations_store(store_factory)
    spans = {TEXT[s.start : s.end]: s for s in store.spans(1)}
    store.add_relation(spans["Mike Pompeo"].id, spans["Sochi"].id, "visited")
    store.add_relation(spans["S-400"].id, spans["Turkey"].id, "delivered_to")
    window = open_window(store)
    view, box = window.view, window.relations.panel
    click(view, at("Sochi") + 1)
    keys(view, (Key.Key_R, Mod.ControlModifier | Mod.AltModifier))
    assert box.list.hasFocus() and box.list.currentItem().text() == "← visited ← Mike Pompeo"
    keys(box.list, Key.Key_Return)
    assert (view.caret(), view.current.id, view.selection()) == (at("Mike Pompeo"), spans["Mike Pompeo"].id, None)
    assert view.hasFocus()
    assert [box.list.item(i).text() for i in range(box.list.count())] == ["→ visited → Sochi"]  # the box follows
    keys(view, (Key.Key_R, Mod.ControlModifier | Mod.AltModifier))
    keys(box.list, Key.Key_Return)  # and back, from the head's side
    assert (view.caret(), view.current.id) == (at("Sochi"), spans["Sochi"].id)
