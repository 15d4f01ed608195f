from hypothesis import given
from hypothesis import strategies as st

from annotator.nlp.chunks import chunks


@given(st.text(alphabet="ab \n😀", max_size=300), st.integers(1, 40))
def test_pieces_cover_the_text_in_order_within_the_limit(text, limit):
    pieces = list(chunks(text, limit))
    assert "".join(piece for _, piece in pieces) == text
    assert all(text[offset : offset + len(piece)] == piece for offset, piece in pieces)
    assert all(0 < len(piece) <= limit for _, piece in pieces) or text == ""


def test_cuts_after_a_blank_line_before_a_newline_or_a_space():
    text = "one two\nthree\n\nfour five six"
    assert list(chunks(text, 20)) == [(0, "one two\nthree\n\n"), (15, "four five six")]
    assert [p for _, p in chunks("one two\nthree four", 12)] == ["one two\n", "three four"]
    assert [p for _, p in chunks("one two three", 9)] == ["one two ", "three"]


def test_a_word_longer_than_the_limit_is_cut_hard():
    assert [p for _, p in chunks("abcdefgh", 3)] == ["abc", "def", "gh"]


def test_a_short_text_is_one_piece():
    assert list(chunks("short", 100)) == [(0, "short")]
