"""Tokens and IOB tags of the token figures, against Tokens.of and a per-token reference tagger
that follows the rule as the docstring of annotator.agreement.tagging states it."""

from __future__ import annotations

import numpy as np
import pytest

from annotator.agreement.tagging import LEFT_OUT, NO_TOKEN, SNAPPED, TAGGED, iob_tags, token_bounds
from annotator.nlp.tokens import Tokens
from tests.conftest import SEEDS

TEXTS = [
    "👩‍🔬 Marie Curie met  the U.S. delegation in Paris.\n\nThen 🇫🇷 France\r\nsigned.",
    "Ünïcödé  e\u0301 ok\u2028next\u00a0line  ",
    *(p.read_text(encoding="utf-8")[:3000] for p in sorted(SEEDS.glob("*.txt"))),
]


@pytest.mark.parametrize("text", TEXTS)
def test_token_bounds_are_the_windows_tokens(text):
    starts, ends = token_bounds(text)
    tokens = Tokens.of(text)
    assert (starts.tolist(), ends.tolist()) == (list(tokens.starts), list(tokens.ends))


def reference_tags(text: str, spans: list[tuple[int, int, int]]) -> tuple[list[int], list[int]]:
    """Token by token: spans taken in (start, -end, label) order, each tagging the tokens it shares
    a character with unless one of them is tagged already (then it is left out)."""
    tokens = Tokens.of(text)
    tags, fate = [0] * len(tokens), [NO_TOKEN] * len(spans)
    for i in sorted(range(len(spans)), key=lambda i: (spans[i][0], -spans[i][1], spans[i][2])):
        start, end, label = spans[i]
        covered = [t for t in range(len(tokens)) if tokens.starts[t] < end and start < tokens.ends[t]]
        if not covered:
            continue
        if any(tags[t] for t in covered):
            fate[i] = LEFT_OUT
            continue
        aligned = tokens.starts[covered[0]] == start and tokens.ends[covered[-1]] == end
        fate[i] = TAGGED if aligned else SNAPPED
        for t in covered:
            tags[t] = 2 * label if t > covered[0] else 2 * label - 1
    return tags, fate


def random_spans(rng, text: str, count: int) -> list[tuple[int, int, int]]:
    tokens = Tokens.of(text)
    spans = set()
    for _ in range(count):
        if rng.random() < 0.6 and len(tokens):  # on token boundaries, as the window makes them
            first = int(rng.integers(0, len(tokens)))
            last = min(len(tokens) - 1, first + int(rng.integers(0, 4)))
            start, end = tokens.starts[first], tokens.ends[last]
        else:  # anywhere: cutting tokens, or only white space
            start = int(rng.integers(0, len(text) - 1))
            end = start + int(rng.integers(1, 12))
        spans.add((start, min(end, len(text)), int(rng.integers(1, 4))))
    return sorted(spans, key=lambda s: (s[0], -s[1], s[2]))


@pytest.mark.parametrize("seed", range(30))
def test_iob_tags_against_the_reference_tagger(seed):
    rng = np.random.default_rng(seed)
    text = TEXTS[seed % len(TEXTS)]
    spans = random_spans(rng, text, int(rng.integers(0, 60)))
    shuffled = [spans[i] for i in rng.permutation(len(spans))]  # the input order does not matter
    starts, ends = token_bounds(text)
    columns = [np.array(c, dtype=np.int64).reshape(-1) for c in zip(*shuffled)] if shuffled else [np.zeros(0, np.int64)] * 3
    tags, fate = iob_tags(starts, ends, *columns)
    expected_tags, expected_fate = reference_tags(text, spans)
    assert tags.tolist() == expected_tags
    assert fate.tolist() == [expected_fate[spans.index(s)] for s in shuffled]


def test_each_fate_of_a_span():
    text = "Marie Curie met Pierre in Paris ."
    starts, ends = token_bounds(text)
    spans = [(0, 11, 1), (0, 5, 2), (17, 22, 1), (22, 23, 3), (26, 31, 2)]  # whole, nested, cut, space, whole
    tags, fate = iob_tags(starts, ends, *(np.array(c) for c in zip(*spans)))
    assert fate.tolist() == [TAGGED, LEFT_OUT, SNAPPED, NO_TOKEN, TAGGED]
    assert tags.tolist() == [1, 2, 0, 1, 0, 3, 0]  # Marie B-1, Curie I-1, Pierre B-1 (snapped), Paris B-2
