"""Copies in the window, off the UI thread (issue 11, item 4): the copy index of a database made
before it, built in the background, stopped at close and resumed at the next start; reads of
copies that never hold the window up and stop their query when cancelled."""

from __future__ import annotations

import shutil
import threading

from annotator.core.model import Document
from annotator.core.text import content_hash
from annotator.store import Store
from tests.gui.helpers import drag, keys
from tests.gui.test_copies_window import FIXTURE, NEAR, SHARED, Key, Mod, click, panel_rows, seeds, sentence_at, settle, texts, window_on

__all__ = ["seeds", "window_on"]  # fixtures shared with test_copies_window


# -- a database made before the copy index ------------------------------------------------------


def test_an_older_database_is_indexed_in_the_background(window_on, tmp_path, qtbot):
    shutil.copy(FIXTURE, tmp_path / "old.db")
    with Store(tmp_path / "old.db") as store:
        assert store.pending_copy_index() == 2 and store.copy_counts() == {}
        window = window_on(store)
        qtbot.waitUntil(lambda: not window.copies.index_build.running())
        settle(window, qtbot)  # the marks are read again once the index is built
        assert store.pending_copy_index() == 0
        assert "Copied sentences found: 6 sentence(s) in 2 document(s)" in window.statusBar().currentMessage()
        assert window.editor.document.id == 1 and len(window.view.copy_marks.sentences()) == 4
        model = window.documents.model
        qtbot.waitUntil(lambda: [model.data(model.index(row, 3)) for row in (0, 1)] == ["4", "2"])
        first = store.document(1).text
        click(window.view, first.index(SHARED) + 3)
        assert panel_rows(window)[0][1] == "exact"


def test_closing_stops_the_build_and_the_next_start_goes_on(window_on, tmp_path, qtbot, monkeypatch):
    shutil.copy(FIXTURE, tmp_path / "old.db")
    store = Store(tmp_path / "old.db")
    wire = "The minister said on Monday that talks on the treaty would resume in Geneva next week."
    wires = [(f"Wire {i}", f"Wire {i}.\n{wire}") for i in range(420)]  # more than one batch of build_pending (200)
    store.add_documents([(Document(None, title, text, content_hash=content_hash(text)), []) for title, text in wires])
    store.rebuild_copy_index(store.copy_settings(), cancelled=lambda: True)  # forget the index: all 422 pending, as after the upgrade
    total = store.pending_copy_index()
    assert total == 422
    real = Store.build_copy_index

    def paused(self, progress=None, cancelled=None):
        """The real build, holding after its first batch until the window cancels it."""

        def report_then_hold(done, all_):
            progress(done, all_)
            while not cancelled():
                threading.Event().wait(0.001)

        return real(self, report_then_hold, cancelled)

    monkeypatch.setattr(Store, "build_copy_index", paused)
    window = window_on(store)
    assert window.copies.index_build.running()
    qtbot.waitUntil(lambda: window.busy.isVisible() and window.busy.value() > 0)
    done = window.busy.value()
    assert window.busy.maximum() == total and f"{done:,} of {total:,}" in window.statusBar().currentMessage()
    assert window.documents.model.data(window.documents.model.index(0, 3)) == "…"
    assert "after the upgrade" in window.copies_panel.summary.text()
    window.close()
    assert store.pending_copy_index() == total - done > 0  # what was indexed stays; the rest waits
    monkeypatch.undo()
    again = window_on(store)
    qtbot.waitUntil(lambda: not again.copies.index_build.running())
    settle(again, qtbot)
    assert store.pending_copy_index() == 0
    qtbot.waitUntil(lambda: again.documents.model.data(again.documents.model.index(5, 3)) == "1")
    assert len(again.view.copy_marks.sentences()) == 4  # seed 000, open again, now marked
    store.close()


def test_a_read_only_older_database_says_its_copies_are_not_searched(window_on, tmp_path, qtbot):
    shutil.copy(FIXTURE, tmp_path / "old.db")
    Store(tmp_path / "old.db").close()  # upgraded, not indexed yet
    with Store(tmp_path / "old.db", readonly=True) as store:
        window = window_on(store)
        assert not window.copies.index_build.running() and store.pending_copy_index() == 2
        assert "2 document(s) have not been searched for copies" in window.copies_panel.summary.text()


# -- reads that take long ----------------------------------------------------------------------


def test_the_window_stays_usable_while_copies_are_read(window_on, open_window, seeds, qtbot, monkeypatch):
    """A document's copies are read off the UI thread: held here until the test lets them go."""
    first, second = texts(seeds)
    release = threading.Event()
    real = seeds.document_copies

    def held(doc_id):
        release.wait(30)
        return real(doc_id)

    monkeypatch.setattr(seeds, "document_copies", held)
    window = open_window(seeds)
    assert window.copies.loading() and "Looking for copies" in window.copies_panel.summary.text()
    start = first.index("Russian President")
    drag(window.view, start, start + len("Russian"))
    keys(window.view, "n")  # the window takes edits meanwhile
    assert (start, start + 7, "NORP") in {(s.start, s.end, s.label) for s in seeds.spans(1)}
    keys(window.view, (Key.Key_PageDown, Mod.ControlModifier))  # another document: the first read is dropped
    release.set()
    settle(window, qtbot)
    assert window.editor.document.id == 2
    assert [(s.start, s.end) for s in window.view.copy_marks.sentences()] == [sentence_at(second, SHARED), sentence_at(second, NEAR[1])]


def test_a_cancelled_read_stops_its_query(seeds, qtbot):
    from sqlalchemy import text as sql

    from annotator.gui.daemon_work import DaemonWork

    endless = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1000000000000) SELECT count(*) FROM c"
    started = threading.Event()

    def work(_cancelled):
        with seeds.engine.connect() as connection:
            started.set()
            return connection.execute(sql(endless)).scalar()

    delivered = []
    reads = DaemonWork(seeds)
    run = reads.start(work, delivered.append, delivered.append)
    assert started.wait(30)
    reads.stop()  # what a closing window does: interrupt, wait for nothing
    assert run.finished.wait(30) and "interrupted" in str(run.error)
    qtbot.wait(50)  # polling would have delivered by now; a cancelled run delivers nothing
    assert delivered == []
