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
    model: Path | None = None
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


# Names in the seeds, tagged in their paragraphs to train on (whole words: the spans fall on tokens).
SEED_NAMES = {"PERSON": ("Mike Pompeo", "Vladimir Putin", "Pompeo", "Putin", "Lavrov", "Trump", "Maduro"),
              "GPE": ("Russia", "Washington", "Moscow", "Iran", "Syria", "Turkey", "Venezuela", "Sochi")}
TRAIN_STEPS = 5


def train_model(ctx: Context) -> str:
    """``annotator train``'s path (split, DocBins, spaCy's init config and training loop, meta.json)
    on the seeds' paragraphs imported as done documents, then the saved pipeline reloaded.
    Two seed articles are too few for a dev split, and share sentences (one linked unit): their
    ~30 paragraphs are not, and the paragraphs that share a sentence still test the split."""
    from annotator.training.run import TrainOptions, train
    from annotator.transfer.importing import import_paths

    report = import_paths(ctx.store, [seed_paragraphs(ctx.folder / "paragraphs.jsonl")])
    ctx.model = ctx.folder / "model"
    # Only the paragraphs are done: the seed articles (new, in progress) stay out of the corpus.
    result = train(ctx.store, ctx.model, TrainOptions(statuses=("done",), max_steps=TRAIN_STEPS))
    documents = result.corpus.documents
    check(sum(documents.values()) == report.added, f"trained on {sum(documents.values())} document(s), {report.added} imported")
    check(result.steps == TRAIN_STEPS, f"training ran {result.steps} step(s), expected {TRAIN_STEPS}")
    found = load_model(ctx.model, ctx.text.splitlines()[2])
    return (f"trained NER {result.steps} steps on {report.added} seed paragraphs (train {documents['train']}, dev {documents['dev']}, "
            f"test {documents['test']}) and reloaded it ({found} entities in a seed headline)")


def seed_paragraphs(path: Path) -> Path:
    """The seeds' paragraphs of 5+ words as JSONL records, done, with SEED_NAMES tagged."""
    import re

    from annotator.paths import seeds_dir

    names = {name: label for label, names in SEED_NAMES.items() for name in names}
    pattern = re.compile(r"(?<![\w-])(?:" + "|".join(map(re.escape, names)) + r")(?![\w-])")  # longer names listed first
    with open(path, "w", encoding="utf-8") as handle:
        for seed in sorted(seeds_dir().glob("*.txt")):
            for text in seed.read_text(encoding="utf-8").split("\n\n"):
                if len(text.split()) >= 5:
                    spans = [{"start": m.start(), "end": m.end(), "label": names[m[0]]} for m in pattern.finditer(text.strip())]
                    handle.write(json.dumps({"text": text.strip(), "spans": spans, "meta": {"status": "done"}}) + "\n")
    return path


def load_model(folder: Path, text: str) -> int:
    """spaCy loads the trained pipeline and runs ``text`` through it: the number of entities found."""
    import spacy

    nlp = spacy.load(folder)
    trained = json.loads((folder / "meta.json").read_text(encoding="utf-8"))["annotator"]["labels"]
    check("ner" in nlp.pipe_names and set(trained) <= set(nlp.get_pipe("ner").labels),
          f"the trained pipeline {nlp.pipe_names} does not recognize the labels {trained}")
    doc = nlp(text)
    check(len(doc) > 0 and {ent.label_ for ent in doc.ents} <= set(trained), f"the trained pipeline tagged {doc.ents} in {text!r}")
    return len(doc.ents)


# A PostgreSQL server to test against (a URL whose role may CREATE DATABASE); unset: step skipped.
TEST_PG = "ANNOTATOR_TEST_PG"


def check_postgres(ctx: Context) -> str:
    """Team mode's round trip on the server ``ANNOTATOR_TEST_PG`` names: a scratch database
    created and migrated there, a span written, read back through a second connection, and the
    database dropped. The URL is only ever shown without its password."""
    url = os.environ.get(TEST_PG)
    if not url:
        return f"PostgreSQL skipped ({TEST_PG} names no server)"
    from annotator.store import Store
    from annotator.store.database import HEAD_REVISION, current_revision
    from annotator.store.location import DatabaseLocation

    try:
        server = DatabaseLocation.of(url)
    except ValueError as error:
        raise SelfTestError(f"{TEST_PG}: {error}") from None
    with scratch_database(server) as location:
        store = Store(location)
        ctx.closers.append(store.close)
        revision = current_revision(location)
        check(revision == HEAD_REVISION, f"the scratch database is at schema {revision}, expected {HEAD_REVISION}")
        written = write_one_span(store)
        store.close()
        again = Store(location)
        ctx.closers.append(again.close)
        read = again.spans(written.document_id)
        again.close()
        check([(s.start, s.end, s.label) for s in read] == [(written.start, written.end, written.label)],
              f"wrote {written.label} {written.start}-{written.end} to {location}, read back {read}")
    return f"PostgreSQL at {server}: scratch database migrated to {revision}, a {written.label} span written, read back and dropped"


def write_one_span(store) -> Span:
    from annotator.core.model import Document

    text = "Ada Lovelace wrote the first program."
    store.add_documents([(Document(None, "self-test", text), [])])
    return store.add_span(store.document_ids()[0], Span(0, len("Ada Lovelace"), store.labels()[0].name))


@contextmanager
def scratch_database(server) -> Iterator[Any]:
    """A new UTF8 database beside the one ``server`` names, dropped on the way out."""
    import secrets

    from sqlalchemy import exc

    from annotator.store.postgres import create_postgres_engine

    name = f"annotator_selftest_{secrets.token_hex(4)}"
    admin = create_postgres_engine(server, pooled=False).execution_options(isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f"CREATE DATABASE {name} ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0")
    except exc.DBAPIError as error:
        admin.dispose()
        raise SelfTestError(f"cannot create a scratch database on {server} ({str(error.orig).strip()}): {TEST_PG} must name "
                            "a role allowed to CREATE DATABASE") from None
    try:
        yield type(server)(url=server.url.set(database=name))
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name}")
        admin.dispose()


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
    ("train a model and load it", train_model),
    ("write and read a span on PostgreSQL", check_postgres),
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
