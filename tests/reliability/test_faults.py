"""Full disk, read-only files, a file deleted or replaced underneath, two instances at once."""

from __future__ import annotations

import shutil
import sqlite3
import threading

import pytest

from annotator.core.model import Document, Span
from annotator.core.text import content_hash
from annotator.store import DatabaseError, Store
from tests.reliability.tally import TALLY


def add_doc(store: Store, text: str) -> int:
    return store.add_documents([(Document(None, "t", text, content_hash=content_hash(text)), [])]).added[0]


def test_full_disk_is_a_clear_error_and_nothing_saved_is_lost(tmp_path):
    path = tmp_path / "full.db"
    with Store(path) as store:
        first = add_doc(store, "Saved before the disk filled up.")
        store.add_span(first, Span(0, 5, "PERSON"))
        pages = sqlite3.connect(path).execute("pragma page_count").fetchone()[0]
    # Allow only a few more pages: the next big write hits "database or disk is full".
    with Store(path, pragmas={"max_page_count": pages + 3}) as store:
        big = [(Document(None, "t", f"{i} " + "x" * 4000, content_hash=content_hash(f"{i} " + "x" * 4000)), []) for i in range(50)]
        with pytest.raises(DatabaseError, match=r"full\.db.*full"):
            store.add_documents(big)
        TALLY["faults"] += 1
        assert store.count_documents() == 1  # the failed import left nothing behind
        assert store.spans(first)[0].label == "PERSON"  # still usable, nothing lost
    with Store(path) as store:  # space again: the same work can be retried
        assert len(store.add_documents(big).added) == 50
    TALLY["trials"] += 1


def test_read_only_database_reads_and_refuses_writes_clearly(tmp_path):
    path = tmp_path / "ro.db"
    with Store(path) as store:
        doc_id = add_doc(store, "Read me.")
    with Store(path, readonly=True) as store:
        assert store.readonly
        assert store.document(doc_id).text == "Read me."
        with pytest.raises(DatabaseError, match=r"ro\.db is open read-only"):
            store.add_span(doc_id, Span(0, 4, "PERSON"))
    TALLY["faults"] += 1


def test_unwritable_file_is_detected(tmp_path, monkeypatch):
    path = tmp_path / "ro.db"
    Store(path).close()
    import annotator.store.service as service

    monkeypatch.setattr(service.os, "access", lambda p, mode: False)  # tests run as root, who may write anything
    with Store(path) as store:
        assert store.readonly


def test_read_only_database_needing_creation_is_refused(tmp_path):
    with pytest.raises(DatabaseError, match="cannot be written, and it needs creating"):
        Store(tmp_path / "new.db", readonly=True)


@pytest.mark.parametrize("how", ["deleted", "replaced"])
def test_file_deleted_or_replaced_underneath(tmp_path, how):
    path = tmp_path / "gone.db"
    store = Store(path)
    doc_id = add_doc(store, "Here today.")
    if how == "deleted":
        path.unlink()
    else:
        other = tmp_path / "other.db"
        Store(other).close()
        shutil.move(other, path)
    with pytest.raises(DatabaseError, match="gone.db was deleted or replaced"):
        store.add_span(doc_id, Span(0, 4, "PERSON"))
    store.close()
    TALLY["faults"] += 1


def test_two_instances_both_write_and_see_each_other(tmp_path):
    path = tmp_path / "shared.db"
    a, b = Store(path), Store(path)
    doc_a = add_doc(a, "Written by the first window.")
    doc_b = add_doc(b, "Written by the second window.")
    a.add_span(doc_b, Span(0, 7, "PERSON"))
    b.add_span(doc_a, Span(0, 7, "ORG"))
    assert a.count_documents() == b.count_documents() == 2  # a refresh shows the other's documents
    assert [s.label for s in b.spans(doc_b)] == ["PERSON"]
    a.close()
    b.close()


def test_writer_waits_for_the_other_instance_instead_of_failing(tmp_path):
    path = tmp_path / "busy.db"
    with Store(path) as store:
        doc_id = add_doc(store, "Contended text.")
        holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        holder.execute("begin immediate")  # another instance in the middle of a write
        released = threading.Event()

        def release():
            released.set()
            holder.execute("commit")

        timer = threading.Timer(0.5, release)
        timer.start()
        span = store.add_span(doc_id, Span(0, 9, "PERSON"))
        # The write could only happen once the other instance let go: it waited, it did not fail.
        assert released.is_set() and span.id is not None
        timer.join()
        holder.close()
    TALLY["faults"] += 1
