"""Tokens and their IOB tags, the units of the token figures (kappa, alpha, confusion).

Tokens are the window's: spaCy's rule-based English tokenizer, white-space tokens left out
(annotator.nlp.tokens.Tokens). One annotator's spans tag the tokens as a CoNLL export would:
- a token belongs to a span when they share a character: a span that cuts a token takes the
  whole token (the window snaps selections the same way); such spans are counted as snapped;
- where spans share a token (after snapping), the first in text order wins, the longer at one
  start (as in the CoNLL export), then the lower label number; the others tag nothing and are
  counted as left out;
- a span covering only white space tags nothing and is counted.
Tags: O = 0; label number l (1..L) gives B-l = 2l - 1 and I-l = 2l.
"""

from __future__ import annotations

import numpy as np

TAGGED, SNAPPED, LEFT_OUT, NO_TOKEN = 0, 1, 2, 3  # what became of each span


def token_bounds(text: str) -> tuple[np.ndarray, np.ndarray]:
    """Starts and ends (code points, end exclusive) of the text's tokens, as Tokens.of gives them."""
    from spacy.attrs import IDX, IS_SPACE, LENGTH

    from annotator.nlp.tokens import tokenizer

    rows = tokenizer()(text).to_array([IDX, LENGTH, IS_SPACE]).astype(np.int64).reshape(-1, 3)
    rows = rows[rows[:, 2] == 0]
    return rows[:, 0], rows[:, 0] + rows[:, 1]


def iob_tags(token_starts: np.ndarray, token_ends: np.ndarray, starts: np.ndarray, ends: np.ndarray,
             labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(tag of every token, what became of every span) for one annotator's spans.

    Tokens are sorted and do not overlap; positions may run across documents laid end to end.
    """
    first = np.searchsorted(token_ends, starts, side="right")  # first token ending after the start
    last = np.searchsorted(token_starts, ends, side="left") - 1  # last token starting before the end
    fate = np.full(len(starts), NO_TOKEN, dtype=np.int8)
    covering = np.flatnonzero(first <= last)
    kept = covering[_first_of_overlaps(first[covering], last[covering], np.lexsort((labels[covering], -ends[covering], starts[covering])))]
    fate[covering] = LEFT_OUT
    fate[kept] = TAGGED
    snapped = (token_starts[first[kept]] != starts[kept]) | (token_ends[last[kept]] != ends[kept])
    fate[kept[snapped]] = SNAPPED
    tags = np.zeros(len(token_starts), dtype=np.int32)
    f, n = first[kept], last[kept] - first[kept] + 1
    at = np.arange(int(n.sum())) - np.repeat(np.cumsum(n) - n - f, n)  # every covered token
    tags[at] = np.repeat(2 * labels[kept], n)  # I-l
    tags[f] -= 1  # B-l
    return tags, fate


def _first_of_overlaps(first: np.ndarray, last: np.ndarray, order: np.ndarray) -> np.ndarray:
    """Indices of the token ranges kept: taken in ``order`` (the spans' text order, so ``first``
    never decreases), a range sharing a token with a kept one is left out."""
    f, l = first[order], last[order]
    clear = np.ones(len(f), dtype=bool)
    clear[1:] = f[1:] > np.maximum.accumulate(l)[:-1]  # past every earlier range: kept whatever came before
    keep = clear.copy()
    heads = np.maximum.accumulate(np.where(clear, np.arange(len(f)), 0))
    head = reach = -1
    for i in np.flatnonzero(~clear).tolist():  # rare: overlapping spans of one annotator
        if heads[i] != head:  # a new run of overlaps: only its head is kept so far
            head, reach = heads[i], l[heads[i]]
        if f[i] > reach:
            keep[i], reach = True, l[i]
    return np.sort(order[keep])
