"""One span edit: a statement or two on the quick path, the checked path's messages when the database refuses."""

from __future__ import annotations

import pytest
import psycopg
from sqlalchemy import event

from annotator.core.model import AnnotationError, Document, Span
from annotator.core.text import content_hash
from annotator.store import Store, postgres
from annotator.store.schema import ChangeRow

TEXT = "Marie Curie met Pierre Curie in Paris."


@pytest.fixture
def doc(store):
    doc_id = store.add_documents([(Document(None, "t", TEXT, content_hash=content_hash(TEXT)), [])]).added[0]
    store.add_span(doc_id, Span(0, 5, "PERSON"))  # the first write stores the annotator: later ones take the quick path
    return doc_id


def _statements(store: Store, edit) -> tuple[object, list[str]]:
    seen: list[str] = []
    def listener(conn, cursor, statement, *_):
        if not statement.startswith("BEGIN"):  # SQLite's BEGIN IMMEDIATE (psycopg sends its BEGIN unseen)
            seen.append(statement.split()[0].upper())

    event.listen(store.engine, "before_cursor_execute", listener)
    try:
        return edit(), seen
    finally:
        event.remove(store.engine, "before_cursor_execute", listener)


def _change_rows(store: Store) -> int:
    with store._read() as s:
        return s.query(ChangeRow).count()


def test_an_edit_is_its_statement_and_the_change_log(store, doc):
    span, seen = _statements(store, lambda: store.add_span(doc, Span(6, 11, "PERSON", note="physicist")))
    assert (span.label, span.note, span.version, TEXT[span.start : span.end]) == ("PERSON", "physicist", 1, "Curie")
    assert seen[0] == "INSERT" and len(seen) <= 3  # the span; the log: one statement on PostgreSQL, two on SQLite
    (before, after), seen = _statements(store, lambda: store.update_span(span.id, version=span.version, label="ORG", end=28 - 17))
    assert (before.label, after.label, after.version) == ("PERSON", "ORG", 2) and store.span(span.id) == after
    assert seen[:2] == ["SELECT", "UPDATE"] and len(seen) <= 4
    gone, seen = _statements(store, lambda: store.delete_span(after.id, version=after.version))
    assert gone == after and seen[0] == "DELETE" and len(seen) <= 3
    with pytest.raises(AnnotationError, match="no span"):
        store.span(span.id)


def test_what_the_database_refuses_is_said_as_the_checks_say_it(store, doc):
    changes, spans = _change_rows(store), store.spans(doc)
    with pytest.raises(AnnotationError, match=r"span end 99 is beyond the text \(38 characters\)"):
        store.add_span(doc, Span(30, 99, "GPE"))
    with pytest.raises(AnnotationError, match="a PERSON span at 0-5 already exists"):
        store.add_span(doc, Span(0, 5, "PERSON"))
    with pytest.raises(AnnotationError, match="no document 999"):
        store.add_span(999, Span(0, 5, "PERSON"))
    with pytest.raises(AnnotationError, match="beyond the text"):
        store.update_span(spans[0].id, version=spans[0].version, end=40)
    assert store.spans(doc) == spans and _change_rows(store) == changes  # nothing of a refused edit is written


def test_a_label_is_created_on_its_first_use(store, doc):
    span = store.add_span(doc, Span(32, 37, "CITY"))
    _, after = store.update_span(span.id, version=span.version, label="TOWN")
    assert {"CITY", "TOWN"} <= {label.name for label in store.labels()} and store.span(span.id).label == after.label == "TOWN"


def test_a_pooled_connection_killed_while_idle_is_replaced_before_an_edit(new_pg_database, monkeypatch):
    url = new_pg_database()
    with Store(url, annotator="alice") as store:
        doc_id = store.add_documents([(Document(None, "t", TEXT, content_hash=content_hash(TEXT)), [])]).added[0]
        with store._read() as s:
            pid = s.connection().exec_driver_sql("SELECT pg_backend_pid()").scalar_one()
        with psycopg.connect(url, autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
        monkeypatch.setattr(postgres, "PING_AFTER_IDLE_S", 0.0)  # every connection counts as idle: pinged, found dead, replaced
        span = store.add_span(doc_id, Span(0, 5, "PERSON"))
        with store._read() as s:
            assert s.connection().exec_driver_sql("SELECT pg_backend_pid()").scalar_one() != pid
    assert TEXT[span.start : span.end] == "Marie"
