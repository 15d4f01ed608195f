"""A lab's roles on a shared PostgreSQL database (issue 15): the owner's grants to a group.

The recipe (README, "A shared database for a lab"): one owner role creates the tables, owns
them and alone migrates them (store.postgres.check_may_migrate); a group role gets reading and
writing on the tables and the use of their id sequences, also for the tables later migrations
create (default privileges); each annotator logs in as a member of the group, with no right to
create or alter anything. ``annotator team-setup`` runs ``set_up_team`` once, as the owner.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, exc

from annotator.store.database import DatabaseError, current_revision
from annotator.store.location import DatabaseLocation

TABLE_RIGHTS = "SELECT, INSERT, UPDATE, DELETE"
SEQUENCE_RIGHTS = "USAGE, SELECT, UPDATE"  # nextval, and setval after writers that pick their own ids (dialect.sync_ids)


@dataclass(frozen=True)
class TeamSetup:
    owner: str
    group: str
    revision_before: str | None  # None: the tables were created now
    statements: list[str]


def grant_statements(database: str, schema: str, group: str, quote) -> list[str]:
    """What the owner grants ``group`` (names quoted by ``quote``): connect and temporary tables
    (merge), the tables and sequences there are and will be; the schema stamp read-only."""
    db, sch, grp = quote(database), quote(schema), quote(group)
    return [
        f"GRANT CONNECT, TEMPORARY ON DATABASE {db} TO {grp}",
        f"GRANT USAGE ON SCHEMA {sch} TO {grp}",
        f"GRANT {TABLE_RIGHTS} ON ALL TABLES IN SCHEMA {sch} TO {grp}",
        f"GRANT {SEQUENCE_RIGHTS} ON ALL SEQUENCES IN SCHEMA {sch} TO {grp}",
        f"REVOKE INSERT, UPDATE, DELETE ON {sch}.alembic_version FROM {grp}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {sch} GRANT {TABLE_RIGHTS} ON TABLES TO {grp}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {sch} GRANT {SEQUENCE_RIGHTS} ON SEQUENCES TO {grp}",
    ]


def set_up_team(location: DatabaseLocation | str, group: str) -> TeamSetup:
    """Create or upgrade the tables (as the connected role, who must own them), then grant
    ``group`` its rights, all grants in one transaction. Raises DatabaseError saying what to do."""
    from annotator.store.service import Store  # service imports this package's database module

    location = DatabaseLocation.of(location)
    if not location.is_postgres:
        raise DatabaseError(f"{location}: team-setup is for a shared PostgreSQL database (postgresql://...); a SQLite file has no roles")
    before = current_revision(location)
    with Store(location) as store:
        try:
            with store.engine.begin() as conn:
                user, database, schema = conn.exec_driver_sql("SELECT current_user, current_database(), current_schema()").one()
                _check_roles(conn, location, user, group)
                statements = grant_statements(database, schema, group, conn.dialect.identifier_preparer.quote)
                for statement in statements:
                    conn.exec_driver_sql(statement)
        except exc.DBAPIError as error:
            raise DatabaseError(f"{location}: the grants were refused ({str(error.orig).splitlines()[0]}); none was made") from None
    return TeamSetup(user, group, before, statements)


def _check_roles(conn: Connection, location: DatabaseLocation, user: str, group: str) -> None:
    """The group exists and is not the owner; the tables are the connected role's (a grant by
    anyone else is only a warning on the server, and would leave the group without rights)."""
    owner = conn.exec_driver_sql(
        "SELECT tableowner FROM pg_tables WHERE schemaname = current_schema() AND tablename = 'alembic_version'").scalar_one()
    if owner != user:
        raise DatabaseError(f"{location}: the tables belong to {owner}, and only {owner} can grant rights on them (you connect as {user})")
    if not conn.exec_driver_sql("SELECT 1 FROM pg_roles WHERE rolname = %(name)s", {"name": group}).first():
        raise DatabaseError(f"{location}: there is no role {group!r} on this server; create it first (CREATE ROLE {group} NOLOGIN) "
                            f"and make each annotator a member (GRANT {group} TO alice)")
    if group == user:
        raise DatabaseError(f"{location}: the group must be another role than the tables' owner {user}")
