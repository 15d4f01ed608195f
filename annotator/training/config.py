"""The training config: spaCy's own ``init config`` (English, NER, CPU, efficiency).

From ``blank:en`` the NER learns from scratch. From a base pipeline (an installed package or a
pipeline folder) its ``ner`` is sourced and fine-tuned: its labels are kept and the new ones
added; the ``tok2vec`` it listens to, if any, is sourced with it (en_core_web_sm's NER embeds
on its own, so then none is).
"""

from __future__ import annotations

from pathlib import Path

from annotator.nlp.pipeline import NoModelError, load_pipeline
from annotator.training.errors import TrainingError

BLANK = "blank:en"
EVAL_EVERY = 200  # spaCy's default eval_frequency, made smaller for short runs (below)


def training_config(base: str = BLANK, *, max_steps: int | None = None, seed: int = 0):
    """A thinc Config for training NER; ``paths.train`` and ``paths.dev`` are left to the caller."""
    from spacy.cli.init_config import init_config

    config = init_config(lang="en", pipeline=["ner"], optimize="efficiency", gpu=False)
    config["system"]["seed"] = seed
    if max_steps is not None:
        config["training"]["max_steps"] = max_steps
    # Evaluate ~10 times in a short run, and at its last step: the best step is picked among those.
    steps = config["training"]["max_steps"]
    config["training"]["eval_frequency"] = max(1, min(EVAL_EVERY, steps // 10))
    if base != BLANK:
        _source(config, base)
    return config


def _source(config, base: str) -> None:
    """Fine-tune ``base``'s NER (and the tok2vec it listens to) instead of a new one."""
    try:
        components = load_pipeline(base).components  # NER only; tok2vec kept when the NER listens to it
    except NoModelError as error:
        raise TrainingError(f"--base {base}: {error}; give an installed pipeline, a pipeline folder, or {BLANK}") from None
    source = str(Path(base).expanduser().resolve()) if Path(base).expanduser().is_dir() else base
    config["components"] = {name: {"source": source} for name in components}
    config["nlp"]["pipeline"] = components
