"""The spans of the open document, kept in text order for quick lookups.

A 1 MB article can hold 20,000 spans: adding or removing one keeps the order with
a binary search instead of a re-sort, and "which spans cover this position" looks
back only as far as the longest span.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable

from annotator.core.model import Span, State

Key = tuple[int, int, int]


def key_of(span: Span) -> Key:
    return (span.start, span.end, span.id)


def drawn(span: Span) -> bool:
    return span.state != State.REJECTED


class SpanIndex:
    def __init__(self, spans: Iterable[Span] = ()) -> None:
        ordered = list(spans)
        keys = [(s.start, s.end, s.id) for s in ordered]
        if any(a > b for a, b in zip(keys, keys[1:])):  # the Store hands them out sorted already
            order = sorted(range(len(keys)), key=keys.__getitem__)
            keys, ordered = [keys[i] for i in order], [ordered[i] for i in order]
        self._keys, self._spans = keys, ordered
        self._by_id = {s.id: s for s in ordered}
        self._longest = max((s.end - s.start for s in ordered), default=0)

    def __len__(self) -> int:
        return len(self._spans)

    def get(self, span_id: int) -> Span | None:
        return self._by_id.get(span_id)

    def ordered(self) -> list[Span]:
        return self._spans

    def add(self, span: Span) -> None:
        self.remove(span.id)
        i = bisect_left(self._keys, key_of(span))
        self._keys.insert(i, key_of(span))
        self._spans.insert(i, span)
        self._by_id[span.id] = span
        self._longest = max(self._longest, span.end - span.start)

    def remove(self, span_id: int) -> Span | None:
        span = self._by_id.pop(span_id, None)
        if span is not None:
            i = bisect_left(self._keys, key_of(span))
            del self._keys[i], self._spans[i]
        return span

    def with_extent(self, start: int, end: int) -> list[Span]:
        i = bisect_left(self._keys, (start, end, -1))
        j = bisect_left(self._keys, (start, end + 1, -1))
        return self._spans[i:j]

    def at(self, pos: int) -> list[Span]:
        """Drawn spans containing ``pos``, innermost first."""
        i = bisect_right(self._keys, (pos, float("inf"), float("inf")))
        found = []
        while i > 0 and self._keys[i - 1][0] > pos - self._longest - 1:
            i -= 1
            span = self._spans[i]
            if span.end > pos and drawn(span):
                found.append(span)
        return sorted(found, key=lambda s: (s.end - s.start, s.start))

    def step(self, key: Key, forward: bool, wanted: Callable[[Span], bool]) -> Span | None:
        """The first wanted span after (or before) ``key`` in text order."""
        if forward:
            i = bisect_right(self._keys, key)
            return next((s for s in self._spans[i:] if wanted(s)), None)
        i = bisect_left(self._keys, key)
        return next((s for s in reversed(self._spans[:i]) if wanted(s)), None)
