"""The spans the highlighter draws, as parallel sorted lists of Qt positions.

Building them for a new article is a few list comprehensions (no per-span dict or
per-block index), and the spans touching one block are found with two binary
searches: spans start in order, and none of the "short" ones is longer than
``longest``, so only spans starting in [block start - longest, block end) can reach
the block. The few very long spans are kept apart so they never widen that window.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator

from annotator.core.model import Span, State
from annotator.gui.offsets import OffsetMap

LONG = 2000  # Qt positions; longer spans are checked one by one for every block


class DrawnSpans:
    def __init__(self, offsets: OffsetMap | None = None, spans: list[Span] = ()) -> None:
        self.offsets = offsets or OffsetMap.of("")
        drawn = [s for s in spans if s.state != State.REJECTED]
        starts = [s.start for s in drawn]
        if any(a > b for a, b in zip(starts, starts[1:])):
            drawn.sort(key=lambda s: (s.start, s.end, s.id))
        qs, qe = self._to_qt([s.start for s in drawn]), self._to_qt([s.end for s in drawn])
        long = [i for i, (a, b) in enumerate(zip(qs, qe)) if b - a > LONG]
        self.long: list[tuple[int, int, Span]] = [(qs[i], qe[i], drawn[i]) for i in long]
        if long:
            keep = set(range(len(drawn))) - set(long)
            drawn, qs, qe = ([seq[i] for i in sorted(keep)] for seq in (drawn, qs, qe))
        self.spans, self.qs, self.qe = drawn, qs, qe
        self.longest = max((b - a for a, b in zip(qs, qe)), default=0)

    def _to_qt(self, cps: list[int]) -> list[int]:
        if not self.offsets.shifts:
            return cps
        to_qt = self.offsets.to_qt
        return [to_qt(cp) for cp in cps]

    def touching(self, base: int, high: int) -> Iterator[tuple[int, int, Span]]:
        """(Qt start, Qt end, span) of the spans touching [base, high), by start."""
        qs, qe, spans = self.qs, self.qe, self.spans
        for i in range(bisect_left(qs, base - self.longest), bisect_left(qs, high)):
            if qe[i] > base:
                yield qs[i], qe[i], spans[i]
        for entry in self.long:
            if entry[0] < high and entry[1] > base:
                yield entry

    def entries(self) -> Iterator[tuple[int, int, Span]]:
        """(Qt start, Qt end, span) of every drawn span: the short ones by start, then the long ones."""
        yield from zip(self.qs, self.qe, self.spans)
        yield from self.long

    def long_touch(self, base: int, high: int) -> bool:
        return any(qs < high and qe > base for qs, qe, _ in self.long)

    def blocks_of(self, span: Span) -> range:
        return self.offsets.blocks_of(*self.offsets.to_qt_range(span.start, span.end))

    def add(self, span: Span) -> None:
        if span.state == State.REJECTED:
            return
        qs, qe = self.offsets.to_qt_range(span.start, span.end)
        if qe - qs > LONG:
            self.long.append((qs, qe, span))
            return
        i = self._position(span)
        self.spans.insert(i, span)
        self.qs.insert(i, qs)
        self.qe.insert(i, qe)
        self.longest = max(self.longest, qe - qs)

    def remove(self, span: Span) -> None:
        """Forget ``span`` (found by id among the spans with its start)."""
        self.long = [entry for entry in self.long if entry[2].id != span.id]
        i = bisect_left(self.qs, self.offsets.to_qt(span.start))
        while i < len(self.spans) and self.spans[i].start == span.start:
            if self.spans[i].id == span.id:
                del self.spans[i], self.qs[i], self.qe[i]
                return
            i += 1

    def _position(self, span: Span) -> int:
        """Where ``span`` goes to keep (start, end, id) order."""
        key = (span.start, span.end, span.id)
        i = bisect_left(self.qs, self.offsets.to_qt(span.start))
        while i < len(self.spans) and (self.spans[i].start, self.spans[i].end, self.spans[i].id) < key:
            i += 1
        return i
