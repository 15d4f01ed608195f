"""Projecting one tag onto 100 copies of its sentence, the store write included.

Usage: python bench/bench_projection.py [--copies 100] [--runs 30] [--chars 5000]

A database of 1 + --copies generated articles (~--chars characters of sentences that copy
nothing) that all hold one sentence about Putin and Pompeo: the first article as written,
the others rewritten as copies are (exact, a word swapped elsewhere, a clause added, a clause
dropped), so the copy index puts all of them in one group. "Vladimir Putin" is tagged in the
first article; every figure is the median of --runs, each run taken back before the next
(one line each):
- baseline: the raw store write, 100 suggestion rows inserted with sqlite3 in one transaction
  into the same database, then deleted; and the same rows through Store.add_suggestions (the
  writer of model and learned suggestions);
- headless: annotator.copies.projection.project of the tag (reads the copies, aligns, checks
  tokens, writes in one transaction);
- window: the projection step as the window runs it (Qt offscreen): the ProjectChanges
  command of the tag's undo step, its store write and the view and document list told;
- whole tag: Editor.tag on the selection, the span's own write (a commit of its own) and
  the projection, one undo step (the document is in progress, as while annotating).
The first projection of the process (it loads spaCy's tokenizer) is shown apart.
Target (issue 11): <= 50 ms for projecting (headless and window figures). Every commit syncs\nto disk (synchronous=FULL): the raw baseline shows what one costs on this machine.
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from annotator.copies.projection import Change, Outcome, project  # noqa: E402
from annotator.core.model import Document, Source, Span, State, Status  # noqa: E402
from annotator.core.text import content_hash  # noqa: E402
from annotator.store import Store  # noqa: E402

TARGET_MS = 50
SENTENCE = "Russian President Vladimir Putin met U.S. Secretary of State Mike Pompeo in Sochi on Tuesday to talk about arms control."
REWRITES = [
    lambda s: s,
    lambda s: s.replace("Russian President", "The Russian leader"),
    lambda s: s.replace("in Sochi", "in the resort of Sochi"),
    lambda s: s.replace(" on Tuesday", ""),
    lambda s: s.replace("arms control", "nuclear arms control"),
]
PHRASE = "Vladimir Putin"


def filler(rng: random.Random, chars: int) -> list[str]:
    """Sentences of made-up words: nothing in them is a copy of anything."""
    sentences, size = [], 0
    while size < chars:
        words = ["".join(rng.choice("bcdfghklmnprstvz") + rng.choice("aeiou") for _ in range(rng.randint(2, 4))) for _ in range(rng.randint(8, 20))]  # no abbreviation ("co.")
        sentences.append(" ".join(words).capitalize() + ".")
        size += len(sentences[-1]) + 1
    return sentences


def corpus(copies: int, chars: int) -> list[str]:
    rng = random.Random(11)
    texts = []
    for i in range(copies + 1):
        body = filler(rng, chars)
        body.insert(rng.randrange(len(body)), REWRITES[i % len(REWRITES)](SENTENCE) if i else SENTENCE)
        texts.append(f"Article {i}\n\n" + " ".join(body))
    return texts


def median_ms(step, reset, runs: int) -> float:
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        step()
        times.append((time.perf_counter() - began) * 1000)
        reset()
    return statistics.median(times)


def raw_write(path: Path, doc_ids: list[int], start: int, runs: int) -> float:
    """The bare write: the same number of suggestion rows, sqlite3 executemany, one transaction."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA synchronous=FULL")
    label = conn.execute("SELECT id FROM labels WHERE name = 'PERSON'").fetchone()[0]
    rows = [(d, start, start + len(PHRASE), label, "projection", "suggested", "", "", "doc 1", "t", "t") for d in doc_ids]
    insert = ('INSERT INTO spans (document_id, start, "end", label_id, source, state, note, annotator, provenance, created_at, updated_at) '
              "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")

    def step():
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany(insert, rows)
        conn.execute("COMMIT")

    try:
        return median_ms(step, lambda: conn.execute("DELETE FROM spans WHERE provenance = 'doc 1'"), runs)
    finally:
        conn.close()


def store_write(store: Store, doc_ids: list[int], start: int, runs: int) -> float:
    """The app's own suggestion writer (Store.add_suggestions) storing the same rows."""
    items = [(d, [Span(start, start + len(PHRASE), "PERSON", Source.PROJECTION, State.SUGGESTED)]) for d in doc_ids]
    written = []
    return median_ms(lambda: written.append(store.add_suggestions(items)), lambda: store.delete_suggestions(written.pop().ids), runs)


