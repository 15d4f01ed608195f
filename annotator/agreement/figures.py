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


def pair_figures(tally: PairTally, label_names: list[str], titles: dict[int, str], lowest: int) -> dict:
    """Everything about one pair: counts, overall and per-label figures, confusion, lowest documents."""
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
        "lowest": _lowest(tally, titles, lowest),
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


def _lowest(tally: PairTally, titles: dict[int, str], count: int) -> list[dict]:
    """The documents with the lowest exact F1 (ties: by id); documents neither tagged are left out."""
    if not tally.per_document or count <= 0:
        return []
    doc_ids, spans_a, spans_b, matched = np.concatenate(tally.per_document, axis=1)
    some = (spans_a + spans_b) > 0
    doc_ids, spans_a, spans_b, matched = doc_ids[some], spans_a[some], spans_b[some], matched[some]
    f1 = 2 * matched / (spans_a + spans_b)
    order = np.lexsort((doc_ids, f1))[:count]
    return [
        {"doc_id": int(doc_ids[i]), "title": titles.get(int(doc_ids[i]), ""), "f1_exact": float(f1[i]),
         "spans_a": int(spans_a[i]), "spans_b": int(spans_b[i]), "matched_exact": int(matched[i])}
        for i in order.tolist()
    ]
