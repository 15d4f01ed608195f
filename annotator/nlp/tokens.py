"""Token boundaries (spaCy's rule-based English tokenizer) in code-point offsets.

Used to snap selections, move the caret by token, and align pattern matches. The
tokenizer needs no trained pipeline, so it works even when no model is installed.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import lru_cache


@lru_cache(maxsize=4)
def tokenizer(lang: str = "en"):
    import spacy

    return spacy.blank(lang).tokenizer


@dataclass(frozen=True, slots=True)
class Tokens:
    """Sorted token starts and ends (end exclusive) of one text."""

    starts: tuple[int, ...]
    ends: tuple[int, ...]

    @classmethod
    def of(cls, text: str, lang: str = "en") -> Tokens:
        doc = tokenizer(lang)(text)
        starts = tuple(t.idx for t in doc if not t.is_space)
        ends = tuple(t.idx + len(t.text) for t in doc if not t.is_space)
        return cls(starts, ends)

    def __len__(self) -> int:
        return len(self.starts)

    def snap(self, start: int, end: int) -> tuple[int, int]:
        """Grow ``[start, end)`` to whole tokens; a selection of only spaces stays as is."""
        first = bisect_right(self.ends, start)  # first token ending after start
        last = bisect_left(self.starts, end) - 1  # last token starting before end
        if first > last:
            return start, end
        return min(start, self.starts[first]), max(end, self.ends[last])

    def next_boundary(self, pos: int) -> int:
        """The end of the token at or after ``pos`` (caret moves right by token)."""
        i = bisect_right(self.ends, pos)
        return self.ends[i] if i < len(self.ends) else pos

    def previous_boundary(self, pos: int) -> int:
        """The start of the token at or before ``pos`` (caret moves left by token)."""
        i = bisect_left(self.starts, pos) - 1
        return self.starts[i] if i >= 0 else pos

    def index_span(self, start: int, end: int) -> tuple[int, int] | None:
        """Token indices (first, last inclusive) when the span is token-aligned, else None."""
        first = bisect_left(self.starts, start)
        last = bisect_left(self.ends, end)
        if first < len(self.starts) and last < len(self.ends) and self.starts[first] == start and self.ends[last] == end:
            return first, last
        return None
