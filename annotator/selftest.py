"""``annotator --self-test``: the whole chain once, on a throwaway database.

The same code runs from source and from the bundle, so a researcher (or CI) can prove
an install works: database + migrations, import, spaCy pre-annotation, the real main
window (offscreen), a tag made through the GUI's own undo commands, undo/redo, JSONL
export and the offset promise. Everything happens in a temporary folder and the
environment points every data, config and cache path there, so the user's own
database and settings are never read or written.

Exit status 0 with a one-line summary; 1 with the failing step otherwise.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotator.core.model import Span, State
from annotator.selftest_checks import SelfTestError, check


@dataclass
class Context:
    """What the steps hand to each other."""

    folder: Path
    store: Any = None
    doc_id: int = 0
    text: str = ""
    suggestions: int = 0
    window: Any = None  # annotator.gui.selftest_steps.WindowCheck
    tagged: Span | None = None
    export: Path | None = None
    closers: list[Callable[[], None]] = field(default_factory=list)

    def close(self) -> None:
        for close in reversed(self.closers):
            close()


# -- the steps, in order; each returns a fragment of the summary line ------------


def create_database(ctx: Context) -> str:
    from annotator.store import Store
    from annotator.store.database import HEAD_REVISION, current_revision

    ctx.store = Store(ctx.folder / "selftest.db")
    ctx.closers.append(ctx.store.close)
    check(ctx.store.created, f"{ctx.store.path} existed before the self-test")
    revision = current_revision(ctx.store.path)
    check(revision == HEAD_REVISION, f"the new database is at schema {revision}, expected {HEAD_REVISION}")
    check(bool(ctx.store.labels()), "the new database has no labels (default scheme missing)")
    return f"new database migrated to {revision}"


def import_seed(ctx: Context) -> str:
    from annotator.paths import seeds_dir
    from annotator.transfer.importing import import_paths

    seeds = sorted(seeds_dir().glob("*.txt"))
    check(bool(seeds), f"no seed articles in {seeds_dir()}")
    report = import_paths(ctx.store, [seeds[0]])
    check(report.added == 1, f"importing {seeds[0].name} added {report.added} document(s), expected 1")
    ctx.doc_id = ctx.store.document_ids()[0]
    ctx.text = ctx.store.document(ctx.doc_id).text
    return f"imported {seeds[0].name} ({len(ctx.text):,} chars)"


def preannotate_seed(ctx: Context) -> str:
    from annotator.nlp.pipeline import NoModelError, load_pipeline
    from annotator.nlp.preannotate import preannotate

    try:
        pipeline = load_pipeline(None)
    except NoModelError as error:
        hint = "this bundle is broken, rebuild it" if getattr(sys, "frozen", False) else "`make setup` installs it"
        raise SelfTestError(f"{error} ({hint})") from None
    summary = preannotate(ctx.store, pipeline, doc_ids=[ctx.doc_id])
    stored = ctx.store.spans(ctx.doc_id, states=[State.SUGGESTED])
    check(summary.stored > 0, f"{pipeline.spec} found no entities in the seed article: {summary.line()}")
    check(len(stored) == summary.stored, f"{summary.stored} suggestion(s) reported, {len(stored)} stored")
    ctx.suggestions = len(stored)
    return f"{pipeline.spec} suggested {ctx.suggestions} span(s)"


def open_window(ctx: Context) -> str:
    # The self-test's one entry into annotator.gui: lazy, so verbs and --version never load Qt
    # (the import-linter contract in pyproject.toml allows exactly this import, tests/test_layers.py
    # checks it stays lazy).
    from annotator.gui.selftest_steps import WindowCheck

    ctx.window = WindowCheck.open(ctx.store, ctx.doc_id, ctx.folder / "settings.ini")
    ctx.closers.append(ctx.window.close)
    return f"window showed it offscreen ({ctx.window.tokens} tokens)"


def tag_span(ctx: Context) -> str:
    start, end = free_word(ctx.text, ctx.store.spans(ctx.doc_id))
    ctx.tagged, how = ctx.window.tag(start, end)
    return f"tagged {ctx.tagged.label} {ctx.text[start:end]!r} {how}"


def undo_redo(ctx: Context) -> str:
    ctx.window.undo_redo(ctx.tagged)
    return "undone and redone"


def export(ctx: Context) -> str:
    from annotator.transfer.exporting import export_jsonl

    ctx.export = ctx.folder / "export.jsonl"
    report = export_jsonl(ctx.store, ctx.export, include_suggestions=True)
    check(report.documents == 1, f"exported {report.documents} document(s), expected 1")
    return f"exported {report.documents} document with {report.spans} span(s)"


def check_offsets(ctx: Context) -> str:
    lines = ctx.export.read_text(encoding="utf-8").splitlines()
    check(len(lines) == 1, f"{ctx.export.name} has {len(lines)} line(s), expected 1")
    record = json.loads(lines[0])
    check(record["text"] == ctx.text, "the exported text differs from the stored text")
    spans = record["spans"]
    for span in spans:
        found = record["text"][span["start"] : span["end"]]
        check(found == span["text"], f"span {span['start']}-{span['end']} says {span['text']!r} but the text there is {found!r}")
    tagged = ctx.tagged
    check(
        any((s["start"], s["end"], s["label"]) == (tagged.start, tagged.end, tagged.label) for s in spans),
        f"the tagged span {tagged.start}-{tagged.end} {tagged.label} is missing from the export",
    )
    stored = ctx.store.spans(ctx.doc_id, states=[State.ACCEPTED, State.SUGGESTED])  # the tag's projections too
    check(len(spans) == len(stored) >= ctx.suggestions + 1, f"{len(spans)} span(s) exported, {len(stored)} stored, expected {ctx.suggestions} suggestion(s) + 1 tag at least")
    return f"all {len(spans)} offsets exact"


def find_copies(ctx: Context) -> str:
    """The copy index (numpy MinHash, rapidfuzz verification) on the two seeds: their repeated
    headline and shared sentence are exact copies, the rewritten Trump sentence a near one."""
    from annotator.paths import seeds_dir
    from annotator.transfer.importing import import_paths

    import_paths(ctx.store, sorted(seeds_dir().glob("*.txt"))[1:2])
    groups = list(ctx.store.copy_groups())
    kinds = sorted(g.kind for g in groups)
    check(kinds == ["exact", "exact", "near"], f"the seeds' copies were found as {kinds}, expected 2 exact and 1 near group")
    near = next(g for g in groups if g.kind == "near")
    check(0.8 <= near.sentences[1].similarity < 1, f"the near copy has similarity {near.sentences[1].similarity}")
    return f"{len(groups)} groups of copied sentences across the seeds (near: {near.sentences[1].similarity:.0%})"


STEPS: list[tuple[str, Callable[[Context], str]]] = [
    ("create and migrate a database", create_database),
    ("import a seed article", import_seed),
    ("pre-annotate it", preannotate_seed),
    ("open the main window", open_window),
    ("tag a span", tag_span),
    ("undo and redo", undo_redo),
    ("export JSONL", export),
    ("check every offset", check_offsets),
    ("find copied sentences", find_copies),
]


def free_word(text: str, spans: list[Span]) -> tuple[int, int]:
    """The first word of 3+ letters that no stored span touches: a new tag cannot collide."""
    import re

    for match in re.finditer(r"[^\W\d_]{3,}", text):
        if not any(s.start < match.end() and match.start() < s.end for s in spans):
            return match.span()
    raise SelfTestError("no untagged word left in the seed article")


# -- running ---------------------------------------------------------------------


@contextmanager
def isolated_environment(folder: Path) -> Iterator[None]:
    """Point every path the app, Qt and fontconfig may use into ``folder``; restore afterwards."""
    values = {
        "ANNOTATOR_DB": str(folder / "default.db"),
        "XDG_DATA_HOME": str(folder / "data"),
        "XDG_CONFIG_HOME": str(folder / "config"),
        "XDG_CACHE_HOME": str(folder / "cache"),
        "XDG_STATE_HOME": str(folder / "state"),
        "QT_QPA_PLATFORM": "offscreen",  # read when the QApplication is created: no window pops up
    }
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def run(steps: list[tuple[str, Callable[[Context], str]]] | None = None) -> int:
    """Run the steps; print one summary line (stdout) or the failing step (stderr)."""
    steps = STEPS if steps is None else steps
    started = time.perf_counter()
    facts = []
    with tempfile.TemporaryDirectory(prefix="annotator-selftest-", ignore_cleanup_errors=True) as tmp:
        folder = Path(tmp)
        with isolated_environment(folder):
            ctx = Context(folder)
            try:
                for number, (name, step) in enumerate(steps, 1):
                    try:
                        facts.append(step(ctx))
                    except Exception as error:  # noqa: BLE001 - report any failure as this step's
                        report_failure(number, len(steps), name, error)
                        return 1
            finally:
                ctx.close()
    print(f"annotator self-test passed in {time.perf_counter() - started:.1f} s: {'; '.join(facts)}", flush=True)
    return 0


def report_failure(number: int, total: int, name: str, error: Exception) -> None:
    if not isinstance(error, SelfTestError):  # an unexpected error: the traceback helps a bug report
        traceback.print_exception(error, file=sys.stderr)
    print(f"annotator self-test FAILED at step {number}/{total} ({name}): {error}", file=sys.stderr, flush=True)
