"""Cutting long texts into pieces a pipeline accepts, at paragraph boundaries."""

from __future__ import annotations

from collections.abc import Iterator

# Cut after the last of these inside the limit, trying them in order of preference.
SEPARATORS = ("\n\n", "\n", " ", "\t")


def chunks(text: str, limit: int) -> Iterator[tuple[int, str]]:
    """Yield ``(offset, piece)`` with ``text[offset:offset + len(piece)] == piece``.

    Pieces are at most ``limit`` code points, cover the text without gaps, and end after a
    blank line where possible, else after a newline, else after a space; a text with no
    break inside the limit is cut hard (rare: one "word" of ``limit`` characters).
    """
    if limit < 1:
        raise ValueError(f"chunk limit must be positive, got {limit}")
    start = 0
    while len(text) - start > limit:
        end = _cut(text, start, start + limit)
        yield start, text[start:end]
        start = end
    if start < len(text) or not text:
        yield start, text[start:]


def _cut(text: str, start: int, stop: int) -> int:
    for sep in SEPARATORS:
        i = text.rfind(sep, start, stop)
        if i > start:
            return i + len(sep)
    return stop
