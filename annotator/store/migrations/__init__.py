"""Alembic migrations, run from code when a database is opened."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine

from annotator.store import dialect

HERE = Path(__file__).resolve().parent


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(HERE))
    return config


def known_revisions() -> set[str]:
    return {rev.revision for rev in ScriptDirectory.from_config(_config()).walk_revisions()}


def head() -> str:
    return ScriptDirectory.from_config(_config()).get_current_head()


def upgrade(engine: Engine, target: str = "head", on_create: Callable[[Connection], None] | None = None) -> str | None:
    """Run the migrations in one transaction; returns the revision found before them.

    SQLite: with foreign keys off, since a table other tables refer to (documents) is rebuilt by
    copy, drop and rename, and a drop with them on would cascade into the spans. They are
    checked before the commit (env.py) and turned on again after. PostgreSQL alters tables in
    place, its foreign keys on, under an advisory lock (dialect.lock_for_migration): a second
    instance opening the database meanwhile waits, then finds it migrated and does nothing.
    """
    with engine.connect() as connection:
        with _foreign_keys_off(connection):
            found = run_in(connection, target)
            if found is None and on_create is not None:  # a new database: seeded before anyone sees it
                on_create(connection)
            connection.commit()
    return found


def run_in(connection: Connection, target: str = "head") -> str | None:
    """The migrations inside the caller's transaction, not committed (upgrade; copying.py
    builds a new database's schema and data in one transaction)."""
    dialect.lock_for_migration(connection)
    found = MigrationContext.configure(connection).get_current_revision()
    config = _config()
    config.attributes["connection"] = connection
    command.upgrade(config, target)
    return found


class _foreign_keys_off:
    """SQLite's foreign keys off around a migration (outside any transaction: inside one the
    PRAGMA is ignored), then on again; the transaction rolled back if it was not committed."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.raw = None if dialect.is_postgres(connection) else connection.connection.dbapi_connection

    def __enter__(self) -> None:
        if self.raw is not None:
            self.raw.execute("PRAGMA foreign_keys=OFF")

    def __exit__(self, *_exc) -> None:
        self.connection.rollback()
        if self.raw is not None:
            self.raw.execute("PRAGMA foreign_keys=ON")
