"""spaCy Docs of stored documents, for the token-based formats (Prodigy tokens, DocBin, CoNLL).

Tokens come from spaCy's rule-based English tokenizer (no trained pipeline needed), except
for documents imported from CoNLL: their text is the file's tokens joined by spaces, one
sentence a line, so those tokens and sentences are rebuilt exactly and a re-export gives the
same file.
"""

from __future__ import annotations

from functools import lru_cache

from annotator.core.model import Document, Span

PRETOKENIZED = "conll"  # value of meta["tokenized"] for documents whose text is tokens and lines


@lru_cache(maxsize=1)
def blank_english():
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp


def spacy_doc(document: Document, sentences: bool = False):
    """A tokenized Doc of the document's text (sentence boundaries set when asked)."""
    nlp = blank_english()
    if document.meta.get("tokenized") == PRETOKENIZED and _is_token_lines(document.text):
        return _doc_from_lines(nlp.vocab, document.text)
    doc = nlp.make_doc(document.text)
    return nlp.get_pipe("sentencizer")(doc) if sentences else doc


def _is_token_lines(text: str) -> bool:
    return all(word for line in text.split("\n") for word in line.split(" "))


def _doc_from_lines(vocab, text: str):
    """One token per space-separated word, one sentence per line; ``doc.text == text``."""
    from spacy.tokens import Doc

    words: list[str] = []
    spaces: list[bool] = []
    starts: list[bool] = []
    for i, line in enumerate(text.split("\n")):
        if i:
            words.append("\n")
            spaces.append(False)
            starts.append(False)
        line_words = line.split(" ")
        words += line_words
        spaces += [True] * (len(line_words) - 1) + [False]
        starts += [True] + [False] * (len(line_words) - 1)
    return Doc(vocab, words=words, spaces=spaces, sent_starts=starts)


def aligned(doc, span: Span):
    """The spaCy span for ``span`` when both ends fall on token boundaries, else None."""
    return doc.char_span(span.start, span.end, label=span.label, alignment_mode="strict")


def placed_on_tokens(doc, sdoc, spans: list[Span], log) -> list[tuple[Span, object]]:
    """Each span with its spaCy span; a span off token boundaries is reported to ``log``, not kept."""
    from annotator.formats.records import describe

    placed = []
    for span in spans:
        found = aligned(sdoc, span)
        if found is None:
            log.lost(doc, f"{describe(doc.text, span)} does not fall on token boundaries; not exported")
        else:
            placed.append((span, found))
    return placed


def non_overlapping(spans: list, key=lambda s: (s.start_char, s.end_char)) -> tuple[list, list]:
    """(kept, left out): the first of overlapping spans in text order wins, longer first at one start."""
    kept, left_out, reach = [], [], -1
    for span in sorted(spans, key=lambda s: (key(s)[0], -key(s)[1])):
        start, end = key(span)
        if start < reach:
            left_out.append(span)
        else:
            kept.append(span)
            reach = end
    return kept, left_out
