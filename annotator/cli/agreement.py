"""The agreement verb: figures per pair of annotators, as tables or one JSON object."""

from __future__ import annotations

import json

from annotator.cli.common import _store

STATUSES = ["new", "in_progress", "done", "skipped"]


def add_verbs(verbs) -> None:
    """Register this module's verbs on the CLI's subparsers."""
    p = verbs.add_parser("agreement", allow_abbrev=False, help="agreement between annotators: span F1, token kappa and alpha, per pair and label")
    p.add_argument("--annotators", metavar="A,B,...", help="compare these annotators (default: every annotator with spans or statuses, but gold)")
    p.add_argument("--labels", metavar="L1,L2", help="only spans with these labels, comma-separated")
    which = p.add_mutually_exclusive_group()
    which.add_argument("--status", action="append", choices=STATUSES,
                       help="count the documents both annotators gave this status (repeatable; default: done)")
    which.add_argument("--all-documents", action="store_true", help="count every document, whatever the annotators' statuses")
    p.add_argument("--lowest", type=int, default=10, metavar="N", help="list the N documents of lowest exact F1 per pair (default 10)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(handler=cmd_agreement)


def _names(value: str | None) -> list[str] | None:
    return None if value is None else [name.strip() for name in value.split(",") if name.strip()]


def cmd_agreement(args) -> int:
    from annotator.agreement.report import agreement

    with _store(args) as store:
        result = agreement(store, _names(args.annotators), _names(args.labels), statuses=args.status or ["done"],
                           all_documents=args.all_documents, lowest=args.lowest)
    print(json.dumps(result, ensure_ascii=False, indent=2) if args.json else shown(result))
    return 0


def shown(result: dict) -> str:
    """The figures as text: a header, then one block per pair."""
    which = result["documents_counted"]
    counted = "every document" if which == "all" else f"the documents both annotators of a pair marked {which.removeprefix('both ')}"
    lines = [f"agreement of {', '.join(result['annotators'])} on {counted}",
             "exact: same start, end and label; partial: overlapping spans of one label; "
             "kappa and alpha: spaCy tokens tagged IOB (B-X, I-X, O); A is the reference of precision and recall"]
    for pair in result["pairs"]:
        lines += ["", *_pair(pair)]
    group = result.get("all_annotators")
    if group:
        lines += ["", f"all {len(group['annotators'])} annotators together: Krippendorff's alpha over tokens "
                      f"{_f(group['alpha_tokens'])} ({group['tokens']:,} tokens with two values or more)"]
    return "\n".join(lines)


def _f(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def _pair(p: dict) -> list[str]:
    a, b = p["a"], p["b"]
    if not p["documents"]:
        return [f"{a} × {b}: no document counts for both"]
    lines = [
        f"{a} (A) × {b} (B): {p['documents']:,} document(s), {p['spans_a']:,} spans of A, {p['spans_b']:,} of B, {p['tokens']:,} tokens",
        f"  {'':<10}{'precision':>10}{'recall':>8}{'F1':>8}",
        f"  {'exact':<10}{_f(p['precision_exact']):>10}{_f(p['recall_exact']):>8}{_f(p['f1_exact']):>8}   ({p['matched_exact']:,} span(s) in both)",
        f"  {'partial':<10}{_f(p['precision_partial']):>10}{_f(p['recall_partial']):>8}{_f(p['f1_partial']):>8}",
        f"  Cohen's kappa over tokens: {_f(p['kappa_tokens'])} with O ({p['tokens']:,} tokens), "
        f"{_f(p['kappa_tokens_o_excluded'])} without O ({p['tokens_o_excluded']:,} tokens either tagged)",
        f"  Krippendorff's alpha over tokens: {_f(p['alpha_tokens'])}",
    ]
    lines += _per_label(p["per_label"]) + _confusion(p["confusion"]) + _tagging(p) + _lowest(p["lowest"])
    return lines


def _per_label(per_label: dict) -> list[str]:
    width = max([len(name) for name in per_label] + [5]) + 2
    lines = [f"  {'label':<{width}}{'spans A':>9}{'spans B':>9}{'exact F1':>10}{'partial F1':>12}{'kappa':>8}"]
    for name, x in per_label.items():
        lines.append(f"  {name:<{width}}{x['spans_a']:>9,}{x['spans_b']:>9,}{_f(x['f1_exact']):>10}"
                     f"{_f(x['f1_partial']):>12}{_f(x['kappa_tokens']):>8}")
    return lines


def _confusion(confusion: dict) -> list[str]:
    names = confusion["labels"]
    width = max(max(len(n) for n in names) + 2, max(len(f"{v:,}") for row in confusion["matrix"] for v in row) + 2)
    lines = ["  tokens by label (rows: A, columns: B):", "  " + " " * width + "".join(f"{n:>{width}}" for n in names)]
    for name, row in zip(names, confusion["matrix"]):
        lines.append(f"  {name:<{width}}" + "".join(f"{v:>{width},}" for v in row))
    return lines


def _tagging(p: dict) -> list[str]:
    parts = []
    for side in ("a", "b"):
        x = p["token_tagging"][side]
        if x["snapped"] or x["left_out_overlapping"] or x["no_token"]:
            parts.append(f"{p[side]}: {x['snapped']} span(s) cut a token (the whole token counts), "
                         f"{x['left_out_overlapping']} overlap an earlier one (not tagged), {x['no_token']} cover no token")
    return [f"  token tags: {'; '.join(parts)}"] if parts else []


def _lowest(lowest: list[dict]) -> list[str]:
    if not lowest:
        return []
    lines = ["  documents of lowest exact F1:"]
    for d in lowest:
        title = d["title"] if len(d["title"]) <= 60 else d["title"][:59] + "…"
        lines.append(f"    doc {d['doc_id']}  F1 {d['f1_exact']:.3f}  ({d['matched_exact']} span(s) in both; A {d['spans_a']}, B {d['spans_b']})  {title}")
    return lines
