"""The window under database faults: read-only, full, file moved or replaced underneath.

Every edit the DB refuses is kept (banner + status bar, no modal dialog), nothing saved is
lost, and Retry (Ctrl+Shift+Z) applies the kept edits once the problem is gone; undo then
takes them back one by one, so the history always matches what the DB holds.
"""

from __future__ import annotations

import shutil
import sqlite3
from contextlib import contextmanager

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from sqlalchemy import event

from annotator.core.model import Span, Status
from annotator.store import Store
from tests.gui.helpers import click, drag, keys
from tests.reliability.tally import TALLY

Key, Mod = Qt.Key, Qt.KeyboardModifier
CTRL, SHIFT = Mod.ControlModifier, Mod.ShiftModifier
TEXT = "Angela Merkel met Emmanuel Macron in Berlin on Monday."
SQLITE_SAYS = {"read-only": "attempt to write a readonly database", "full": "database or disk is full"}


@contextmanager
def sqlite_refuses_writes(store: Store, message: str):
    """Make every write statement fail as SQLite does when the file turns read-only or the disk fills."""

    def refuse(_conn, _cursor, statement, *_args):
        if statement.lstrip().split(None, 1)[0].upper() in {"INSERT", "UPDATE", "DELETE"}:
            TALLY["faults"] += 1
            raise sqlite3.OperationalError(message)

    event.listen(store.engine, "before_cursor_execute", refuse)
    try:
        yield
    finally:
        event.remove(store.engine, "before_cursor_execute", refuse)


def snapshot(store: Store, doc_id: int = 1) -> tuple:
    doc = store.document(doc_id)
    spans = sorted((TEXT[s.start : s.end], s.label, s.state.value, s.note) for s in store.spans(doc_id))
    return doc.status, doc.note, tuple(spans)


def edit_everything(window) -> None:
    """Tag, relabel, span note, status, document note, delete: all with real keys."""
    view = window.view
    macron = TEXT.index("Macron")
    drag(view, macron + 1, macron + 3)
    keys(view, "p")  # tag "Macron" PERSON
    merkel = TEXT.index("Merkel")
    click(view, merkel + 2)
    keys(view, "o")  # relabel the saved span "Angela Merkel" to ORG
    keys(view, (Key.Key_E, CTRL))
    QApplication.processEvents()
    keys(window.span_panel.note, "c", "h", "k")  # its note, typed
    keys(window.span_panel.note, Key.Key_Escape)
    keys(view, (Key.Key_D, CTRL))  # mark done
    keys(view, (Key.Key_E, CTRL | SHIFT))
    keys(window.document_panel.note, "o", "k")
    keys(window.document_panel.note, Key.Key_Escape)
    berlin = TEXT.index("Berlin")
    click(view, berlin + 1)
    keys(view, Key.Key_Delete)  # delete the saved span "Berlin"


def saved_store(store_factory) -> Store:
    merkel, berlin = TEXT.index("Angela"), TEXT.index("Berlin")
    store = store_factory([("Summit", TEXT, [Span(merkel, merkel + 13, "PERSON"), Span(berlin, berlin + 6, "GPE")])])
    store.set_status(1, Status.IN_PROGRESS)
    return store


EDITED = (
    Status.DONE,
    "ok",
    (("Angela Merkel", "ORG", "accepted", "chk"), ("Macron", "PERSON", "accepted", "")),
)


def assert_kept_not_lost(window, store, before) -> None:
    assert snapshot(store) == before  # nothing saved was lost, nothing half-written
    assert window.editor.unsaved  # the refused edits are kept
    assert window.unsaved_banner.isVisible()
    assert "not saved" in window.unsaved_banner.text.text()
    assert store.path.name in window.statusBar().currentMessage()
    assert QApplication.activeModalWidget() is None  # no dialog per keystroke


def undo_all(window) -> None:
    for _ in range(20):
        keys(window.view, (Key.Key_Z, CTRL))


