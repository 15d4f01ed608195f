"""A pair's figures, from its tally, as the JSON the `agreement` verb prints (text is made from it).

Exact match: same start, end and label. Partial (overlap) match: a span is matched when it
shares at least one character with a span of the same label of the other annotator; precision
counts B's spans matched, recall A's, each on its own (the "inexact" or lenient match of the
i2b2/VA 2010 concept evaluation, Uzuner et al. 2011, JAMIA 18(5)). A is the reference:
precision = B's spans matched / B's spans, recall = A's spans matched / A's spans.
"""

from __future__ import annotations

import numpy as np

from annotator.agreement.metrics import Matches, alpha, fold, kappa, one_vs_rest, pair_coincidences
from annotator.agreement.tally import PairTally

SPANS_A, SPANS_B, EXACT, PARTIAL_A, PARTIAL_B = range(5)


def pair_figures(tally: PairTally, label_names: list[str], titles) -> dict:
    """Everything about one pair: counts, overall and per-label figures, confusion, lowest documents
    (``titles(doc_ids)``: doc id -> title)."""
    totals = tally.per_label[:, 1:].sum(axis=1)
    labels = fold(tally.confusion, (np.arange(len(tally.confusion)) + 1) // 2, len(label_names) + 1)
    tagged = tally.confusion.copy()
    tagged[0, 0] = 0  # O excluded: the tokens at least one of the two tagged
    return {
        "a": tally.a,
        "b": tally.b,
        "documents": tally.documents,
        "spans_a": int(totals[SPANS_A]),
        "spans_b": int(totals[SPANS_B]),
        **_span_figures(totals),
        "tokens": int(tally.confusion.sum()),
        "kappa_tokens": kappa(tally.confusion),
        "tokens_o_excluded": int(tagged.sum()),
        "kappa_tokens_o_excluded": kappa(tagged),
        "alpha_tokens": alpha(pair_coincidences(tally.confusion)),
        "token_tagging": {side: dict(zip(("tagged", "snapped", "left_out_overlapping", "no_token"), map(int, row)))
                          for side, row in zip(("a", "b"), tally.fates)},
        "per_label": _per_label(tally, labels, label_names),
        "confusion": _confusion(labels, label_names),
        "lowest": _lowest(tally, titles),
    }


def _span_figures(counts: np.ndarray) -> dict:
    exact = Matches(int(counts[SPANS_A]), int(counts[SPANS_B]), int(counts[EXACT]), int(counts[EXACT]))
    partial = Matches(int(counts[SPANS_A]), int(counts[SPANS_B]), int(counts[PARTIAL_A]), int(counts[PARTIAL_B]))
    return {
        "matched_exact": exact.a_matched,
        "precision_exact": exact.precision,
        "recall_exact": exact.recall,
        "f1_exact": exact.f1,
        "matched_partial_a": partial.a_matched,
        "matched_partial_b": partial.b_matched,
        "precision_partial": partial.precision,
        "recall_partial": partial.recall,
        "f1_partial": partial.f1,
    }


def _per_label(tally: PairTally, labels: np.ndarray, label_names: list[str]) -> dict:
    """Labels either annotator used: span figures, tokens, and kappa of the label against all else."""
    found = {}
    for number, name in enumerate(label_names, start=1):
        counts = tally.per_label[:, number]
        tokens_a, tokens_b = int(labels[number].sum()), int(labels[:, number].sum())
        if not (counts[SPANS_A] or counts[SPANS_B] or tokens_a or tokens_b):
            continue
        found[name] = {
            "spans_a": int(counts[SPANS_A]),
            "spans_b": int(counts[SPANS_B]),
            **_span_figures(counts),
            "tokens_a": tokens_a,
            "tokens_b": tokens_b,
            "kappa_tokens": kappa(one_vs_rest(labels, number)),
        }
    return found


def _confusion(labels: np.ndarray, label_names: list[str]) -> dict:
    """Tokens by A's label (rows) and B's (columns), O first; only labels either used."""
    used = [0] + [n for n in range(1, len(labels)) if labels[n].any() or labels[:, n].any()]
    return {
        "labels": ["O"] + [label_names[n - 1] for n in used[1:]],
        "matrix": labels[np.ix_(used, used)].tolist(),
    }


def _lowest(tally: PairTally, titles) -> list[dict]:
    """The documents of lowest exact F1 (tally.lowest_documents), with their titles."""
    doc_ids, spans_a, spans_b, matched = (row.tolist() for row in tally.lowest)
    named = titles(doc_ids)
    return [{"doc_id": d, "title": named[d], "f1_exact": 2 * m / (a + b), "spans_a": a, "spans_b": b, "matched_exact": m}
            for d, a, b, m in zip(doc_ids, spans_a, spans_b, matched)]
