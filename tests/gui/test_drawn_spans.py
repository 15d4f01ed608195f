"""DrawnSpans finds exactly the spans touching a block, after any adds and removes."""

from hypothesis import given, settings, strategies as st

from annotator.core.model import Span, State
from annotator.gui import drawn_spans
from annotator.gui.drawn_spans import DrawnSpans
from annotator.gui.offsets import OffsetMap

TEXT = "ab😀cd\nef👩\u200d🔬gh\n\nij🇫🇷kl mn op\nqr"
raw_spans = st.lists(
    st.tuples(st.integers(0, len(TEXT) - 1), st.integers(1, 15), st.sampled_from(list(State))).map(
        lambda t: (t[0], min(t[0] + t[1], len(TEXT)), t[2])
    ),
    max_size=20,
)


def brute(offsets, spans, base, high):
    found = []
    for span in spans:
        qs, qe = offsets.to_qt_range(span.start, span.end)
        if span.state != State.REJECTED and qs < high and qe > base:
            found.append((qs, qe, span.id))
    return sorted(found)


@settings(max_examples=80, deadline=None)
@given(raw_spans, st.integers(0, 20), st.integers(1, 6))
def test_touching_matches_a_scan(raw, removed, long_limit):
    saved, drawn_spans.LONG = drawn_spans.LONG, long_limit  # small, so some spans count as long
    try:
        check_touching(raw, removed)
    finally:
        drawn_spans.LONG = saved


def check_touching(raw, removed):
    offsets = OffsetMap.of(TEXT)
    spans = [Span(s, e, "ORG", state=state, id=i) for i, (s, e, state) in enumerate(raw)]
    half = len(spans) // 2
    drawn = DrawnSpans(offsets, spans[:half])
    for span in spans[half:]:
        drawn.add(span)
    alive = [s for s in spans if s.id != removed]
    if removed < len(spans):
        drawn.remove(spans[removed])
    for number in range(len(offsets.block_starts)):
        base, high = offsets.block_range(number)
        got = sorted((qs, qe, span.id) for qs, qe, span in drawn.touching(base, high))
        assert got == brute(offsets, alive, base, high)
