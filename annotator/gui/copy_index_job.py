"""The copy index of a database made before it: built once, in the background.

A database upgraded to the copy index has its documents marked ``copies_indexed = 0``.
The window starts ``Store.build_copy_index`` in a BackgroundJob after it has shown: the
documents are indexed in short write transactions (the user's edits wait for one batch at
most), the status bar shows how far it got, and closing the window cancels it after the
current batch. What was indexed stays; the rest is pending and the next start goes on
from there.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from annotator.gui.background import BackgroundJob


class CopyIndexBuild(QObject):
    finished = Signal(int)  # documents indexed by this run (also after a cancel or a failure)

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window, self.store = window, window.store
        self.job: BackgroundJob | None = None
        self.indexed = 0

    def running(self) -> bool:
        return self.job is not None

    def start(self) -> bool:
        """Index the pending documents, if any (never on a read-only database); True if started."""
        if self.job is not None or self.store.readonly:
            return False
        pending = self.store.pending_copy_index()
        if not pending:
            return False
        self.indexed = 0
        self.job = BackgroundJob(lambda progress, cancelled: self.store.build_copy_index(progress, cancelled), self)
        self.job.progressed.connect(self._progressed)
        self.job.succeeded.connect(self._succeeded)
        self.job.failed.connect(lambda error: self._say(f"Finding copied sentences stopped: {error} (it goes on at the next start)."))
        self.job.ended.connect(self._ended)
        self.window.busy.setRange(0, pending)
        self.window.busy.setValue(0)
        self.window.busy.setVisible(True)
        self._say(f"Finding copied sentences in {pending:,} document(s) (once, after the upgrade)…")
        self.job.start()
        return True

    def stop(self) -> None:
        """Cancel after the current batch and wait (the window is closing)."""
        if self.job is not None:
            self.job.stop()

    def _progressed(self, done: int, total: int) -> None:
        self.indexed = done
        if self.job is not None and not self.job.cancelled():
            self.window.show_progress(done, total, f"Finding copied sentences: {done:,} of {total:,} document(s)…")

    def _succeeded(self, indexed: int) -> None:
        self.indexed = indexed
        if self.job is not None and self.job.cancelled():
            return
        counts = self.store.copy_counts()
        sentences = sum(counts.values())
        self._say(f"Copied sentences found: {sentences:,} sentence(s) in {len(counts):,} document(s) have copies.")

    def _ended(self) -> None:
        job, self.job = self.job, None
        job.wait()  # run() is returning: let the thread finish before the job goes
        job.deleteLater()
        self.window.busy.setVisible(False)
        self.finished.emit(self.indexed)

    def _say(self, text: str) -> None:
        self.window.statusBar().showMessage(text, 15000)
