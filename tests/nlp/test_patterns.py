"""Learned string matches: what the user tags in one article is suggested in the others."""

from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.core.model import Source, Span, State
from annotator.nlp.patterns import aligned, matches, propagate
from annotator.nlp.tokens import Tokens


def tag(store, doc_id, phrase, label="PERSON"):
    """What the GUI does: store the human span, then propagate its text."""
    start = store.document(doc_id).text.index(phrase)
    store.add_span(doc_id, Span(start, start + len(phrase), label))
    return propagate(store, label, phrase, exclude=(doc_id, start, start + len(phrase)))


def pattern_spans(store, doc_id):
    text = store.document(doc_id).text
    return [(text[s.start : s.end], s.label) for s in store.spans(doc_id) if s.source == Source.PATTERN]


def test_tagging_in_one_seed_article_lights_up_the_other(seeded):
    store, (first, second) = seeded
    result = tag(store, first, "Mike Pompeo")
    assert result.documents == {first, second}
    assert ("Mike Pompeo", "PERSON") in pattern_spans(store, second)
    assert pattern_spans(store, first).count(("Mike Pompeo", "PERSON")) == store.document(first).text.count("Mike Pompeo") - 1
    tag(store, second, "Putin")  # "Vladimir Putin" is only in the first article; "Putin" in both
    assert ("Putin", "PERSON") in pattern_spans(store, first)
    tag(store, second, "Europe", "LOC")  # from the sentence the two articles share
    assert ("Europe", "LOC") in pattern_spans(store, first)
    assert {(s.source, s.state) for s in store.spans(second) if s.source == Source.PATTERN} == {(Source.PATTERN, State.SUGGESTED)}


def test_propagating_again_adds_nothing_and_rejections_stick(seeded):
    store, (first, _) = seeded
    result = tag(store, first, "Kremlin", "ORG")
    assert result.stored == 3  # four in the first article, one tagged by the user
    store.update_span(result.ids[0], state=State.REJECTED)
    again = propagate(store, "ORG", "Kremlin")
    assert (again.stored, again.rejected, again.duplicates) == (0, 1, 3)  # duplicates: 2 suggestions + the human span


def test_only_token_aligned_occurrences_match():
    text = "Putin, Putinism and Putin's plan; xPutin"
    assert [(s.start, s.end) for s in matches(text, "Putin", "PERSON")] == [(0, 5), (20, 25)]


def test_excluded_position_and_blank_phrases_give_nothing(seeded):
    store, (first, _) = seeded
    assert matches("Sochi", "Sochi", "GPE", doc_id=1, exclude=(1, 0, 5)) == []
    assert propagate(store, "GPE", " Sochi").stored == 0
    assert propagate(store, "GPE", "").stored == 0


def test_phrase_over_a_human_span_is_not_suggested(seeded):
    store, (first, _) = seeded
    text = store.document(first).text
    start = text.index("Mike Pompeo")
    store.add_span(first, Span(start + 5, start + 11, "PERSON"))  # "Pompeo" alone, by a human
    result = propagate(store, "PERSON", "Mike Pompeo")
    assert result.overlaps_decided == 1
    assert all(not (s.start <= start < s.end and s.source == Source.PATTERN) for s in store.spans(first))


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="aUSdnt.'-,()$%\"😀 \n\t\xa0", max_size=40), st.data())
def test_alignment_around_a_match_equals_tokenizing_the_whole_text(text, data):
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    expected = start < end and Tokens.of(text).index_span(start, end) is not None
    assert (start < end and aligned(text, start, end)) == expected


def test_alignment_knows_abbreviations_and_contractions():
    text = "The U.S. envoy didn't visit; Pompeo's aide did."
    assert aligned(text, 4, 8)  # "U.S."
    assert not aligned(text, 4, 7)  # "U.S" without its final dot
    assert aligned(text, 15, 18) and not aligned(text, 15, 19)  # "did" of "didn't", not "didn"
    assert aligned(text, 29, 35)  # "Pompeo" before "'s"
