"""The one sentence segmentation of the annotator (index, window, export, split).

Rules, deterministic and independent of spaCy (so indexing costs no model load):
- a line break (\\n, \\r, U+2028, U+2029) always ends a sentence: headlines and
  paragraphs of news files are lines;
- inside a line, a sentence ends after ``. ! ? …`` (Arabic ``؟ ۔``, Devanagari ``। ॥``; runs of
  them), with any closing
  quotes or brackets, followed by white space, unless the next character is a lower-case
  letter or the word before a period is an abbreviation (a single letter as in "U.S.",
  a word with an inner period, or one of ABBREVIATIONS);
- CJK full stops (``。！？``) end a sentence with or without white space after them;
- white space around a sentence is not part of it; a piece longer than MAX_CHARS is cut
  at its last white space before the limit (else at the limit, never inside a
  combining sequence), which bounds every later per-sentence cost.
"""

from __future__ import annotations

import re
import unicodedata

MAX_CHARS = 1000

ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof sen rep gov gen col lt sgt capt cmdr adm st jr sr inc corp ltd co bros vs no nos vol"
    " jan feb mar apr jun jul aug sep sept oct nov dec mt ft fig approx dept est univ rev hon pres".split()
)

_LINES = re.compile(r"[^\n\r\u2028\u2029]+")
_END = re.compile(r"(?:[.!?\u2026\u203c\u2047-\u2049\u061f\u06d4\u0964\u0965]+[\"'\u2019\u201d\u00bb)\]]*\s+)|(?:[\u3002\uff01\uff1f]+[\"'\u300d\u300f\uff09)\]]*\s*)")
_CLOSERS = "\"'\u2019\u201d\u00bb)]"
_OPENERS = "\"'\u2018\u201c\u00ab([{"
_JOINERS = {"\u200d", "\ufe0f", "\ufe0e"}


def sentence_spans(text: str, max_chars: int = MAX_CHARS) -> list[tuple[int, int]]:
    """(start, end) of every sentence of ``text``, in order: code points, end exclusive."""
    spans: list[tuple[int, int]] = []
    for line in _LINES.finditer(text):
        start = line.start()
        for end_mark in _END.finditer(text, line.start(), line.end()):
            if _continues(text, end_mark):
                continue
            _add(text, start, end_mark.end(), max_chars, spans)
            start = end_mark.end()
        _add(text, start, line.end(), max_chars, spans)
    return spans


def _continues(text: str, mark: re.Match) -> bool:
    """A period that does not end the sentence: lower-case next, or an abbreviation before."""
    after = mark.end()
    if after < len(text) and text[after].islower():
        return True
    stop = mark.group(0).rstrip()
    if not stop.startswith(".") or len(stop.rstrip(_CLOSERS)) != 1:
        return False  # "!", "?", "..." or a CJK stop
    before = text[max(0, mark.start() - 40):mark.start()].rsplit(None, 1)
    word = before[-1].lstrip(_OPENERS) if before else ""
    return len(word) == 1 or "." in word or word.casefold() in ABBREVIATIONS


def _add(text: str, start: int, end: int, max_chars: int, spans: list[tuple[int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    while end - start > max_chars:
        cut = _cut_point(text, start, start + max_chars)
        spans.append((start, cut))
        start = cut
        while start < end and text[start].isspace():
            start += 1
    if start < end:
        spans.append((start, end))


def _cut_point(text: str, start: int, limit: int) -> int:
    """Where a too-long piece ends: before its last white space within the limit, else at the
    limit moved back out of a combining or emoji sequence."""
    for at in range(limit, start, -1):  # at most max_chars steps
        if text[at].isspace():
            while text[at - 1].isspace():  # start is not white space, so this stops after it
                at -= 1
            return at
    cut = limit
    while cut > start + 1 and (unicodedata.combining(text[cut]) or text[cut] in _JOINERS or text[cut - 1] in _JOINERS):
        cut -= 1
    return cut
