"""Reads that may take long, off the UI thread, that nothing ever waits for.

The copy reads (a document's copies, the corpus-wide consistency check) are usually quick,
but their cost grows with the copies: one sentence repeated thousands of times in one
article, or a corpus of 100,000 articles, takes seconds to minutes. So they run in daemon
threads: the window stays usable, a result comes back to the UI thread by polling (no Qt
object crosses threads), a newer request or a closing window cancels the older one, and
nothing waits for a thread at close (a daemon thread ends with the process).

Cancelling also stops the SQLite query the thread is running: while a run holds a
connection of the Store's pool, the connection's progress handler asks the run every
``PROGRESS_STEPS`` virtual-machine steps whether it was cancelled (a cancel through
``Connection.interrupt`` would miss a query that starts just after it).
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer
from sqlalchemy import event

from annotator.store import Store

POLL_MS = 20
PROGRESS_STEPS = 20_000  # SQLite steps between two looks at the cancel flag (~1 ms)
_RUNS: dict[int, Run] = {}  # thread id -> the run in that thread
_HOOKED: weakref.WeakSet = weakref.WeakSet()  # engines whose pool tells us about checkouts


def _hook(engine) -> None:
    """Listen to the pool's checkouts once per engine, from the UI thread (adding a listener
    while another thread dispatches one is not safe)."""
    if engine not in _HOOKED:
        event.listen(engine, "checkout", _checked_out)
        event.listen(engine, "checkin", _checked_in)
        _HOOKED.add(engine)


def _checked_out(dbapi_connection, _record, _proxy) -> None:
    run = _RUNS.get(threading.get_ident())
    if run is not None:
        run.hold(dbapi_connection)


def _checked_in(dbapi_connection, _record) -> None:
    if dbapi_connection is not None and threading.get_ident() in _RUNS:
        Run.release(dbapi_connection)


class Run:
    """One piece of work in its daemon thread."""

    def __init__(self, work: Callable[[Callable[[], bool]], object], done, failed) -> None:
        self.work, self.done, self.failed = work, done, failed
        self.result: object = None
        self.error: Exception | None = None
        self.finished = threading.Event()
        self._cancel = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True, name="annotator-copies")

    def start(self) -> None:
        self._thread.start()

    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def cancel(self) -> None:
        """Stop it: its query stops within PROGRESS_STEPS steps, its result is never delivered."""
        self._cancel.set()

    def hold(self, connection) -> None:
        """This run's thread took ``connection`` from the pool: a cancel aborts its queries
        (and only its own: should the connection go back to the pool with the handler still on
        it, another thread's queries are never stopped by it)."""
        thread, cancelled = self._thread, self._cancel.is_set
        connection.set_progress_handler(lambda: threading.current_thread() is thread and cancelled(), PROGRESS_STEPS)

    @staticmethod
    def release(connection) -> None:
        connection.set_progress_handler(None, 0)

    def _run(self) -> None:  # in the daemon thread
        _RUNS[threading.get_ident()] = self
        try:
            self.result = self.work(self.cancelled)
        except Exception as error:  # handed to the UI thread (an interrupted query lands here too)
            self.error = error
        finally:
            del _RUNS[threading.get_ident()]
            self.finished.set()


class DaemonWork(QObject):
    """Starts Runs and delivers their results in the UI thread (``done(result)`` or
    ``failed(error)``), unless they were cancelled meanwhile."""

    def __init__(self, store: Store, parent: QObject | None = None) -> None:
        super().__init__(parent)
        _hook(store.engine)
        self._runs: list[Run] = []
        self._timer = QTimer(self, interval=POLL_MS)
        self._timer.timeout.connect(self._poll)
        self._stopped = False

    def start(self, work: Callable[[Callable[[], bool]], object], done: Callable[[object], None], failed: Callable[[Exception], None]) -> Run | None:
        """Run ``work(cancelled)`` in a daemon thread; None once stopped (the window is closing)."""
        if self._stopped:
            return None
        run = Run(work, done, failed)
        self._runs.append(run)
        run.start()
        self._timer.start()
        return run

    def busy(self) -> bool:
        return any(not run.cancelled() for run in self._runs)

    def stop(self) -> None:
        """Cancel every run, deliver nothing more, start nothing more; waits for none."""
        self._stopped = True
        self._timer.stop()
        for run in self._runs:
            run.cancel()
        self._runs.clear()

    def _poll(self) -> None:
        finished = [run for run in self._runs if run.finished.is_set()]
        self._runs = [run for run in self._runs if not run.finished.is_set()]
        if not self._runs:
            self._timer.stop()
        for run in finished:
            if run.cancelled():
                continue
            if run.error is not None:
                run.failed(run.error)
            else:
                run.done(run.result)
