"""``annotator team-setup``: the owner of a shared PostgreSQL database creates or upgrades its
tables and grants the annotators' group its rights (issue 15; store.team_roles)."""

from __future__ import annotations

import os


def add_verbs(verbs) -> None:
    """Register this module's verbs on the CLI's subparsers."""
    p = verbs.add_parser(
        "team-setup",
        help="as the owner of a shared PostgreSQL database: create or upgrade its tables and grant a group of annotators their rights",
    )
    p.add_argument("--group", required=True, metavar="ROLE", help="the role every annotator's login role is a member of (e.g. annotators)")
    p.set_defaults(handler=cmd_team_setup)


def cmd_team_setup(args) -> int:
    from annotator.store.database import HEAD_REVISION, DatabaseError
    from annotator.store.location import DatabaseLocation
    from annotator.store.postgres import as_role
    from annotator.store.team_roles import set_up_team

    where = args.db or os.environ.get("ANNOTATOR_DB")
    if not where:
        raise DatabaseError("team-setup needs the shared database: --db postgresql://OWNER@host:port/dbname (or ANNOTATOR_DB)")
    location = DatabaseLocation.of(where)
    done = set_up_team(location, args.group)
    if done.revision_before is None:
        print(f"{location}: tables created at schema {HEAD_REVISION}, owned by {done.owner}")
    elif done.revision_before != HEAD_REVISION:
        print(f"{location}: upgraded from schema {done.revision_before} to {HEAD_REVISION}")
    else:
        print(f"{location}: at schema {HEAD_REVISION} already")
    print(f"granted to {done.group}:")
    for statement in done.statements:
        print(f"  {statement}")
    print(f"each member of {done.group} opens it with: annotator --db {as_role(location, 'NAME')} "
          f"(the password from PGPASSWORD or ~/.pgpass); {done.owner} alone runs later upgrades")
    return 0