@pytest.mark.parametrize("fault", ["read-only", "full"])
def test_refused_edits_are_kept_and_retried(open_window, store_factory, fault):
    store = saved_store(store_factory)
    window = open_window(store)
    before = snapshot(store)
    with sqlite_refuses_writes(store, SQLITE_SAYS[fault]):
        edit_everything(window)
        assert_kept_not_lost(window, store, before)
        assert SQLITE_SAYS[fault] in window.unsaved_banner.text.text()
        keys(window.view, (Key.Key_Z, CTRL | SHIFT))  # retry while still broken: still kept
        assert snapshot(store) == before and window.editor.unsaved
    keys(window.view, (Key.Key_Z, CTRL | SHIFT))  # fixed: Retry applies them in order
    assert snapshot(store) == EDITED
    assert not window.editor.unsaved and not window.unsaved_banner.isVisible()
    undo_all(window)  # the history holds exactly what was saved
    assert snapshot(store) == before
    TALLY["trials"] += 1


def test_undo_that_the_database_refuses_stays_in_the_history(open_window, store_factory):
    store = saved_store(store_factory)
    window = open_window(store)
    before = snapshot(store)
    edit_everything(window)
    assert snapshot(store) == EDITED
    with sqlite_refuses_writes(store, SQLITE_SAYS["full"]):
        keys(window.view, (Key.Key_Z, CTRL))  # undo the delete: refused, the stack stays
        assert snapshot(store) == EDITED
        assert "Undo" in window.statusBar().currentMessage()
    undo_all(window)
    assert snapshot(store) == before
    with sqlite_refuses_writes(store, SQLITE_SAYS["read-only"]):
        keys(window.view, (Key.Key_Z, CTRL | SHIFT))  # redo refused: nothing moves
        assert snapshot(store) == before
    for _ in range(20):
        keys(window.view, (Key.Key_Z, CTRL | SHIFT))
    assert snapshot(store) == EDITED
    TALLY["trials"] += 1


def test_undo_drops_an_edit_that_was_never_saved(open_window, store_factory):
    store = saved_store(store_factory)
    window = open_window(store)
    before = snapshot(store)
    with sqlite_refuses_writes(store, SQLITE_SAYS["full"]):
        keys(window.view, (Key.Key_D, CTRL))
        assert len(window.editor.unsaved) == 1
        keys(window.view, (Key.Key_Z, CTRL))
    assert not window.editor.unsaved and not window.unsaved_banner.isVisible()
    keys(window.view, (Key.Key_Z, CTRL | SHIFT))
    assert snapshot(store) == before


def test_batch_failing_half_way_takes_back_its_first_half(open_window, store_factory):
    """Accept-all writes one span at a time: a disk that fills up in the middle leaves no half batch."""
    from annotator.core.model import State

    store = store_factory([("Summit", TEXT, [Span(0, 6, "PERSON", state=State.SUGGESTED), Span(7, 13, "PERSON", state=State.SUGGESTED)])])
    window = open_window(store)
    before = [s.state for s in store.spans(1)]
    writes = iter(range(100))

    def second_write_fails(_conn, _cursor, statement, *_args):
        if statement.startswith("UPDATE") and next(writes) == 1:
            raise sqlite3.OperationalError("database or disk is full")

    event.listen(store.engine, "before_cursor_execute", second_write_fails)
    keys(window.view, (Key.Key_A, CTRL | SHIFT))
    event.remove(store.engine, "before_cursor_execute", second_write_fails)
    TALLY["faults"] += 1
    assert [s.state for s in store.spans(1)] == before
    keys(window.view, (Key.Key_Z, CTRL | SHIFT))
    assert [s.state for s in store.spans(1)] == [State.ACCEPTED, State.ACCEPTED]


def test_real_full_disk_then_space_again(open_window, tmp_path):
    """SQLite's own max_page_count: a long pasted note does not fit; after freeing space, Retry saves it."""
    path = tmp_path / "small.db"
    with saved_path_store(path):
        pass
    limit = {"max_page_count": sqlite3.connect(path).execute("pragma page_count").fetchone()[0]}
    store = Store(path, pragmas=limit)  # the engine reads this dict for each new connection
    window = open_window(store)
    before = snapshot(store)
    long_note = "Background on the summit. " * 8000
    QApplication.clipboard().setText(long_note)
    keys(window.view, (Key.Key_E, CTRL | SHIFT))
    keys(window.document_panel.note, (Key.Key_V, CTRL))
    TALLY["faults"] += 1
    assert_kept_not_lost(window, store, before)
    assert "full" in window.unsaved_banner.text.text()
    limit["max_page_count"] = 100_000  # space freed on the disk
    store.engine.dispose()
    window.unsaved_banner.retry.click()
    assert store.document(1).note == long_note
    window.close()
    store.close()
    TALLY["trials"] += 1


