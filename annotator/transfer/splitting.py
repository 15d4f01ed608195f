"""Leak-free train/dev/test splits: documents that share a sentence land in the same split.

Units: documents linked by copied sentences, transitively (the components of the copy groups
among the selected documents); a document without copies is a unit of its own. Assignment:
the units, in document order, are shuffled with ``random.Random(seed)``, stably sorted largest
first, and each goes to the split furthest below its target (ratio x documents; ties: the first
split in train, dev, test order). Every split then ends within the largest unit's size of its
target (strictly less): a split goes over only by the unit that took it over, and one that
stayed more than a unit short would have taken every unit given to the others after it was
last served. Without copies that is less than one document off.

The naive split it is compared with: the selected documents, shuffled with the same seed, cut
at the same ratios. A copied sentence crosses when its group has sentences in more than one
split; crossings are counted in sentences (and groups), the same way for both.

The files go through the normal export (formats' writers, one per split) into a staging folder
beside OUT_DIR, renamed to OUT_DIR when all are written: an error or Ctrl+C leaves OUT_DIR as it
was (absent, or with its files untouched); see _split_folder for an existing OUT_DIR (--force).
"""

from __future__ import annotations

import json
import os
import random
import shutil
import stat
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from annotator.core.problems import ExportError, Problem
from annotator.formats.atomic import OutputRefused, atomic_text_writer, fsync_dir, stat_output
from annotator.formats.partials import partial_name, remove_stale_partials
from annotator.formats.records import ExportLog
from annotator.formats.scheme import sidecar_path
from annotator.sentences.groups import components
from annotator.store.service import Store
from annotator.transfer.exporting import export

SPLIT_FORMATS = {"jsonl": ".jsonl", "prodigy": ".jsonl", "spacy": ".spacy", "conll": ".conll"}
NAMES = {2: ("train", "test"), 3: ("train", "dev", "test")}  # two ratios: no dev split at all
SPLIT_JSON = "split.json"
WRITTEN_BY = "annotator split"

Assignment = dict[int, str]  # document id -> split name


def parse_ratios(text: str) -> dict[str, float]:
    """``"80/10/10"`` -> train, dev, test weights; ``"90/10"`` -> train, test. ValueError if bad."""
    parts = text.split("/")
    if len(parts) not in NAMES:
        raise ValueError(f"expected 2 or 3 numbers separated by '/' (80/10/10 or 90/10), got {text!r}")
    try:
        weights = [float(part) for part in parts]
    except ValueError:
        raise ValueError(f"not numbers: {text!r}") from None
    if not all(0 < w < float("inf") for w in weights):
        raise ValueError(f"every ratio must be a positive number, got {text!r} (for no dev split give two: 90/10)")
    return dict(zip(NAMES[len(parts)], weights))


# -- which documents, which links ----------------------------------------------------


def linked_units(doc_ids: Iterable[int], memberships: Counter) -> list[list[int]]:
    """The documents grouped by copies among them: components of (group, document) pairs, in
    order of their first document; a document without copies is a unit of one."""
    wanted = set(doc_ids)
    component = components((group, doc) for group, doc in memberships if doc in wanted)
    units: dict[int, list[int]] = defaultdict(list)
    for doc in sorted(wanted):
        units[component.get(doc, doc)].append(doc)
    return sorted(units.values())


def assign(units: list[list[int]], ratios: dict[str, float], seed: int) -> Assignment:
    """Each unit whole into one split (see the module docstring); deterministic for a seed."""
    order = list(units)
    random.Random(seed).shuffle(order)
    order.sort(key=len, reverse=True)  # stable: equal sizes stay shuffled
    targets = _targets(ratios, sum(len(u) for u in units))
    sizes = dict.fromkeys(ratios, 0)
    assignment: Assignment = {}
    for unit in order:
        name = max(ratios, key=lambda n: targets[n] - sizes[n])  # max() keeps the first of equals
        sizes[name] += len(unit)
        assignment.update(dict.fromkeys(unit, name))
    return assignment


def naive(doc_ids: Iterable[int], ratios: dict[str, float], seed: int) -> Assignment:
    """A random document split: shuffled with ``seed``, cut at the ratios (what leaks)."""
    order = sorted(doc_ids)
    random.Random(seed).shuffle(order)
    assignment, start, cumulative = {}, 0, 0.0
    for name, target in _targets(ratios, len(order)).items():
        cumulative += target
        end = round(cumulative)
        assignment.update(dict.fromkeys(order[start:end], name))
        start = end
    return assignment


def _targets(ratios: dict[str, float], total: int) -> dict[str, float]:
    whole = sum(ratios.values())
    return {name: total * weight / whole for name, weight in ratios.items()}


