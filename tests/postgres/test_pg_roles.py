"""A lab on one PostgreSQL database: a NOLOGIN owner role owns the tables and alone migrates them
(its member, the lab admin, acts as it through ``options=-c role=...``); a group role holds the
annotators' rights (``annotator team-setup``); alice and bob log in as members of the group, with
no right to create or alter anything, and work on the same documents."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.engine import make_url

from annotator.core.model import Document, RelationLabel, Span
from annotator.core.text import content_hash
from annotator.store import DatabaseError, Store
from annotator.store.database import HEAD_REVISION, create_engine_for, current_revision
from annotator.store.location import DatabaseLocation
from annotator.store.team_roles import grant_statements
from tests.postgres.lab import Lab, lab_fixture  # noqa: F401 (the lab fixture)

ROOT = Path(__file__).resolve().parents[2]
OLD_REVISION = "0004_annotators"  # before 0005 and 0006 made the relation, change and assignment tables
LATER_TABLES = {"relations", "relation_labels", "relation_label_ends", "changes", "assignments"}


def _cli(url: str, *argv: str, name: str = "alice", **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "annotator", "--db", url, *argv], capture_output=True, text=True, cwd=ROOT,
                          env=dict(os.environ, ANNOTATOR_NAME=name, **env), timeout=300)


def _no_password(lab: Lab, *texts: str) -> None:
    for secret in lab.passwords():
        assert not any(secret in text for text in texts), secret


def _tables(url: str) -> dict[str, str]:
    with psycopg.connect(url) as con:
        return dict(con.execute("SELECT tablename, tableowner FROM pg_tables WHERE schemaname = 'public'").fetchall())


def test_the_owner_sets_up_and_two_annotators_share_the_work_without_rights_to_alter_anything(lab, tmp_path, monkeypatch):
    setup = _cli(lab.admin_url(), "team-setup", "--group", lab.role("annotators"))
    assert setup.returncode == 0, setup.stderr
    assert f"tables created at schema {HEAD_REVISION}, owned by {lab.role('owner')}" in setup.stdout
    assert f"annotator --db postgresql://NAME@127.0.0.1:{lab.port}/{lab.database} " in setup.stdout  # the annotators' URL, no role option
    assert set(_tables(lab.url("alice")).values()) == {lab.role("owner")}  # not the admin's: the tables outlive its login
    # alice imports with the password in PGPASSWORD; bob reads it from a pgpass file, sslmode passed to libpq
    imported = _cli(lab.url("alice", password=False), "import", str(ROOT / "seeds"), PGPASSWORD=lab.password("alice"))
    assert imported.returncode == 0, imported.stderr
    pgpass = tmp_path / "pgpass"
    pgpass.write_text(f"127.0.0.1:{lab.port}:{lab.database}:{lab.role('bob')}:{lab.password('bob')}\n")
    pgpass.chmod(0o600)
    monkeypatch.setenv("PGPASSFILE", str(pgpass))
    monkeypatch.delenv("PGPASSWORD", raising=False)
    with Store(lab.url("alice"), annotator="alice") as alice, Store(lab.url("bob", password=False, sslmode="disable"), annotator="bob") as bob:
        doc = bob.document_ids()[0]
        text = bob.document(doc).text
        mine = bob.add_span(doc, Span(0, text.index(" "), "ORG"))
        bob.update_span(mine.id, version=mine.version, label="GPE")
        bob.set_status(doc, "done")
        bob.set_document_note(doc, "checked by bob")
        bob.save_relation_labels([RelationLabel("part_of", "#336699")])
        other = bob.add_span(doc, Span(text.index(" ") + 1, text.index(" ", text.index(" ") + 1), "PERSON"))
        bob.add_relation(mine.id, other.id, "part_of")
        bob.delete_span(other.id, version=bob.span(other.id).version)  # its relation goes with it
        alice.add_span(doc, Span(0, text.index(" "), "PERSON"))
        assert [(s.label, s.annotator) for s in alice.spans(doc, annotator="bob")] == [("GPE", "bob")]
        assert alice.layer_statuses(["bob"])[doc]["bob"] == "done"
        assert {(s.label, s.annotator) for s in bob.spans(doc, annotator="alice")} == {("PERSON", "alice")}
        assert doc in bob.changes_since(0)[1]  # alice's edit, in the change log the windows poll
    stats = _cli(lab.url("bob"), "stats", "--json", name="bob")
    assert stats.returncode == 0, stats.stderr
    assert {row["annotator"] for row in json.loads(stats.stdout)["annotators"]} >= {"alice", "bob"}
    with psycopg.connect(lab.url("bob")) as con:
        assert con.execute("SELECT rolsuper OR rolcreatedb OR rolcreaterole FROM pg_roles WHERE rolname = current_user").fetchone()[0] is False
        assert con.execute("SELECT has_schema_privilege('public', 'CREATE')").fetchone()[0] is False
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            con.execute("UPDATE alembic_version SET version_num = 'x'")  # the stamp is the owner's alone
    _no_password(lab, setup.stdout, setup.stderr, imported.stdout, imported.stderr, stats.stdout, stats.stderr)


def _at_old_revision_with_grants(lab: Lab) -> None:
    """What a lab set up with an older version has: the tables at OLD_REVISION, the group's grants."""
    from annotator.store import migrations

    engine = create_engine_for(DatabaseLocation.of(lab.admin_url()))
    migrations.upgrade(engine, OLD_REVISION)
    engine.dispose()
    with psycopg.connect(lab.admin_url()) as con:
        for statement in grant_statements(lab.database, "public", lab.role("annotators"), lambda name: f'"{name}"'):
            con.execute(statement)


