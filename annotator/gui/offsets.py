"""The one place that converts between Qt text positions and Python code points.

Qt counts UTF-16 code units: a character outside the Basic Multilingual Plane
(most emoji) takes two positions. QTextDocument also turns a ``\\r\\n`` pair into one
block separator (stored texts are normalized to ``\\n`` at import, but the view must
stay right whatever it is given). Every other character, including ``\\n``, ``\\r``,
U+2028 and U+2029, is one position. The table is built once per document; lookups
are binary searches.

Long paragraphs are cut for display. QPlainTextEdit lays out a block whole: one block
of 20 million characters took 12 s and 730 MB to open (linear, with a large constant),
the same text in blocks of 16,000 characters 0.16 s and 80 MB. So no block the view gets
is longer than ``MAX_BLOCK`` code points: ``display(text)`` (what the view shows) breaks a
longer paragraph at its last space before the limit, the space itself becoming the block
separator (one Qt position for one code point: nothing shifts); a paragraph without a
space over that length gets a separator *inserted* between two characters (one more Qt
position, placed before the character that follows it: a span ending there ends before
it, one starting there starts after it). The stored text is never changed; the view
speaks code points of it.

No step costs Python work per character: astral characters are found by a regular
expression, or with numpy for long texts; tables are ``array('q')`` (8 bytes an entry).
"""

from __future__ import annotations

import re
import unicodedata
from array import array
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from itertools import accumulate

# An astral character takes two UTF-16 units (+1); the "\n" of "\r\n" takes none (-1).
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
_CRLF = re.compile("\r\n")
# What QTextDocument turns into a new block (U+2028 stays inside its block).
_BLOCK_BREAK = re.compile("\r\n|[\n\r\u2029]")
_LINE_BREAK = re.compile("[\n\u2029]")
_NEWLINE = re.compile("\n")  # a literal: searched several times faster than a character class
# The longest block the view gets, in code points (about 170 lines of a readable column).
MAX_BLOCK = 16_384
# What a cut turns into: "\n" keeps an ASCII text one byte a character (U+2029 would double
# it). It never follows a "\r" (a block holds no "\r"), so the two cannot merge into one break.
DISPLAY_BREAK = "\n"
_NUMPY_FROM = 1 << 20  # characters: shorter texts are scanned by a regex (no numpy import)
_NUMPY_SLICE = 1 << 22  # characters encoded at a time (16 MB of UTF-32): memory stays bounded


def _table(values=()) -> array:
    return array("q", values)


def _astral_points(text: str) -> array:
    """Code points of the characters outside the BMP, in order."""
    if text.isascii() or _ASTRAL.search(text) is None:
        return _table()
    if len(text) < _NUMPY_FROM:
        return _table(m.start() for m in _ASTRAL.finditer(text))
    import numpy as np

    found = _table()
    for base in range(0, len(text), _NUMPY_SLICE):
        units = np.frombuffer(text[base : base + _NUMPY_SLICE].encode("utf-32-le"), dtype=np.uint32)
        found.frombytes((np.flatnonzero(units > 0xFFFF) + base).astype(np.int64).tobytes())
    return found


def _block_breaks(text: str) -> re.Pattern:
    """The simplest pattern that finds the block breaks of ``text`` (they are scanned in full)."""
    if "\r" in text:
        return _BLOCK_BREAK
    return _LINE_BREAK if "\u2029" in text else _NEWLINE


def _cut_point(text: str, near: int, low: int) -> int:
    """A place to insert a break at or a little before ``near`` (> ``low``) that splits no
    grapheme cluster: not before a combining mark, joiner, selector or emoji modifier, nor
    inside a flag. Looks back at most 32 characters (a text of nothing but combining marks
    is cut anywhere rather than walked over)."""
    for cp in range(near, max(low, near - 32), -1):
        if not (_extends(text[cp]) or text[cp - 1] == "\u200d" or (_regional(text[cp]) and _regional(text[cp - 1]))):
            return cp
    return near


def _regional(char: str) -> bool:
    return "\U0001f1e6" <= char <= "\U0001f1ff"


def _extends(char: str) -> bool:
    return (
        unicodedata.category(char) in ("Mn", "Mc", "Me")
        or char in "\u200c\u200d"
        or "\ufe00" <= char <= "\ufe0f"
        or "\U0001f3fb" <= char <= "\U0001f3ff"
        or "\U000e0020" <= char <= "\U000e007f"
    )


