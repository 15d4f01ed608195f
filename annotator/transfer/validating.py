"""Check input files without importing them: every problem, with file and line."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from annotator.formats.records import ReadOptions
from annotator.transfer.importing import collect_inputs, read_all
from annotator.core.problems import InputError, Problem


@dataclass
class Validation:
    documents: int = 0
    spans: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> int:
        return sum(not p.warning for p in self.problems)

    @property
    def warnings(self) -> int:
        return sum(p.warning for p in self.problems)


def validate_paths(
    paths: Iterable[Path],
    *,
    fmt: str | None = None,
    encoding: str | None = None,
    strict: bool = False,
    known_labels: Iterable[str] | None = None,
) -> Validation:
    """Read everything as an import would, with labels outside ``known_labels`` (plus any
    scheme that travels with the input) counted as errors; nothing is written."""
    try:
        inputs = collect_inputs(paths, fmt, encoding)
    except InputError as error:
        return Validation(problems=error.problems)
    known = frozenset(known_labels) if known_labels is not None else None
    reading = read_all(inputs, ReadOptions(encoding=encoding, strict=strict, known_labels=known))
    problems = sorted(reading.errors + reading.warnings, key=lambda p: (p.path, p.line or 0))
    return Validation(len(reading.records), reading.spans, problems)