def test_an_upgrade_by_an_annotator_is_refused_naming_the_owner_and_the_later_tables_reach_the_group(lab, caplog, tmp_path):
    _at_old_revision_with_grants(lab)
    before = _tables(lab.url("bob"))
    with caplog.at_level("DEBUG"), pytest.raises(DatabaseError) as refused:
        Store(lab.url("bob"), annotator="bob")
    message = str(refused.value)
    assert f"at schema {OLD_REVISION} and this version needs {HEAD_REVISION}" in message
    assert f"only the tables' owner {lab.role('owner')} may upgrade it, and you connect as {lab.role('bob')}" in message
    assert "Nothing was changed" in message and "team-setup" in message
    assert current_revision(DatabaseLocation.of(lab.url("bob"))) == OLD_REVISION and _tables(lab.url("bob")) == before
    # the admin connecting as itself (its role option forgotten) is refused too: the new tables would be its own
    with pytest.raises(DatabaseError, match=f"you connect as {lab.role('admin')}"):
        Store(lab.url("admin"))
    said = [message, caplog.text]
    for argv in (("stats",), ()):  # a verb, and the window's start (refused before it shows)
        done = _cli(lab.url("bob"), *argv, name="bob", QT_QPA_PLATFORM="offscreen", HOME=str(tmp_path), XDG_CONFIG_HOME=str(tmp_path))
        assert done.returncode == 1 and f"only the tables' owner {lab.role('owner')} may upgrade it" in done.stderr, done.stderr
        said += [done.stdout, done.stderr]
    assert current_revision(DatabaseLocation.of(lab.url("bob"))) == OLD_REVISION
    _no_password(lab, *said)
    # The owner upgrades; the tables 0005 and 0006 create reach the group through the default privileges.
    Store(lab.admin_url()).close()
    assert set(_tables(lab.url("bob"))) - set(before) == LATER_TABLES
    with Store(lab.url("alice"), annotator="alice") as alice:
        alice.add_documents([(_doc("Ada Lovelace wrote in London."), [])])
    assigned = _cli(lab.url("bob"), "assign", "--annotator", "bob", "--count", "1", name="bob")
    assert assigned.returncode == 0, assigned.stderr
    with Store(lab.url("bob"), annotator="bob") as bob:
        assert bob.assigned_ids() == [1]
        ada = bob.add_span(1, Span(0, 12, "PERSON"))  # writes a row of `changes`, a table made after the grants
        london = bob.add_span(1, Span(22, 28, "GPE"))
        bob.save_relation_labels([RelationLabel("lived_in", "#336699")])  # relation tables, and their id sequences
        bob.add_relation(ada.id, london.id, "lived_in")
    with Store(lab.url("alice"), annotator="alice") as alice:
        assert [r.label for r in alice.relations(1, annotator="bob")] == ["lived_in"] and alice.changes_since(0)[1] == {1}


def _doc(text: str) -> Document:
    return Document(None, "doc", text, content_hash=content_hash(text))


