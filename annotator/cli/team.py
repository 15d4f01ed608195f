"""Team work (issue 15): ``annotator assign`` and each annotator's progress for ``stats``."""

from __future__ import annotations

import argparse
import json

from annotator.cli.common import _store


def add_verbs(verbs) -> None:
    """Register this module's verbs on the CLI's subparsers."""
    p = verbs.add_parser("assign", help="give documents to an annotator: the next N unassigned ones, or some by id")
    p.add_argument("--annotator", metavar="NAME", dest="assignee", required=True, help="who gets the documents")
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--count", type=int, metavar="N", help="the first N documents (in id order) nobody is assigned, with --status for NAME")
    which.add_argument("--ids", type=_ids, metavar="1,2,5", help="these documents (comma-separated ids)")
    p.add_argument("--status", default="new", choices=["new", "in_progress", "done", "skipped"], help="with --count: NAME's status of the documents (default: new)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(handler=cmd_assign)


def _ids(value: str) -> list[int]:
    try:
        return [int(part) for part in value.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"--ids takes document ids separated by commas (1,2,5), not {value!r}") from None


def cmd_assign(args) -> int:
    with _store(args) as store:
        done = store.assign(args.assignee, count=args.count, ids=args.ids, status=args.status)
    if args.json:
        print(json.dumps({"annotator": done.annotator, "assigned": done.assigned, "already": done.already}))
        return 0
    if done.assigned:
        print(f"assigned {len(done.assigned)} document(s) to {done.annotator}: {_listed(done.assigned)}")
    else:
        print(f"assigned nothing to {done.annotator}" + ("" if args.ids else f": no unassigned document with status {args.status} left"))
    if done.already:
        print(f"already assigned to {done.annotator}: {_listed(done.already)}")
    return 0


def _listed(ids: list[int]) -> str:
    return ", ".join(map(str, ids))


def progress_rows(store) -> list[dict]:
    """Each annotator's progress, as ``stats --json`` writes it."""
    return [{"annotator": p.annotator, "assigned": p.assigned, "in_progress": p.in_progress, "done": p.done, "spans": p.spans}
            for p in store.progress()]


def print_progress(rows: list[dict], you: str) -> None:
    """The per-annotator table of ``stats``."""
    if not rows:
        return
    width = max(len(row["annotator"]) for row in rows) + 6
    print(f"  {'annotator':<{width}} {'assigned':>8} {'in progress':>11} {'done':>6} {'spans':>7}")
    for row in rows:
        name = row["annotator"] + (" (you)" if row["annotator"] == you else "")
        print(f"  {name:<{width}} {row['assigned']:>8} {row['in_progress']:>11} {row['done']:>6} {row['spans']:>7}")
