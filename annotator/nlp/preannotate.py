"""Pre-annotation: run a spaCy pipeline over documents and store its entities as suggestions.

Headless, so the CLI verb and the GUI's background worker share it. Work goes in batches
of documents; each batch is committed on its own, so a cancel (or a kill) between batches
leaves every document either fully suggested or untouched, and a re-run completes the rest
without duplicates (the store refuses anything already there or already decided).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from annotator.core.model import Source, Span, State, Status
from annotator.nlp.entities import Found, entities
from annotator.nlp.pipeline import Pipeline, load_pipeline

Progress = Callable[[int, int], None]

BATCH_DOCUMENTS = 16  # about 8,000 words of news: a second or two per commit and cancel check
BATCH_CHARS = 100_000  # fewer documents per batch when they are long
CHUNK_CHARS = 100_000  # far below nlp.max_length; NER memory grows with the piece's length


@dataclass
class PreannotateSummary:
    model: str = ""
    documents: int = 0  # documents processed and committed
    total: int = 0  # documents selected
    entities: int = 0  # spans the model proposed (after resolution)
    stored: int = 0
    duplicates: int = 0  # already stored at the same place with the same label (a re-run)
    overlaps_decided: int = 0  # overlap a human or accepted span
    rejected: int = 0  # rejected before at the same place
    overlaps_suggestion: int = 0  # overlap another pending suggestion
    misaligned: int = 0  # model spans off the text or edged with whitespace: trimmed or dropped
    overlapping: int = 0  # model spans overlapping each other: the shorter dropped
    cancelled: bool = False

    def line(self) -> str:
        head = f"pre-annotated {self.documents}/{self.total} document(s) with {self.model}"
        if self.cancelled:
            head += " (cancelled)"
        return (
            f"{head}: {self.stored} suggestion(s) stored of {self.entities} found; skipped: "
            f"{self.duplicates} already stored, {self.overlaps_decided} over human/accepted spans, "
            f"{self.rejected} rejected before, {self.overlaps_suggestion} over other suggestions; "
            f"model spans resolved: {self.misaligned} misaligned, {self.overlapping} overlapping"
        )


def preannotate(
    store,
    pipeline: Pipeline | str | Path | None = None,
    *,
    status: Status | str | None = Status.NEW,
    doc_ids: Iterable[int] | None = None,
    processes: int = 1,
    batch_documents: int = BATCH_DOCUMENTS,
    chunk_chars: int | None = None,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> PreannotateSummary:
    """Suggest the pipeline's entities for ``doc_ids`` (default: every document with ``status``).

    ``pipeline`` is a loaded Pipeline (reuse it across runs) or a model spec to load
    (raises NoModelError). Safe to call from a worker thread: it opens its own short
    sessions, calls ``progress(done, total)`` after each committed batch and stops at the
    next batch boundary once ``cancelled()`` is true.
    """
    if not isinstance(pipeline, Pipeline):
        pipeline = load_pipeline(pipeline)
    ids = list(doc_ids) if doc_ids is not None else store.document_ids(status)
    summary = PreannotateSummary(model=pipeline.spec, total=len(ids))
    limit = min(chunk_chars or CHUNK_CHARS, pipeline.nlp.max_length)
    results = _results(pipeline, _batches(store, ids, batch_documents, BATCH_CHARS), limit, processes if len(ids) > batch_documents else 1)
    try:
        while not (cancelled and cancelled()):  # checked before each batch's work, not after
            found = next(results, None)
            if found is None:
                return summary
            _store_batch(store, found, summary, pipeline.provenance)
            if progress:
                progress(summary.documents, summary.total)
        summary.cancelled = True
        return summary
    finally:
        results.close()  # stops worker processes, also after a cancel or an error


def _batches(store, ids: list[int], count: int, chars: int) -> Iterator[list[tuple[int, str]]]:
    """``(id, text)`` batches of at most ``count`` documents and, unless one text is longer, ``chars`` characters.

    Texts are read a batch at a time; the character cap keeps cancel and progress prompt
    when documents are long.
    """
    for i in range(0, len(ids), count):
        batch: list[tuple[int, str]] = []
        size = 0
        for doc_id, text in store.texts(ids[i : i + count]):
            if batch and size + len(text) > chars:
                yield batch
                batch, size = [], 0
            batch.append((doc_id, text))
            size += len(text)
        if batch:
            yield batch


def _results(pipeline: Pipeline, batches: Iterator[list[tuple[int, str]]], limit: int, processes: int) -> Iterator[list[Found]]:
    if processes > 1:
        from annotator.nlp.parallel import entities_in_processes

        return entities_in_processes(pipeline, batches, limit, processes)
    return (entities(pipeline.nlp, batch, limit) for batch in batches)


def _store_batch(store, found: list[Found], summary: PreannotateSummary, provenance: str) -> None:
    items = [(doc_id, [Span(s, e, label, Source.MODEL, State.SUGGESTED, provenance=provenance) for s, e, label in spans])
             for doc_id, spans, _, _ in found]
    result = store.add_suggestions(items)
    summary.documents += len(found)
    summary.entities += sum(len(spans) for _, spans, _, _ in found)
    summary.misaligned += sum(m for _, _, m, _ in found)
    summary.overlapping += sum(o for _, _, _, o in found)
    summary.stored += result.stored
    for name in ("duplicates", "overlaps_decided", "rejected", "overlaps_suggestion"):
        setattr(summary, name, getattr(summary, name) + getattr(result, name))
