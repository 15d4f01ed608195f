"""Two annotators' layers of one document, set against the gold layer (no Qt).

A and B agree on a span when both have it with the same offsets and label. Their other
spans are grouped into disagreements: spans of either layer that overlap one another
(chained) are one disagreement, of one kind: only A, only B, another label (same
offsets), or other boundaries. A decision writes every span of a disagreement into gold:
the chosen ones accepted, the others rejected (kept as negatives, so the choice of
"neither" is recorded too); a disagreement is decided once gold holds each of its spans.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from annotator.core.annotators import GOLD
from annotator.core.model import Source, Span, State

CHOICES = ("A", "B", "both", "neither")
Key = tuple[int, int, str]


def key(span: Span) -> Key:
    return span.start, span.end, span.label


@dataclass(frozen=True)
class Disagreement:
    start: int  # the extent of its spans, code points
    end: int
    a: tuple[Span, ...]
    b: tuple[Span, ...]
    decided: bool

    @property
    def kind(self) -> str:
        if not self.b:
            return "only A"
        if not self.a:
            return "only B"
        if len(self.a) == len(self.b) == 1 and self.a[0].start == self.b[0].start and self.a[0].end == self.b[0].end:
            return "other label"
        return "other boundaries"


@dataclass(frozen=True)
class Comparison:
    agreed: tuple[Span, ...]  # A's spans that B has too, not yet in gold
    agreed_total: int  # all agreed spans, in gold or not
    items: tuple[Disagreement, ...]  # by start


def compare(a_spans: list[Span], b_spans: list[Span], gold: list[Span]) -> Comparison:
    """Accepted spans of A and B against gold's spans (any state)."""
    a_spans = [s for s in a_spans if s.state == State.ACCEPTED]
    b_spans = [s for s in b_spans if s.state == State.ACCEPTED]
    a_keys, b_keys, gold_keys = {key(s) for s in a_spans}, {key(s) for s in b_spans}, {key(s) for s in gold}
    agreed = [s for s in a_spans if key(s) in b_keys]
    tagged = sorted([(s, "a") for s in a_spans if key(s) not in b_keys] + [(s, "b") for s in b_spans if key(s) not in a_keys], key=lambda t: (t[0].start, t[0].end))
    return Comparison(tuple(s for s in agreed if key(s) not in gold_keys), len(agreed), tuple(_grouped(tagged, gold_keys)))


def _grouped(tagged: list[tuple[Span, str]], gold_keys: set[Key]) -> list[Disagreement]:
    """Chains of overlapping spans, each one disagreement."""
    items: list[Disagreement] = []
    group: list[tuple[Span, str]] = []
    reach = -1
    for span, side in [*tagged, (None, "")]:
        if group and (span is None or span.start >= reach):
            spans = [s for s, _ in group]
            decided = all(key(s) in gold_keys for s in spans)
            items.append(Disagreement(spans[0].start, reach, tuple(s for s, w in group if w == "a"), tuple(s for s, w in group if w == "b"), decided))
            group, reach = [], -1
        if span is not None:
            group.append((span, side))
            reach = max(reach, span.end)
    return items


def decision(item: Disagreement, choice: str, curator: str) -> list[Span]:
    """The gold spans of a decision: the chosen side's accepted, the rest rejected."""
    taken = {"A": item.a, "B": item.b, "both": item.a + item.b, "neither": ()}[choice]
    chosen = {key(s) for s in taken}
    found: dict[Key, Span] = {}
    for span in item.a + item.b:
        state = State.ACCEPTED if key(span) in chosen else State.REJECTED
        found.setdefault(key(span), gold_span(span, state, f"adjudicated by {curator}: {choice}"))
    return list(found.values())


def gold_span(span: Span, state: State, provenance: str) -> Span:
    """``span`` as a new gold span (its note kept; who decided in the provenance)."""
    return replace(span, source=Source.HUMAN, state=state, annotator=GOLD, provenance=provenance, id=None, document_id=None, created_at=None, updated_at=None)


def at_or_after(items: tuple[Disagreement, ...], caret: int) -> Disagreement | None:
    """The disagreement holding the caret, else the first after it."""
    return next((item for item in items if item.end > caret), None)  # chains do not overlap: ends rise with starts


def next_undecided(items: tuple[Disagreement, ...], after: int) -> Disagreement | None:
    """The first undecided disagreement starting after ``after``, else the first one of the document."""
    undecided = [item for item in items if not item.decided]
    return next((item for item in undecided if item.start > after), undecided[0] if undecided else None)
