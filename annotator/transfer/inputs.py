"""Which files an import or validation reads, and in which format.

Folders are walked lazily, in sorted order, one directory at a time: an import of 100,000
files never holds 100,000 paths (as Path objects they were the largest thing an import
kept in memory). A cheap second walk counts them for progress.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from contextlib import closing
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

from annotator.core.problems import InputError, Problem
from annotator.formats import EXTENSIONS, IMPORT_FORMATS
from annotator.formats.jsonl import json_lines
from annotator.formats.records import looks_like_doccano

_SUFFIXES = sorted({suffix for suffixes in EXTENSIONS.values() for suffix in suffixes})


@dataclass(frozen=True)
class Input:
    """One file and the format it is read as (a brat input is the ``.ann`` of a pair)."""

    format: str
    path: Path


class Inputs:
    """The files named on the command line, folders expanded; iterating yields Input or Problem.

    Names that do not exist and an unknown ``fmt`` are refused at once (InputError).
    """

    def __init__(self, paths: Iterable[Path | str], fmt: str | None = None, encoding: str | None = None) -> None:
        if fmt is not None and fmt not in IMPORT_FORMATS:
            raise InputError([Problem(fmt, f"unknown format; expected one of {', '.join(IMPORT_FORMATS)}")])
        self.fmt, self.encoding = fmt, encoding
        named = list(dict.fromkeys(Path(p) for p in paths))
        refused = [
            Problem(str(p), "no such file or folder") if not p.exists() else _unsupported(p)
            for p in named
            if not p.exists() or (fmt is None and p.is_file() and p.suffix.lower() not in _SUFFIXES)
        ]
        if refused:
            raise InputError(refused)
        # A brat pair named by both its files is read once.
        self.paths = [p for p in named if not (p.suffix.lower() == ".txt" and p.with_suffix(".ann") in named and fmt != "text")]

    def __iter__(self) -> Iterator[Input | Problem]:
        for path in self.paths:
            if path.is_dir():
                for name, has_ann in _walk(path, self.fmt):
                    yield _input_of(Path(name), self.fmt, self.encoding, has_ann)
            else:
                yield _input_of(path, self.fmt, self.encoding, path.with_suffix(".ann").is_file())

    def count(self) -> int:
        """How many inputs iterating yields (names only: no format detection)."""
        return sum(sum(1 for _ in _walk(p, self.fmt)) if p.is_dir() else 1 for p in self.paths)


def collect_inputs(paths: Iterable[Path | str], fmt: str | None = None, encoding: str | None = None) -> list[Input]:
    """Every input as a list; raises InputError with every problem found."""
    found = list(Inputs(paths, fmt, encoding))
    problems = [item for item in found if isinstance(item, Problem)]
    if problems:
        raise InputError(problems)
    return [item for item in found if isinstance(item, Input)]


def _walk(folder: Path | str, fmt: str | None) -> Iterator[tuple[str, bool]]:
    """The files of a folder walk, in sorted order, each with whether a ``.ann`` lies beside it.

    os.scandir: no stat per file, which matters for 100,000 files. A ``.txt`` with a ``.ann``
    beside it is read through the ``.ann`` (unless --format text).
    """
    wanted = EXTENSIONS[fmt] if fmt else _SUFFIXES
    with os.scandir(folder) as scan:
        files, folders = [], set()  # names only: a folder may hold 100,000 files
        for entry in scan:
            if entry.is_dir():
                folders.add(entry.name)
            else:
                files.append(entry.name)
    present = set(files)
    for name in sorted(files + list(folders)):
        path = os.path.join(folder, name)
        if name in folders:
            yield from _walk(path, fmt)
            continue
        stem, suffix = os.path.splitext(name)
        has_ann = f"{stem}.ann" in present
        if suffix.lower() in wanted and not (suffix.lower() == ".txt" and has_ann and fmt != "text"):
            yield path, has_ann


def _input_of(path: Path, fmt: str | None, encoding: str | None, has_ann: bool) -> Input | Problem:
    detected = fmt if fmt is not None else detect_format(path, encoding, has_ann)
    if isinstance(detected, Problem):
        return detected
    return Input(detected, path.with_suffix(".ann") if detected == "brat" else path)


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
    return _unsupported(path)


def _unsupported(path: Path) -> Problem:
    expected = ", ".join(_SUFFIXES[:-1]) + " or " + _SUFFIXES[-1]
    return Problem(str(path), f"unsupported file type {path.suffix or '(none)'}; expected {expected}")


def _jsonl_flavour(path: Path, encoding: str | None) -> str | Problem:
    """Prodigy or doccano, by the first record that tells them apart (text-only lines read the same).

    Only the first 100 records are looked at; a doccano line further down is refused by the
    Prodigy reader with a hint, never read without its spans.
    """
    with closing(json_lines(path, encoding)) as lines:  # closes the file it streams
        for item in islice(lines, 100):
            if not (isinstance(item, tuple) and isinstance(item[1], dict)):
                continue
            data = item[1]
            doccano = looks_like_doccano(data)
            if doccano and "spans" in data:
                return Problem(str(path), "cannot tell Prodigy from doccano JSONL (both \"spans\" and \"label\"); use --format", item[0])
            if doccano or "spans" in data:
                return "doccano" if doccano else "prodigy"
    return "prodigy"
