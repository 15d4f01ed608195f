"""An import's batches on PostgreSQL are written from a thread while the next batch is prepared
(store.bulk_rows.InFlight): a refusal of a batch in flight still names the rule and leaves
nothing; an error of the caller while a batch is in flight rolls everything back and the
database takes the next import. SQLite writes each batch at once: the same outcomes."""

from __future__ import annotations

import threading

import pytest

from annotator.core.model import AnnotationError, Document, Span
from annotator.core.text import content_hash
from annotator.store import bulk_rows
from tests.store.test_copy_index import rows


def records(count: int, bad: int | None = None) -> list[tuple[Document, list[Span]]]:
    made = []
    for i in range(count):
        text = f"Article {i} names Alice Smith in Paris."
        span = Span(text.index("Alice"), text.index("Alice") + 11, "PERSON")
        if i == bad:
            span.end = len(text) + 5  # past the text: only the database's rule catches it
        made.append((Document(None, f"a{i}", text, content_hash=content_hash(text)), [span]))
    return made


@pytest.fixture
def started(monkeypatch):
    """The batches sent from the thread."""
    calls = []
    original = bulk_rows.InFlight.start
    monkeypatch.setattr(bulk_rows.InFlight, "start", lambda self, tables: (calls.append(tables), original(self, tables)))
    return calls


def import_in_batches(store, items, size=2, fail_after=None, release=None):
    with store.bulk_import(index=False) as writer:
        writer.batch_size = size
        for number, (doc, spans) in enumerate(items):
            if number == fail_after:
                if release is not None:
                    release.set()  # the batch in flight goes on while the error unwinds
                raise KeyError("the caller's own error")
            writer.add(doc, spans)
    return writer.result


def test_batches_in_flight_land_whole(store, started):
    result = import_in_batches(store, records(7))
    assert len(result.added) == 7 and result.spans == 7
    assert rows(store, 'SELECT count(*), sum("end" - start) FROM spans') == [(7, 77)]
    assert len(started) == (4 if store.location.is_postgres else 0)  # 1-2, 3-4, 5-6, then 7 (waited for at the end)


def test_a_refused_batch_in_flight_names_the_rule_and_leaves_nothing(store, started):
    with pytest.raises(AnnotationError, match="refused by the database: .*span end beyond document text"):
        import_in_batches(store, records(7, bad=2))
    assert rows(store, "SELECT count(*) FROM documents") == [(0,)]
    assert len(import_in_batches(store, records(3)).added) == 3


def test_an_error_of_the_caller_while_a_batch_is_in_flight_rolls_everything_back(store, started, monkeypatch):
    release, copy = threading.Event(), bulk_rows._copy
    monkeypatch.setattr(bulk_rows, "_copy", lambda *args: (release.wait(), copy(*args)))  # held until the error
    with pytest.raises(KeyError):
        import_in_batches(store, records(7), size=5, fail_after=5, release=release)  # records 0-4 in flight
    assert started or not store.location.is_postgres
    assert rows(store, "SELECT count(*) FROM documents") == [(0,)] == rows(store, "SELECT count(*) FROM spans")
    assert len(import_in_batches(store, records(7)).added) == 7
