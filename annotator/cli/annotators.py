"""``annotator annotators``: who has a layer in the database, and renaming one."""

from __future__ import annotations

import json
from dataclasses import asdict

from annotator.cli.common import _store


def add_verbs(verbs) -> None:
    """Register this module's verbs on the CLI's subparsers."""
    p = verbs.add_parser("annotators", help="list the annotators (their spans, documents, documents done), or rename one")
    p.add_argument("--json", action="store_true", help="one JSON object per annotator and line")
    p.add_argument("--rename", nargs=2, metavar=("OLD", "NEW"), help="give OLD's layer (spans, statuses, notes) the name NEW")
    p.set_defaults(handler=cmd_annotators)


def cmd_annotators(args) -> int:
    with _store(args) as store:
        if args.rename:
            old, new = args.rename
            print(f"renamed {old!r} to {store.rename_annotator(old, new)!r}")
            return 0
        layers = store.annotators()
        you = store.annotator
    for layer in layers:
        if args.json:
            print(json.dumps({**asdict(layer), "you": layer.name == you}, ensure_ascii=False))
        else:
            mark = " (you)" if layer.name == you else ""
            print(f"{layer.name}{mark}: {layer.spans:,} spans accepted in {layer.documents:,} documents, {layer.done:,} done")
    return 0
