"""Training through spaCy's Python API: ``init_nlp`` then ``spacy.training.loop.train``.

Everything is written into a staging folder beside OUT_DIR and renamed to OUT_DIR at the end
(as transfer.splitting does): an error, a cancel or Ctrl+C leaves no OUT_DIR. OUT_DIR is then
the best pipeline (``spacy.load(OUT_DIR)``, ``preannotate --model OUT_DIR``) with ``corpus/``
(the DocBins and the split manifest) beside its components, and a meta.json whose
``annotator`` entry names the database, the manifest, the labels, the scores and the base.

For a window or a child process: ``train_database`` takes only picklable arguments, reports
TrainingProgress records (plain, picklable) to ``progress``, and stops at the next step once
``cancel`` (a callable, or anything with ``is_set()``: threading or multiprocessing Event) says so.
"""

from __future__ import annotations

import contextvars
import io
import json
import os
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from annotator.formats.partials import partial_name, remove_stale_partials
from annotator.paths import user_data_dir
from annotator.training.config import BLANK, training_config
from annotator.training.errors import TrainingError

if TYPE_CHECKING:  # the store and the split load SQLAlchemy: imported when a database is trained on, not by train_files
    from annotator.store.service import Store
    from annotator.training.datasets import Corpus

PROGRESS_LOGGER = "annotator.progress.v1"
CORPUS = "corpus"
META_KEY = "annotator"


class TrainingCancelled(TrainingError):
    """The run was cancelled; OUT_DIR was not written."""


@dataclass(frozen=True)
class TrainOptions:
    base: str = BLANK
    labels: tuple[str, ...] | None = None
    statuses: tuple[str, ...] | None = None
    max_steps: int | None = None
    seed: int = 0


@dataclass(frozen=True)
class TrainingProgress:
    """One record per training step (scores on the steps that evaluated the dev set)."""

    stage: str  # "preparing", "initializing", "training", "saving"
    step: int = 0
    max_steps: int = 0
    loss: float | None = None  # NER loss summed since the previous evaluation
    precision: float | None = None  # dev figures, 0..1, at this step's evaluation
    recall: float | None = None
    f1: float | None = None
    best_f1: float | None = None


@dataclass
class TrainResult:
    out_dir: Path
    scores: dict  # overall and per label on dev at the best step (meta.json's annotator.scores)
    best_step: int
    steps: int
    corpus: Corpus
    warnings: list[str] = field(default_factory=list)


Progress = Callable[[TrainingProgress], None]


def default_out_dir() -> Path:
    """A new folder per run in the user data folder: models/<date-time> (-2, -3... within one second)."""
    base = user_data_dir() / "models" / time.strftime("%Y%m%d-%H%M%S")
    return next(path for n in range(1, 1000) if not (path := base.with_name(base.name + (f"-{n}" if n > 1 else ""))).exists())


def train_database(db: Path, annotator: str, out_dir: Path | None, options: TrainOptions,
                   progress: Progress | None = None, cancel=None) -> TrainResult:
    """``train`` on the database file ``db`` as ``annotator`` (for a child process)."""
    from annotator.store.service import Store

    with Store(db, annotator=annotator) as store:
        return train(store, out_dir, options, progress, cancel)


def train(store: Store, out_dir: Path | None, options: TrainOptions = TrainOptions(),
          progress: Progress | None = None, cancel=None) -> TrainResult:
    """Split, write the DocBins, train, and leave the best pipeline in OUT_DIR (see the module docstring)."""
    from annotator.training.datasets import prepare

    if out_dir is None:
        out_dir = default_out_dir()
        out_dir.parent.mkdir(parents=True, exist_ok=True)
    report, cancelled = progress or (lambda record: None), _cancel_check(cancel)
    config = training_config(options.base, max_steps=options.max_steps, seed=options.seed)  # refuses a missing base first
    with staged(Path(out_dir)) as staging:
        report(TrainingProgress("preparing"))
        corpus = prepare(store, staging / CORPUS, labels=list(options.labels) if options.labels else None,
                         statuses=options.statuses, seed=options.seed, cancelled=cancelled)
        if cancelled():
            raise TrainingCancelled("cancelled; nothing was written")
        fitted = fit(config, corpus.path("train"), corpus.path("dev"), staging, report, cancelled)
        scores = _scores(fitted.meta, corpus.labels)
        report(TrainingProgress("saving", fitted.steps, fitted.max_steps, best_f1=scores["f1"]))
        _write_meta(staging, fitted.meta, _our_meta(store, corpus, options, scores, fitted))
        final = Path(out_dir).resolve() / CORPUS
        _final_config(staging, final / "train.spacy", final / "dev.spacy")
    return TrainResult(Path(out_dir), scores, fitted.best_step, fitted.steps, corpus, corpus.warnings)


