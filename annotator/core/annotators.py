"""Annotator names: who made a span, a rejection, a note or a status.

Each annotator has their own layer of spans and their own status and note per document.
Names are compared without case and with white space collapsed ("Alice ", "alice" and
"ALICE" are one annotator: a typo on another machine must not split a layer in two); the
spelling first stored is the one shown.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from annotator.core.model import AnnotationError

DEFAULT_ANNOTATOR = "default"  # the layer of the spans made before annotators were recorded
GOLD = "gold"  # the adjudicated layer
MAX_NAME = 100

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_SPACES = re.compile(r"\s+")


@lru_cache(maxsize=256)
def _canonical(name: str) -> str:
    if _CONTROL.search(name.replace("\t", " ").replace("\n", " ")) or not name.strip():
        raise AnnotationError(f"annotator name {name!r} must be non-empty, without control characters")
    canonical = _SPACES.sub(" ", name).strip()
    if len(canonical) > MAX_NAME:
        raise AnnotationError(f"annotator name {canonical[:40]!r}... is longer than {MAX_NAME} characters")
    return canonical


def canonical_annotator(name: Any) -> str:
    """The name with surrounding white space stripped and inner runs made one space."""
    if not isinstance(name, str):
        raise AnnotationError(f"annotator name must be a string, got {name!r}")
    return _canonical(name)


def annotator_key(name: str) -> str:
    """What two names must share to be one annotator."""
    return canonical_annotator(name).casefold()