@contextmanager
def saved_path_store(path):
    merkel = TEXT.index("Angela")
    from annotator.core.model import Document
    from annotator.core.text import content_hash

    with Store(path) as store:
        store.add_documents([(Document(None, "Summit", TEXT, content_hash=content_hash(TEXT)), [Span(merkel, merkel + 13, "PERSON")])])
        store.set_status(1, Status.IN_PROGRESS)
        yield store


def test_file_moved_away_and_back(open_window, tmp_path):
    path = tmp_path / "moved.db"
    with saved_path_store(path):
        pass
    store = Store(path)
    window = open_window(store)
    before = snapshot(store)
    path.rename(tmp_path / "elsewhere.db")  # e.g. a sync tool moving it
    keys(window.view, (Key.Key_D, CTRL))
    TALLY["faults"] += 1
    assert "moved.db was deleted or replaced" in window.unsaved_banner.text.text()
    (tmp_path / "elsewhere.db").rename(path)  # the same file back in place
    assert snapshot(store) == before
    keys(window.view, (Key.Key_Z, CTRL | SHIFT))
    assert store.document(1).status == Status.DONE
    window.close()
    store.close()
    TALLY["trials"] += 1


def test_file_replaced_underneath_keeps_the_edit_and_the_old_file(open_window, tmp_path):
    path = tmp_path / "replaced.db"
    with saved_path_store(path):
        pass
    store = Store(path)
    window = open_window(store)
    before = snapshot(store)
    shutil.copy(path, tmp_path / "original.db")
    other = tmp_path / "other.db"
    Store(other).close()
    shutil.move(path, tmp_path / "old.db")
    shutil.move(other, path)
    keys(window.view, (Key.Key_D, CTRL))
    keys(window.view, (Key.Key_D, CTRL))
    TALLY["faults"] += 2
    assert len(window.editor.unsaved) == 2
    assert "replaced.db was deleted or replaced" in window.statusBar().currentMessage()
    assert window.isVisible()  # the app keeps running; the edit waits for a reopen or Discard
    with Store(tmp_path / "old.db") as old:
        assert snapshot(old) == before  # what was saved is intact in the file that was moved away
    window.unsaved_banner.discard.click()
    assert not window.editor.unsaved
    window.close()
    store.close()
    TALLY["trials"] += 1


def test_closing_with_unsaved_edits_asks_first(open_window, store_factory, qtbot):
    from PySide6.QtWidgets import QMessageBox

    store = saved_store(store_factory)
    window = open_window(store)
    before = snapshot(store)
    with sqlite_refuses_writes(store, SQLITE_SAYS["full"]):
        keys(window.view, (Key.Key_D, CTRL))
        window.close()  # refused: the window stays, and asks
        box = window.close_box
        assert window.isVisible() and box.isVisible() and window.editor.unsaved
        assert box.textFormat() == Qt.TextFormat.PlainText and "database or disk is full" in box.text()
        box.button(QMessageBox.StandardButton.Cancel).click()
        assert window.isVisible() and window.editor.unsaved  # kept: still there to retry
        window.close()
        window.close_box.button(QMessageBox.StandardButton.Discard).click()
        assert not window.isVisible()
    assert snapshot(store) == before


def test_closing_retries_first(open_window, store_factory):
    store = saved_store(store_factory)
    window = open_window(store)
    with sqlite_refuses_writes(store, SQLITE_SAYS["full"]):
        keys(window.view, (Key.Key_D, CTRL))
    window.close()  # the disk has room again: the edit is saved on the way out, no question
    assert not window.isVisible() and store.document(1).status == Status.DONE
