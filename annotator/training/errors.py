"""The training's refusal, in a module of its own: importing it loads neither the store nor spaCy."""

from __future__ import annotations

from annotator.core.problems import ExportError


class TrainingError(ExportError):
    """Training was refused or failed; OUT_DIR was not written. The message says what to do."""
