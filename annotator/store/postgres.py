"""Opening a PostgreSQL database (team mode): the engine, and the schema revision it holds.

The driver is psycopg 3; libpq finds the password in the URL, ``PGPASSWORD`` or ``~/.pgpass``,
and takes ``sslmode``, ``sslrootcert``... from the URL's query. The app needs no superuser:
the role that creates the tables owns them and alone migrates them; the others need only a
group's grants (store.team_roles, ``annotator team-setup``; see the README).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, create_engine, event, exc
from sqlalchemy.pool import NullPool

from annotator.store import dialect
from annotator.store.location import DatabaseLocation, display_url

log = logging.getLogger(__name__)
CONNECT_TIMEOUT_S = 10


class PostgresError(RuntimeError):
    """The database cannot be read; database.py turns it into its DatabaseError (this module
    cannot import that one: database.py imports this)."""


# A pooled connection unused for longer is pinged before it is handed out (a server restart, a
# dropped link: a dead one is replaced). pool_pre_ping pinged at every checkout: BEGIN and
# SELECT 1, two of an edit's round trips. A connection dying within this time fails its next
# statement instead; the pool is then emptied and the window keeps the edit for Retry.
PING_AFTER_IDLE_S = 5.0


def create_postgres_engine(location: DatabaseLocation, *, pooled: bool = True) -> Engine:
    engine = create_engine(
        location.url, connect_args={"application_name": "annotator", "connect_timeout": CONNECT_TIMEOUT_S},
        **({"pool_use_lifo": True} if pooled else {"poolclass": NullPool}),  # LIFO: the warm connection again, seldom pinged
    )
    if pooled:
        _ping_after_idle(engine)
    return engine


def _ping_after_idle(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    @event.listens_for(engine, "checkin")
    def _idle_from_now(dbapi_connection, record) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _ping(dbapi_connection, record, proxy) -> None:
        if time.monotonic() - record.info.get("idle_since", 0.0) <= PING_AFTER_IDLE_S:
            return
        try:
            dbapi_connection.execute("SELECT 1")
            dbapi_connection.rollback()
        except Exception as error:  # the driver's: the connection is dead; the pool replaces it
            raise exc.DisconnectionError(str(error)) from None


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


# Who connects, who owns the tables (None: no tables yet), and whether they could be created.
_WHO_MAY_MIGRATE = """
SELECT current_user,
       (SELECT tableowner FROM pg_tables WHERE schemaname = current_schema() AND tablename = 'alembic_version'),
       coalesce(has_schema_privilege(current_schema(), 'CREATE'), false),
       (SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = current_database())
"""


def check_may_migrate(engine: Engine, location: DatabaseLocation, revision: str | None, head: str) -> None:
    """Refuse, before touching anything, a migration the connected role may not run: creating the
    tables needs CREATE on the schema; upgrading them, being their owner (a member of the owner
    would create the new tables under its own name, out of the group's default privileges)."""
    with engine.connect() as conn:
        user, owner, may_create, db_owner = conn.exec_driver_sql(_WHO_MAY_MIGRATE).one()
    if revision is None and not may_create:
        raise PostgresError(
            f"{location}: {user} sees no annotator tables in this database and may not create them. "
            f"The database's owner ({db_owner}) creates them once and grants a group the rights: "
            f"annotator --db {as_role(location, db_owner)} team-setup --group GROUP; {user} must be a member of GROUP"
        )
    if revision is not None and owner is not None and owner != user:
        raise PostgresError(
            f"{location}: the database is at schema {revision} and this version needs {head}; only the tables' owner "
            f"{owner} may upgrade it, and you connect as {user}. Nothing was changed. {owner} runs the upgrade once, "
            f"after a pg_dump: annotator --db {as_role(location, owner)} team-setup --group GROUP "
            f"(a member of a NOLOGIN {owner} connects as itself with ?options=-c%20role%3D{owner} in the URL)"
        )


@contextmanager
def refusals_named(location: DatabaseLocation) -> Iterator[None]:
    """A migration the server refuses for want of a right (SQLSTATE 42501), as one message saying
    so: the check above should have caught it, this names whatever it missed."""
    try:
        yield
    except exc.ProgrammingError as error:
        if getattr(error.orig, "sqlstate", None) != "42501":
            raise
        raise PostgresError(f"{location}: the migration was refused ({str(error.orig).splitlines()[0]}); "
                            "the tables' owner must run it. Nothing was changed.") from None


def as_role(location: DatabaseLocation, role: str) -> str:
    """The database's URL for ``role``, as shown: no password, nor a role option (``options=-c role=...``)
    that belongs to whoever gave it."""
    query = {key: value for key, value in location.url.query.items() if key != "options"}
    return display_url(location.url.set(username=role, password=None, query=query))


def note_no_backup(location: DatabaseLocation, revision: str) -> None:
    log.warning(
        "%s: migrating from schema %s without a backup copy (only SQLite files get one); "
        "take one first with: pg_dump --format=custom --file=backup.dump %s", location, revision, location.name,
    )
