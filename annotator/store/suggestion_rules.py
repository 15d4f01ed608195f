"""What add_suggestions needs to refuse a candidate, and what it counts.

A suggestion must never duplicate a stored span, repeat a rejected one, or sit over a
human or accepted span (nor over another pending suggestion).
"""

from __future__ import annotations

from bisect import bisect_left, insort
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


class Taken:
    """The spans of one document, as add_suggestions needs them to refuse a candidate."""

    def __init__(self) -> None:
        self.keys: dict[tuple[int, int, int], State] = {}
        self.decided = Intervals()
        self.suggested = Intervals()

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
    """Intervals sorted by start; an overlap test looks back only as far as the longest one."""

    def __init__(self) -> None:
        self.items: list[tuple[int, int]] = []
        self.longest = 0

    def add(self, start: int, end: int) -> None:
        insort(self.items, (start, end))
        self.longest = max(self.longest, end - start)

    def overlaps(self, start: int, end: int) -> bool:
        i = bisect_left(self.items, (end,))  # items before i start before end
        while i > 0 and self.items[i - 1][0] > start - self.longest:
            i -= 1
            if self.items[i][1] > start:
                return True
        return False
