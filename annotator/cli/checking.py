"""The check verb: groups of copies whose annotations disagree."""

from __future__ import annotations

import json
import sys

from annotator.cli.common import _store

STATUSES = ["new", "in_progress", "done", "skipped"]
LISTED = 5  # places named per line before "and N more"


def add_verbs(verbs) -> None:
    """Register this module's verbs on the CLI's subparsers."""
    p = verbs.add_parser("check", help="list copied sentences whose accepted spans disagree (missing, other label, other boundaries)")
    p.add_argument("--json", action="store_true", help="one JSON object per disagreeing group and line")
    p.add_argument("--strict", action="store_true", help="exit 1 if any group of copies disagrees")
    p.add_argument("--status", action="append", choices=STATUSES,
                   help="compare only the copies in documents with this status (repeatable)")
    p.set_defaults(handler=cmd_check)


def cmd_check(args) -> int:
    from annotator.copies.consistency import disagreements

    groups = differences = 0
    documents: set[int] = set()
    with _store(args) as store:
        _index(store)
        for found in disagreements(store, args.status):
            groups += 1
            differences += len(found.differences)
            documents.update(x.doc_id for x in found.group.sentences)
            print(json.dumps(found.as_json(), ensure_ascii=False) if args.json else _shown(found))
    summary = (f"{groups} group(s) of copies disagree: {differences} difference(s) in {len(documents)} document(s)"
               if groups else "no group of copies disagrees")
    print(summary, file=sys.stderr if args.json else sys.stdout)
    return 1 if args.strict and groups else 0


def _index(store) -> None:
    """Index what an older database has not indexed yet; read-only, say what is left out."""
    pending = store.pending_copy_index()
    if pending and store.readonly:
        print(f"annotator: warning: {pending} document(s) are not in the copy index yet and the database "
              "is read-only: their sentences are not checked", file=sys.stderr)
    elif pending:
        from annotator.cli.copies import ensure_index

        ensure_index(store)


def _shown(found) -> str:
    """A group as short lines: its sentence, the copies, then one line per difference."""
    group = found.group
    lines = [f"group {group.group} ({group.kind}, {len(group.sentences)} copies): “{_cut(group.sentences[0].text, 90)}”"]
    for x in group.sentences[:LISTED]:
        lines.append(f"  doc {x.doc_id} [{x.start}-{x.end}] “{_cut(x.title, 50)}”")
    if len(group.sentences) > LISTED:
        lines.append(f"  … and {len(group.sentences) - LISTED} more copies")
    for d in found.differences:
        what = [_places("missing in", d.missing), _places("another label in", d.labels, True),
                _places("other boundaries in", d.other, True)]
        lines.append(f"  {d.span.label} “{_cut(d.span.text, 40)}” in {_listed(d.found_in)}; " + "; ".join(w for w in what if w))
    return "\n".join(lines)


def _places(what: str, places, labelled: bool = False) -> str:
    if not places:
        return ""
    return f"{what} {_listed(places, labelled)}"


def _listed(places, labelled: bool = False) -> str:
    named = [f"doc {p.doc_id} [{p.start}-{p.end}]" + (f" {p.label} “{_cut(p.text, 40)}”" if labelled else "")
             for p in places[:LISTED]]
    more = f" and {len(places) - LISTED} more" if len(places) > LISTED else ""
    return ", ".join(named) + more


def _cut(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