def crossings(memberships: Counter, assignment: Assignment) -> tuple[int, int]:
    """(sentences, groups) of copy groups whose sentences lie in more than one split."""
    where: dict[int, set[str]] = defaultdict(set)
    count: Counter = Counter()
    for (group, doc), n in memberships.items():
        if doc in assignment:
            where[group].add(assignment[doc])
            count[group] += n
    crossing = [group for group, names in where.items() if len(names) > 1]
    return sum(count[g] for g in crossing), len(crossing)


# -- the verb ----------------------------------------------------------------------------


@dataclass
class SplitReport:
    ratios: dict[str, float]
    seed: int
    documents: dict[str, int]  # per split
    targets: dict[str, float]
    naive_documents: dict[str, int]
    crossing: tuple[int, int]  # (sentences, groups) across splits: always (0, 0)
    naive_crossing: tuple[int, int]
    copied_sentences: int  # sentences of the selected documents that have copies among them
    largest_unit: int  # documents in the largest linked unit
    files: dict[str, str]
    logs: dict[str, ExportLog] = field(default_factory=dict)

    @property
    def problems(self) -> list[Problem]:
        return [problem for log in self.logs.values() for problem in log.problems]


def split(
    store: Store,
    out_dir: Path,
    ratios: dict[str, float],
    *,
    seed: int = 0,
    fmt: str = "jsonl",
    statuses: Iterable[str] | None = None,
    include_suggestions: bool = False,
    force: bool = False,
    progress: Callable[[str], Callable[[int, int], None] | None] | None = None,
) -> SplitReport:
    """Write OUT_DIR/{train,dev,test}.EXT and split.json; nothing of OUT_DIR if anything fails.

    ``progress(name)`` gives the progress callback of the export of split ``name``.
    """
    if fmt not in SPLIT_FORMATS:
        raise ExportError(f"unknown split format {fmt!r}; expected one of {', '.join(SPLIT_FORMATS)}")
    pending = store.pending_copy_index()
    if pending:
        raise ExportError(f"{pending} document(s) are not in the copy index yet, so their copies are unknown; build it first (annotator index)")
    statuses = sorted(set(statuses)) if statuses else None
    with _split_folder(Path(out_dir), force) as staging:
        report, chosen = _plan(store, ratios, seed, statuses)
        report.files = {name: name + SPLIT_FORMATS[fmt] for name in ratios}
        for name, docs in chosen.items():
            report.logs[name] = export(store, staging / report.files[name], fmt, statuses=statuses, include_suggestions=include_suggestions,
                                       documents=docs, progress=progress(name) if progress else None)
        settings = {"statuses": statuses, "include_suggestions": include_suggestions, "format": fmt,
                    "copy_threshold": store.copy_settings().threshold}
        _write_json(staging / SPLIT_JSON, report, chosen, settings)
    return report


def _plan(store: Store, ratios: dict[str, float], seed: int, statuses: list[str] | None) -> tuple[SplitReport, dict[str, list[int]]]:
    docs = _selected(store, statuses)
    if not docs:
        raise ExportError(f"no documents{' with status ' + ' or '.join(statuses) if statuses else ''} to split; nothing was written")
    memberships: Counter = Counter()  # (group, document) -> sentences
    for doc, copies in store.iter_document_copies(statuses):
        for copy in copies:
            memberships[(copy["group"], doc)] += 1
    units = linked_units(docs, memberships)
    ours, theirs = assign(units, ratios, seed), naive(docs, ratios, seed)
    chosen = {name: sorted(doc for doc, where in ours.items() if where == name) for name in ratios}
    report = SplitReport(
        ratios=ratios, seed=seed, documents=_sizes(ours, ratios), targets=_targets(ratios, len(docs)),
        naive_documents=_sizes(theirs, ratios), crossing=crossings(memberships, ours), naive_crossing=crossings(memberships, theirs),
        copied_sentences=sum(memberships.values()), largest_unit=max(map(len, units), default=0), files={},
    )
    return report, chosen


def _selected(store: Store, statuses: list[str] | None) -> list[int]:
    if not statuses:
        return store.document_ids()
    return sorted(doc for status in statuses for doc in store.document_ids(status))


def _sizes(assignment: Assignment, ratios: dict[str, float]) -> dict[str, int]:
    counts = Counter(assignment.values())
    return {name: counts[name] for name in ratios}


