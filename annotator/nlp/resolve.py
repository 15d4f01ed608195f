"""Turning a model's raw entity offsets into spans safe to store, counting what was fixed."""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field


@dataclass
class Resolved:
    spans: list[tuple[int, int, str]] = field(default_factory=list)
    misaligned: int = 0  # off the text, empty, or edged with whitespace (trimmed or dropped)
    overlapping: int = 0  # dropped because a longer (or earlier) span covers part of them


def resolve(text: str, raw: list[tuple[int, int, str]]) -> Resolved:
    """Keep only spans inside the text with no whitespace at their edges, none overlapping.

    Overlaps keep the longest span, then the earliest, then the first given (as ``filter_spans``).
    """
    out = Resolved()
    trimmed = []
    for start, end, label in raw:
        fixed = _trim(text, start, end)
        if fixed != (start, end):
            out.misaligned += 1
        if fixed is not None:
            trimmed.append((*fixed, label))
    out.spans = sorted(trimmed)
    if any(a[1] > b[0] for a, b in zip(out.spans, out.spans[1:])):
        out.spans = _without_overlaps(trimmed)
        out.overlapping = len(trimmed) - len(out.spans)
    return out


def _without_overlaps(spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    taken: list[tuple[int, int, str]] = []  # sorted, disjoint: only neighbours can clash
    for span in sorted(spans, key=lambda s: (s[0] - s[1], s[0])):
        i = bisect_left(taken, span)
        if (i > 0 and taken[i - 1][1] > span[0]) or (i < len(taken) and taken[i][0] < span[1]):
            continue
        taken.insert(i, span)
    return taken


def _trim(text: str, start: int, end: int) -> tuple[int, int] | None:
    if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text)):
        return None
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if start < end else None
