"""Verbs about the copy index: duplicates (list the groups) and index (build or rebuild it)."""

from __future__ import annotations

import json
import sys
from dataclasses import replace

from annotator.cli.common import _progress, _store


def add_verbs(verbs) -> None:
    """Register this module's verbs on the CLI's subparsers."""
    p = verbs.add_parser("duplicates", help="list groups of copied sentences (exact and near copies across documents)")
    p.add_argument("--json", action="store_true", help="one JSON object per group and line")
    p.add_argument("--min-similarity", type=_fraction, metavar="X",
                   help="leave out sentences less similar than X (0..1) to their group's first sentence")
    p.set_defaults(handler=cmd_duplicates)

    p = verbs.add_parser("index", help="build the copy index of documents not in it yet, or rebuild it with other settings")
    p.add_argument("--threshold", type=_fraction, metavar="X", help="similarity from which two sentences are near copies (default 0.8)")
    p.add_argument("--min-words", type=int, metavar="N", help="sentences with fewer words are not indexed (default 5)")
    p.set_defaults(handler=cmd_index)


def _fraction(value: str) -> float:
    import argparse

    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {value!r}") from None
    if not 0 < number <= 1:
        raise argparse.ArgumentTypeError(f"must be in (0, 1], got {value}")
    return number


def ensure_index(store) -> None:
    """Index documents of a database made before the index (once, with a progress line)."""
    if store.pending_copy_index():
        built = store.build_copy_index(_progress("indexing sentences"))
        print(f"indexed the sentences of {built} document(s) for copies (once, after an upgrade)", file=sys.stderr)


def cmd_duplicates(args) -> int:
    with _store(args) as store:
        ensure_index(store)
        threshold = store.copy_settings().threshold
        if args.min_similarity is not None and args.min_similarity < threshold:
            print(f"annotator: note: the index links sentences from similarity {threshold:g}; "
                  f"rebuild it with `annotator index --threshold {args.min_similarity:g}` to see less similar ones", file=sys.stderr)
        groups = sentences = 0
        for group in store.copy_groups(args.min_similarity):
            groups += 1
            sentences += len(group.sentences)
            if args.json:
                print(json.dumps(group.as_json(), ensure_ascii=False))
            else:
                _print_group(group)
    if not args.json:
        print(f"{groups} group(s) of copies, {sentences} sentence(s)")
    return 0


def _print_group(group) -> None:
    print(f"group {group.group} ({group.kind}, {len(group.sentences)} sentences)")
    for x in group.sentences:
        shown = x.text if len(x.text) <= 100 else x.text[:97] + "..."
        print(f"  doc {x.doc_id} {x.start}-{x.end}  {x.similarity:.0%}  {shown}")


def cmd_index(args) -> int:
    with _store(args) as store:
        settings = store.copy_settings()
        wanted = replace(
            settings,
            threshold=settings.threshold if args.threshold is None else args.threshold,
            min_words=settings.min_words if args.min_words is None else max(1, args.min_words),
        )
        if wanted != settings:
            done = store.rebuild_copy_index(wanted, _progress("indexing sentences"))
            print(f"rebuilt the copy index of {done} document(s) (threshold {wanted.threshold:g}, min words {wanted.min_words})")
        else:
            done = store.build_copy_index(_progress("indexing sentences"))
            print(f"indexed {done} document(s); the index is up to date (threshold {wanted.threshold:g}, min words {wanted.min_words})")
    return 0
