"""Pre-annotation in worker processes: texts go out, only entity offsets come back.

spaCy's own ``nlp.pipe(n_process=...)`` sends whole serialized Docs back to the parent;
returning ``(start, end, label)`` tuples keeps the parent free for the database writes.
"""

from __future__ import annotations

import multiprocessing
import threading
from collections import deque
from collections.abc import Iterator

from annotator.nlp.entities import entities
from annotator.nlp.pipeline import Pipeline, load_pipeline

_NLP = None  # the worker's pipeline: inherited on fork, loaded by the first task on spawn


def entities_in_processes(pipeline: Pipeline, batches: Iterator[list[tuple[int, str]]], limit: int, processes: int) -> Iterator[list]:
    """Yield each batch's entities in batch order; a few batches are in flight at a time."""
    global _NLP
    context = _context()
    _NLP = pipeline.nlp if context.get_start_method() == "fork" else None
    with context.Pool(processes) as pool:
        pending: deque = deque()

        def submit() -> None:
            batch = next(batches, None)  # texts are read by the parent: workers never open the database
            if batch is not None:
                pending.append(pool.apply_async(_work, (pipeline.spec, batch, limit)))

        for _ in range(2 * processes):
            submit()
        while pending:
            found = pending.popleft().get()
            submit()
            yield found
    # leaving the with block (also on close() after a cancel) terminates the workers


def _context():
    # Fork is fast (the loaded model is shared) but unsafe once other threads run (the GUI's
    # worker thread, Qt's threads): then spawn, which loads the model in each worker.
    if "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def _work(spec: str, texts: list[tuple[int, str]], limit: int) -> list:
    # Loading here, not in a Pool initializer: a failure there makes the pool respawn
    # workers forever, while a task's exception reaches the parent through get().
    global _NLP
    if _NLP is None:
        _NLP = load_pipeline(spec).nlp
    return entities(_NLP, texts, limit)
