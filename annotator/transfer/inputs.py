"""Which files an import or validation reads, and in which format.

Folders are walked lazily, in sorted order, one directory at a time: an import of 100,000
files never holds 100,000 paths (as Path objects they were the largest thing an import
kept in memory). A cheap second walk counts them for progress.
"""

from __future__ import annotations

import os
import stat
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

    def __init__(self, paths: Iterable[Path | str], fmt: str | None = None, encoding: str | None = None, follow_links: bool = False) -> None:
        if fmt is not None and fmt not in IMPORT_FORMATS:
            raise InputError([Problem(fmt, f"unknown format; expected one of {', '.join(IMPORT_FORMATS)}")])
        self.fmt, self.encoding, self.follow_links = fmt, encoding, follow_links
        named = list(dict.fromkeys(Path(p) for p in paths))
        refused = [problem for problem in map(self._refused, named) if problem is not None]
        if refused:
            raise InputError(refused)
        # A brat pair named by both its files is read once.
        self.paths = [p for p in named if not (p.suffix.lower() == ".txt" and p.with_suffix(".ann") in named and fmt != "text")]

    def _refused(self, path: Path) -> Problem | None:
        """Why a named path cannot be read at all; checked with stat, never by opening it (a FIFO would block)."""
        try:
            mode = path.stat().st_mode
        except FileNotFoundError:
            return Problem(str(path), "no such file or folder")
        except OSError as error:
            return Problem(str(path), f"cannot read it ({error.strerror or error})")
        if stat.S_ISDIR(mode):
            return None
        if not stat.S_ISREG(mode):
            return Problem(str(path), f"not a regular file ({_kind(mode)}); only files and folders are imported")
        if self.fmt is None and path.suffix.lower() not in _SUFFIXES:
            return _unsupported(path)
        return None

    def __iter__(self) -> Iterator[Input | Problem]:
        for path in self.paths:
            if path.is_dir():
                for found in _walk(path, self.fmt, os.path.realpath(path), self.follow_links):
                    yield found if isinstance(found, Problem) else _input_of(Path(found[0]), self.fmt, self.encoding, found[1])
            else:
                yield _input_of(path, self.fmt, self.encoding, path.with_suffix(".ann").is_file())

    def count(self) -> int:
        """How many inputs iterating yields (names only: no format detection)."""
        return sum(sum(1 for _ in _walk(p, self.fmt, os.path.realpath(p), self.follow_links)) if p.is_dir() else 1 for p in self.paths)


def collect_inputs(paths: Iterable[Path | str], fmt: str | None = None, encoding: str | None = None) -> list[Input]:
    """Every input as a list; raises InputError with every error found (warnings are dropped)."""
    found = list(Inputs(paths, fmt, encoding))
    problems = [item for item in found if isinstance(item, Problem) and not item.warning]
    if problems:
        raise InputError(problems)
    return [item for item in found if isinstance(item, Input)]


def _walk(folder: str | Path, fmt: str | None, root: str, follow_links: bool, seen: frozenset = frozenset()) -> Iterator[tuple[str, bool] | Problem]:
    """The files of a folder walk, in sorted order, each with whether a ``.ann`` lies beside it,
    and a Problem for what cannot or should not be read.

    os.scandir: no stat per regular file or folder, which matters for 100,000 files. A
    ``.txt`` with a ``.ann`` beside it is read through the ``.ann`` (unless --format text).
    Special files (FIFO, device, socket) are skipped with a warning: opening a FIFO blocks.
    Links are followed only to files inside the imported folder, unless ``follow_links``
    (then folder links too, each real folder once, so a loop ends). An unreadable folder is
    an error.
    """
    wanted = EXTENSIONS[fmt] if fmt else _SUFFIXES
    seen = seen or frozenset({os.path.realpath(folder)})
    try:
        with os.scandir(folder) as scan:
            entries = {entry.name: _entry_kind(entry) for entry in scan}  # names and kinds only
    except OSError as error:
        yield Problem(str(folder), f"cannot read this folder ({error.strerror or error})")
        return
    present = {name for name, kind in entries.items() if kind != "dir"}
    for name in sorted(entries):
        path, kind = os.path.join(folder, name), entries[name]
        if kind == "link":
            kind, problem = _link_kind(path, root, follow_links)
            if problem is not None:
                yield problem
                continue
        if kind == "dir":
            real = os.path.realpath(path)
            if real not in seen:
                yield from _walk(path, fmt, root, follow_links, seen | {real})
            continue
        stem, suffix = os.path.splitext(name)
        if suffix.lower() not in wanted or (suffix.lower() == ".txt" and f"{stem}.ann" in present and fmt != "text"):
            continue
        if kind != "file":
            yield Problem(path, f"not a regular file ({kind}); skipped", warning=True)
        else:
            yield path, f"{stem}.ann" in present


def _entry_kind(entry: os.DirEntry) -> str:
    if entry.is_symlink():
        return "link"
    if entry.is_dir(follow_symlinks=False):
        return "dir"
    if entry.is_file(follow_symlinks=False):
        return "file"
    try:
        return _kind(entry.stat(follow_symlinks=False).st_mode)
    except OSError:
        return "an unreadable entry"


def _link_kind(path: str, root: str, follow_links: bool) -> tuple[str, Problem | None]:
    """What a link inside a walked folder points at, and why it is skipped (a warning), if it is."""
    target = os.path.realpath(path)
    try:
        mode = os.stat(target).st_mode
    except OSError:
        return "", Problem(path, f"a link to {target}, which cannot be read; skipped", warning=True)
    kind = "dir" if stat.S_ISDIR(mode) else "file" if stat.S_ISREG(mode) else _kind(mode)
    inside = os.path.commonpath([root, target]) == root
    if follow_links:
        return kind, None
    if not inside:
        return kind, Problem(path, f"a link to {target}, outside the imported folder; skipped (--follow-links imports it)", warning=True)
    if kind == "dir":
        return kind, Problem(path, f"a link to the folder {target}; skipped (--follow-links follows it)", warning=True)
    return kind, None


def _kind(mode: int) -> str:
    for test, name in ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return name
    return "not a regular file"


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
