"""Fixtures for running tests on PostgreSQL as well as SQLite (loaded by tests/conftest.py).

- ``pg_server``: one cluster for the whole run (tests/postgres/server.py), stopped at the end.
  Without PostgreSQL installed the tests that need it are skipped with the reason, except
  under CI (``CI`` set), where that is a failure: CI must test both engines.
- ``new_pg_database()``: a fresh, empty UTF8 database per call, dropped after the test.
- ``engine`` / ``new_db(name)``: parametrized over both engines; ``new_db`` gives a path
  (SQLite) or a URL (PostgreSQL) to pass wherever a database is named.
"""

from __future__ import annotations

import itertools
import os
import tempfile
from pathlib import Path

import pytest

from tests.postgres import server as pg

ENGINES = ("sqlite", "postgresql")
TEMPLATE = "annotator_template"
_numbers = itertools.count(1)


def _unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"PostgreSQL tests cannot run in CI: {reason}", pytrace=False)
    pytest.skip(f"PostgreSQL tests skipped: {reason}")


@pytest.fixture(scope="session")
def pg_server():
    if pg.bin_dir() is None:
        _unavailable(pg.INSTALL_HINT)
    try:
        server = pg.start(Path(tempfile.mkdtemp(prefix="annotator-pg-")))
    except (RuntimeError, OSError) as error:
        _unavailable(str(error))
    admin = _admin(server)
    admin.execute(f"CREATE DATABASE {TEMPLATE} ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8' TEMPLATE template0")
    admin.close()
    yield server
    server.stop()


def _admin(server):
    import psycopg

    return psycopg.connect(server.url(), autocommit=True)


@pytest.fixture
def new_pg_database(pg_server):
    """A factory of fresh UTF8 databases on the test server; each is dropped after the test."""
    made: list[str] = []

    def make(owner: str | None = None) -> str:
        name = f"test_{os.getpid()}_{next(_numbers)}"
        with _admin(pg_server) as admin:
            admin.execute(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE}" + (f" OWNER {owner}" if owner else ""))
        made.append(name)
        return pg_server.url(name)

    yield make
    with _admin(pg_server) as admin:
        for name in made:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture(params=ENGINES)
def engine(request):
    """The engine a parametrized test runs on."""
    return request.param


@pytest.fixture
def new_db(engine, request, tmp_path):
    """A factory of new, empty databases on the test's engine: a path or a URL."""
    if engine == "sqlite":
        return lambda name="test": tmp_path / f"{name}.db"
    make = request.getfixturevalue("new_pg_database")
    return lambda name="test": make()


@pytest.fixture
def engine_store(new_db):
    """A Store on a new database of the test's engine (tests/store and tests/transfer use it as ``store``)."""
    from annotator.store import Store

    with Store(new_db()) as store:
        yield store
