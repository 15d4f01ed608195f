"""Learned string matches: a span the user tagged or accepted becomes suggestions elsewhere.

The database finds the documents that contain the phrase (SQLite ``instr``), ``str.find``
finds it inside them, and the tokenizer keeps only token-aligned hits (so "Putin" does not
match inside "Putinism"). No model is needed: the tokenizer is spaCy's rule-based one.
The caller decides whether to call this at all (the "learn from my spans" setting).
"""

from __future__ import annotations

from annotator.core.model import Source, Span, State
from annotator.nlp.tokens import Tokens


def propagate(store, label: str, phrase: str, exclude: tuple[int, int, int] | None = None):
    """Suggest ``phrase`` as ``label`` (source pattern) wherever it occurs token-aligned.

    ``exclude`` is the ``(doc_id, start, end)`` the user just tagged. Occurrences that
    overlap a human or accepted span, repeat a rejected suggestion or an existing span,
    or overlap another suggestion are skipped by the store. Returns its SuggestionResult:
    ``.stored``, ``.ids`` (for undo) and ``.documents`` (views to refresh).
    Call it from a worker thread on large databases: it reads every matching text.
    """
    items = [(doc_id, spans) for doc_id, text in _candidates(store, phrase) if (spans := matches(text, phrase, label, doc_id, exclude))]
    return store.add_suggestions(items)


def matches(text: str, phrase: str, label: str, doc_id: int | None = None, exclude: tuple[int, int, int] | None = None) -> list[Span]:
    """Token-aligned, non-overlapping occurrences of ``phrase`` in ``text`` as pattern suggestions."""
    spans = []
    start = text.find(phrase) if phrase else -1
    while start != -1:
        end = start + len(phrase)
        if not aligned(text, start, end):
            start = text.find(phrase, start + 1)
            continue
        if exclude is None or (doc_id, start, end) != tuple(exclude):
            spans.append(Span(start, end, label, Source.PATTERN, State.SUGGESTED))
        start = text.find(phrase, end)
    return spans


def _candidates(store, phrase: str) -> list[tuple[int, str]]:
    if not phrase or phrase != phrase.strip():
        return []  # a span edged with whitespace is not a phrase to learn
    return store.texts_containing(phrase)


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
