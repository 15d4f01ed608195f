"""Opening a PostgreSQL database (team mode): the engine, and the schema revision it holds.

The driver is psycopg 3; libpq finds the password in the URL, ``PGPASSWORD`` or ``~/.pgpass``,
and takes ``sslmode``, ``sslrootcert``... from the URL's query. The app needs no superuser:
CONNECT on the database and CREATE on its schema (see the README).
"""

from __future__ import annotations

import logging

from sqlalchemy import Engine, create_engine, exc
from sqlalchemy.pool import NullPool

from annotator.store import dialect
from annotator.store.location import DatabaseLocation

log = logging.getLogger(__name__)
CONNECT_TIMEOUT_S = 10


class PostgresError(RuntimeError):
    """The database cannot be read; database.py turns it into its DatabaseError (this module
    cannot import that one: database.py imports this)."""


def create_postgres_engine(location: DatabaseLocation, *, pooled: bool = True) -> Engine:
    options = {"pool_pre_ping": True} if pooled else {"poolclass": NullPool}
    return create_engine(
        location.url, connect_args={"application_name": "annotator", "connect_timeout": CONNECT_TIMEOUT_S}, **options,
    )


def current_revision(location: DatabaseLocation) -> str | None:
    """The Alembic revision stamped in the database; None for an empty one. Raises
    PostgresError naming the database (never its password) when it cannot be read."""
    engine = create_postgres_engine(location, pooled=False)
    try:
        with engine.connect() as conn:
            tables = dialect.table_names(conn)
            if "alembic_version" not in tables:
                if tables:
                    raise PostgresError(f"{location}: not an annotator database (tables: {', '.join(sorted(tables))})")
                return None
            return conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar_one_or_none()
    except exc.DBAPIError as error:
        raise PostgresError(f"{location}: cannot open ({str(error.orig).strip()})") from None
    finally:
        engine.dispose()


def note_no_backup(location: DatabaseLocation, revision: str) -> None:
    log.warning(
        "%s: migrating from schema %s without a backup copy (only SQLite files get one); "
        "take one first with: pg_dump --format=custom --file=backup.dump %s", location, revision, location.name,
    )