def _write_json(path: Path, report: SplitReport, chosen: dict[str, list[int]], settings: dict) -> None:
    data = {
        "written_by": WRITTEN_BY,
        "seed": report.seed,
        "ratios": report.ratios,
        **settings,
        "files": report.files,
        "counts": {
            "documents": report.documents,
            "targets": {name: round(t, 3) for name, t in report.targets.items()},
            "spans": {name: log.spans for name, log in report.logs.items()},
            "copied_sentences": report.copied_sentences,
            "largest_linked_documents": report.largest_unit,
            "crossing_sentences": report.crossing[0],
            "crossing_groups": report.crossing[1],
            "naive": {"documents": report.naive_documents, "crossing_sentences": report.naive_crossing[0],
                      "crossing_groups": report.naive_crossing[1]},
        },
        "documents": chosen,
    }
    with atomic_text_writer(path) as handle:
        handle.write(_json_lines(data))


def _json_lines(data: dict) -> str:
    """JSON with a line per key (and per key of counts, counts.naive, documents): readable, and
    a list of 100,000 document ids is one line, not 100,000."""
    def block(value: dict, path: str) -> str:
        indent = " " * (path.count(".") + 1)
        lines = [f"{indent}{json.dumps(k)}: {block(v, f'{path}.{k}') if f'{path}.{k}' in _EXPANDED else json.dumps(v)}" for k, v in value.items()]
        return "{\n" + ",\n".join(lines) + f"\n{indent[1:]}}}"

    return block(data, "") + "\n"


_EXPANDED = (".counts", ".counts.naive", ".documents")


# -- the folder ----------------------------------------------------------------------------


@contextmanager
def _split_folder(out_dir: Path, force: bool) -> Iterator[Path]:
    """A staging folder beside ``out_dir`` to fill; it becomes ``out_dir`` when the block ends
    well (renamed: a new folder appears whole). An existing folder that is not empty is refused
    unless ``force``; then the split's entries in it are replaced (split.json last: a folder
    without it is no complete split) and every other file is left alone. On any error the
    staging folder goes and ``out_dir`` is as it was."""
    folder, existing = _check_folder(out_dir, force)
    remove_stale_partials(folder.parent, folder.name)
    staging = folder.parent / partial_name(folder.name)
    try:
        os.mkdir(staging, 0o777)  # the user's umask applies
    except OSError as error:
        raise ExportError(f"{out_dir}: cannot create a folder in {folder.parent} ({error.strerror or error}); nothing was written") from None
    try:
        yield staging
        folder, existing = _check_folder(out_dir, force)  # nothing appeared meanwhile
        if existing is None:
            os.rename(staging, folder)
        else:
            _install(staging, folder)
        fsync_dir(folder.parent)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _check_folder(out_dir: Path, force: bool) -> tuple[Path, os.stat_result | None]:
    refusal = "not a folder; split writes a folder (choose a new name); nothing was written"
    folder, existing = stat_output(out_dir, stat.S_ISDIR, refusal)
    if existing is not None and not force and any(os.scandir(folder)):
        raise OutputRefused(f"{out_dir} exists and is not empty; nothing was written (choose a new or empty folder, "
                            "or add --force to replace the split's files in it; other files are kept)")
    return folder, existing


def _install(staging: Path, folder: Path) -> None:
    """Move the staged entries into an existing folder: the old split.json goes first, so a kill
    meanwhile leaves no split.json beside a mix of old and new files; entries an earlier split
    listed and this one does not write (dev.jsonl after a two-way split) are removed."""
    earlier = _earlier_files(folder / SPLIT_JSON)
    if earlier is not None:
        os.unlink(folder / SPLIT_JSON)
    new = set(os.listdir(staging)) - {SPLIT_JSON}
    for name in sorted((earlier or set()) - new):
        _remove(folder / name)
    for name in sorted(new):
        _remove(folder / name)
        os.rename(staging / name, folder / name)
    os.replace(staging / SPLIT_JSON, folder / SPLIT_JSON)


def _earlier_files(path: Path) -> set[str] | None:
    """The entries an earlier split listed in its split.json, with their label sidecars
    (None: no split.json of ours). Only plain names: nothing outside the folder."""
    try:
        with open(path, "rb") as handle:
            data = json.loads(handle.read(64 << 20))
        files = data["files"] if data.get("written_by") == WRITTEN_BY else None
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    if not isinstance(files, dict):
        return None
    names = {n for n in files.values() if isinstance(n, str) and n.strip(".") and "/" not in n and "\\" not in n}
    return (names | {sidecar_path(Path(n)).name for n in names}) - {SPLIT_JSON}


def _remove(path: Path) -> None:
    if os.path.isdir(path) and not os.path.islink(path):
        shutil.rmtree(path)
    elif os.path.lexists(path):
        os.unlink(path)
