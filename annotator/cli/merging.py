"""The merge verb: another researcher's database brought into this one (issue 12)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from annotator.cli.common import _progress, _store

SHOWN = 20  # conflicts printed one per line; --json carries up to store.merge_steps.CONFLICTS_SHOWN


def add_verbs(verbs) -> None:
    """Register this module's verbs on the CLI's subparsers."""
    p = verbs.add_parser(
        "merge",
        help="bring another annotator database in: documents matched by content, spans and statuses kept with their annotator, labels by name",
    )
    p.add_argument("other", type=Path, metavar="OTHER.db", help="the database to merge from (read only, never changed)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--default-as", metavar="NAME",
                   help="OTHER's layer 'default' (work from before annotators were recorded) comes in as NAME's (default: into our 'default')")
    p.add_argument("--no-index", action="store_true",
                   help="leave the copy index of the new documents to `annotator index` or the window (default: built after the merge)")
    p.set_defaults(handler=cmd_merge)


def cmd_merge(args) -> int:
    from annotator.store.merge import merge_database

    with _store(args) as store:
        report = merge_database(store, args.other, args.default_as)
        # The merge is committed first: the copy index is built after it, in short transactions of its
        # own; stopped midway, the rest stays pending for `annotator index` or the window.
        indexed = 0 if args.no_index else store.build_copy_index(_progress("indexing sentences"))
        pending = store.pending_copy_index()
    if args.json:
        print(json.dumps({**report.as_json(), "copy_index": {"indexed": indexed, "pending": pending}}, ensure_ascii=False))
        return 0
    for warning in report.warnings:
        print(f"annotator: warning: {warning}", file=sys.stderr)
    for line in _lines(report):
        print(line)
    if indexed:
        print(f"indexed the sentences of {indexed} document(s) for copies")
    if pending:
        print(f"{pending} document(s) wait for the copy index: `annotator index` or the window builds it")
    return 0


def _lines(report) -> list[str]:
    lines = []
    if report.migrated_from:
        lines.append(f"{report.source} has an older schema ({report.migrated_from}): merged from an upgraded copy; the file was not changed")
    for theirs, ours in report.annotators_matched.items():
        lines.append(f"annotator {theirs!r} of {report.source} is {ours!r} here")
    lines += [f"conflict: {conflict}" for conflict in report.conflicts[:SHOWN]]
    conflicts = report.spans_conflicting + report.states_conflicting + report.relations_conflicting + sum(c.kind == "label" for c in report.conflicts)
    if conflicts > SHOWN:
        lines.append(f"... {conflicts - SHOWN} more conflict(s) (--json lists {len(report.conflicts)})")
    lines += [
        f"documents: {report.documents_added} added, {report.documents_matched} already here (same text)",
        f"spans: {report.spans_added} added, {report.spans_present} already here, {report.spans_conflicting} here with another state or note (ours kept)",
        f"relations: {report.relations_added} added, {report.relations_present} already here, {report.relations_conflicting} here with another state or note (ours kept)",
        f"statuses and notes: {report.states_added} added, {report.states_present} already here, {report.states_conflicting} differing (ours kept)",
        f"annotators added: {', '.join(report.annotators_added) or 'none'}; labels added: {', '.join(report.labels_added) or 'none'}; "
        f"relation labels added: {', '.join(report.relation_labels_added) or 'none'}",
    ]
    if not report.changed:
        lines.append(f"nothing changed: everything in {report.source} was already here")
    return lines
