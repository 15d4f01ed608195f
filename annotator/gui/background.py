"""Slow work off the UI thread: ``work(progress, cancelled)`` runs in a QThread.

The job's signals are emitted from the worker thread; Qt queues them to receivers that
live in the UI thread, so slots connected to them may touch widgets. The work itself must
not: it gets only a ``progress(done, total)`` callback and a ``cancelled()`` check.
The Store is safe to share: each call opens its own short session, and SQLAlchemy's pool
hands a connection to one thread at a time (tests/gui/test_background.py checks that).

    job = BackgroundJob(lambda progress, cancelled: do_it(progress, cancelled), parent)
    job.progressed.connect(window.show_progress)
    job.succeeded.connect(on_result)
    job.failed.connect(on_error)
    job.start()            # job.cancel() asks the work to stop; job.wait() joins it
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, QThread, Signal

Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]
Work = Callable[[Progress, Cancelled], object]


class BackgroundJob(QObject):
    progressed = Signal(int, int)  # done, total
    succeeded = Signal(object)  # what the work returned
    failed = Signal(object)  # the exception the work raised
    ended = Signal()  # after succeeded or failed, also after a cancel

    def __init__(self, work: Work, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._work = work
        self._cancel = threading.Event()
        self._thread = _Thread(self._run)
        self.result: object = None
        self.error: BaseException | None = None

    def start(self) -> None:
        self._thread.start()

    def cancel(self) -> None:
        """Ask the work to stop at its next ``cancelled()`` check; returns at once."""
        self._cancel.set()

    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def running(self) -> bool:
        return self._thread.isRunning()

    def wait(self, milliseconds: int = -1) -> bool:
        """Join the worker thread (True when it has ended). Queued signals are delivered later, by the event loop."""
        return self._thread.wait() if milliseconds < 0 else self._thread.wait(milliseconds)

    def stop(self) -> None:
        """Cancel and join: before the window (and the job's QThread) goes away."""
        self.cancel()
        self.wait()

    def _run(self) -> None:  # in the worker thread
        try:
            self.result = self._work(self.progressed.emit, self.cancelled)
        except Exception as error:  # reported to the UI thread, which decides how to show it
            self.error = error
            self.failed.emit(error)
        else:
            self.succeeded.emit(self.result)
        finally:
            self.ended.emit()


class _Thread(QThread):
    def __init__(self, target: Callable[[], None]) -> None:
        super().__init__()
        self._target = target

    def run(self) -> None:
        self._target()
