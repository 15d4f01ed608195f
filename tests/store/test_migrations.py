"""Every released schema version upgrades cleanly; a newer one is refused (see test_store)."""

import shutil
import sqlite3
from pathlib import Path

import pytest

from annotator.store import Store
from annotator.store.database import HEAD_REVISION

FIXTURES = sorted((Path(__file__).resolve().parents[1] / "fixtures").glob("schema_*.db"))


def test_there_is_a_fixture_for_the_head_revision():
    assert any(f.stem == f"schema_{HEAD_REVISION}" for f in FIXTURES), "add a fixture DB when a migration is added"


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda f: f.stem)
def test_released_schema_upgrades_with_a_backup_and_keeps_the_data(tmp_path, fixture):
    path = tmp_path / "work.db"
    shutil.copy(fixture, path)
    revision = fixture.stem.removeprefix("schema_")
    with Store(path) as store:
        assert not store.created
        doc = store.document(1)
        spans = store.spans(1)
        assert [doc.text[s.start : s.end] for s in spans] == ["Vladimir Putin", "Sochi"]
        assert spans[0].note == "President" and str(spans[1].state) == "suggested"
        assert store.document(2).note == "second seed"
        made_backup = store.backup_path is not None
    con = sqlite3.connect(path)
    assert con.execute("select version_num from alembic_version").fetchone()[0] == HEAD_REVISION
    assert con.execute("pragma integrity_check").fetchone()[0] == "ok"
    assert made_backup == (revision != HEAD_REVISION)
    if made_backup:
        assert sqlite3.connect(store.backup_path).execute("select version_num from alembic_version").fetchone()[0] == revision


def test_upgrade_fills_text_length_and_the_database_keeps_it_true(tmp_path):
    """The span bound reads the stored text length; no writer can make it lie."""
    path = tmp_path / "old.db"
    shutil.copy(FIXTURES[0], path)  # the oldest released schema, before text_length
    Store(path).close()
    con = sqlite3.connect(path)
    assert con.execute("select count(*) from documents where text_length != length(text)").fetchone()[0] == 0
    length = con.execute("select text_length from documents where id = 1").fetchone()[0]
    with pytest.raises(sqlite3.IntegrityError, match="text_length"):
        con.execute("update documents set text_length = text_length + 5 where id = 1")
    with pytest.raises(sqlite3.IntegrityError, match="text_length"):
        con.execute("update documents set text = 'short' where id = 1")
    with pytest.raises(sqlite3.IntegrityError, match="beyond"):
        con.execute("insert into spans(document_id, start, \"end\", label_id, source, state, note, annotator, provenance, created_at, updated_at)"
                    " values (1, 0, ?, 1, 'human', 'accepted', '', '', '', '', '')", (length + 1,))
