"""``annotator copy SRC DEST``: SQLite -> PostgreSQL -> SQLite keeps every row and id; all or nothing."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from annotator.core.model import Document, Span, State
from annotator.core.text import content_hash
from annotator.store import Store
from annotator.store.copying import copy_database
from annotator.store.database import DatabaseError

ROOT = Path(__file__).resolve().parents[2]
TEXT = "Marie Curie 👩‍🔬 met Pierre Curie in Paris. " * 3


def _filled(path: Path) -> Path:
    """Two annotators' spans, statuses, notes, a deleted span leaving an id gap, the copy index."""
    with Store(path, annotator="alice") as store:
        (doc,) = store.add_documents([(Document(None, "t", TEXT, content_hash=content_hash(TEXT)), [Span(0, 11, "PERSON")])]).added
        gone = store.add_span(doc, Span(17, 29, "PERSON"))
        store.add_span(doc, Span(33, 38, "GPE", state=State.SUGGESTED, note="city"))
        store.delete_span(gone.id)
        store.set_status(doc, "done")
        store.build_copy_index()
    with Store(path, annotator="bob") as store:
        store.add_span(1, Span(0, 11, "PERSON"))
        store.set_document_note(1, "bob's note")
    return path


def _rows(store: Store) -> dict:
    doc = store.document(1)
    return {
        "spans": {a: [(s.id, s.start, s.end, s.label, str(s.state), s.note) for s in store.spans(1, annotator=a)] for a in ("alice", "bob")},
        "document": (doc.text, doc.title, str(doc.status), doc.note),
        "labels": [(l.name, l.color, l.hotkey) for l in store.labels()],
        "groups": len(list(store.copy_groups())),
    }


def test_sqlite_to_postgresql_and_back_keeps_every_row_and_id(tmp_path, new_pg_database):
    source, url, back = _filled(tmp_path / "a.db"), new_pg_database(), tmp_path / "back.db"
    with Store(source, annotator="alice") as store:
        expected = _rows(store)
    report = copy_database(source, url)
    assert report.counts["spans"] == 3 and report.counts["documents"] == 1 and report.counts["annotators"] == 3
    with Store(url, annotator="alice") as store:
        assert _rows(store) == expected
        added = store.add_span(1, Span(12, 16, "PERSON"))  # the sequence moved past the copied ids
        assert added.id == max(s[0] for spans in expected["spans"].values() for s in spans) + 1
        store.delete_span(added.id)
    assert copy_database(url, back).counts == report.counts
    with Store(back, annotator="alice") as store:
        assert _rows(store) == expected


def test_the_cli_prints_each_tables_count(tmp_path, new_pg_database):
    source, url = _filled(tmp_path / "a.db"), new_pg_database()
    done = subprocess.run([sys.executable, "-m", "annotator", "copy", str(source), url], capture_output=True, text=True, cwd=ROOT,
                          env=dict(os.environ), timeout=300)
    assert done.returncode == 0, done.stderr
    assert "spans: 3 row(s)" in done.stdout and "documents: 1 row(s)" in done.stdout
    assert psycopg.connect(url).execute("SELECT count(*) FROM spans").fetchone()[0] == 3


def test_a_destination_that_holds_data_is_refused(tmp_path, new_pg_database):
    source, url = _filled(tmp_path / "a.db"), new_pg_database()
    copy_database(source, url)
    with pytest.raises(DatabaseError, match="empty database only"):
        copy_database(source, url)
    taken = tmp_path / "taken.db"
    taken.write_bytes(b"x" * 10)
    with pytest.raises(DatabaseError, match="the file exists"):
        copy_database(source, taken)
    assert taken.read_bytes() == b"x" * 10
    with pytest.raises(DatabaseError, match="no annotator database"):
        copy_database(tmp_path / "missing.db", tmp_path / "new.db")
    assert not (tmp_path / "missing.db").exists()


def test_a_failed_copy_leaves_nothing(tmp_path, new_pg_database):
    """A row PostgreSQL refuses (a text edited by hand into bytes that are no UTF-8) stops the copy:
    the PostgreSQL database stays empty, and the copy back leaves no file."""
    source, url = _filled(tmp_path / "a.db"), new_pg_database()
    con = sqlite3.connect(source)
    con.execute("UPDATE spans SET note = CAST(X'00ff' AS TEXT) WHERE annotator = 'bob'")  # NUL: PostgreSQL refuses it in text
    con.commit()
    con.close()
    with pytest.raises(Exception):
        copy_database(source, url)
    with psycopg.connect(url) as con:
        assert con.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").fetchone()[0] == 0
    with pytest.raises(DatabaseError):
        copy_database(tmp_path / "a.db", tmp_path / "a.db")
    assert sorted(p.name for p in tmp_path.iterdir() if "copying" in p.name) == []
