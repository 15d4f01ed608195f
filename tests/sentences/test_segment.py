"""The one sentence segmentation: offsets exact, deterministic, bounded on hostile text."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.sentences.segment import MAX_CHARS, sentence_spans
from tests.conftest import SEEDS


def texts(text: str) -> list[str]:
    return [text[s:e] for s, e in sentence_spans(text)]


def check_cover(text: str, max_chars: int = MAX_CHARS) -> None:
    spans = sentence_spans(text, max_chars)
    covered = 0
    last = 0
    for start, end in spans:
        assert last <= start < end <= len(text)
        assert end - start <= max_chars
        assert not text[start].isspace() and not text[end - 1].isspace()
        assert text[last:start].strip() == ""  # only white space between sentences
        covered += end - start
        last = end
    assert text[last:].strip() == ""


def test_seed_headlines_and_sentences():
    text = (SEEDS / "000_81773cb432e2133b.txt").read_text(encoding="utf-8")
    found = texts(text)
    assert found[:3] == ["World News"] + ["Russian Federation tells Pompeo: Enough mistrust, let's reboot our ties"] * 2
    assert any(x.startswith("Russian President Vladimir Putin, right, and U.S. Secretary of State") and x.endswith("May 14, 2019.") for x in found)
    assert '"I have a couple of other ideas to suggest".' in found
    check_cover(text)


def test_abbreviations_initials_and_lower_case_do_not_end_a_sentence():
    assert texts("Mr. Smith met Dr. Jones. They talked.") == ["Mr. Smith met Dr. Jones.", "They talked."]
    assert texts("The U.S. President spoke. He left.") == ["The U.S. President spoke.", "He left."]
    assert texts("It was 3 p.m. when he left. Then rain.") == ["It was 3 p.m. when he left.", "Then rain."]
    assert texts('"Go!" he said. Why? Because.') == ['"Go!" he said.', "Why?", "Because."]
    assert texts("He said: \u201cWe won.\u201d Then he left.") == ["He said: \u201cWe won.\u201d", "Then he left."]


def test_line_breaks_always_end_a_sentence():
    assert texts("Headline without stop\r\nBody one. Body two\u2029Next") == ["Headline without stop", "Body one.", "Body two", "Next"]


def test_scripts_without_spaces_and_right_to_left():
    assert texts("我们今天开会。你好！再见？") == ["我们今天开会。", "你好！", "再见？"]
    assert texts("مرحبا بكم في الأخبار؟ هذا خبر جديد.") == ["مرحبا بكم في الأخبار؟", "هذا خبر جديد."]
    assert texts("שלום עולם. זה חדש.") == ["שלום עולם.", "זה חדש."]


def test_empty_and_tiny_texts():
    assert sentence_spans("") == []
    assert sentence_spans("   \n\n ") == []
    assert texts("a") == ["a"]
    assert texts(".") == ["."]
    assert texts("a. b") == ["a. b"]  # lower case after the stop


def test_a_megabyte_without_punctuation_is_cut_in_bounded_pieces():
    text = ("word " * 200_000).strip()
    spans = sentence_spans(text)
    assert len(spans) >= len(text) // MAX_CHARS
    check_cover(text)
    assert all(text[e:e + 1] in ("", " ") for _, e in spans)  # cut at white space


def test_a_long_run_without_spaces_is_never_cut_inside_an_emoji_sequence():
    family = "\U0001F468\u200D\U0001F469\u200D\U0001F467"  # ZWJ sequence, 5 code points
    text = family * 600 + "e\u0301" * 600  # combining accents too
    spans = sentence_spans(text)
    check_cover(text)
    for start, end in spans:
        assert text[start] != "\u200D" and text[end - 1] != "\u200D"
        assert text[start] != "\u0301"


def test_one_sentence_repeated_ten_thousand_times():
    text = "The same sentence is here again. " * 10_000
    spans = sentence_spans(text)
    assert len(spans) == 10_000
    assert {text[s:e] for s, e in spans} == {"The same sentence is here again."}


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab .!?\n\"'”)。U.S\u200d\u0301 \t")), max_size=400), st.integers(5, 60))
def test_spans_are_ordered_stripped_bounded_and_cover_every_visible_character(text, max_chars):
    check_cover(text, max_chars)
    assert sentence_spans(text, max_chars) == sentence_spans(text, max_chars)  # deterministic