def train_files(config_path: Path, train_path: Path, dev_path: Path, out_dir: Path,
                progress: Progress | None = None, cancel=None) -> Fitted:
    """Train on a given DocBin pair with a given config file, as ``spacy train`` does, into a
    staged OUT_DIR (no database, no split: what bench/bench_train.py compares with spacy train)."""
    from spacy.util import load_config

    config = load_config(config_path, interpolate=False)
    with staged(Path(out_dir)) as staging:
        fitted = fit(config, train_path, dev_path, staging, progress or (lambda record: None), _cancel_check(cancel))
        _final_config(staging, Path(train_path).resolve(), Path(dev_path).resolve())
    return fitted


@dataclass
class Fitted:
    meta: dict  # spaCy's meta.json of the best pipeline
    steps: int
    max_steps: int
    best_step: int


def fit(config, train_path: Path, dev_path: Path, folder: Path, report: Progress, cancelled: Callable[[], bool]) -> Fitted:
    """Train with ``config`` on the two DocBins; the best pipeline's files land in ``folder``."""
    from spacy.training.initialize import init_nlp
    from spacy.training.loop import train as spacy_train

    config = config.copy()
    config["paths"]["train"], config["paths"]["dev"] = str(train_path), str(dev_path)
    report(TrainingProgress("initializing"))
    nlp = init_nlp(config)
    steps = _Steps(nlp.config["training"]["max_steps"], report, cancelled)
    _use_logger(nlp, {"@loggers": PROGRESS_LOGGER})
    work = folder / ".training"
    work.mkdir()  # as spacy train makes its output folder
    token = _STEP.set(steps)
    try:
        spacy_train(nlp, work, stdout=io.StringIO(), stderr=io.StringIO())
    finally:
        _STEP.reset(token)
    for entry in os.scandir(work / "model-best"):
        os.rename(entry.path, folder / entry.name)
    shutil.rmtree(work)
    with open(folder / "meta.json", encoding="utf-8") as handle:
        meta = json.load(handle)
    return Fitted(meta, steps.step, steps.max_steps, steps.best_step)


# -- progress: a spaCy logger that calls back ---------------------------------------------


class _Steps:
    """Counts the steps, turns spaCy's step info into TrainingProgress, and cancels."""

    def __init__(self, max_steps: int, report: Progress, cancelled: Callable[[], bool]) -> None:
        self.max_steps, self.report, self.cancelled = max_steps, report, cancelled
        self.step, self.best_step, self.best_f1 = 0, 0, None

    def __call__(self, info: dict | None) -> None:
        """spaCy calls its logger after every step: ``info`` on evaluated steps, else None."""
        if info is None:
            self.step += 1
            self.report(TrainingProgress("training", self.step, self.max_steps, best_f1=self.best_f1))
        else:
            self.step = info["step"]
            scores = info["other_scores"]
            f1 = scores.get("ents_f") or 0.0
            if self.best_f1 is None or f1 > self.best_f1:
                self.best_f1, self.best_step = f1, self.step
            loss = info["losses"].get("ner")  # a numpy float: plain floats pickle anywhere
            self.report(TrainingProgress("training", self.step, self.max_steps, None if loss is None else float(loss),
                                         float(scores.get("ents_p") or 0.0), float(scores.get("ents_r") or 0.0), float(f1), float(self.best_f1)))
        if self.cancelled():
            raise TrainingCancelled("cancelled; nothing was written")


_STEP: contextvars.ContextVar[_Steps] = contextvars.ContextVar("annotator_training_steps")


def _progress_logger():
    """spaCy's logger protocol: ``setup(nlp, stdout, stderr) -> (log_step, finalize)``."""
    def setup(nlp, stdout, stderr):
        return _STEP.get(), lambda: None

    return setup


