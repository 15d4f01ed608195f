"""SpanIndex answers like a plain scan of the spans, whatever was added or removed."""

from hypothesis import given, strategies as st

from annotator.core.model import Span, State
from annotator.gui.span_index import SpanIndex, drawn, key_of

spans = st.lists(
    st.tuples(st.integers(0, 40), st.integers(1, 10), st.sampled_from(list(State))).map(
        lambda t: (t[0], t[0] + t[1], t[2])
    ),
    max_size=25,
)


@given(spans, st.lists(st.integers(0, 30), max_size=10), st.integers(0, 50))
def test_index_matches_a_scan(raw, removals, pos):
    all_spans = [Span(s, e, "ORG", state=state, id=i) for i, (s, e, state) in enumerate(raw)]
    index = SpanIndex(all_spans[: len(all_spans) // 2])
    for span in all_spans[len(all_spans) // 2 :]:
        index.add(span)
    kept = {s.id: s for s in all_spans}
    for span_id in removals:
        index.remove(span_id)
        kept.pop(span_id, None)
    alive = sorted(kept.values(), key=key_of)
    assert index.ordered() == alive
    covering = [s for s in alive if s.start <= pos < s.end and drawn(s)]
    assert sorted(index.at(pos), key=key_of) == sorted(covering, key=key_of)
    assert [s.end - s.start for s in index.at(pos)] == sorted(s.end - s.start for s in covering)
    after = next((s for s in alive if key_of(s) > (pos, -1, -1) and drawn(s)), None)
    assert index.step((pos, -1, -1), True, drawn) == after
    before = next((s for s in reversed(alive) if key_of(s) < (pos, -1, -1) and drawn(s)), None)
    assert index.step((pos, -1, -1), False, drawn) == before
