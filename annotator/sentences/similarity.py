"""How alike two sentences are, and where a place in one falls in the other (rapidfuzz).

similarity(): the Indel (insert/delete) similarity of the two normalized texts,
1 - distance / (len(a) + len(b)), rapidfuzz's ``fuzz.ratio`` / 100. A word swapped or a
short clause added keeps it high; unrelated sentences with shared phrases stay low.
map_span(): a span's offsets carried from one sentence into its copy through a character
alignment (Levenshtein opcodes), so edits elsewhere in the copy don't shift it.
"""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz.distance import Indel, Levenshtein


def similarity(a: str, b: str) -> float:
    return float(Indel.normalized_similarity(a, b))


@dataclass(frozen=True)
class MappedSpan:
    start: int
    end: int
    same_text: bool  # the copy holds the same characters at the mapped place


def map_span(source: str, target: str, start: int, end: int) -> MappedSpan | None:
    """``source[start:end]`` carried to ``target`` (offsets within the two strings).

    None when the span falls wholly inside text the copy deleted. Boundaries inside a
    replaced stretch go to that stretch's edges, so "Russia" over "Russian Federation"
    maps to the whole replacement (and same_text is False).
    """
    new_start = new_end = None
    for tag, s1, s2, d1, d2 in Levenshtein.opcodes(source, target):
        if new_start is None and s1 <= start < s2:
            new_start = d1 + (start - s1) if tag == "equal" else d1
        if new_start is not None and s1 < end <= s2:
            new_end = d1 + (end - s1) if tag == "equal" else d2
            break
    if new_start is None or new_end is None or new_end <= new_start:
        return None
    return MappedSpan(new_start, new_end, target[new_start:new_end] == source[start:end])
