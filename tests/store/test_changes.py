"""The change token a window polls (issue 15): documents other writers changed since a token."""

import multiprocessing
import threading

from sqlalchemy.orm import Session

from annotator.core.model import Document, Span
from annotator.core.text import content_hash
from annotator.store import Store
from annotator.store.changes import write_changes
from annotator.store.conflicts import ConflictError
from annotator.store.schema import ChangeRow

TEXTS = ["Marie Curie met Pierre Curie in Paris.", "Ada Lovelace wrote notes in London."]


def _docs(store):
    return store.add_documents([(Document(None, f"t{i}", t, content_hash=content_hash(t)), []) for i, t in enumerate(TEXTS)]).added


def test_changes_since_reports_the_documents_others_changed_not_our_own(new_db):
    path = new_db("team")
    with Store(path, annotator="alice") as window, Store(path, annotator="bob") as other:
        first, second = _docs(other)
        token = window.change_token()
        assert window.changes_since(token)[1] == set()
        span = other.add_span(second, Span(0, 12, "PERSON"))
        token, changed = window.changes_since(token)
        assert changed == {second}
        window.add_span(first, Span(0, 11, "PERSON"))  # our own write: not reported back
        token, changed = window.changes_since(token)
        assert changed == set()
        other.update_span(span.id, note="x")
        other.set_status(first, "done")
        token, changed = window.changes_since(token)
        assert changed == {first, second}
        assert window.changes_since(token)[1] == set()


def test_the_change_log_keeps_one_row_per_document(new_db):
    with Store(new_db()) as store:
        doc_id = _docs(store)[0]
        for i in range(5):
            store.set_document_note(doc_id, f"note {i}")
        with store._read() as s:
            assert s.query(ChangeRow).filter(ChangeRow.document_id == doc_id).count() == 1


def test_a_refused_edit_records_no_change(new_db):
    path = new_db()
    with Store(path) as a, Store(path) as b:
        doc_id = _docs(a)[0]
        span = a.add_span(doc_id, Span(0, 11, "PERSON"))
        a.update_span(span.id, version=1, label="ORG")
        token = b.change_token()
        try:
            b.update_span(span.id, version=1, label="GPE")
        except ConflictError:
            pass
        assert a.changes_since(token)[1] == set()


def _relabel(path, span_id, version, label, barrier, results):
    with Store(path, annotator=label.lower()) as store:
        barrier.wait()
        try:
            store.update_span(span_id, version=version, label=label)
            results.put(("won", label))
        except ConflictError as error:
            results.put(("conflict", error.current.label))


def test_two_processes_editing_one_span_exactly_one_wins(new_db):
    path = new_db("race")
    with Store(path) as store:
        doc_id = _docs(store)[0]
        span = store.add_span(doc_id, Span(0, 11, "PERSON"))
    ctx = multiprocessing.get_context("spawn")
    barrier, results = ctx.Barrier(2), ctx.Queue()
    workers = [ctx.Process(target=_relabel, args=(path, span.id, span.version, label, barrier, results)) for label in ("ORG", "GPE")]
    for worker in workers:
        worker.start()
    outcomes = sorted(results.get(timeout=60) for _ in workers)
    for worker in workers:
        worker.join(timeout=60)
    assert [kind for kind, _ in outcomes] == ["conflict", "won"]
    winner = outcomes[1][1]
    assert outcomes[0][1] == winner  # the loser was shown the winner's label
    with Store(path) as store:
        stored = store.span(span.id)
    assert stored.label == winner and stored.version == 2


def test_suggestions_stored_by_another_process_are_reported(new_db):
    path = new_db("team")
    with Store(path, annotator="alice") as window, Store(path, annotator="alice") as preannotate:
        first, second = _docs(window)
        token = window.change_token()
        preannotate.add_suggestions([(second, [Span(0, 12, "PERSON")])])
        token, changed = window.changes_since(token)
        assert changed == {second}
        (span,) = window.spans(second)
        preannotate.delete_suggestions([span.id])
        assert window.changes_since(token)[1] == {second}


def test_a_change_committed_after_a_later_one_is_still_reported(new_pg_database):
    """PostgreSQL hands out change ids at insert time, and writers commit in any order (no lock):
    writer A takes its id first and commits after B. The poll that saw B's change reports A's at
    the next poll; B never waited for A."""
    path = new_pg_database()
    with Store(path, annotator="alice") as window, Store(path, annotator="ann") as a, Store(path, annotator="bob") as b:
        first, second = _docs(window)
        token = window.change_token()
        with Session(a._writer) as s, s.begin():
            write_changes(s, [first], "ann")  # A's id, not committed yet
            writer = threading.Thread(target=b.add_span, args=(second, Span(0, 12, "PERSON")))
            writer.start()
            writer.join(timeout=60)  # a guard against a hang: B must commit while A is open
            assert not writer.is_alive(), "B waited for A's transaction"
            token, changed = window.changes_since(token)
            assert changed == {second}
        token, changed = window.changes_since(token)
        assert changed == {first}
        assert window.changes_since(token)[1] == set()
