"""Every released schema version upgrades cleanly; a newer one is refused (see test_store)."""

import shutil
import sqlite3
from pathlib import Path

import pytest

from annotator.core.model import RelationLabel, Span
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


def _row_counts(path: Path) -> dict[str, int]:
    con = sqlite3.connect(path)
    tables = [r[0] for r in con.execute("select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name != 'alembic_version'")]
    counts = {table: con.execute(f'select count(*) from "{table}"').fetchone()[0] for table in tables}
    con.close()
    return counts


@pytest.mark.parametrize("fixture", [f for f in FIXTURES if f.stem != f"schema_{HEAD_REVISION}"], ids=lambda f: f.stem)
def test_upgrade_keeps_every_row_of_every_table(tmp_path, fixture):
    path = tmp_path / "work.db"
    shutil.copy(fixture, path)
    before = _row_counts(path)
    Store(path).close()
    after = _row_counts(path)
    assert {t: n for t, n in after.items() if t in before} == before
    if "relations" not in before:
        assert after["relations"] == after["relation_labels"] == after["relation_label_ends"] == 0
    if "changes" not in before:
        assert after["changes"] == after["assignments"] == 0  # 0006_team: opening writes nothing


def test_relations_fixture_reads_back_in_both_layers(tmp_path):
    path = tmp_path / "work.db"
    shutil.copy(FIXTURES[0].with_name("schema_0005_relations.db"), path)
    with Store(path) as store:
        (mine,) = store.relations(1)
        (hers,) = store.relations(1, annotator="alice")
        labels = {label.name: label for label in store.relation_labels()}
    assert (mine.label, mine.note, mine.head.label, mine.tail.label) == ("located_in", "at the summit", "PERSON", "GPE")
    assert (hers.annotator, str(hers.state), hers.head.annotator) == ("alice", "suggested", "alice")
    assert labels["located_in"].heads == ("PERSON", "ORG") and labels["located_in"].tails == ("GPE",) and labels["located_in"].hotkey == "l"
    assert labels["met"].directed is False


@pytest.mark.parametrize("fixture", [f for f in FIXTURES if f.stem < "schema_0005"], ids=lambda f: f.stem)
def test_upgraded_database_itself_keeps_relation_ends_in_one_document_and_layer(tmp_path, fixture):
    """The rules hold for any writer (raw SQL), on a file upgraded from each older schema."""
    path = tmp_path / "work.db"
    shutil.copy(fixture, path)
    with Store(path) as store:
        store.save_relation_labels([RelationLabel("rel")])
        doc2 = store.add_span(2, Span(0, 3, "ORG")).id
        putin, sochi = (span.id for span in store.spans(1))
    con = sqlite3.connect(path)
    con.execute("pragma foreign_keys = on")
    insert = ("insert into relations (document_id, head_id, tail_id, label_id, source, state, note, annotator, provenance, created_at, updated_at)"
              " values (?, ?, ?, 1, 'human', 'accepted', '', ?, '', '', '')")
    for refused in [(1, putin, doc2, "default"), (1, putin, sochi, "alice"), (1, putin, putin, "default")]:
        with pytest.raises(sqlite3.IntegrityError):
            con.execute(insert, refused)
    con.execute(insert, (1, putin, sochi, "default"))
    with pytest.raises(sqlite3.IntegrityError, match="UNIQUE"):
        con.execute(insert, (1, putin, sochi, "default"))
    con.execute("delete from spans where id = ?", (sochi,))
    assert con.execute("select count(*) from relations").fetchone()[0] == 0
