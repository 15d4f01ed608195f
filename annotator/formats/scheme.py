"""The label scheme (colours, hotkeys) as a sidecar file next to an export: ``NAME.labels.json``.

Used by the formats whose files have no place for it (Prodigy and doccano JSONL, CoNLL).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from annotator.core.labels import labels_from_json, labels_to_json
from annotator.core import limits
from annotator.core.limits import JSONValueError, parse_json
from annotator.core.model import AnnotationError, Label
from annotator.core.text import TextError, decode, read_limited
from annotator.formats.records import LabelScheme
from annotator.formats.relation_scheme import check_string_fields, relation_labels_from_json, relation_labels_to_json
from annotator.formats.atomic import atomic_text_writer
from annotator.core.problems import Problem


def sidecar_path(data_file: Path) -> Path:
    return data_file.with_suffix(".labels.json")  # corpus.v2.jsonl -> corpus.v2.labels.json


def write_sidecar(data_file: Path, labels: list[Label], relation_labels=()) -> Path:
    return write_scheme(sidecar_path(data_file), labels, relation_labels)


def write_scheme(path: Path, labels: list[Label], relation_labels=()) -> Path:
    """A scheme file (a sidecar, ``labels export``), written whole or not at all."""
    with atomic_text_writer(path) as handle:
        json.dump(scheme_json(labels, relation_labels), handle, indent=2, ensure_ascii=False)
        handle.write("\n")
    return path


def scheme_json(labels: list[Label], relation_labels=()) -> dict:
    """``{"labels": [...], "relations": [...]}``; no "relations" key when there are none."""
    data = labels_to_json(labels)
    if relation_labels:
        data["relations"] = relation_labels_to_json(relation_labels)
    return data


def read_sidecar(data_file: Path) -> LabelScheme | Problem | None:
    """The scheme next to ``data_file``; None when there is none, a Problem when it is broken."""
    path = sidecar_path(data_file)
    if not path.is_file():
        return None
    try:
        return read_scheme_file(path)
    except SchemeFileError as error:
        return Problem(str(path), error.message, error.line)


def sidecar_and_known(data_file: Path, known: frozenset[str] | None):
    """The label scheme shipped beside ``data_file`` (or None), and ``known`` widened by its labels."""
    sidecar = read_sidecar(data_file)
    if known is not None and isinstance(sidecar, LabelScheme):
        known = known | {label.name for label in sidecar.labels}
    return sidecar, known


class SchemeFileError(AnnotationError):
    """A label scheme file that is refused; ``str()`` names the file (and line)."""

    def __init__(self, path: Path, message: str, line: int | None = None) -> None:
        super().__init__(f"{path}:{line}: {message}" if line is not None else f"{path}: {message}")
        self.message, self.line = message, line


def read_scheme_file(path: Path) -> LabelScheme:
    """A label scheme file (a sidecar, ``validate --labels``, ``labels import``).

    Read with a bound (MAX_SCHEME_BYTES), UTF-8 with or without a BOM, parsed by
    ``parse_json`` (no lone surrogates, deep nesting or huge integers), every label's fields
    checked. Raises SchemeFileError (an AnnotationError) naming the file and line.
    """
    path = Path(path)
    try:
        data = read_limited(path, limits.MAX_SCHEME_BYTES, "a label scheme")
    except TextError as error:
        raise SchemeFileError(path, str(error)) from None
    except OSError as error:
        raise SchemeFileError(path, error.strerror or str(error)) from None
    try:
        text = decode(data)  # UTF-8 (a BOM is fine), no NUL bytes: named with the byte
        value = parse_json(text)
    except TextError as error:
        raise SchemeFileError(path, str(error)) from None
    except JSONValueError as error:
        raise SchemeFileError(path, str(error), error.lineno) from None
    try:
        relations = tuple(relation_labels_from_json(value, str(path)))
        return LabelScheme(tuple(scheme_labels(value, str(path))), str(path), relations)
    except AnnotationError as error:
        raise SchemeFileError(path, str(error).removeprefix(f"{path}: ")) from None


_FIELDS = {"name": "a string", "color": "a string", "hotkey": "a string", "description": "a string"}


def scheme_labels(data: Any, source: str) -> list[Label]:
    """``labels_from_json`` after checking each label's fields are strings (or null), so a
    number or a list in a scheme is refused with its label instead of reaching the database."""
    items = data.get("labels") if isinstance(data, dict) else data
    for i, item in enumerate(items if isinstance(items, (list, tuple)) else (), 1):
        if not isinstance(item, dict):
            continue  # labels_from_json says so
        check_string_fields(item, _FIELDS, f"{source}: label #{i}")
    return labels_from_json(list(items) if isinstance(items, tuple) else data, source)
