"""The one place that converts between Qt text positions and Python code points.

Qt counts UTF-16 code units: a character outside the Basic Multilingual Plane
(most emoji) takes two positions. QTextDocument also turns a ``\\r\\n`` pair into one
block separator (stored texts are normalized to ``\\n`` at import, but the view must
stay right whatever it is given). Every other character, including ``\\n``, ``\\r``,
U+2028 and U+2029, is one position. The table is built once per document; lookups
are binary searches.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from itertools import accumulate

# An astral character takes two UTF-16 units (+1); the "\n" of "\r\n" takes none (-1).
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
_CRLF = re.compile("\r\n")
# What QTextDocument turns into a new block (U+2028 stays inside its block).
_BLOCK_BREAK = re.compile("\r\n|[\n\r\u2029]")


@dataclass(frozen=True, slots=True)
class OffsetMap:
    """Code point <-> Qt position table of one text."""

    length: int  # in code points
    shifts: tuple[int, ...]  # code points after which Qt positions shift, in order
    totals: tuple[int, ...]  # totals[i]: the shift of every code point after shifts[i - 1]
    block_starts: tuple[int, ...]  # Qt position of the first character of each block

    @classmethod
    def of(cls, text: str) -> OffsetMap:
        astral = [] if text.isascii() else [m.start() for m in _ASTRAL.finditer(text)]
        crlf = [m.start() + 1 for m in _CRLF.finditer(text)] if "\r" in text else []
        changes = sorted([(cp, 1) for cp in astral] + [(cp, -1) for cp in crlf]) if crlf else [(cp, 1) for cp in astral]
        points = tuple(cp for cp, _ in changes)
        totals = (0, *accumulate(delta for _, delta in changes))
        breaks = [m.end() for m in _BLOCK_BREAK.finditer(text)]
        if points:
            partial = cls(len(text), points, totals, (0,))
            breaks = [partial.to_qt(cp) for cp in breaks]
        return cls(len(text), points, totals, (0, *breaks))

    @property
    def qt_length(self) -> int:
        return self.to_qt(self.length)

    def to_qt(self, cp: int) -> int:
        """Qt position of code point index ``cp`` (0 <= cp <= length)."""
        return cp + self.totals[bisect_left(self.shifts, cp)]

    def to_cp(self, qt: int) -> int:
        """The last code point index at or before Qt position ``qt``.

        Inside a surrogate pair this rounds down to the start of the character.
        """
        if not self.shifts:
            return min(max(qt, 0), self.length)
        low, high = 0, self.length
        while low < high:  # the largest cp with to_qt(cp) <= qt
            middle = (low + high + 1) // 2
            if self.to_qt(middle) <= qt:
                low = middle
            else:
                high = middle - 1
        return low

    def to_qt_range(self, start: int, end: int) -> tuple[int, int]:
        return self.to_qt(start), self.to_qt(end)

    def to_cp_range(self, qt_start: int, qt_end: int) -> tuple[int, int]:
        """Code-point range covering a Qt range: a half character widens to the whole one."""
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
