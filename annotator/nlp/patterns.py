"""Learned string matches: a span the user tagged or accepted becomes suggestions elsewhere.

The database finds the documents that contain the phrase (SQLite ``instr``), ``str.find``
finds it inside them, and the tokenizer keeps only token-aligned hits (so "Putin" does not
match inside "Putinism"). No model is needed: the tokenizer is spaCy's rule-based one.
The caller decides whether to call this at all (the "learn from my spans" setting).

Costs grow with the text searched and the matches found, never with their product: texts
are read a batch at a time, each whitespace-free run around a match is tokenized once
(a text without spaces is one run, however many matches it holds), and the store decides
and writes the suggestions without holding the write lock while it decides (see
annotator.store.suggestions).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable

from annotator.core.model import Source, Span, State
from annotator.nlp.tokens import Tokens


def propagate(store, label: str, phrase: str, exclude: tuple[int, int, int] | None = None, cancelled: Callable[[], bool] | None = None):
    """Suggest ``phrase`` as ``label`` (source pattern) wherever it occurs token-aligned.

    ``exclude`` is the ``(doc_id, start, end)`` the user just tagged. Occurrences that
    overlap a human or accepted span, repeat a rejected suggestion or an existing span,
    or overlap another suggestion are skipped by the store. Returns its SuggestionResult:
    ``.stored``, ``.ids`` (for undo) and ``.documents`` (views to refresh).
    Call it from a worker thread on large databases: it reads every matching text, a batch
    at a time, each batch's suggestions written before the next is read. ``cancelled()`` is
    checked between batches and writes; the result then holds what was stored until then.
    """
    from annotator.store.suggestion_rules import SuggestionResult

    result = SuggestionResult()
    if not phrase or phrase != phrase.strip():
        return result  # a span edged with whitespace is not a phrase to learn
    for batch in store.texts_matching(phrase):
        if cancelled and cancelled():
            break
        items = [(doc_id, spans) for doc_id, text in batch if (spans := matches(text, phrase, label, doc_id, exclude))]
        if items:
            result.absorb(store.add_suggestions(items, cancelled))
    return result


def matches(text: str, phrase: str, label: str, doc_id: int | None = None, exclude: tuple[int, int, int] | None = None) -> list[Span]:
    """Token-aligned, non-overlapping occurrences of ``phrase`` in ``text`` as pattern suggestions."""
    spans = []
    is_aligned = _Runs(text).aligned if phrase and phrase == phrase.strip() else (lambda s, e: aligned(text, s, e))
    start = text.find(phrase) if phrase else -1
    while start != -1:
        end = start + len(phrase)
        if not is_aligned(start, end):
            start = text.find(phrase, start + 1)
            continue
        if exclude is None or (doc_id, start, end) != tuple(exclude):
            spans.append(Span(start, end, label, Source.PATTERN, State.SUGGESTED))
        start = text.find(phrase, end)
    return spans


def aligned(text: str, start: int, end: int) -> bool:
    """Whether ``[start, end)`` falls on token boundaries of ``text``, tokenizing only around it.

    spaCy's tokenizer cuts at whitespace first and treats each non-space run on its own,
    so the runs that hold ``start`` and ``end`` decide; a whole article need not be tokenized.
    """
    left, right = start, end
    while left > 0 and not text[left - 1].isspace():
        left -= 1
    while right < len(text) and not text[right].isspace():
        right += 1
    return Tokens.of(text[left:right]).index_span(start - left, end - left) is not None


class _Runs:
    """``aligned`` for many matches in one text, in increasing order of start: each run of
    non-space characters that holds a match's first or last character is found and tokenized
    once, and kept while later matches may still fall in it (they start further on)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.kept: list[tuple[int, int, Tokens]] = []  # (start, end, tokens) of runs, relative offsets

    def aligned(self, start: int, end: int) -> bool:
        """For a match with no whitespace at its edges: ``start`` begins a token, ``end`` ends one."""
        self.kept = [run for run in self.kept if run[1] > start]  # runs behind every later match
        left, _, tokens = self._run(start)
        if not _holds(tokens.starts, start - left):
            return False
        left, _, tokens = self._run(end - 1)
        return _holds(tokens.ends, end - left)

    def _run(self, pos: int) -> tuple[int, int, Tokens]:
        for run in self.kept:
            if run[0] <= pos < run[1]:
                return run
        text, left, right = self.text, pos, pos + 1
        while left > 0 and not text[left - 1].isspace():
            left -= 1
        while right < len(text) and not text[right].isspace():
            right += 1
        run = (left, right, Tokens.of(text[left:right]))
        self.kept.append(run)
        return run


def _holds(values: tuple[int, ...], value: int) -> bool:
    i = bisect_left(values, value)
    return i < len(values) and values[i] == value
