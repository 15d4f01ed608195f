"""Projection in the window, on the seeds, with real mouse and key events: a decision inside a
sentence with copies is proposed in every copy, in the same undo step; checked in the store
after do, undo and redo. Seed 000 repeats its headline, so its copy is in the same document."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from annotator.core.model import Source, State
from annotator.workspace import seed
from tests.gui.helpers import click, drag, keys

Key, Mod = Qt.Key, Qt.KeyboardModifier
UNDO, REDO = (Key.Key_Z, Mod.ControlModifier), (Key.Key_Z, Mod.ControlModifier | Mod.ShiftModifier)
NAME = "Russian Federation"


@pytest.fixture
def window(open_window, store_factory):
    """The window on the seeds, seed 000 open; learned matches off (their own tests are in
    test_suggestions_gui.py), so the store holds only the tag and its projections."""
    store = store_factory([])
    assert seed(store) == 2
    window = open_window(store)
    window.suggestions.learn_action.setChecked(False)
    assert window.editor.document.text.startswith("World News")
    return window


def stored(window, doc_id: int | None = None) -> set[tuple]:
    store = window.store
    doc_id = doc_id or window.editor.document.id
    text = store.document(doc_id).text
    return {(s.start, text[s.start : s.end], s.label, s.source, s.state, s.provenance) for s in store.spans(doc_id)}


def shown(window) -> set[tuple]:
    return {(s.start, s.label, s.state) for s in window.view.spans()}


def headlines(window) -> tuple[int, int]:
    text = window.editor.document.text
    first = text.index(NAME)
    return first, text.index(NAME, first + 1)


def tag_first_headline(window, label_key: str = "g") -> tuple[int, int]:
    first, second = headlines(window)
    drag(window.view, first + 2, first + len(NAME) - 3)  # snaps to "Russian Federation"
    keys(window.view, label_key)
    return first, second


def test_tagging_the_headline_proposes_it_in_the_repeat_one_undo_step(window):
    first, second = tag_first_headline(window)
    doc = window.editor.document.id
    tagged = {
        (first, NAME, "GPE", Source.HUMAN, State.ACCEPTED, ""),
        (second, NAME, "GPE", Source.PROJECTION, State.SUGGESTED, f"doc {doc} {first}-{first + len(NAME)}"),
    }
    assert stored(window) == tagged
    assert shown(window) == {(first, "GPE", State.ACCEPTED), (second, "GPE", State.SUGGESTED)}
    assert "1 proposed" in window.statusBar().currentMessage()
    keys(window.view, UNDO)
    assert stored(window) == set() and shown(window) == set()
    keys(window.view, REDO)
    assert stored(window) == tagged
    assert shown(window) == {(first, "GPE", State.ACCEPTED), (second, "GPE", State.SUGGESTED)}


def test_the_panel_says_where_a_projection_came_from_and_enter_accepts_it(window):
    first, second = tag_first_headline(window)
    click(window.view, second + 3)
    assert window.span_panel.origin.text() == f"suggestion · from projection (doc {window.editor.document.id} {first}-{first + len(NAME)})"
    keys(window.view, Key.Key_Return)  # accepted; proposed back in the first headline, which has it
    assert {(start, state) for start, *_, state, _ in stored(window)} == {(first, State.ACCEPTED), (second, State.ACCEPTED)}
    assert "1 already there" in window.statusBar().currentMessage()
    keys(window.view, UNDO)
    assert {(start, state) for start, *_, state, _ in stored(window)} == {(first, State.ACCEPTED), (second, State.SUGGESTED)}


def test_deleting_the_tag_removes_its_pending_projection_and_undo_brings_both_back(window):
    first, second = tag_first_headline(window)
    before = stored(window)
    ids = {s.id for s in window.store.spans(window.editor.document.id)}
    click(window.view, first + 3)
    keys(window.view, Key.Key_Delete)
    assert stored(window) == set() and shown(window) == set()
    keys(window.view, UNDO)
    assert stored(window) == before
    assert {s.id for s in window.store.spans(window.editor.document.id)} == ids  # put back, not made anew
    assert shown(window) == {(first, "GPE", State.ACCEPTED), (second, "GPE", State.SUGGESTED)}
    keys(window.view, REDO)
    assert stored(window) == set()


def test_relabelling_withdraws_the_old_label_in_the_copy_and_proposes_the_new(window):
    first, second = tag_first_headline(window)
    keys(window.view, "o")  # the new span is current: ORG
    assert {(start, label, source) for start, _, label, source, *_ in stored(window)} == {
        (first, "ORG", Source.HUMAN), (second, "ORG", Source.PROJECTION),
    }
    keys(window.view, UNDO)
    assert {(start, label, source) for start, _, label, source, *_ in stored(window)} == {
        (first, "GPE", Source.HUMAN), (second, "GPE", Source.PROJECTION),
    }


def test_rejecting_a_projection_leaves_the_human_tag_it_came_from(window):
    first, second = tag_first_headline(window)
    click(window.view, second + 3)
    keys(window.view, Key.Key_Delete)  # reject: withdrawn from the copies, where a human decided
    assert {(start, state) for start, *_, state, _ in stored(window)} == {(first, State.ACCEPTED), (second, State.REJECTED)}
    assert "1 skipped" in window.statusBar().currentMessage()


def test_a_tag_in_a_near_copy_is_proposed_in_the_other_seed(window):
    this = window.editor.document.id
    (other,) = [d for d in window.store.document_ids() if d != this]
    text = window.editor.document.text
    putin = text.index("Putin", text.index("Trump said on Monday he"))
    drag(window.view, putin + 1, putin + 3)
    keys(window.view, "p")
    other_text = window.store.document(other).text
    there = other_text.index("Putin", other_text.index("Trump said on Monday that he"))
    assert stored(window, other) == {(there, "Putin", "PERSON", Source.PROJECTION, State.SUGGESTED, f"doc {this} {putin}-{putin + 5}")}
    keys(window.view, UNDO)
    assert stored(window, other) == set() and stored(window) == set()
    keys(window.view, REDO)
    assert {x[:5] for x in stored(window, other)} == {(there, "Putin", "PERSON", Source.PROJECTION, State.SUGGESTED)}


def test_a_proposal_whose_text_differs_is_marked_in_the_panel(window):
    this = window.editor.document.id
    (other,) = [d for d in window.store.document_ids() if d != this]
    text = window.editor.document.text
    g20 = text.index("the G-20", text.index("Trump said on Monday he"))
    drag(window.view, g20 + 1, g20 + 7)  # "the G-20"
    keys(window.view, "e")  # EVENT; the copy says "of G-20 summit"
    window.documents.select_id(other)
    other_text = window.editor.document.text
    there = other_text.index("G-20", other_text.index("Trump said on Monday that he"))
    click(window.view, there + 1)
    assert window.span_panel.origin.text() == f"suggestion · from projection (doc {this} {g20}-{g20 + 8}; text differs)"
    keys(window.view, Key.Key_Return)  # accepted like any suggestion
    assert {x[:5] for x in stored(window, other)} == {(there, "G-20", "EVENT", Source.PROJECTION, State.ACCEPTED)}


def test_with_learning_on_the_copy_holds_the_projection_and_one_undo_takes_everything(qtbot, window):
    window.suggestions.learn_action.setChecked(True)
    first, second = tag_first_headline(window)
    qtbot.waitUntil(lambda: not window.suggestions.learning_jobs, timeout=30000)
    found = stored(window)
    assert (second, NAME, "GPE", Source.PROJECTION, State.SUGGESTED, f"doc {window.editor.document.id} {first}-{first + len(NAME)}") in found
    assert any(source == Source.PATTERN for _, _, _, source, _, _ in found)  # learned elsewhere in the article
    keys(window.view, UNDO)
    assert stored(window) == set() and shown(window) == set()
