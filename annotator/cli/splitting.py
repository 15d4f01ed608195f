"""The split verb: leak-free train/dev/test files."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from annotator.cli.common import _progress, _store


FORMATS = ("jsonl", "prodigy", "spacy", "conll")  # transfer.splitting.SPLIT_FORMATS, named here: the parser imports no store


def add_verbs(verbs) -> None:
    """Register this module's verbs on the CLI's subparsers."""
    p = verbs.add_parser("split", help="write train/dev/test files; documents that share a sentence stay in one split")
    p.add_argument("out_dir", type=Path, metavar="OUT_DIR")
    p.add_argument("--ratios", type=_ratios, default="80/10/10", help="train/dev/test weights (default 80/10/10); two numbers (90/10): train and test, no dev")
    p.add_argument("--seed", type=int, default=0, metavar="N", help="seed of the shuffle (default 0): the same seed gives the same split")
    p.add_argument("--format", choices=FORMATS, default="jsonl", help="file format (default jsonl; prodigy = JSONL with tokens)")
    p.add_argument("--status", action="append", choices=["new", "in_progress", "done", "skipped"], help="only documents with this status (repeatable)")
    p.add_argument("--include-suggestions", action="store_true", help="also write suggested (not yet accepted) spans")
    p.add_argument("--force", action="store_true", help="OUT_DIR may exist and hold files: the split's files in it are replaced, other files kept")
    p.set_defaults(handler=cmd_split)


def _ratios(text: str) -> dict[str, float]:
    from annotator.transfer.splitting import parse_ratios

    try:
        return parse_ratios(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def cmd_split(args) -> int:
    from annotator.cli.copies import ensure_index
    from annotator.transfer.splitting import split

    with _store(args) as store:
        ensure_index(store)  # a database from before the index: its links must be known
        report = split(store, args.out_dir, args.ratios, seed=args.seed, fmt=args.format, statuses=args.status,
                       include_suggestions=args.include_suggestions, force=args.force,
                       progress=lambda name: _progress(f"writing {name}"))
    for problem in report.problems:
        print(f"annotator: warning: {problem}", file=sys.stderr)
    for line in summary(report, args.out_dir):
        print(line)
    return 0


def summary(report, out_dir: Path) -> list[str]:
    """The sizes and crossings of this split and of a naive random one, side by side."""
    names = list(report.ratios)
    width = max(6, *(len(n) for n in names))
    head = "".join(f"{n:>{width + 2}}" for n in names)
    lines = [f"{'':<22}{head}   copied sentences in more than one split"]
    for title, sizes, (sentences, groups) in (
        ("leak-free (this split)", report.documents, report.crossing),
        ("naive random split", report.naive_documents, report.naive_crossing),
    ):
        row = "".join(f"{sizes[n]:>{width + 2}}" for n in names)
        lines.append(f"{title:<22}{row}   {sentences} ({groups} group(s))")
    targets = ", ".join(f"{n} {report.targets[n]:.1f}" for n in names)
    lines.append(f"documents per split; targets {targets}; seed {report.seed}; {report.copied_sentences} copied sentence(s); "
                 f"the largest set of linked documents holds {report.largest_unit} (each split is within that of its target)")
    empty = [n for n in names if not report.documents[n]]
    if empty:
        lines.append(f"note: {' and '.join(empty)} got no documents (too few documents, or sets of linked ones, for these ratios); their files are empty")
    files = ", ".join(str(out_dir / report.files[n]) for n in names)
    spans = sum(log.spans for log in report.logs.values())
    lines.append(f"wrote {files} and {out_dir / 'split.json'} ({spans} span(s))")
    return lines