def headless(store: Store, doc_id: int, change: Change, runs: int) -> tuple[float, float, object]:
    began = time.perf_counter()
    first = project(store, doc_id, [change])
    cold = (time.perf_counter() - began) * 1000
    store.undo_projection([s.id for s in first.added], first.removed)
    last = []

    def step():
        last[:] = [project(store, doc_id, [change])]

    warm = median_ms(step, lambda: store.undo_projection([s.id for s in last[0].added], last[0].removed), runs)
    return cold, warm, first


def in_window(store: Store, folder: Path, change: Change, runs: int) -> tuple[float, float]:
    """(the projection command the window pushes, the whole tag): medians in ms."""
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from annotator.gui.main_window import MainWindow
    from annotator.gui.projecting import ProjectChanges

    app = QApplication.instance() or QApplication(["bench"])
    window = MainWindow(store, QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat))
    window.suggestions.learn_action.setChecked(False)  # learned matches run in a worker; these figures are the projection
    window.show()
    settled = time.perf_counter() + 1.0  # the window's own start-up work (spaCy's import for tokens) runs in threads
    while time.perf_counter() < settled:
        app.processEvents()
    editor = window.editor
    command = ProjectChanges(store, editor, editor.message.emit, editor.document, [change])

    def tag():
        window.view.select(change.start, change.end)
        editor.tag(change.label)

    def settle(step):
        return lambda: (step(), app.processEvents())

    try:
        projection = median_ms(command.do, settle(command.revert), runs)
        whole = median_ms(tag, settle(editor.undo), runs)
    finally:
        window.close()
    return projection, whole


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=100)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--chars", type=int, default=5000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench_projection_") as tmp:
        folder = Path(tmp)
        store = Store(folder / "bench.db")
        ids = store.add_documents([(Document(None, f"Article {i}", t, content_hash=content_hash(t)), []) for i, t in enumerate(corpus(args.copies, args.chars))]).added
        source = ids[0]
        start = store.document(source).text.index(PHRASE)
        copies = sum(len(x.copies) for x in store.document_copies(source))
        print(f"machine: load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (other work slows every figure)")
        print(f"corpus: {len(ids)} articles of ~{args.chars} characters; the tagged sentence has {copies} copies")
        store.add_span(source, Span(start, start + len(PHRASE), "PERSON", state=State.ACCEPTED))
        cold, warm, first = headless(store, source, Change(start, start + len(PHRASE), "PERSON"), args.runs)
        store.delete_span(store.spans(source)[0].id)
        counts = first.counts()
        print(f"first projection (loads spaCy's tokenizer): {cold:.1f} ms; {counts[Outcome.PROPOSED]} proposed, {counts[Outcome.MARKED]} marked")
        base = raw_write(store.path, ids[1:], start, args.runs)
        print(f"baseline raw write of {len(ids) - 1} suggestion rows (sqlite3, one transaction), median of {args.runs}: {base:.1f} ms")
        suggestions = store_write(store, ids[1:], start, args.runs)
        print(f"the same rows through Store.add_suggestions, median of {args.runs}: {suggestions:.1f} ms; ratio {suggestions / base:.1f}x")
        print(f"headless projection onto {copies} copies incl. the write, median of {args.runs}: {warm:.1f} ms; ratio {warm / base:.1f}x")
        store.set_status(source, Status.IN_PROGRESS)  # as while annotating: the tag is not also the document's first edit
        window, whole = in_window(store, folder, Change(start, start + len(PHRASE), "PERSON"), args.runs)
        print(f"window (offscreen): the projection step of the tag's undo command (store write, view and list told), median of {args.runs}: "
              f"{window:.1f} ms; ratio {window / base:.1f}x")
        print(f"window (offscreen): the whole tag (Editor.tag: the span's own write, then the projection; one undo step), median of {args.runs}: "
              f"{whole:.1f} ms; ratio {whole / base:.1f}x")
        store.close()
    verdict = "met" if max(warm, window) <= TARGET_MS else "NOT met"
    print(f"summary: one tag projected onto {copies} copies incl. the store write: headless {warm:.1f} ms, in the window {window:.1f} ms "
          f"= {window / base:.1f}x a raw write of {len(ids) - 1} rows ({base:.1f} ms); target <= {TARGET_MS} ms {verdict}; whole tag {whole:.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
