"""The training's child process (no Qt here: the spawned child imports only this and spaCy).

spaCy's training holds the GIL for most of a step, so in a thread of the window it would stall
the event loop; in a child process it cannot. The child sends plain tuples through a
multiprocessing Queue: ("progress", TrainingProgress) per step, then one of ("done", summary),
("cancelled", message) or ("error", message).
"""

from __future__ import annotations

import os
import signal
from pathlib import Path

NICENESS = 10  # the window's process comes first on a busy machine: training is background work


def train_in_child(db: str, annotator: str, out_dir: str, options, queue, cancel) -> None:
    """The child's target: train, report, and say how it ended (never raise: the parent reads the queue)."""
    from annotator.training.errors import TrainingError
    from annotator.training.run import TrainingCancelled, train_database

    signal.signal(signal.SIGTERM, _interrupt)  # terminate(): unwind, so the staging folder is removed
    if hasattr(os, "nice"):  # POSIX; Windows has no nice and runs it at normal priority
        os.nice(NICENESS)
    try:
        result = train_database(Path(db), annotator, Path(out_dir), options,
                                progress=lambda record: queue.put(("progress", record)), cancel=cancel)
    except TrainingCancelled as error:
        queue.put(("cancelled", str(error)))
    except TrainingError as error:
        queue.put(("error", str(error)))
    except KeyboardInterrupt:
        queue.put(("cancelled", "stopped; nothing was written"))
    except Exception as error:  # noqa: BLE001 - any failure is the user's to read, not a dead child
        queue.put(("error", f"training failed ({type(error).__name__}: {error}); nothing was written"))
    else:
        queue.put(("done", summary(result)))


def summary(result) -> dict:
    """What the window shows of a TrainResult, in plain picklable values."""
    corpus = result.corpus
    return {"out_dir": str(result.out_dir), "scores": result.scores, "best_step": result.best_step, "steps": result.steps,
            "documents": dict(corpus.documents), "counts": {label: dict(c) for label, c in corpus.counts.items()},
            "warnings": list(result.warnings)}


def _interrupt(_signum, _frame) -> None:
    raise KeyboardInterrupt