def _register_logger() -> None:
    from spacy import registry

    if PROGRESS_LOGGER not in registry.loggers.get_all():
        registry.loggers.register(PROGRESS_LOGGER, func=_progress_logger)


def _use_logger(nlp, logger: dict) -> None:
    _register_logger()
    config = nlp.config
    config["training"]["logger"] = logger
    nlp.config = config


def _cancel_check(cancel) -> Callable[[], bool]:
    if cancel is None:
        return lambda: False
    return cancel.is_set if hasattr(cancel, "is_set") else cancel


# -- the saved pipeline ---------------------------------------------------------------------


def _scores(meta: dict, labels: list[str]) -> dict:
    """Dev precision, recall and F1 at the best step, overall and per label (0..1)."""
    perf = meta.get("performance") or {}
    per_type = perf.get("ents_per_type") or {}
    empty = {"p": 0.0, "r": 0.0, "f": 0.0}
    return {"precision": perf.get("ents_p") or 0.0, "recall": perf.get("ents_r") or 0.0, "f1": perf.get("ents_f") or 0.0,
            "per_label": {label: _prf(per_type.get(label, empty)) for label in sorted(set(labels) | set(per_type))}}


def _prf(figures: dict) -> dict:
    return {"precision": figures["p"], "recall": figures["r"], "f1": figures["f"]}


def _our_meta(store: Store, corpus: Corpus, options: TrainOptions, scores: dict, fitted: Fitted) -> dict:
    return {
        "database": str(store.location),  # the file, or the URL without its password
        "annotator": store.annotator,
        "split_manifest": f"{CORPUS}/{corpus.manifest.name}",
        "fingerprints": corpus.fingerprints,
        "labels": corpus.labels,
        "statuses": corpus.statuses,
        "documents": corpus.documents,
        "label_counts": corpus.counts,
        "base": options.base,
        "seed": options.seed,
        "max_steps": fitted.max_steps,
        "steps": fitted.steps,
        "best_step": fitted.best_step,
        "scores": scores,
        "trained_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }


def _write_meta(folder: Path, meta: dict, ours: dict) -> None:
    meta = {**meta, META_KEY: ours}
    meta["name"] = "annotator_ner"
    with open(folder / "meta.json", "w", encoding="utf-8") as handle:
        json.dump(meta, handle, indent=2, ensure_ascii=False)
        handle.write("\n")


def _final_config(folder: Path, train_path: Path, dev_path: Path) -> None:
    """The pipeline's config.cfg as a plain spaCy training config: spaCy's console logger again,
    the paths of OUT_DIR's DocBins (``python -m spacy train OUT_DIR/config.cfg`` retrains it)."""
    from spacy import util

    config = util.load_config(folder / "config.cfg", interpolate=False)
    config["training"]["logger"] = {"@loggers": "spacy.ConsoleLogger.v1", "progress_bar": False}
    config["paths"]["train"], config["paths"]["dev"] = str(train_path), str(dev_path)
    config.to_disk(folder / "config.cfg")


# -- the output folder ----------------------------------------------------------------------


@contextmanager
def staged(out_dir: Path) -> Iterator[Path]:
    """A staging folder beside ``out_dir`` to fill, renamed to ``out_dir`` when the block ends
    well; on any error, cancel or Ctrl+C it is removed and ``out_dir`` is as it was."""
    _check_out_dir(out_dir)
    remove_stale_partials(out_dir.parent, out_dir.name)
    staging = out_dir.parent / partial_name(out_dir.name)
    try:
        os.mkdir(staging)
    except OSError as error:
        raise TrainingError(f"{out_dir}: cannot write in {out_dir.parent} ({error.strerror or error}); "
                            "choose a folder you can write to; nothing was written") from None
    try:
        yield staging
        _check_out_dir(out_dir)  # nothing appeared meanwhile
        if out_dir.is_dir():
            out_dir.rmdir()  # empty (checked): the staged folder takes its place
        os.rename(staging, out_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _check_out_dir(out_dir: Path) -> None:
    if out_dir.exists() and not (out_dir.is_dir() and not any(os.scandir(out_dir))):
        raise TrainingError(f"{out_dir} exists and is not an empty folder; choose a new folder for the model; nothing was written")
    if not out_dir.parent.is_dir():
        raise TrainingError(f"{out_dir}: {out_dir.parent} is not an existing folder; create it or choose another place; nothing was written")
