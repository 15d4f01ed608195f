"""Issue 16: "Learn from my spans" never holds the write lock while it decides.

The red team saw the window hold SQLite's write lock for minutes while learned suggestions
were worked out, so every other edit waited 10 s and failed. Here the decision is held up
on purpose (in the worker thread) while another connection writes with no busy wait at
all, and the window itself saves an edit; both must go through at once.
"""

from __future__ import annotations

import sqlite3
import threading

from PySide6.QtCore import Qt

from annotator.core.model import Source, State, Status
from annotator.store.suggestion_rules import Taken
from annotator.workspace import seed
from tests.gui.helpers import drag, keys

Key, Mod = Qt.Key, Qt.KeyboardModifier


def test_edits_go_through_while_learning_decides(qtbot, open_window, store_factory, monkeypatch):
    store = store_factory([])
    assert seed(store) == 2
    window = open_window(store)
    this = window.editor.document.id
    (other,) = [d for d in store.document_ids() if d != this]
    deciding, go_on = threading.Event(), threading.Event()
    decide = Taken.refuse

    def held_up(self, start, end, label_id):
        if threading.current_thread() is not threading.main_thread() and not deciding.is_set():
            deciding.set()
            go_on.wait(30)
        return decide(self, start, end, label_id)

    monkeypatch.setattr(Taken, "refuse", held_up)
    text = window.editor.document.text
    start = text.index("Mike Pompeo")
    drag(window.view, start, start + len("Mike Pompeo"))
    keys(window.view, "p")  # PERSON: the tag is saved, the search starts in the background
    try:
        qtbot.waitUntil(deciding.is_set, timeout=30000)
        con = sqlite3.connect(store.path, timeout=0, isolation_level=None)  # no busy wait: fails if the lock is held
        try:
            con.execute("BEGIN IMMEDIATE")
            con.execute("UPDATE documents SET title = 'written meanwhile' WHERE id = ?", (other,))
            con.execute("COMMIT")
        finally:
            con.close()
        keys(window.view, (Key.Key_D, Mod.ControlModifier))  # the window's own edit: mark done
        assert store.document(this).status == Status.DONE
        assert window.suggestions.learning_jobs  # still deciding
    finally:
        go_on.set()
    qtbot.waitUntil(lambda: not window.suggestions.learning_jobs, timeout=30000)
    assert store.document(other).title == "written meanwhile"
    learned = [s for s in store.spans(other) if s.source == Source.PATTERN]
    assert learned and all(s.state == State.SUGGESTED for s in learned)
