"""Qt position <-> code point conversion, checked against a real QTextDocument."""

from hypothesis import assume, given, settings, strategies as st

from annotator.gui.offsets import OffsetMap
from tests.gui.helpers import qt_document, selected

# Characters that break offsets in other tools: emoji (astral), ZWJ sequences, flags,
# combining marks, separators Qt rewrites, NBSP, CJK.
TRICKY = ["a", "b", " ", "\n", "\r\n", "\r", "\u2028", "\u2029", "\xa0", "😀", "👩\u200d🔬", "🇫🇷", "e\u0301", "中", "\t", "<", "&amp;"]
texts = st.lists(st.sampled_from(TRICKY) | st.text(max_size=3), max_size=30).map("".join)


def splits_crlf(text: str, cp: int) -> bool:
    return 0 < cp < len(text) and text[cp - 1 : cp + 1] == "\r\n"


def as_qt_shows(text: str) -> str:
    """selectedText() reports block breaks as U+2029; a "\r\n" pair is one break."""
    return text.replace("\r\n", "\u2029").replace("\r", "\u2029").replace("\n", "\u2029")


@settings(max_examples=150, deadline=None)
@given(texts)
def test_length_and_blocks_match_qt(qapp, text):
    offsets, doc = OffsetMap.of(text), qt_document(text)
    assert offsets.qt_length == doc.characterCount() - 1
    blocks = [doc.findBlockByNumber(i) for i in range(doc.blockCount())]
    assert [offsets.block_range(i) for i in range(len(blocks))] == [(b.position(), b.position() + b.length() - 1) for b in blocks]


@settings(max_examples=150, deadline=None)
@given(texts, st.data())
def test_ranges_select_exactly_the_python_slice(qapp, text, data):
    offsets, doc = OffsetMap.of(text), qt_document(text)
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    assume(not splits_crlf(text, start) and not splits_crlf(text, end))  # one Qt position: cannot be cut
    qs, qe = offsets.to_qt_range(start, end)
    assert selected(doc, qs, qe) == as_qt_shows(text[start:end])
    assert offsets.to_cp_range(qs, qe) == (start, end)
    assert offsets.block_of(qs) == doc.findBlock(qs).blockNumber()


@settings(max_examples=150, deadline=None)
@given(texts, st.data())
def test_positions_inside_a_surrogate_pair_widen_to_the_whole_character(qapp, text, data):
    offsets = OffsetMap.of(text)
    qt = data.draw(st.integers(0, offsets.qt_length))
    cp = offsets.to_cp(qt)
    assert offsets.to_qt(cp) <= qt <= offsets.to_qt(min(cp + 1, len(text)))
    start, end = offsets.to_cp_range(qt, qt)
    assert start <= end and end - start <= 1


def test_marie_curie():
    text = "Chemist 👩‍🔬 Marie Curie won."
    offsets = OffsetMap.of(text)
    start = text.index("👩")
    end = text.index(" won")
    qs, qe = offsets.to_qt_range(start, end)
    assert (qs, qe) == (start, end + 2)  # 👩 and 🔬 take two UTF-16 units each, the ZWJ one
    assert text[slice(*offsets.to_cp_range(qs, qe))] == "👩‍🔬 Marie Curie"
