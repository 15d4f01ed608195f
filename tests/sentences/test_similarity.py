"""Similarity (against a dynamic-programming LCS) and spans carried into a copy."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.sentences.similarity import map_span, similarity


def lcs(a: str, b: str) -> int:
    row = [0] * (len(b) + 1)
    for x in a:
        prev = 0
        for j, y in enumerate(b, 1):
            prev, row[j] = row[j], prev + 1 if x == y else max(row[j], row[j - 1])
    return row[-1]


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="abcd ", max_size=30), st.text(alphabet="abcd ", max_size=30))
def test_similarity_is_one_minus_normalized_indel_distance(a, b):
    expected = 1.0 if not a and not b else 2 * lcs(a, b) / (len(a) + len(b))
    assert abs(similarity(a, b) - expected) < 1e-9


def test_the_seed_pair_is_a_near_copy():
    a = "trump said on monday he will meet with putin on the sidelines of the g-20 summit."
    b = "trump said on monday that he will meet with putin on the sidelines of g-20 summit."
    assert 0.9 < similarity(a, b) < 1


def test_span_carried_past_edits():
    source = "Trump said on Monday he will meet with Putin on the sidelines of the G-20 summit."
    target = "Trump said on Monday that he will meet with Putin on the sidelines of G-20 summit."
    for word in ("Trump", "Putin", "G-20", "Monday"):
        s = source.index(word)
        mapped = map_span(source, target, s, s + len(word))
        assert target[mapped.start:mapped.end] == word and mapped.same_text


def test_replaced_text_maps_to_the_replacement():
    source = "Backed by Europe, Russia and China."
    target = "Backed by Europe, Moscow and China."
    s = source.index("Russia")
    mapped = map_span(source, target, s, s + 6)
    assert target[mapped.start:mapped.end] == "Moscow" and not mapped.same_text


def test_a_span_in_deleted_text_has_no_place():
    source = "He said, in a long aside, that it rained."
    target = "He said that it rained."
    s = source.index("long aside")
    assert map_span(source, target, s, s + 10) is None


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="ab c", min_size=1, max_size=20), st.text(alphabet="xy", max_size=5), st.data())
def test_an_insertion_elsewhere_only_shifts_the_span(text, inserted, data):
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    target = inserted + text  # prefix added
    mapped = map_span(text, target, start, end)
    assert mapped is not None and mapped.same_text
    assert target[mapped.start:mapped.end] == text[start:end]
