"""Import files into a Store: all of it or nothing, in one pass with flat memory.

Inputs are read one record at a time and staged in a single write transaction; one bad
file or line refuses the whole invocation (unless ``skip_invalid``): every input is still
read so that every problem is reported, then the transaction rolls back and nothing is
written. A killed import leaves nothing, and a re-run completes it. Records of a text that
is already a document (from this input or an earlier import) are merged into it: see
store.bulk.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

from annotator.formats import EXTENSIONS, IMPORT_FORMATS, module
from annotator.formats.jsonl import json_lines
from annotator.formats.records import LabelScheme, ReadOptions, Record, looks_like_doccano
from annotator.core.problems import InputError, Problem
from annotator.store.bulk import AddResult
from annotator.store.service import Progress, Store

_SUFFIXES = sorted({suffix for suffixes in EXTENSIONS.values() for suffix in suffixes})


@dataclass(frozen=True)
class Input:
    """One file and the format it is read as (a brat input is the ``.ann`` of a pair)."""

    format: str
    path: Path


class ImportCancelled(Exception):
    """Cancel was pressed; raised inside the write transaction so that it rolls back."""


@dataclass
class ImportReport:
    added: int = 0  # new documents
    merged: int = 0  # records merged into a document of the same text
    duplicates: int = 0  # records that brought nothing new (already stored, repeated)
    spans: int = 0  # spans written
    repeated_spans: int = 0  # exact repeats in the input, merged
    present_spans: int = 0  # spans already stored before
    conflicts: int = 0  # disagreements between records of one text (listed in warnings)
    labels_created: list[str] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    skipped: list[Problem] = field(default_factory=list)  # problems of the input left out (skip_invalid)

    @property
    def skipped_records(self) -> int:
        """Records (JSONL lines, files) left out: problems counted once per line or file."""
        return len({(p.path, p.line) for p in self.skipped})

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
        doccano = looks_like_doccano(data)
        if doccano and "spans" in data:
            return Problem(str(path), "cannot tell Prodigy from doccano JSONL (both \"spans\" and \"label\"); use --format", item[0])
        if doccano or "spans" in data:
            return "doccano" if doccano else "prodigy"
    return "prodigy"


# -- reading and writing ----------------------------------------------------------


def read_inputs(inputs: list[Input], options: ReadOptions = ReadOptions()) -> Iterator[tuple[int, Record | LabelScheme | Problem]]:
    """Every record, travelled label scheme and problem of the inputs, in order, one at a time,
    each with the index of its input."""
    for index, item in enumerate(inputs):
        for found in module(item.format).read(item.path, options):
            yield index, found


def import_paths(
    store: Store,
    paths: Iterable[Path],
    *,
    fmt: str | None = None,
    encoding: str | None = None,
    strict: bool = False,
    skip_invalid: bool = False,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> ImportReport:
    """Import files and folders; raises InputError (nothing written) on bad input.

    ``progress(files_done, files)`` is called after each input file; ``cancelled()`` is asked
    before each record is stored and raises ImportCancelled (nothing written) when it says so.
    """
    inputs = collect_inputs(paths, fmt, encoding)
    report = ImportReport()
    errors: list[Problem] = []
    reached = 0
    with store.bulk_import() as writer:
        for index, found in read_inputs(inputs, ReadOptions(encoding=encoding, strict=strict)):
            if cancelled is not None and cancelled():
                raise ImportCancelled()
            if index != reached and progress:
                progress(index, len(inputs))
                reached = index
            if isinstance(found, Problem):
                (report.warnings if found.warning else errors).append(found)
            elif isinstance(found, LabelScheme):
                writer.add_scheme(found.labels)
            elif skip_invalid or not errors:  # after an error, read on only to report every problem
                writer.add(*found, path=str(inputs[index].path))
        if errors and not skip_invalid:
            raise InputError(errors)  # inside the transaction: it rolls back
    if progress:
        progress(len(inputs), len(inputs))
    return _report(report, writer.result, errors)


def _report(report: ImportReport, result: AddResult, errors: list[Problem]) -> ImportReport:
    report.added, report.merged, report.duplicates, report.spans = len(result.added), result.merged, result.duplicates, result.spans
    report.repeated_spans, report.present_spans = result.repeated_spans, result.present_spans
    report.conflicts = len(result.conflicts)
    report.labels_created = sorted(result.labels_created)
    report.warnings += [Problem(c.path, f"document {c.document_id} ({c.title!r}): {c.message}", warning=True) for c in result.conflicts]
    report.skipped = errors
    return report
