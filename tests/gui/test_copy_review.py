"""Review > Copies that disagree…: the list, jumping to a copy, and "make this copy like that
one" as one undo step, driven with real keys and clicks on the seeds."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from annotator.copies.consistency import disagreements
from annotator.core.model import Document, Source, Span, State, Status
from annotator.core.text import content_hash, title_of
from annotator.gui.copy_review import DIFFERS, SPANS
from conftest import SEEDS
from tests.gui.helpers import keys

pytestmark = pytest.mark.gui
Key, CTRL = Qt.Key, Qt.KeyboardModifier.ControlModifier
CTRL_SHIFT = CTRL | Qt.KeyboardModifier.ShiftModifier
TRUMP = "Trump said on Monday"


@pytest.fixture
def seeds(store_factory):
    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    store = store_factory([])
    store.add_documents([(Document(None, title_of(t), t, content_hash=content_hash(t)), []) for t in texts])
    return store


def at(store, doc_id: int, phrase: str, after: str = "") -> int:
    text = store.document(doc_id).text
    return text.index(phrase, text.index(after) if after else 0)


def accepted(store, doc_id: int, start: int, end: int) -> set[tuple[str, str]]:
    text = store.document(doc_id).text
    return {(text[s.start:s.end], s.label) for s in store.spans(doc_id, [State.ACCEPTED]) if start <= s.start and s.end <= end}


def open_review(qtbot, window):
    """Ctrl+Shift+D in the window; wait for the background check to end."""
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    keys(window.view, (Key.Key_D, CTRL_SHIFT))
    dialog = window.copy_review.dialog
    qtbot.waitUntil(lambda: dialog.isVisible() and dialog.job is None, timeout=30_000)
    return dialog


def copy_row(dialog, group_row: int, doc_id: int):
    group = dialog.tree.topLevelItem(group_row)
    (item,) = [group.child(i) for i in range(group.childCount()) if group.child(i).text(0).startswith(f"doc {doc_id} [")]
    return item


def press(qtbot, widget, key, modifiers=Qt.KeyboardModifier.NoModifier) -> None:
    QTest.keyClick(widget, key, modifiers)


def test_trump_tagged_in_one_copy_is_listed_and_made_alike_in_one_undo_step(qtbot, open_window, seeds):
    store = seeds
    start = at(store, 1, TRUMP)
    store.add_span(1, Span(start, start + 5, "PERSON"))
    sentence = next(x for g in store.copy_groups() for x in g.sentences if x.doc_id == 2 and x.text.startswith(TRUMP))
    window = open_window(store)
    dialog = open_review(qtbot, window)
    assert dialog.summary.text() == "1 group(s) of copies disagree."
    assert dialog.tree.topLevelItemCount() == 1
    group = dialog.tree.topLevelItem(0)
    assert TRUMP in group.text(0) and "PERSON “Trump”: missing in 1 copy" in group.text(DIFFERS)
    assert copy_row(dialog, 0, 1).text(SPANS) == "PERSON “Trump”"
    assert copy_row(dialog, 0, 2).text(DIFFERS) == "no PERSON “Trump”"

    assert dialog.tree.currentItem() is copy_row(dialog, 0, 1)  # the first copy is selected
    press(qtbot, dialog.tree, Key.Key_Down)  # the copy in document 2
    assert dialog.models.currentText().startswith("doc 1 [")
    qtbot.mouseClick(dialog.make, Qt.MouseButton.LeftButton)
    assert accepted(store, 2, sentence.start, sentence.end) == {("Trump", "PERSON")}
    assert list(disagreements(store)) == []
    assert window.editor.document.id == 2 and window.view.selection() == (sentence.start, sentence.end)
    qtbot.waitUntil(lambda: dialog.summary.text() == "No group of copies disagrees.")
    assert dialog.tree.topLevelItem(0).text(DIFFERS) == "the copies agree now"
    assert store.document(2).status == Status.IN_PROGRESS  # the first edit of a new document starts it

    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    keys(window.view, (Key.Key_Z, CTRL))  # one step takes it all back
    assert accepted(store, 2, sentence.start, sentence.end) == set()
    assert store.document(2).status == Status.NEW
    assert len(list(disagreements(store))) == 1
    qtbot.waitUntil(lambda: dialog.summary.text() == "1 group(s) of copies disagree.")
    keys(window.view, (Key.Key_Z, CTRL_SHIFT))
    assert accepted(store, 2, sentence.start, sentence.end) == {("Trump", "PERSON")}
    assert list(disagreements(store)) == []


def test_enter_and_double_click_open_the_copy_with_its_sentence_selected(qtbot, open_window, seeds):
    store = seeds
    start = at(store, 2, TRUMP)
    store.add_span(2, Span(start, start + 5, "PERSON"))
    window = open_window(store)
    dialog = open_review(qtbot, window)
    group = next(g for g in store.copy_groups() if g.sentences[0].text.startswith(TRUMP))
    first, second = group.sentences
    stored = {doc: store.spans(doc) for doc in (1, 2)}
    dialog.tree.setCurrentItem(copy_row(dialog, 0, 2))
    press(qtbot, dialog.tree, Key.Key_Return)
    assert window.editor.document.id == 2 and window.view.selection() == (second.start, second.end)
    point = dialog.tree.visualItemRect(copy_row(dialog, 0, 1)).center()
    QTest.mouseClick(dialog.tree.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, point)
    QTest.mouseDClick(dialog.tree.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, point)
    assert window.editor.document.id == 1 and window.view.selection() == (first.start, first.end)
    assert {doc: store.spans(doc) for doc in (1, 2)} == stored  # looking changes nothing
    assert [store.document(doc).status for doc in (1, 2)] == [Status.NEW, Status.NEW]


def test_made_like_another_copy_relabels_removes_and_accepts_its_suggestion(qtbot, open_window, seeds):
    store = seeds
    washington = [at(store, doc, "Washington previous year") for doc in (1, 2)]
    store.add_span(1, Span(washington[0], washington[0] + 10, "GPE"))
    store.add_span(2, Span(washington[1], washington[1] + 10, "ORG"))
    europe = [at(store, doc, "Europe", after="Washington previous year") for doc in (1, 2)]
    store.add_span(1, Span(europe[0], europe[0] + 6, "LOC"))
    suggestion = store.add_span(2, Span(europe[1], europe[1] + 6, "LOC", Source.MODEL, State.SUGGESTED))
    sentence = next(x for g in store.copy_groups() for x in g.sentences if x.doc_id == 2 and x.start <= washington[1] < x.end)
    window = open_window(store)
    dialog = open_review(qtbot, window)
    (row,) = [i for i in range(dialog.tree.topLevelItemCount()) if "Washington" in dialog.tree.topLevelItem(i).text(0)]
    dialog.tree.setCurrentItem(copy_row(dialog, row, 2))
    assert dialog.models.currentText().startswith("doc 1 [")
    before = {(s.id, s.start, s.end, s.label, s.state) for s in store.spans(2)}
    qtbot.mouseClick(dialog.make, Qt.MouseButton.LeftButton)
    assert accepted(store, 2, sentence.start, sentence.end) == {("Washington", "GPE"), ("Europe", "LOC")}
    assert store.span(suggestion.id).state == State.ACCEPTED
    assert "1 removed, 1 accepted, 1 added" in dialog.summary.text()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    keys(window.view, (Key.Key_Z, CTRL))
    assert {(s.id, s.start, s.end, s.label, s.state) for s in store.spans(2)} == before
