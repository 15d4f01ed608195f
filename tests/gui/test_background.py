"""BackgroundJob: work runs off the UI thread, reports progress, a result or an error, and stops on cancel."""

from __future__ import annotations

import threading

from sqlalchemy import event

from annotator.core.model import Source, Span, State
from annotator.gui.background import BackgroundJob


def test_work_runs_off_the_ui_thread_and_reports(qtbot):
    seen = []

    def work(progress, cancelled):
        for done in range(1, 4):
            progress(done, 3)
        return threading.get_ident()

    job = BackgroundJob(work)
    job.progressed.connect(lambda done, total: seen.append((done, total, threading.get_ident())))
    with qtbot.waitSignal(job.ended):
        with qtbot.waitSignal(job.succeeded) as result:
            job.start()
    assert result.args[0] != threading.get_ident()
    qtbot.waitUntil(lambda: len(seen) == 3)
    assert [(d, t) for d, t, _ in seen] == [(1, 3), (2, 3), (3, 3)]
    assert {ident for _, _, ident in seen} == {threading.get_ident()}  # slots run in the UI thread


def test_an_error_is_reported_not_raised(qtbot):
    job = BackgroundJob(lambda progress, cancelled: 1 / 0)
    with qtbot.waitSignal(job.failed) as failure:
        job.start()
    assert isinstance(failure.args[0], ZeroDivisionError)
    assert job.wait(5000) and isinstance(job.error, ZeroDivisionError)


def test_cancel_stops_the_work(qtbot):
    started = threading.Event()

    def work(progress, cancelled):
        started.set()
        steps = 0
        while not cancelled():
            steps += 1
            threading.Event().wait(0.001)
        return steps

    job = BackgroundJob(work)
    job.start()
    assert started.wait(5)
    job.stop()
    assert not job.running() and job.cancelled() and isinstance(job.result, int)


def test_store_connections_are_never_shared_between_threads(qtbot, store_factory):
    """The worker and the UI thread use one Store at once; each checkout is one thread's own."""
    text = "Pompeo met Lavrov in Sochi. " * 20
    store = store_factory([(f"Doc {i}", f"{text}{i}", []) for i in range(20)])
    holders: dict[int, int] = {}  # DBAPI connection -> thread holding it
    clashes = []

    @event.listens_for(store.engine, "checkout")
    def checkout(dbapi_connection, _record, _proxy):
        if holders.setdefault(id(dbapi_connection), threading.get_ident()) != threading.get_ident():
            clashes.append(id(dbapi_connection))
        holders[id(dbapi_connection)] = threading.get_ident()

    @event.listens_for(store.engine, "checkin")
    def checkin(dbapi_connection, _record):
        holders.pop(id(dbapi_connection), None)

    def work(progress, cancelled):
        for doc_id in range(1, 21):
            store.add_suggestions([(doc_id, [Span(0, 6, "PERSON", Source.MODEL, State.SUGGESTED)])])
        return threading.get_ident()

    job = BackgroundJob(work)
    with qtbot.waitSignal(job.succeeded, timeout=20000):
        job.start()
        while job.running():  # the UI thread reads meanwhile
            store.spans(1)
    assert not clashes
    assert sum(len(store.spans(d)) for d in range(1, 21)) == 20
