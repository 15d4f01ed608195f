"""Two windows on one database file, and a window on a read-only one."""

from __future__ import annotations

import sqlite3

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from annotator.core.model import Document, Span, Status
from annotator.core.text import content_hash
from annotator.store import Store
from tests.gui.helpers import drag, keys
from tests.reliability.tally import TALLY

Key, Mod = Qt.Key, Qt.KeyboardModifier
CTRL, SHIFT = Mod.ControlModifier, Mod.ShiftModifier
TEXT = "Angela Merkel spoke in Berlin."


def saved_database(path) -> None:
    with Store(path) as store:
        store.add_documents([(Document(None, "Merkel", TEXT, content_hash=content_hash(TEXT)), [Span(0, 13, "PERSON")])])


def activate(window, qtbot) -> None:
    window.activateWindow()  # shortcuts only reach the active window
    qtbot.waitUntil(window.isActiveWindow)
    window.view.setFocus()


def test_two_windows_share_work_and_wait_for_each_other(open_window, tmp_path, qtbot):
    path = tmp_path / "shared.db"
    saved_database(path)
    first = Store(path, pragmas={"busy_timeout": 200})  # a short wait, so the test need not wait 10 s
    second = Store(path)
    window_a, window_b = open_window(first), open_window(second)
    (tmp_path / "new.txt").write_text("Emmanuel Macron answered from Paris.")
    window_b.import_files([str(tmp_path / "new.txt")])
    qtbot.waitUntil(lambda: not window_b.import_run.job.running(), timeout=30_000)
    activate(window_a, qtbot)
    qtbot.waitUntil(lambda: window_a.documents.model.rowCount() == 2, timeout=3000)  # the other window's document, at the next poll (gui/team_sync.py)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("begin immediate")  # the other instance keeps writing longer than the busy timeout
    keys(window_a.view, (Key.Key_D, CTRL))
    TALLY["faults"] += 1
    assert "locked" in window_a.unsaved_banner.text.text() and window_a.editor.unsaved
    holder.execute("commit")
    holder.close()
    keys(window_a.view, (Key.Key_Z, CTRL | SHIFT))  # Retry
    assert second.document(1).status == Status.DONE  # saved, and the other window's store sees it
    assert not window_a.editor.unsaved
    for window, store in ((window_a, first), (window_b, second)):
        window.close()
        store.close()
    TALLY["trials"] += 1


def test_read_only_database_opens_and_says_so(open_window, tmp_path, qtbot):
    path = tmp_path / "archive.db"
    saved_database(path)
    store = Store(path, readonly=True)
    window = open_window(store)
    assert window.windowTitle().endswith("(read-only)")
    assert "read-only" in window.statusBar().currentMessage()
    drag(window.view, TEXT.index("Berlin"), TEXT.index("Berlin") + 6)
    keys(window.view, "g")
    TALLY["faults"] += 1
    assert "archive.db is open read-only" in window.unsaved_banner.text.text()
    assert [s.label for s in store.spans(1)] == ["PERSON"] and window.isVisible()
    assert QApplication.activeModalWidget() is None
    window.unsaved_banner.discard.click()
    assert not window.unsaved_banner.isVisible()
    (tmp_path / "more.txt").write_text("One more article.")
    window.import_files([str(tmp_path / "more.txt")])  # an import is refused as clearly
    qtbot.waitUntil(lambda: not window.import_run.job.running(), timeout=30_000)
    qtbot.wait(10)
    assert "archive.db is open read-only" in window.import_run.problems_dialog.list.toPlainText()
    assert window.statusBar().currentMessage().startswith("Nothing was imported")
    assert store.count_documents() == 1
    window.import_run.problems_dialog.close()
    window.close()
    store.close()
    TALLY["trials"] += 1
