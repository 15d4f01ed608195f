"""Opening a database: engine, SQLite pragmas, migrations with a backup first (SQLite files;
PostgreSQL databases through store.postgres, migrated under a lock, without a backup file).

Every connection is opened by path, never through a URL that SQLAlchemy or SQLite would
parse: a file named ``a?b.db``, ``pct%41.db`` or in ``C# projects/`` is that file. Read-write
connections get the plain path; read-only ones a SQLite URI in which every byte but letters,
digits and ``/`` is percent-quoted.
"""

from __future__ import annotations

import os
import sqlite3
from datetime import datetime, timezone
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.pool import QueuePool

from annotator.store.location import DatabaseLocation
from annotator.store.postgres import PostgresError, check_may_migrate, create_postgres_engine, note_no_backup, refusals_named
from annotator.store.postgres import current_revision as postgres_revision

# The newest schema revision this build knows; tests check it is Alembic's head.
HEAD_REVISION = "0008_bulk_checks"
BUSY_TIMEOUT_MS = 10_000


class DatabaseError(RuntimeError):
    """The database cannot be opened or used; the message says why and names the file."""


def damaged_message(path: Path, reason: object, kept: str = "") -> str:
    """One line: the database file is damaged, what SQLite said, and how to recover what it holds."""
    return (
        f"{path}: the database file is damaged ({reason}); {kept}"
        f"Recover what it holds into a new file with: sqlite3 {path} .recover | sqlite3 {path}.recovered "
        f"(then use --db {path}.recovered)"
    )


class DamagedDatabaseError(DatabaseError):
    """SQLite found corrupt pages; ``reason`` is what it said."""

    def __init__(self, path: Path, reason: object) -> None:
        super().__init__(damaged_message(path, reason))
        self.path, self.reason = path, reason


class NewerDatabaseError(DatabaseError):
    """The file was written by a newer version of the annotator."""


def sqlite_uri(path: Path | str, **params: str) -> str:
    """A ``file:`` URI that names ``path`` exactly (``?``, ``#``, ``%``, spaces, any script)."""
    raw, safe = os.fsencode(os.path.abspath(path)), "/"
    if os.name == "nt":  # pragma: no cover - C:\x.db -> file:///C:/x.db; \\host\share\x.db -> file:////host/share/x.db
        raw, safe = raw.replace(b"\\", b"/"), "/:"
        raw = raw if raw.startswith(b"/") else b"/" + raw
    query = "&".join(f"{key}={quote(value, safe='')}" for key, value in params.items())
    return f"file://{quote(raw, safe=safe)}" + (f"?{query}" if query else "")


def connect(path: Path | str, *, readonly: bool = False) -> sqlite3.Connection:
    """A sqlite3 connection to exactly ``path`` (read-only: the file must exist and is never written)."""
    timeout = BUSY_TIMEOUT_MS / 1000
    if readonly:
        return sqlite3.connect(sqlite_uri(path, mode="ro"), uri=True, timeout=timeout, check_same_thread=False)
    return sqlite3.connect(os.path.abspath(path), timeout=timeout, check_same_thread=False)


def create_sqlite_engine(path: Path, *, readonly: bool = False, pragmas: dict[str, object] | None = None) -> Engine:
    # "sqlite://" only picks the dialect; the creator opens the file. QueuePool is what
    # SQLAlchemy gives a file database (it would pick a single-thread pool for "sqlite://").
    engine = create_engine("sqlite+pysqlite://", creator=lambda: connect(path, readonly=readonly), poolclass=QueuePool)

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection, _record):
        # Take transaction control away from the sqlite3 module so that BEGIN is ours.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        if not readonly:
            cursor.execute("PRAGMA journal_mode=WAL")
            # FULL: a commit that returned survives a power cut, not only a crash.
            cursor.execute("PRAGMA synchronous=FULL")
        for name, value in (pragmas or {}).items():  # e.g. max_page_count in fault tests
            cursor.execute(f"PRAGMA {name}={int(value)}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn):
        # Writers take the write lock up front, so they wait on the busy timeout
        # instead of failing when a reader upgrades.
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("immediate") else "BEGIN")

    return engine


def create_engine_for(where: DatabaseLocation, *, readonly: bool = False, pragmas: dict[str, object] | None = None) -> Engine:
    return create_postgres_engine(where) if where.is_postgres else create_sqlite_engine(where.path, readonly=readonly, pragmas=pragmas)


def current_revision(where: Path | DatabaseLocation) -> str | None:
    """The Alembic revision stamped in the database, None for a new or empty one."""
    if isinstance(where, DatabaseLocation) and where.is_postgres:
        try:
            return postgres_revision(where)
        except PostgresError as error:
            raise DatabaseError(str(error)) from None
    path = where.path if isinstance(where, DatabaseLocation) else where
    if not path.exists() or path.stat().st_size == 0:
        return None
    try:
        con = connect(path, readonly=True)
        try:
            tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            if "alembic_version" not in tables:
                if tables:
                    raise DatabaseError(f"{path}: not an annotator database (tables: {', '.join(sorted(tables))})")
                return None
            row = con.execute("SELECT version_num FROM alembic_version").fetchone()
            return row[0] if row else None
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        raise DatabaseError(f"{path}: cannot read the database ({exc})") from None


def backup(path: Path, revision: str) -> Path:
    """Copy the database (consistently, through SQLite) next to itself before a migration."""
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    target = path.with_name(f"{path.name}.backup-{revision}-{stamp}")
    src = connect(path)
    try:
        dst = connect(target)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
    return target


def migrate(engine: Engine, where: Path | DatabaseLocation, revision: str | None,
            on_create: Callable[[Connection], None] | None = None) -> tuple[Path | None, str | None]:
    """Bring the database from ``revision`` (its current_revision) to HEAD_REVISION.

    Returns the backup path when one was made, and the revision the migration found: on
    PostgreSQL another instance may have migrated meanwhile (the migration lock waits for it).
    ``on_create`` fills a new database in the transaction that creates it (under that lock).
    """
    if revision == HEAD_REVISION:
        return None, revision  # the common case: no Alembic import, fast open
    from annotator.store import migrations

    if revision is not None and revision not in migrations.known_revisions():
        raise NewerDatabaseError(
            f"{where} was written by a newer version of the annotator (schema {revision}); "
            "upgrade the annotator to open it. Nothing in it was changed."
        )
    path = where.path if isinstance(where, DatabaseLocation) else where
    if path is None:
        try:
            check_may_migrate(engine, where, revision, HEAD_REVISION)
            if revision is not None:
                note_no_backup(where, revision)
            with refusals_named(where):
                return None, migrations.upgrade(engine, on_create=on_create)
        except PostgresError as error:
            raise DatabaseError(str(error)) from None
    saved = backup(path, revision) if revision is not None else None
    return saved, migrations.upgrade(engine, on_create=on_create)
