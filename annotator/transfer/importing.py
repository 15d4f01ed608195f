"""Import files into a Store: all of it or nothing, in one pass with flat memory.

Inputs are read one record at a time and staged in a single write transaction; one bad
file or line refuses the whole invocation (unless ``skip_invalid``): every input is still
read so that every problem is reported, then the transaction rolls back and nothing is
written. A killed import leaves nothing, and a re-run completes it. Records of a text that
is already a document (from this input or an earlier import) are merged into it: see
store.bulk.

Each span goes to the layer of the annotator it names, else of the annotator its record names
(``meta.annotator``, Prodigy's ``_annotator_id``), else of the one its file or folder names
(``annotator_per_file``: doccano's per-user export files ``alice.jsonl``; ``annotator_per_folder``:
``OUT/alice/*.ann``), else the importing annotator's. Annotators new to the database are created
and reported.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from annotator.core.model import AnnotationError
from annotator.core.problems import InputError, Problem
from annotator.formats import module
from annotator.formats.records import LabelScheme, ReadOptions, Record, annotator_named, owned_spans
from annotator.store.bulk import AddResult
from annotator.store.service import Progress, Store
from annotator.transfer.inputs import Input, Inputs


class ImportCancelled(Exception):
    """Cancel was pressed; raised inside the write transaction so that it rolls back."""


@dataclass
class ImportReport:
    added: int = 0  # new documents
    merged: int = 0  # records merged into a document of the same text
    duplicates: int = 0  # records that brought nothing new (already stored, repeated)
    spans: int = 0  # spans written
    relations: int = 0  # relations written
    repeated_spans: int = 0  # exact repeats in the input, merged
    present_spans: int = 0  # spans already stored before
    conflicts: int = 0  # disagreements between records of one text (listed in warnings)
    labels_created: list[str] = field(default_factory=list)
    relation_labels_created: list[str] = field(default_factory=list)
    annotators: list[str] = field(default_factory=list)  # the layers the spans and statuses went to
    annotators_created: list[str] = field(default_factory=list)  # ... those new to the database
    pending_index: int = 0  # documents left out of the copy index (index=False): built later
    importer: str = ""  # the importing annotator (spans naming no one go to their layer)
    warnings: list[Problem] = field(default_factory=list)
    skipped: list[Problem] = field(default_factory=list)  # problems of the input left out (skip_invalid)

    @property
    def skipped_records(self) -> int:
        """Records (JSONL lines, files) left out: problems counted once per line or file."""
        return len({(p.path, p.line) for p in self.skipped})

    @property
    def refused_any(self) -> bool:
        return bool(self.skipped)

    def summary(self) -> str:
        """One line: what was added, merged, repeated, skipped and created (the CLI prints it, the window too)."""
        parts = [f"imported {self.added:,} document(s) with {self.spans:,} span(s)" + (f" and {self.relations:,} relation(s)" if self.relations else "")]
        if self.merged:
            parts.append(f"{self.merged:,} record(s) merged into a document of the same text")
        parts.append(f"{self.duplicates:,} already present")
        if self.repeated_spans:
            parts.append(f"{self.repeated_spans:,} repeated span(s) merged")
        if self.present_spans:
            parts.append(f"{self.present_spans:,} span(s) already stored")
        if self.conflicts:
            parts.append(f"{self.conflicts:,} conflict(s) between records")
        if self.skipped:
            parts.append(f"{self.skipped_records:,} invalid record(s) skipped")
        if self.labels_created:
            parts.append(f"new labels: {', '.join(self.labels_created)}")
        if self.relation_labels_created:
            parts.append(f"new relation labels: {', '.join(self.relation_labels_created)}")
        if self.annotators and self.annotators != [self.importer]:
            parts.append(f"annotators: {', '.join(self.annotators)}")
        if self.annotators_created:
            parts.append(f"new annotators: {', '.join(self.annotators_created)}")
        if self.pending_index:
            parts.append(f"{self.pending_index:,} document(s) wait for the copy index: `annotator index` or the window builds it")
        return "; ".join(parts)


# -- reading and writing ----------------------------------------------------------


def read_inputs(inputs: Iterable[Input | Problem], options: ReadOptions = ReadOptions()) -> Iterator[tuple[int, Path | None, Record | LabelScheme | Problem]]:
    """Every record, travelled label scheme and problem of the inputs, in order, one at a time,
    each with the index and path of its input (a Problem in place of an input comes as is)."""
    for index, item in enumerate(inputs):
        if isinstance(item, Problem):
            yield index, None, item
            continue
        for found in module(item.format).read(item.path, options):
            yield index, item.path, found


def import_paths(
    store: Store,
    paths: Iterable[Path],
    *,
    fmt: str | None = None,
    encoding: str | None = None,
    strict: bool = False,
    skip_invalid: bool = False,
    follow_links: bool = False,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
    annotator_per_file: bool = False,
    annotator_per_folder: bool = False,
    index: bool = True,
) -> ImportReport:
    """Import files and folders; raises InputError (nothing written) on bad input.

    ``progress(files_done, files)`` is called after each input file; ``cancelled()`` is asked
    before each record is stored and raises ImportCancelled (nothing written) when it says so.
    ``annotator_per_file`` / ``annotator_per_folder``: see the module docstring and path_annotator.
    ``index=False`` leaves the new documents out of the copy index (a big import is several
    times faster); Store.build_copy_index (`annotator index`, the window) indexes them later.
    """
    inputs = Inputs(paths, fmt, encoding, follow_links)
    total = inputs.count() if progress else 0
    report = ImportReport()
    errors: list[Problem] = []
    reached = 0
    named_by = _path_names(inputs.paths, annotator_per_file, annotator_per_folder)
    created = len(store.created_annotators)
    # The database's relation labels: a relation whose ends they do not allow is named with its line.
    options = ReadOptions(encoding=encoding, strict=strict, relation_labels=tuple(store.relation_labels()))
    with store.bulk_import(index) as writer:
        for number, path, found in read_inputs(inputs, options):
            if cancelled is not None and cancelled():
                raise ImportCancelled()
            if number != reached and progress:
                progress(number, total)
                reached = number
            if isinstance(found, Problem):
                (report.warnings if found.warning else errors).append(found)
            elif isinstance(found, LabelScheme):
                writer.add_scheme(found.labels)
                writer.add_relation_scheme(found.relations)
            elif skip_invalid or not errors:  # after an error, read on only to report every problem
                try:
                    owned_spans(*found, named_by(path))
                except AnnotationError as error:
                    errors.append(Problem(str(path), str(error)))
                    continue
                writer.add(*found, path=str(path))
        if errors and not skip_invalid:
            raise InputError(errors)  # inside the transaction: it rolls back
    if progress:
        progress(total, total)
    report.importer = store.annotator
    # Those the input named (the importer's own layer, made on their first import, goes unsaid).
    report.annotators_created = [name for name in store.created_annotators[created:] if name in writer.result.annotators and name != store.annotator]
    report.pending_index = 0 if index else store.pending_copy_index()
    return _report(report, writer.result, errors)


def _path_names(roots: list[Path], per_file: bool, per_folder: bool) -> Callable[[Path], str]:
    """The annotator an input's path names ("" for none): its file name without the extension
    (``per_file``), or the folder right below the folder named on the command line that holds
    it (``per_folder``; a file directly in a named folder, or named itself: its folder's name)."""
    if per_file and per_folder:
        raise InputError([Problem("--annotator-per-file", "and --annotator-per-folder exclude each other: choose one")])

    def named_by(path: Path) -> str:
        if per_file:
            name = path.stem
        elif per_folder:
            name = next((parts[0] for root in roots if len(parts := _below(path, root)) > 1), path.parent.name)
        else:
            return ""
        return annotator_named(name, f"the annotator named by {'file' if per_file else 'folder'} {name!r}")

    return named_by


def _below(path: Path, root: Path) -> tuple[str, ...]:
    try:
        return path.relative_to(root).parts
    except ValueError:
        return ()


def _report(report: ImportReport, result: AddResult, errors: list[Problem]) -> ImportReport:
    report.added, report.merged, report.duplicates, report.spans = len(result.added), result.merged, result.duplicates, result.spans
    report.repeated_spans, report.present_spans = result.repeated_spans, result.present_spans
    report.conflicts = len(result.conflicts)
    report.labels_created = sorted(result.labels_created)
    report.relations, report.relation_labels_created = result.relations, sorted(result.relation_labels_created)
    report.annotators = sorted(result.annotators, key=str.casefold)
    report.warnings += [Problem(c.path, f"document {c.document_id} ({c.title!r}): {c.message}", warning=True) for c in result.conflicts]
    report.skipped = errors
    return report
