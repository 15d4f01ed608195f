"""The self-test's PostgreSQL step: skipped without ANNOTATOR_TEST_PG; with it, a scratch
database on that server, migrated, a span written and read back, the database dropped."""

from __future__ import annotations

import psycopg
import pytest

from annotator import selftest
from annotator.store.database import HEAD_REVISION

STEP = [("write and read a span on PostgreSQL", selftest.check_postgres)]


def databases(server) -> set[str]:
    with psycopg.connect(server.url()) as conn:
        return {name for (name,) in conn.execute("SELECT datname FROM pg_database")}


def test_without_the_variable_the_step_says_it_was_skipped(monkeypatch, capsys):
    monkeypatch.delenv(selftest.TEST_PG, raising=False)
    assert selftest.run(STEP) == 0
    assert "PostgreSQL skipped (ANNOTATOR_TEST_PG names no server)" in capsys.readouterr().out


def test_the_step_round_trips_a_span_on_the_server_and_drops_its_database(pg_server, monkeypatch, capsys):
    before = databases(pg_server)
    seen = {}
    real_write = selftest.write_one_span

    def write_and_look(store):
        span = real_write(store)
        seen["databases"] = databases(pg_server) - before  # the scratch database, while it exists
        return span

    monkeypatch.setattr(selftest, "write_one_span", write_and_look)
    monkeypatch.setenv(selftest.TEST_PG, pg_server.url())
    assert selftest.run(STEP) == 0
    out = capsys.readouterr().out
    assert f"scratch database migrated to {HEAD_REVISION}, a PERSON span written, read back and dropped" in out
    assert f"PostgreSQL at postgresql://postgres@127.0.0.1:{pg_server.port}/postgres" in out
    assert pg_server.password not in out
    assert len(seen["databases"]) == 1 and next(iter(seen["databases"])).startswith("annotator_selftest_")
    assert databases(pg_server) == before


@pytest.fixture
def role_without_createdb(pg_server):
    with psycopg.connect(pg_server.url(), autocommit=True) as conn:
        conn.execute("CREATE ROLE selftest_plain LOGIN PASSWORD 'plain-secret' NOCREATEDB")
    yield pg_server.url(user="selftest_plain", password="plain-secret")
    with psycopg.connect(pg_server.url(), autocommit=True) as conn:
        conn.execute("DROP ROLE selftest_plain")


def test_a_role_that_cannot_create_a_database_fails_the_step_saying_what_to_do(role_without_createdb, monkeypatch, capsys):
    monkeypatch.setenv(selftest.TEST_PG, role_without_createdb)
    assert selftest.run(STEP) == 1
    err = capsys.readouterr().err
    assert "FAILED at step 1/1 (write and read a span on PostgreSQL): cannot create a scratch database on postgresql://selftest_plain@" in err
    assert "ANNOTATOR_TEST_PG must name a role allowed to CREATE DATABASE" in err
    assert "plain-secret" not in err and "Traceback" not in err


def test_a_url_without_a_database_fails_the_step_naming_the_variable(monkeypatch, capsys):
    monkeypatch.setenv(selftest.TEST_PG, "postgresql://someone:hidden@127.0.0.1:1")
    assert selftest.run(STEP) == 1
    err = capsys.readouterr().err
    assert "ANNOTATOR_TEST_PG: postgresql://someone@127.0.0.1:1: the URL names no database" in err
    assert "hidden" not in err
