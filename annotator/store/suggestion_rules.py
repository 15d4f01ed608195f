"""What add_suggestions needs to refuse a candidate, and what it counts.

A suggestion must never duplicate a stored span, repeat a rejected one, or sit over a
human or accepted span (nor over another pending suggestion).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field

from annotator.core.model import Source, State

@dataclass
class SuggestionResult:
    ids: list[int] = field(default_factory=list)  # new span ids, so a caller can undo them
    documents: set[int] = field(default_factory=set)  # documents that got new suggestions
    duplicates: int = 0  # already stored at the same offsets with the same label
    overlaps_decided: int = 0  # overlaps a human or accepted span
    rejected: int = 0  # was rejected before at the same offsets with the same label
    overlaps_suggestion: int = 0  # overlaps another pending suggestion
    invalid: int = 0  # no such document, or offsets outside its text

    @property
    def stored(self) -> int:
        return len(self.ids)

    def absorb(self, other: SuggestionResult) -> None:
        """Add ``other``'s ids, documents and counts to this one (one result for many calls)."""
        self.ids += other.ids
        self.documents |= other.documents
        for name in ("duplicates", "overlaps_decided", "rejected", "overlaps_suggestion", "invalid"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


class Taken:
    """The spans of one document, as add_suggestions needs them to refuse a candidate."""

    def __init__(self) -> None:
        self.keys: dict[tuple[int, int, int], State] = {}
        self.decided = Intervals()
        self.suggested = Intervals()

    @classmethod
    def of(cls, spans: Iterable[tuple[int, int, int, str, str]]) -> Taken:
        """From stored ``(start, end, label_id, source, state)`` rows, in any order (sorted once)."""
        taken, decided, suggested = cls(), [], []
        for start, end, label_id, source, state in spans:
            taken.keys[(start, end, label_id)] = State(state)
            if state == State.ACCEPTED or (source == Source.HUMAN and state != State.REJECTED):
                decided.append((start, end))
            elif state == State.SUGGESTED:
                suggested.append((start, end))
        taken.decided, taken.suggested = Intervals(decided), Intervals(suggested)
        return taken

    def add(self, start: int, end: int, label_id: int, source: Source, state: State) -> None:
        self.keys[(start, end, label_id)] = state
        if state == State.ACCEPTED or (source == Source.HUMAN and state != State.REJECTED):
            self.decided.add(start, end)
        elif state == State.SUGGESTED:
            self.suggested.add(start, end)

    def add_suggestion(self, start: int, end: int, label_id: int) -> None:
        self.add(start, end, label_id, Source.MODEL, State.SUGGESTED)

    def refuse(self, start: int, end: int, label_id: int) -> str | None:
        """The SuggestionResult counter to bump when the candidate must not be stored, else None."""
        state = self.keys.get((start, end, label_id))
        if state == State.REJECTED:
            return "rejected"
        if state is not None:
            return "duplicates"
        if self.decided.overlaps(start, end):
            return "overlaps_decided"
        if self.suggested.overlaps(start, end):
            return "overlaps_suggestion"
        return None


class Intervals:
    """Intervals sorted by start, with the largest end so far beside each (``reach``).

    Every interval left of ``bisect(items, (end,))`` starts before ``end``; one of them
    overlaps ``[start, end)`` exactly when the largest of their ends passes ``start``: one
    bisection per test, however long or nested the intervals (a lookback over the longest one
    made a long human span cost a scan of the document's spans per candidate).
    """

    def __init__(self, items: Iterable[tuple[int, int]] = ()) -> None:
        self.items: list[tuple[int, int]] = sorted(items)
        self.reach: list[int] = []
        furthest = -1
        for _, end in self.items:
            furthest = max(furthest, end)
            self.reach.append(furthest)

    def add(self, start: int, end: int) -> None:
        i = bisect_right(self.items, (start, end))
        self.items.insert(i, (start, end))
        self.reach.insert(i, max(end, self.reach[i - 1]) if i else end)
        j = i + 1  # later reaches grow to ``end`` where they fall short of it (in order: stops at once mostly)
        while j < len(self.reach) and self.reach[j] < end:
            self.reach[j] = end
            j += 1

    def overlaps(self, start: int, end: int) -> bool:
        i = bisect_left(self.items, (end,))  # items before i start before end
        return i > 0 and self.reach[i - 1] > start
