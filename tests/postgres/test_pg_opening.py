"""Opening a PostgreSQL database: URLs, passwords never shown, libpq's sources, the migration lock,
a newer schema refused, and a role without superuser rights."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.engine import make_url

from annotator.store import NewerDatabaseError, Store
from annotator.store.database import HEAD_REVISION, current_revision
from annotator.store.location import DatabaseLocation

ROOT = Path(__file__).resolve().parents[2]


def _with(url: str, **parts) -> str:
    """The URL with some parts replaced (None removes one: URL.set would keep it)."""
    return make_url(url)._replace(**parts).render_as_string(hide_password=False)


def _annotator(url: str, *argv: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "annotator", "--db", url, *argv], capture_output=True, text=True,
                          cwd=ROOT, env=env or dict(os.environ, ANNOTATOR_NAME="alice"), timeout=120)


def test_a_url_opens_the_store_and_is_shown_without_its_password(new_pg_database):
    url = new_pg_database()
    password = make_url(url).password
    with Store(url) as store:
        assert store.created and store.path is None and len(store.labels()) == 18
        assert password not in str(store.location) and "@127.0.0.1:" in str(store.location)
        assert store.location.name == make_url(url).database
    for scheme in ("postgresql+psycopg", "postgres"):
        with Store(url.replace("postgresql", scheme, 1)) as again:
            assert not again.created and current_revision(again.location) == HEAD_REVISION


def test_cli_output_and_errors_never_show_the_password(new_pg_database):
    url = new_pg_database()
    password = make_url(url).password
    done = _annotator(url, "stats")
    assert done.returncode == 0 and password not in done.stdout + done.stderr
    wrong = _with(url, password="Wr0ngSecret")
    failed = _annotator(wrong, "stats")
    assert failed.returncode != 0 and "password authentication failed" in failed.stderr
    assert "Wr0ngSecret" not in failed.stdout + failed.stderr
    assert f"{_with(url, password=None)}: cannot open" in failed.stderr


def test_annotator_db_names_a_postgresql_database_too(new_pg_database, tmp_path):
    url = new_pg_database()
    env = dict(os.environ, ANNOTATOR_DB=url, HOME=str(tmp_path), ANNOTATOR_NAME="alice")
    imported = subprocess.run([sys.executable, "-m", "annotator", "import", str(ROOT / "seeds")], capture_output=True, text=True,
                              cwd=ROOT, env=env, timeout=300)
    assert imported.returncode == 0, imported.stderr
    with Store(url) as store:
        assert len(store.document_ids()) == 2


def test_a_newer_schema_is_refused_and_left_untouched(new_pg_database):
    url = new_pg_database()
    Store(url).close()
    with psycopg.connect(url, autocommit=True) as con:
        con.execute("UPDATE alembic_version SET version_num = '9999_future'")
        before = con.execute("SELECT count(*) FROM labels").fetchone()[0]
    with pytest.raises(NewerDatabaseError, match="newer version"):
        Store(url)
    with psycopg.connect(url) as con:
        assert con.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "9999_future"
        assert con.execute("SELECT count(*) FROM labels").fetchone()[0] == before


def test_a_foreign_database_is_refused(new_pg_database):
    url = new_pg_database()
    with psycopg.connect(url, autocommit=True) as con:
        con.execute("CREATE TABLE payroll (x int)")
    with pytest.raises(Exception, match="not an annotator database"):
        Store(url)


_OPEN = """
import sys
from annotator.store import Store
sys.stdin.readline()  # both processes wait here, then open at once
with Store(sys.argv[1]) as store:
    print(store.created, len(store.labels()))
