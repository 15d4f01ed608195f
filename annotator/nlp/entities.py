"""A pipeline's entities for a batch of texts, as plain offsets: the work of one pre-annotation batch.

Shared by the in-process path (annotator.nlp.preannotate) and the worker processes
(annotator.nlp.parallel); both import it, neither imports the other's module for it.
"""

from __future__ import annotations

from annotator.nlp.chunks import chunks
from annotator.nlp.resolve import resolve

# Raw entities of one document: (doc_id, [(start, end, label)], misaligned, overlapping).
Found = tuple[int, list[tuple[int, int, str]], int, int]


def entities(nlp, texts: list[tuple[int, str]], limit: int) -> list[Found]:
    """Run ``nlp`` over ``(doc_id, text)`` pairs, cutting texts longer than ``limit``; resolve spans."""
    pieces = ((piece, (doc_id, offset)) for doc_id, text in texts for offset, piece in chunks(text, limit))
    raw: dict[int, list[tuple[int, int, str]]] = {doc_id: [] for doc_id, _ in texts}
    for doc, (doc_id, offset) in nlp.pipe(pieces, as_tuples=True, batch_size=len(texts) or 1):
        raw[doc_id].extend((offset + e.start_char, offset + e.end_char, e.label_) for e in doc.ents)
    found = []
    for doc_id, text in texts:
        resolved = resolve(text, raw[doc_id])
        found.append((doc_id, resolved.spans, resolved.misaligned, resolved.overlapping))
    return found
