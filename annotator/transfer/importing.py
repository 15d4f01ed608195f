"""Import files into a Store: everything is read and checked before anything is written.

One bad file or line refuses the whole invocation (unless ``skip_invalid``); the documents
are written in a single transaction, so a killed import leaves nothing, and a re-run
completes it (documents already stored are recognised by their content hash).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

from annotator.core.model import Label
from annotator.formats import EXTENSIONS, IMPORT_FORMATS, module
from annotator.formats.jsonl import json_lines
from annotator.formats.records import LabelScheme, ReadOptions, Record
from annotator.store.service import Progress, Store
from annotator.core.problems import InputError, Problem

_SUFFIXES = sorted({suffix for suffixes in EXTENSIONS.values() for suffix in suffixes})


@dataclass(frozen=True)
class Input:
    """One file and the format it is read as (a brat input is the ``.ann`` of a pair)."""

    format: str
    path: Path


@dataclass
class Reading:
    records: list[Record] = field(default_factory=list)
    labels: dict[str, Label] = field(default_factory=dict)  # schemes that travelled, first one wins
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    @property
    def spans(self) -> int:
        return sum(len(spans) for _, spans in self.records)


@dataclass
class ImportReport:
    added: int = 0
    duplicates: int = 0
    spans: int = 0
    labels_created: list[str] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    skipped: list[Problem] = field(default_factory=list)  # invalid input left out (skip_invalid)

    @property
    def refused_any(self) -> bool:
        return bool(self.skipped)


# -- which files, in which format ------------------------------------------------


def collect_inputs(paths: Iterable[Path], fmt: str | None = None, encoding: str | None = None) -> list[Input]:
    """Expand folders (recursively, sorted) and tell each file's format; raises InputError."""
    if fmt is not None and fmt not in IMPORT_FORMATS:
        raise InputError([Problem(fmt, f"unknown format; expected one of {', '.join(IMPORT_FORMATS)}")])
    inputs, problems = [], []
    for path in map(Path, paths):
        if path.is_dir():
            found = [_input_of(p, fmt, encoding, has_ann) for p, has_ann in _walk(path, fmt)]
        elif not path.exists():
            found = [Problem(str(path), "no such file or folder")]
        else:
            found = [_input_of(path, fmt, encoding, path.with_suffix(".ann").is_file())]
        inputs += [item for item in found if isinstance(item, Input)]
        problems += [item for item in found if isinstance(item, Problem)]
    if problems:
        raise InputError(problems)
    return list(dict.fromkeys(inputs))  # a brat pair named by both files is read once


def _walk(folder: Path, fmt: str | None) -> list[tuple[Path, bool]]:
    """The files a folder walk reads, each with whether a ``.ann`` lies beside it.

    os.walk, not Path.rglob: it needs no stat per file, which matters for 10,000 files.
    A ``.txt`` with a ``.ann`` beside it is read through the ``.ann`` (unless --format text).
    """
    wanted = EXTENSIONS[fmt] if fmt else _SUFFIXES
    found = []
    for parent, _dirs, names in os.walk(folder):
        present = set(names)
        for name in names:
            stem, suffix = os.path.splitext(name)
            has_ann = f"{stem}.ann" in present
            if suffix.lower() in wanted and not (suffix.lower() == ".txt" and has_ann and fmt != "text"):
                found.append((os.path.join(parent, name), has_ann))
    return [(Path(p), has_ann) for p, has_ann in sorted(found)]


def _input_of(path: Path, fmt: str | None, encoding: str | None, has_ann: bool) -> Input | Problem:
    if fmt is not None:
        return Input(fmt, path.with_suffix(".ann") if fmt == "brat" else path)
    detected = detect_format(path, encoding, has_ann)
    return Input(detected, path.with_suffix(".ann") if detected == "brat" else path) if isinstance(detected, str) else detected


def detect_format(path: Path, encoding: str | None = None, has_ann: bool | None = None) -> str | Problem:
    """The format of one file, from its extension (and a JSONL file's records)."""
    suffix = path.suffix.lower()
    if suffix == ".txt":
        has_ann = path.with_suffix(".ann").is_file() if has_ann is None else has_ann
        return "brat" if has_ann else "text"
    if suffix == ".jsonl":
        return _jsonl_flavour(path, encoding)
    for name in ("brat", "spacy", "conll"):
        if suffix in EXTENSIONS[name]:
            return name
    expected = ", ".join(_SUFFIXES[:-1]) + " or " + _SUFFIXES[-1]
    return Problem(str(path), f"unsupported file type {path.suffix or '(none)'}; expected {expected}")


def _jsonl_flavour(path: Path, encoding: str | None) -> str | Problem:
    """Prodigy or doccano, by the first record that tells them apart (text-only lines read the same).

    Only the first 100 records are looked at; a doccano line further down is refused by the
    Prodigy reader with a hint, never read without its spans.
    """
    for item in islice(json_lines(path, encoding), 100):
        if not (isinstance(item, tuple) and isinstance(item[1], dict)):
            continue
        data = item[1]
        doccano = isinstance(data.get("label"), list) or "labels" in data or "entities" in data
        if doccano and "spans" in data:
            return Problem(str(path), "cannot tell Prodigy from doccano JSONL (both \"spans\" and \"label\"); use --format", item[0])
        if doccano or "spans" in data:
            return "doccano" if doccano else "prodigy"
    return "prodigy"


# -- reading and writing ----------------------------------------------------------


def read_all(inputs: list[Input], options: ReadOptions = ReadOptions()) -> Reading:
    """Read and check every input, keeping records, label schemes and problems apart."""
    reading = Reading()
    for item in inputs:
        for found in module(item.format).read(item.path, options):
            if isinstance(found, Problem):
                (reading.warnings if found.warning else reading.errors).append(found)
            elif isinstance(found, LabelScheme):
                for label in found.labels:
                    reading.labels.setdefault(label.name, label)
            else:
                reading.records.append(found)
    return reading


def import_paths(
    store: Store,
    paths: Iterable[Path],
    *,
    fmt: str | None = None,
    encoding: str | None = None,
    strict: bool = False,
    skip_invalid: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Import files and folders; raises InputError (nothing written) on bad input."""
    inputs = collect_inputs(paths, fmt, encoding)
    reading = read_all(inputs, ReadOptions(encoding=encoding, strict=strict))
    if reading.errors and not skip_invalid:
        raise InputError(reading.errors)
    from_scheme = _save_travelled_labels(store, reading.labels)
    result = store.add_documents(reading.records, progress=progress, total=len(reading.records))
    return ImportReport(
        added=len(result.added),
        duplicates=result.duplicates,
        spans=result.spans,
        labels_created=sorted(set(result.labels_created) | set(from_scheme)),
        warnings=reading.warnings,
        skipped=reading.errors,
    )


def _save_travelled_labels(store: Store, labels: dict[str, Label]) -> list[str]:
    """Create the labels an input's scheme brings that the DB lacks, with their colours and hotkeys.

    Labels the DB already has keep their look; a hotkey already in use is not taken over.
    Runs before the documents are written, so their labels already look right; if that
    write then fails, only these labels remain, and a re-run finds them in place.
    """
    current = store.labels()
    known = {label.name for label in current}
    taken = {label.hotkey for label in current if label.hotkey}
    new = []
    for label in labels.values():
        if label.name in known:
            continue
        if label.hotkey in taken:
            label = Label(label.name, label.color, None, label.description)
        taken.add(label.hotkey)
        new.append(label)
    if new:
        store.save_labels(new)
    return [label.name for label in new]