"""


def test_two_instances_opening_a_new_database_at_once_migrate_it_once(new_pg_database):
    url = new_pg_database()
    children = [subprocess.Popen([sys.executable, "-c", _OPEN, url], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True, cwd=ROOT) for _ in range(2)]
    for child in children:  # both have imported everything before either opens
        child.stdin.write("go\n")
        child.stdin.flush()
    results = [child.communicate(timeout=120) for child in children]
    assert [child.returncode for child in children] == [0, 0], [err for _, err in results]
    outcomes = sorted(out.split()[0] for out, _ in results)
    assert outcomes == ["False", "True"]  # one created it; the other waited on the lock and found it made
    assert all(out.split()[1] == "18" for out, _ in results)  # the default labels once, not twice
    assert current_revision(DatabaseLocation.of(url)) == HEAD_REVISION


@pytest.fixture
def lab_role(pg_server, new_pg_database):
    """A role with CONNECT on a new database and USAGE + CREATE on its public schema, nothing more."""
    url = new_pg_database()
    name = make_url(url).database
    admin_server = psycopg.connect(pg_server.url(), autocommit=True)
    role = f"lab_{name}"
    admin_server.execute(f"CREATE ROLE {role} LOGIN PASSWORD 'lab-secret' NOSUPERUSER NOCREATEDB NOCREATEROLE")
    admin_server.execute(f"REVOKE ALL ON DATABASE {name} FROM PUBLIC")
    admin_server.execute(f"GRANT CONNECT ON DATABASE {name} TO {role}")
    with psycopg.connect(url, autocommit=True) as admin_db:
        admin_db.execute("REVOKE ALL ON SCHEMA public FROM PUBLIC")
        admin_db.execute(f"GRANT USAGE, CREATE ON SCHEMA public TO {role}")
    yield role, _with(url, username=role, password=None)
    admin_server.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    admin_server.execute(f"DROP ROLE IF EXISTS {role}")
    admin_server.close()


def test_the_app_needs_no_superuser_and_reads_pgpassword(lab_role, tmp_path):
    role, url = lab_role
    env = dict(os.environ, PGPASSWORD="lab-secret", HOME=str(tmp_path), ANNOTATOR_NAME="alice")
    imported = subprocess.run([sys.executable, "-m", "annotator", "--db", url, "import", str(ROOT / "seeds")], capture_output=True,
                              text=True, cwd=ROOT, env=env, timeout=300)
    assert imported.returncode == 0, imported.stderr
    assert "lab-secret" not in imported.stdout + imported.stderr
    with psycopg.connect(url, password="lab-secret") as con:
        assert con.execute("SELECT rolsuper OR rolcreatedb FROM pg_roles WHERE rolname = current_user").fetchone()[0] is False
        assert con.execute("SELECT count(*) FROM documents").fetchone()[0] == 2
        assert con.execute("SELECT tableowner FROM pg_tables WHERE tablename = 'spans'").fetchone()[0] == role


def test_pgpass_and_sslmode_reach_libpq(lab_role, tmp_path, monkeypatch):
    role, url = lab_role
    parsed = make_url(url)
    pgpass = tmp_path / "pgpass"
    pgpass.write_text(f"{parsed.host}:{parsed.port}:{parsed.database}:{role}:lab-secret\n")
    pgpass.chmod(0o600)
    monkeypatch.setenv("PGPASSFILE", str(pgpass))
    monkeypatch.delenv("PGPASSWORD", raising=False)
    with Store(url + "?sslmode=disable") as store:  # the password from the file, sslmode passed through
        assert store.created
    # The test server speaks no TLS: sslmode=require reaching libpq is refused by it, saying so.
    with pytest.raises(Exception, match="SSL") as refused:
        Store(url + "?sslmode=require")
    assert "lab-secret" not in str(refused.value)


def test_an_older_schema_is_migrated_in_place_and_the_log_says_to_pg_dump_first(new_pg_database, caplog):
    from annotator.store import migrations
    from annotator.store.database import create_engine_for

    url = new_pg_database()
    engine = create_engine_for(DatabaseLocation.of(url))
    migrations.upgrade(engine, "0004_annotators")  # a database an older version made
    engine.dispose()
    with caplog.at_level("WARNING"), Store(url) as store:
        assert store.backup_path is None and not store.created
    assert current_revision(DatabaseLocation.of(url)) == HEAD_REVISION
    assert "pg_dump" in caplog.text and "0004_annotators" in caplog.text
    assert make_url(url).password not in caplog.text
