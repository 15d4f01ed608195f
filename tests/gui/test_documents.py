"""Document note, status, navigation and per-document undo history."""

from PySide6.QtCore import Qt

from annotator.core.model import Status
from tests.gui.helpers import drag, keys

Key, Mod = Qt.Key, Qt.KeyboardModifier
FIRST = "Angela Merkel spoke in Berlin."
SECOND = "Emmanuel Macron answered from Paris."
CTRL = Mod.ControlModifier


def two_documents(store_factory):
    return store_factory([("Merkel", FIRST, []), ("Macron", SECOND, [])])


def labelled(store, doc_id, text):
    return [(text[s.start : s.end], s.label) for s in store.spans(doc_id)]


def test_document_note_is_stored_and_undoable(open_window, store_factory, qtbot):
    store = two_documents(store_factory)
    window = open_window(store)
    keys(window.view, (Key.Key_E, CTRL | Mod.ShiftModifier))
    assert window.document_panel.note.hasFocus()
    qtbot.keyClicks(window.document_panel.note, "check & <quote>")
    assert store.document(1).note == "check & <quote>"
    keys(window.document_panel.note, Key.Key_Escape)
    assert window.view.hasFocus()
    keys(window.view, (Key.Key_Z, CTRL))
    assert store.document(1).note == ""


def test_status_shortcuts_and_progress(open_window, store_factory):
    store = two_documents(store_factory)
    window = open_window(store)
    assert window.progress.text() == "0 of 2 done"
    keys(window.view, (Key.Key_D, CTRL))
    assert store.document(1).status == Status.DONE
    assert window.progress.text() == "1 of 2 done"
    assert window.documents.model.summary(0).status == Status.DONE
    keys(window.view, (Key.Key_K, CTRL))
    assert store.document(1).status == Status.SKIPPED
    keys(window.view, (Key.Key_K, CTRL))  # a second press takes it back
    assert store.document(1).status == Status.IN_PROGRESS


def test_status_from_the_panel(open_window, store_factory):
    store = two_documents(store_factory)
    window = open_window(store)
    combo = window.document_panel.status
    combo.setFocus()
    keys(combo, Key.Key_Down)
    assert store.document(1).status == Status.IN_PROGRESS


def test_next_and_previous_document(open_window, store_factory):
    store = two_documents(store_factory)
    window = open_window(store)
    assert window.editor.document.id == 1
    keys(window.view, (Key.Key_PageDown, CTRL))
    assert window.editor.document.id == 2
    assert window.view.toPlainText() == SECOND
    assert window.title.text() == "Macron"
    keys(window.view, (Key.Key_PageUp, CTRL))
    assert window.editor.document.id == 1


def test_undo_history_survives_switching_documents(open_window, store_factory):
    store = two_documents(store_factory)
    window = open_window(store)
    view = window.view
    drag(view, FIRST.index("Berlin"), FIRST.index("Berlin") + 3)
    keys(view, "g")
    keys(view, (Key.Key_PageDown, CTRL))
    drag(view, SECOND.index("Paris"), SECOND.index("Paris") + 2)
    keys(view, "g")
    keys(view, (Key.Key_PageUp, CTRL))
    assert window.editor.document.id == 1
    keys(view, (Key.Key_Z, CTRL))  # undoes the first document's edit, not the last one made
    assert labelled(store, 1, FIRST) == []
    assert labelled(store, 2, SECOND) == [("Paris", "GPE")]
    assert view.spans() == []
    keys(view, (Key.Key_Z, CTRL | Mod.ShiftModifier))
    assert labelled(store, 1, FIRST) == [("Berlin", "GPE")]
    assert [s.label for s in view.spans()] == ["GPE"]
    keys(view, (Key.Key_PageDown, CTRL), (Key.Key_Z, CTRL))
    assert labelled(store, 2, SECOND) == []
    assert labelled(store, 1, FIRST) == [("Berlin", "GPE")]


def test_undo_of_delete_restores_the_same_span(open_window, store_factory):
    store = two_documents(store_factory)
    view = open_window(store).view
    drag(view, 0, 3)
    keys(view, "p")
    (created,) = store.spans(1)
    keys(view, Key.Key_Delete)
    assert store.spans(1) == []
    keys(view, (Key.Key_Z, CTRL))
    (restored,) = store.spans(1)
    assert (restored.id, restored.start, restored.end, restored.label) == (created.id, 0, 6, "PERSON")
    assert FIRST[restored.start : restored.end] == "Angela"


def test_first_edit_marks_a_new_document_in_progress(open_window, store_factory):
    store = two_documents(store_factory)
    view = open_window(store).view
    drag(view, 0, 3)
    keys(view, "p")
    assert store.document(1).status == Status.IN_PROGRESS
    keys(view, (Key.Key_Z, CTRL))  # one step takes back the span and the status
    assert store.document(1).status == Status.NEW
    assert store.spans(1) == []


def test_reload_shows_what_another_program_stored(open_window, store_factory):
    from annotator.core.model import Document, Source, Span, State

    store = two_documents(store_factory)
    window = open_window(store)
    store.add_span(1, Span(0, 6, "PERSON", Source.MODEL, State.SUGGESTED))  # e.g. `annotator preannotate`
    store.add_documents([(Document(None, "Third", "Olaf Scholz.", content_hash="third"), [])])
    keys(window.view, Key.Key_F5)
    assert [(s.start, s.end, s.state) for s in window.view.spans()] == [(0, 6, State.SUGGESTED)]
    assert window.documents.model.rowCount() == 3
    assert window.progress.text() == "0 of 3 done"
