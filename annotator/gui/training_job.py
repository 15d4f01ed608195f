"""One training run in a child process, seen from the window through Qt signals.

The child (annotator/gui/training_child.py) is spawned, not forked: the window runs Qt's and
our own threads, which a fork would copy half-way. Its reports come back through a
multiprocessing Queue that a QTimer drains on the UI thread: reading it never blocks, so the
window stays responsive however busy the child is. Cancel sets an Event the training checks at
every step; the child then removes its staging folder, and no OUT_DIR is left.
"""

from __future__ import annotations

import multiprocessing
import queue as queues
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from annotator.store.location import DatabaseLocation

POLL_MS = 50
DRAIN = 200  # records read per tick at most: a burst cannot hold the event loop
STOP_SECONDS = 5  # closing the window: the child's time to stop at its next step before it is terminated


class TrainingJob(QObject):
    progressed = Signal(object)  # a TrainingProgress
    succeeded = Signal(dict)  # training_child.summary(...)
    failed = Signal(str)  # the TrainingError's message: it says what to do
    cancelled = Signal(str)
    ended = Signal()  # after any of the three, or if the child died without a word

    def __init__(self, db: DatabaseLocation, annotator: str, out_dir: Path, options, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.out_dir = Path(out_dir)
        context = multiprocessing.get_context("spawn")
        self._queue = context.Queue()
        self._cancel = context.Event()
        from annotator.gui.training_child import train_in_child

        self._process = context.Process(target=train_in_child, daemon=True, name="annotator-training",
                                        args=(db.for_child(), annotator, str(out_dir), options, self._queue, self._cancel))
        self._timer = QTimer(self, interval=POLL_MS)
        self._timer.timeout.connect(self._drain)
        self.finished = False  # the child's last word is in (or it died)

    def start(self) -> None:
        self._process.start()
        self._timer.start()

    def cancel(self) -> None:
        """Ask the child to stop at its next step; returns at once (``cancelled`` follows)."""
        self._cancel.set()

    def running(self) -> bool:
        return not self.finished

    def child_alive(self) -> bool:
        """The child process has not exited yet (after its last word it still closes its interpreter)."""
        return self._process.is_alive()

    def stop(self) -> None:
        """Before the window goes: cancel, give the child a moment, then terminate it (it still cleans up)."""
        if self.finished:
            return
        self.cancel()
        self._process.join(STOP_SECONDS)
        if self._process.is_alive():
            self._process.terminate()
        self._process.join()
        self.finished = True
        self._timer.stop()

    def _drain(self) -> None:
        if self.finished:
            self._reap()
            return
        for _ in range(DRAIN):
            try:
                kind, payload = self._queue.get_nowait()
            except queues.Empty:
                break
            if kind == "progress":
                self.progressed.emit(payload)
                continue
            self.finished = True
            {"done": self.succeeded, "cancelled": self.cancelled, "error": self.failed}[kind].emit(payload)
            self.ended.emit()
            return
        if not self._process.is_alive() and self._queue.empty():
            self.finished = True  # killed or crashed without a word
            self.failed.emit(f"the training process ended unexpectedly (exit code {self._process.exitcode}); nothing was saved")
            self.ended.emit()

    def _reap(self) -> None:
        """After its last word the child's interpreter is closing: wait for that without blocking."""
        if not self._process.is_alive():
            self._process.join()
            self._timer.stop()