@dataclass(frozen=True, slots=True)
class OffsetMap:
    """Code point <-> Qt position table of one text, as the view displays it (``display``)."""

    length: int  # in code points
    shifts: array  # code points after which Qt positions shift, in order
    totals: array  # totals[i]: the shift of every code point after shifts[i - 1]
    block_starts: array  # Qt position of the first character of each block
    spaces: tuple[int, ...] = ()  # code points of the spaces shown as block separators (long paragraphs)
    inserted: tuple[int, ...] = ()  # code points before which a block separator is inserted

    @classmethod
    def of(cls, text: str, max_block: int | None = None) -> OffsetMap:
        """The map of ``text``; paragraphs longer than ``max_block`` (default ``MAX_BLOCK``) are cut."""
        max_block = max_block or MAX_BLOCK
        astral = _astral_points(text)
        crlf = [m.start() + 1 for m in _CRLF.finditer(text)] if "\r" in text else []
        natural = [m.end() for m in _block_breaks(text).finditer(text)]  # code points starting a block
        spaces, inserted = _cuts(text, natural, max_block)
        if crlf or inserted:
            changes = sorted([(cp, 1) for cp in astral] + [(cp, -1) for cp in crlf] + [(cp, 1) for cp in inserted])
            points, totals = _table(cp for cp, _ in changes), _table(accumulate((delta for _, delta in changes), initial=0))
        else:  # the usual case: only astral characters shift, each by one
            points, totals = astral, _table(range(len(astral) + 1))
        partial = cls(len(text), points, totals, _table((0,)))
        starts = sorted([*natural, *(cp + 1 for cp in spaces)])
        if points:
            to_qt = partial.to_qt
            breaks = [to_qt(cp) for cp in starts] + [to_qt(cp) + 1 for cp in inserted]
        else:
            breaks = starts + [cp + 1 for cp in inserted]
        return cls(len(text), points, totals, _table((0, *sorted(breaks))), tuple(spaces), tuple(inserted))

    def display(self, text: str) -> str:
        """The text as the view shows it: the long paragraphs cut (see the module's docstring)."""
        if not self.spaces and not self.inserted:
            return text
        cuts = sorted([(cp, cp + 1) for cp in self.spaces] + [(cp, cp) for cp in self.inserted])
        parts, previous = [], 0
        for cut, resume in cuts:
            parts.append(text[previous:cut])
            previous = resume
        parts.append(text[previous:])
        return DISPLAY_BREAK.join(parts)

    @property
    def qt_length(self) -> int:
        return self.to_qt(self.length)

    def to_qt(self, cp: int) -> int:
        """Qt position of code point index ``cp`` (0 <= cp <= length); before an inserted separator."""
        return cp + self.totals[bisect_left(self.shifts, cp)]

    def to_cp(self, qt: int) -> int:
        """The last code point index at or before Qt position ``qt``.

        Inside a surrogate pair this rounds down to the start of the character; either
        side of an inserted separator is the code point after it.
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
        if self.to_qt(end) < qt_end and not self._after_insert(end, qt_end):
            end += 1
        return start, end

    def _after_insert(self, cp: int, qt: int) -> bool:
        """``qt`` is just after the separator inserted before code point ``cp``."""
        inserted = self.inserted
        if not inserted:
            return False
        i = bisect_left(inserted, cp)
        return i < len(inserted) and inserted[i] == cp and self.to_qt(cp) + 1 == qt

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


def _cuts(text: str, natural: list[int], max_block: int) -> tuple[list[int], list[int]]:
    """Where paragraphs longer than ``max_block`` code points are cut: spaces that become
    separators, and code points before which one is inserted (no space in reach)."""
    spaces: list[int] = []
    inserted: list[int] = []
    starts = [0, *natural]
    ends = [cp - (2 if text[cp - 2 : cp] == "\r\n" else 1) for cp in natural] + [len(text)]
    for start, end in zip(starts, ends):
        while end - start > max_block:
            limit = start + max_block
            space = text.rfind(" ", start + 1, limit + 1)  # the block keeps at most max_block characters
            if space > start:
                spaces.append(space)
                start = space + 1
            else:
                cut = _cut_point(text, limit, start)
                inserted.append(cut)
                start = cut
    return spaces, inserted
