"""The copy verb: a whole database between SQLite and PostgreSQL (issue 15)."""

from __future__ import annotations

import json


def add_verbs(verbs) -> None:
    """Register this module's verbs on the CLI's subparsers."""
    p = verbs.add_parser(
        "copy",
        help="copy a whole database into a new one, between SQLite files and PostgreSQL URLs either way (all or nothing, rows counted)",
    )
    p.add_argument("source", metavar="SRC", help="a database file or postgresql://user@host:port/dbname (read, never changed)")
    p.add_argument("dest", metavar="DEST", help="a new file, or an empty PostgreSQL database")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(handler=cmd_copy)


def cmd_copy(args) -> int:
    from annotator.store.copying import copy_database

    report = copy_database(args.source, args.dest)
    if args.json:
        print(json.dumps({"source": report.source, "dest": report.dest, "rows": report.counts}, ensure_ascii=False))
        return 0
    for table, n in report.counts.items():
        print(f"{table}: {n} row(s)")
    print(f"copied {report.source} to {report.dest}: {sum(report.counts.values())} rows in {len(report.counts)} tables, "
          "each table's count checked on both sides")
    return 0
