"""store.bulk_rows on both engines: rows land as given (PostgreSQL: through COPY and unnest),
the database's rules still refuse a bad row (as SQLAlchemy's IntegrityError, which the store
names; nothing written),
duplicates are skipped where asked, paired updates hit their rows only."""

from __future__ import annotations

import pytest
from annotator.core.model import AnnotationError, Document, Span
from annotator.core.text import content_hash
from annotator.store.bulk_rows import insert_ints_ignoring, insert_rows, update_ints
from tests.store.test_copy_index import add, rows

TEXT = "Tab\there, a back\\slash, a line\nand \U0001f600 after"


def test_rows_land_as_given_including_tabs_backslashes_newlines_and_null(store):
    with store._write() as s:
        conn = s.connection()
        insert_rows(conn, "documents", ("id", "title", "text", "text_length", "source_path", "content_hash", "meta", "created_at", "updated_at"),
                    [(7, "t\tab", TEXT, len(TEXT), "", content_hash(TEXT), "{}", "now", "now")])
        insert_rows(conn, "spans", ("document_id", "start", "end", "label_id", "source", "state", "note", "annotator", "provenance", "created_at", "updated_at"),
                    [[7, 0, 3, _label(s), "human", "accepted", "a\\b\nc", store.annotator, "", "now", "now"]])
    assert rows(store, "SELECT title, text, text_length FROM documents") == [("t\tab", TEXT, len(TEXT))]
    assert rows(store, 'SELECT start, "end", note, updated_by FROM spans') == [(0, 3, "a\\b\nc", None)]


def test_a_row_the_database_refuses_is_an_integrity_error_and_nothing_is_written(store):
    add(store, "Short text.")
    with pytest.raises(AnnotationError, match="refused by the database: .*span end beyond document text"):
        with store._write() as s:
            insert_rows(s.connection(), "spans", ("document_id", "start", "end", "label_id", "source", "state", "note", "annotator", "created_at", "updated_at"),
                        [(1, 0, 5, _label(s), "human", "accepted", "", store.annotator, "now", "now"),
                         (1, 0, 50, _label(s), "human", "accepted", "", store.annotator, "now", "now")])
    assert rows(store, "SELECT count(*) FROM spans") == [(0,)]


def test_the_bulk_import_names_a_refusal_and_writes_nothing(store):
    text = "Short text."
    bad = (Document(None, "bad", text, content_hash=content_hash(text)), [Span(0, 5, "ORG")])
    bad[1][0].end = 50  # past the text: only the database's rule catches it now
    with pytest.raises(AnnotationError, match="refused by the database: .*span end beyond document text"):
        store.add_documents([bad])
    assert rows(store, "SELECT count(*) FROM documents") == [(0,)]


def test_duplicates_are_skipped_and_pairs_update_their_rows(store):
    add(store, "Too short to index.")
    with store._write() as s:
        conn = s.connection()
        insert_rows(conn, "sentences", ("id", "document_id", "start", "end", "text_hash"), [(10, 1, 0, 3, 9), (11, 1, 4, 8, 9), (12, 1, 9, 12, 9)])
        insert_ints_ignoring(conn, "sentence_bands", ("band", "sentence_id"), [(5, 10), (-3, 10), (5, 10), (2**62, 10)])
        update_ints(conn, "sentences", "group_id", "id", [(10, 10), (10, 11)])
        update_ints(conn, "sentences", "group_id", "group_id", [(12, 10)])
    assert rows(store, "SELECT band FROM sentence_bands ORDER BY band") == [(-3,), (5,), (2**62,)]
    assert rows(store, "SELECT id, group_id FROM sentences WHERE id >= 10 ORDER BY id") == [(10, 12), (11, 12), (12, None)]


def _label(s) -> int:
    return s.connection().exec_driver_sql("SELECT id FROM labels WHERE name = 'ORG'").scalar_one()
