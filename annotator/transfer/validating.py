"""Check input files without importing them: every problem, with file and line."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from annotator.core.problems import InputError, Problem
from annotator.formats.records import LabelScheme, ReadOptions
from annotator.transfer.importing import read_inputs
from annotator.transfer.inputs import Inputs


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
    existing_labels: Iterable[str] = (),
    follow_links: bool = False,
) -> Validation:
    """Read everything as an import would; nothing is written.

    ``known_labels`` (a label scheme given, or ``--strict``): labels outside it, plus any
    scheme that travels with the input, are errors. Otherwise a label outside
    ``existing_labels`` (the database's) is a warning, once per file: import creates it.
    """
    try:
        inputs = Inputs(paths, fmt, encoding, follow_links)
    except InputError as error:
        return Validation(problems=error.problems)
    known = frozenset(known_labels) if known_labels is not None else None
    existing = set(existing_labels)
    result = Validation()
    new_labels: dict[int, Counter] = {}
    paths_of: dict[int, Path] = {}
    for index, path, found in read_inputs(inputs, ReadOptions(encoding=encoding, strict=strict, known_labels=known)):
        if isinstance(found, Problem):
            result.problems.append(found)
        elif isinstance(found, LabelScheme):
            existing.update(label.name for label in found.labels)
        else:
            result.documents += 1
            result.spans += len(found[1])
            paths_of[index] = path
            new_labels.setdefault(index, Counter()).update(sp.label for sp in found[1] if sp.label not in existing)
    for index, counts in new_labels.items():
        result.problems += [
            Problem(str(paths_of[index]), f"label {name!r} is not in the label scheme ({n} span(s)); import creates it", warning=True)
            for name, n in sorted(counts.items()) if name not in existing
        ]
    result.problems.sort(key=lambda p: (p.path, p.line or 0))
    return result
