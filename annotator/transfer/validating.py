"""Check input files without importing them: every problem, with file and line.

Relations are checked by the readers as an import reads them (formats.relation_records): a
dangling end, an end in another document, a self-loop, an unknown relation label (against a
scheme given) and end labels the relation label does not allow are each a problem at its line.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from annotator.core.model import RelationLabel
from annotator.core.problems import InputError, Problem
from annotator.formats.records import LabelScheme, ReadOptions
from annotator.transfer.importing import read_inputs
from annotator.transfer.inputs import Inputs


@dataclass
class Validation:
    documents: int = 0
    spans: int = 0
    relations: int = 0
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
    known_relations: Iterable[str] | None = None,
    relation_labels: Iterable[RelationLabel] = (),
) -> Validation:
    """Read everything as an import would; nothing is written.

    ``known_labels`` (a label scheme given, or ``--strict``): labels outside it, plus any
    scheme that travels with the input, are errors. Otherwise a label outside
    ``existing_labels`` (the database's) is a warning, once per file: import creates it.
    Relation labels alike: ``known_relations`` (errors outside it), else a relation label
    outside ``relation_labels`` (whose allowed ends every relation must keep) is a warning.
    """
    try:
        inputs = Inputs(paths, fmt, encoding, follow_links)
    except InputError as error:
        return Validation(problems=error.problems)
    known = frozenset(known_labels) if known_labels is not None else None
    rules = tuple(relation_labels)
    options = ReadOptions(encoding=encoding, strict=strict, known_labels=known, relation_labels=rules,
                          known_relations=frozenset(known_relations) if known_relations is not None else None)
    existing, existing_relations = set(existing_labels), {label.name for label in rules}
    result = Validation()
    new_labels: dict[int, Counter] = {}
    new_relations: dict[int, Counter] = {}
    paths_of: dict[int, Path] = {}
    for index, path, found in read_inputs(inputs, options):
        if isinstance(found, Problem):
            result.problems.append(found)
        elif isinstance(found, LabelScheme):
            existing.update(label.name for label in found.labels)
            existing_relations.update(label.name for label in found.relations)
        else:
            doc, spans = found
            result.documents += 1
            result.spans += len(spans)
            result.relations += len(doc.relations)
            paths_of[index] = path
            new_labels.setdefault(index, Counter()).update(sp.label for sp in spans if sp.label not in existing)
            new_relations.setdefault(index, Counter()).update(r.label for r in doc.relations if r.label not in existing_relations)
    result.problems += _new_labels(new_labels, existing, paths_of, "label {!r} is not in the label scheme ({} span(s)); import creates it")
    result.problems += _new_labels(new_relations, existing_relations, paths_of, "relation label {!r} is not in the label scheme ({} relation(s)); import creates it")
    result.problems.sort(key=lambda p: (p.path, p.line or 0))
    return result


def _new_labels(counts_of: dict[int, Counter], existing: set[str], paths_of: dict[int, Path], message: str) -> list[Problem]:
    """A warning per file and label outside ``existing`` (travelled schemes included, whenever they came)."""
    return [
        Problem(str(paths_of[index]), message.format(name, n), warning=True)
        for index, counts in counts_of.items() for name, n in sorted(counts.items()) if name not in existing
    ]
