"""The one place that converts between Qt text positions and Python code points.

Qt counts UTF-16 code units: a character outside the Basic Multilingual Plane
(most emoji) takes two positions. Every line separator Qt knows (\\n, \\r, U+2028,
U+2029) stays one position, so only astral characters shift offsets. The table is
built once per document; lookups are binary searches.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
# Characters QTextDocument turns into a new block (U+2028 stays inside its block).
_BLOCK_BREAK = re.compile("[\n\r\u2029]")


@dataclass(frozen=True, slots=True)
class OffsetMap:
    """Code point <-> Qt position table of one text."""

    length: int  # in code points
    astral: tuple[int, ...]  # code-point index of every astral character
    astral_ends: tuple[int, ...]  # Qt position just after each astral character
    block_starts: tuple[int, ...]  # Qt position of the first character of each block

    @classmethod
    def of(cls, text: str) -> OffsetMap:
        astral = tuple(m.start() for m in _ASTRAL.finditer(text))
        ends = tuple(cp + i + 2 for i, cp in enumerate(astral))
        breaks = [m.start() for m in _BLOCK_BREAK.finditer(text)]
        shifted = [cp + bisect_left(astral, cp) for cp in breaks]
        return cls(len(text), astral, ends, (0, *(q + 1 for q in shifted)))

    @property
    def qt_length(self) -> int:
        return self.length + len(self.astral)

    def to_qt(self, cp: int) -> int:
        """Qt position of code point index ``cp`` (0 <= cp <= length)."""
        return cp + bisect_left(self.astral, cp)

    def to_cp(self, qt: int) -> int:
        """Code point index of Qt position ``qt``; inside a surrogate pair rounds down."""
        inside = bisect_right(self.astral_ends, qt)  # astral characters wholly before qt
        cp = qt - inside
        if inside < len(self.astral) and self.astral[inside] < cp:
            cp = self.astral[inside]  # qt fell between the two halves of this character
        return cp

    def to_qt_range(self, start: int, end: int) -> tuple[int, int]:
        return self.to_qt(start), self.to_qt(end)

    def to_cp_range(self, qt_start: int, qt_end: int) -> tuple[int, int]:
        """Code-point range covering Qt range: a half character widens to the whole one."""
        start = self.to_cp(qt_start)
        end = self.to_cp(qt_end)
        if self.to_qt(end) < qt_end:
            end += 1
        return start, end

    def block_of(self, qt: int) -> int:
        """Number of the block holding Qt position ``qt``."""
        return bisect_right(self.block_starts, qt) - 1

    def blocks_of(self, qt_start: int, qt_end: int) -> range:
        """Numbers of the blocks that a non-empty Qt range touches."""
        first = bisect_right(self.block_starts, qt_start) - 1
        last = bisect_right(self.block_starts, max(qt_start, qt_end - 1)) - 1
        return range(first, last + 1)

    def block_range(self, number: int) -> tuple[int, int]:
        """Qt positions of the first character of block ``number`` and of its end (its separator)."""
        starts = self.block_starts
        end = starts[number + 1] - 1 if number + 1 < len(starts) else self.qt_length
        return starts[number], end
