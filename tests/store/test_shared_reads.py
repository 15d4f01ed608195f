"""Reads that share one connection and one snapshot (Store.reading_together): what an export's cursors use."""

from __future__ import annotations

import json
import threading

from sqlalchemy import event

from annotator.core.model import Document, Span
from annotator.core.text import content_hash
from annotator.store import Store
from annotator.transfer.exporting import export_jsonl

TEXTS = ["Marie Curie met Pierre Curie in Paris.", "Ada Lovelace wrote notes in London.", "Alan Turing worked in Manchester."]


def _fill(store: Store) -> list[int]:
    records = [(Document(None, f"t{i}", t, content_hash=content_hash(t)), [Span(0, 4, "PERSON")]) for i, t in enumerate(TEXTS)]
    return store.add_documents(records).added


def test_reads_together_see_one_snapshot_and_other_threads_see_the_commit(new_db):
    path = new_db()
    with Store(path) as store, Store(path) as other:
        doc_id = _fill(store)[0]
        with store.reading_together():
            before = store.spans(doc_id)
            other.add_span(doc_id, Span(5, 10, "PERSON"))
            assert store.spans(doc_id) == before  # the block's snapshot: the later commit is not seen
            seen = []
            thread = threading.Thread(target=lambda: seen.append(store.spans(doc_id)))
            thread.start()
            thread.join()
            assert len(seen[0]) == len(before) + 1  # another thread reads on its own connection
        assert len(store.spans(doc_id)) == len(before) + 1


def test_an_export_reads_through_one_connection(new_db, tmp_path):
    path = new_db()
    with Store(path) as store:
        _fill(store)
        used: set[int] = set()
        event.listen(store.engine, "checkout", lambda dbapi_connection, *_: used.add(id(dbapi_connection)))
        log = export_jsonl(store, tmp_path / "out.jsonl")
    assert (log.documents, log.spans) == (3, 3)
    lines = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["text"] for r in lines] == TEXTS
    assert len(used) == 1  # documents, spans, relations and copied sentences: four cursors, one connection
