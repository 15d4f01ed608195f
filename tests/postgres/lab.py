"""A lab's roles on the test server, for tests/postgres/test_pg_roles.py and the window's test:
a NOLOGIN owner role, a group role for the annotators, a lab admin who is a member of the owner,
and alice and bob, login roles in the group; a database the owner owns, closed to PUBLIC."""

from __future__ import annotations

from dataclasses import dataclass

import psycopg
import pytest
from sqlalchemy.engine import make_url


@dataclass
class Lab:
    """Role names (unique on the server: roles are cluster-wide) and how each one connects."""

    port: int
    database: str
    suffix: str

    def role(self, who: str) -> str:
        return f"{who}_{self.suffix}"

    def password(self, who: str) -> str:
        return f"Pw-{who}-S3cret"

    def url(self, who: str, *, password: bool = True, **query: str) -> str:
        auth = f"{self.role(who)}:{self.password(who)}" if password else self.role(who)
        options = "&".join(f"{key}={value}" for key, value in query.items())
        return f"postgresql://{auth}@127.0.0.1:{self.port}/{self.database}" + (f"?{options}" if options else "")

    def admin_url(self, **query: str) -> str:
        """The lab admin, acting as the owner role it is a member of."""
        return self.url("admin", options=f"-c%20role%3D{self.role('owner')}", **query)

    def passwords(self) -> list[str]:
        return [self.password(who) for who in ("admin", "alice", "bob")]


@pytest.fixture(name="lab")
def lab_fixture(pg_server, new_pg_database):
    name = make_url(new_pg_database()).database
    lab = Lab(pg_server.port, name, name.removeprefix("test_"))
    role = lab.role
    statements = [
        f"CREATE ROLE {role('owner')} NOLOGIN",
        f"CREATE ROLE {role('annotators')} NOLOGIN",
        f"CREATE ROLE {role('admin')} LOGIN PASSWORD '{lab.password('admin')}' IN ROLE {role('owner')}",
        *(f"CREATE ROLE {role(who)} LOGIN PASSWORD '{lab.password(who)}' IN ROLE {role('annotators')}" for who in ("alice", "bob")),
        f"ALTER DATABASE {name} OWNER TO {role('owner')}",
        f"REVOKE ALL ON DATABASE {name} FROM PUBLIC",
    ]
    with psycopg.connect(pg_server.url(), autocommit=True) as admin:
        for statement in statements:
            admin.execute(statement)
    yield lab
    with psycopg.connect(pg_server.url(), autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")  # first: the owner role owns it
        for who in ("alice", "bob", "admin", "annotators", "owner"):
            admin.execute(f"DROP ROLE IF EXISTS {role(who)}")
