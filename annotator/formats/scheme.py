"""The label scheme (colours, hotkeys) as a sidecar file next to an export: ``NAME.labels.json``.

Used by the formats whose files have no place for it (Prodigy and doccano JSONL, CoNLL).
"""

from __future__ import annotations

import json
from pathlib import Path

from annotator.core.labels import labels_from_json, labels_to_json
from annotator.core.model import AnnotationError, Label
from annotator.formats.records import LabelScheme
from annotator.formats.atomic import atomic_text_writer
from annotator.core.problems import Problem


def sidecar_path(data_file: Path) -> Path:
    return data_file.with_suffix(".labels.json")  # corpus.v2.jsonl -> corpus.v2.labels.json


def write_sidecar(data_file: Path, labels: list[Label]) -> Path:
    path = sidecar_path(data_file)
    with atomic_text_writer(path) as handle:
        json.dump(labels_to_json(labels), handle, indent=2, ensure_ascii=False)
        handle.write("\n")
    return path


def read_sidecar(data_file: Path) -> LabelScheme | Problem | None:
    """The scheme next to ``data_file``; None when there is none, a Problem when it is broken."""
    path = sidecar_path(data_file)
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
        return LabelScheme(tuple(labels_from_json(data, str(path))), str(path))
    except json.JSONDecodeError as error:
        return Problem(str(path), f"not valid JSON: {error.msg} (column {error.colno})", error.lineno)
    except (OSError, UnicodeDecodeError, AnnotationError) as error:
        return Problem(str(path), str(error).removeprefix(f"{path}: "))


def sidecar_and_known(data_file: Path, known: frozenset[str] | None):
    """The label scheme shipped beside ``data_file`` (or None), and ``known`` widened by its labels."""
    sidecar = read_sidecar(data_file)
    if known is not None and isinstance(sidecar, LabelScheme):
        known = known | {label.name for label in sidecar.labels}
    return sidecar, known


def read_scheme_file(path: Path) -> LabelScheme:
    """A scheme named by the user (``validate --labels``); raises AnnotationError naming the file."""
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except json.JSONDecodeError as error:
        raise AnnotationError(f"{path}:{error.lineno}: not valid JSON: {error.msg}") from None
    return LabelScheme(tuple(labels_from_json(data, str(path))), str(path))