def test_an_annotator_opening_an_empty_database_is_told_who_creates_the_tables(lab):
    with psycopg.connect(lab.admin_url(), autocommit=True) as con:
        con.execute(f"GRANT CONNECT ON DATABASE {lab.database} TO {lab.role('annotators')}")
    refused = _cli(lab.url("alice"), "stats")
    assert refused.returncode == 1
    assert f"{lab.role('alice')} sees no annotator tables in this database and may not create them" in refused.stderr
    assert f"annotator --db postgresql://{lab.role('owner')}@127.0.0.1:{lab.port}/{lab.database} team-setup --group GROUP" in refused.stderr
    assert _tables(lab.admin_url()) == {}
    _no_password(lab, refused.stdout, refused.stderr)


def test_team_setup_is_refused_to_a_non_owner_and_for_a_missing_group(lab):
    created = _cli(lab.admin_url(), "team-setup", "--group", lab.role("annotators"))
    assert created.returncode == 0, created.stderr
    missing = _cli(lab.admin_url(), "team-setup", "--group", "nobody_here")
    assert missing.returncode == 1 and "there is no role 'nobody_here' on this server; create it first" in missing.stderr
    by_bob = _cli(lab.url("bob"), "team-setup", "--group", lab.role("bob"))
    assert by_bob.returncode == 1
    assert f"the tables belong to {lab.role('owner')}, and only {lab.role('owner')} can grant rights" in by_bob.stderr
    _no_password(lab, missing.stdout, missing.stderr, by_bob.stdout, by_bob.stderr)


def test_a_migration_the_server_still_refuses_is_named_and_rolled_back(lab, pg_server):
    _at_old_revision_with_grants(lab)
    with psycopg.connect(pg_server.url(lab.database), autocommit=True) as con:  # one table handed to someone else
        con.execute(f"ALTER TABLE spans OWNER TO {lab.role('bob')}")
    before = _tables(lab.url("bob"))
    with pytest.raises(DatabaseError) as refused:
        Store(lab.admin_url())
    assert "the migration was refused (must be owner of table spans); the tables' owner must run it. Nothing was changed." in str(refused.value)
    assert current_revision(DatabaseLocation.of(lab.url("bob"))) == OLD_REVISION and _tables(lab.url("bob")) == before
    _no_password(lab, str(refused.value))


def test_no_verb_output_file_log_or_failure_shows_a_password(lab, tmp_path, caplog):
    assert _cli(lab.admin_url(), "team-setup", "--group", lab.role("annotators")).returncode == 0
    alice = lab.url("alice")
    verbs = [("import", str(ROOT / "seeds")), ("stats",), ("annotators",), ("assign", "--annotator", "bob", "--count", "1"),
             ("export", str(tmp_path / "out.jsonl")), ("labels", "export", str(tmp_path / "labels.json")),
             ("validate", str(ROOT / "seeds")), ("copy", alice, str(tmp_path / "copy.db"))]
    said = []
    for argv in verbs:
        done = _cli(alice, *argv)
        assert done.returncode == 0, (argv, done.stderr)
        said += [done.stdout, done.stderr]
    assert f"copied postgresql://{lab.role('alice')}@127.0.0.1:{lab.port}/{lab.database} to" in said[-2]
    files = [path.read_bytes().decode("utf-8", "replace") for path in tmp_path.iterdir()]
    failures = {
        "wrong password": (lab.url("alice").replace(lab.password("alice"), "Pw-alice-Wr0ng"), "password authentication failed"),
        "unknown host": (alice.replace("127.0.0.1", "no-such-host.invalid"), "no-such-host.invalid"),
        "TLS required of a server without it": (alice + "?sslmode=require", "SSL"),
    }
    for what, (url, reason) in failures.items():
        failed = _cli(url, "stats")
        assert failed.returncode == 1 and reason in failed.stderr and "cannot open" in failed.stderr, (what, failed.stderr)
        assert "Pw-alice-Wr0ng" not in failed.stderr + failed.stdout
        said += [failed.stdout, failed.stderr]
    with caplog.at_level("DEBUG"), caplog.at_level("DEBUG", "sqlalchemy"), caplog.at_level("DEBUG", "psycopg"):
        with Store(alice, annotator="alice") as store:  # every statement, connection and pool event logged
            store.set_status(store.document_ids()[0], "done")
        for url, _reason in failures.values():
            with pytest.raises(DatabaseError) as refused:
                Store(url, annotator="alice")
            said.append(str(refused.value))
    assert "document_states" in caplog.text and "user=" in caplog.text  # there was a log to look through
    _no_password(lab, *said, *files, caplog.text)
