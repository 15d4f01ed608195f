"""The project verb: every accepted span proposed in the copies of its sentence."""

from __future__ import annotations

import sys

from annotator.cli.common import _progress, _store

STATUSES = ["new", "in_progress", "done", "skipped"]


def add_verbs(verbs) -> None:
    """Register this module's verbs on the CLI's subparsers."""
    p = verbs.add_parser("project", help="propose every accepted span in the copies of its sentence (source projection)")
    p.add_argument("--status", action="append", choices=STATUSES, help="only the accepted spans of documents with this status (repeatable; default: all)")
    p.set_defaults(handler=cmd_project)


def cmd_project(args) -> int:
    from annotator.copies.projection import project_accepted

    with _store(args) as store:
        report = project_accepted(store, args.status or (), progress=_progress("projecting"))
    for c in report.marked:
        origin = "doc {} {}-{}".format(*c.origin)
        print(f"annotator: marked: doc {c.doc_id} {c.start}-{c.end} {c.text!r} as {c.label} (from {origin}): {', '.join(c.marks)}", file=sys.stderr)
    print(report.summary())
    return 0
