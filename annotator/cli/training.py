"""The train and evaluate verbs: a NER model from the accepted spans, and how good it is."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from annotator.cli.common import _store

STATUSES = ["new", "in_progress", "done", "skipped"]


def add_verbs(verbs) -> None:
    """Register this module's verbs on the CLI's subparsers."""
    p = verbs.add_parser("train", help="train a spaCy NER model on your accepted spans (leak-free train/dev/test split)")
    p.add_argument("out_dir", type=Path, nargs="?", metavar="OUT_DIR", help="new folder for the model (default: models/<date-time> in the user data folder)")
    p.add_argument("--base", default="blank:en", metavar="PIPELINE", help="fine-tune this pipeline's NER, its labels kept (installed package or folder), or blank:en (default) to start from nothing")
    p.add_argument("--labels", help="only these labels, comma-separated (default: every label with accepted spans)")
    p.add_argument("--status", action="append", choices=STATUSES, help="documents with this status (repeatable; default: in_progress and done, the documents you worked on)")
    p.add_argument("--annotator", metavar="LAYER", default=argparse.SUPPRESS, help="train on this annotator's layer (default: yours)")
    p.add_argument("--max-steps", type=int, metavar="N", help="training steps at most (default: spaCy's 20000, with early stop)")
    p.add_argument("--seed", type=int, default=0, metavar="N", help="seed of the split and of training (default 0)")
    p.set_defaults(handler=cmd_train)

    p = verbs.add_parser("evaluate", help="precision, recall and F1 of a trained model on its held-out documents, beside the pre-trained pipeline")
    p.add_argument("model", type=Path, metavar="MODEL", help="a folder written by annotator train")
    p.add_argument("--split", choices=["dev", "test"], default="test", help="held-out documents to score on (default: test)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(handler=cmd_evaluate)


def cmd_train(args) -> int:
    from annotator.training.run import TrainOptions, train

    if args.max_steps is not None and args.max_steps < 1:
        print("annotator: error: --max-steps must be at least 1", file=sys.stderr)
        return 2
    labels = tuple(name.strip() for name in args.labels.split(",") if name.strip()) if args.labels else None
    options = TrainOptions(args.base, labels, tuple(args.status) if args.status else None, args.max_steps, args.seed)
    try:
        with _store(args) as store:
            result = train(store, args.out_dir, options, progress=_show_progress)
    except KeyboardInterrupt:
        print("\nannotator: cancelled (Ctrl+C); no model folder was written", file=sys.stderr)
        return 130
    for warning in result.warnings:
        print(f"annotator: warning: {warning}", file=sys.stderr)
    docs = result.corpus.documents
    print(f"trained on {docs['train']} document(s), {docs['dev']} for dev, {docs['test']} held out for test; "
          f"best dev F1 {result.scores['f1']:.3f} at step {result.best_step} of {result.steps}")
    for label, figures in result.scores["per_label"].items():
        print(f"  {label:<14} P {figures['precision']:.3f}  R {figures['recall']:.3f}  F1 {figures['f1']:.3f}")
    print(f"saved the model to {result.out_dir} (annotator evaluate {result.out_dir}; annotator preannotate --model {result.out_dir})")
    return 0


def _show_progress(record) -> None:
    """One stderr line per stage and per evaluation of the dev set."""
    if record.stage != "training":
        print(f"annotator: {record.stage}...", file=sys.stderr, flush=True)
    elif record.f1 is not None:
        loss = f"{record.loss:.2f}" if record.loss is not None else "-"
        print(f"annotator: step {record.step}/{record.max_steps}  loss {loss}  dev P {record.precision:.3f} R {record.recall:.3f} "
              f"F1 {record.f1:.3f} (best {record.best_f1:.3f})", file=sys.stderr, flush=True)


def cmd_evaluate(args) -> int:
    from annotator.training.evaluate import evaluate

    with _store(args) as store:
        result = evaluate(store, args.model, args.split)
    if args.json:
        print(json.dumps(result.as_json(), indent=2, ensure_ascii=False))
        return 0
    for line in table(result):
        print(line)
    return 0


def table(result) -> list[str]:
    """Per label and overall: support, then P/R/F1 of the trained and the pre-trained model."""
    models = [result.trained] + ([result.pretrained] if result.pretrained else [])
    width = max(8, *(len(label) for label in result.labels))
    head = "".join(f"   {'trained' if m is result.trained else 'pre-trained':<20}" for m in models)
    lines = [f"{result.split} split: {result.documents} document(s); pre-trained: {result.pretrained.model if result.pretrained else 'none'}",
             f"{'label':<{width}} {'spans':>6}{head}", f"{'':<{width}} {'':>6}" + "   P      R      F1    " * len(models)]
    rows = [(label, result.support[label], [m.per_label[label] for m in models]) for label in result.labels]
    rows.append(("overall", sum(result.support.values()), [{"precision": m.precision, "recall": m.recall, "f1": m.f1} for m in models]))
    for label, support, figures in rows:
        cells = "".join(f"   {f['precision']:.3f}  {f['recall']:.3f}  {f['f1']:.3f} " for f in figures)
        lines.append(f"{label:<{width}} {support:>6}{cells}")
    if result.note:
        lines.append(f"note: no pre-trained column: {result.note}")
    return lines
