"""Relations in the window: open a document with 2,000 spans and 1,000 relations, and repaint
a scrolled viewport, against raw baselines measured in the same run.

Usage: QT_QPA_PLATFORM=offscreen python bench/bench_relations.py [--spans 2000] [--relations 1000] [--runs 7]
       [--profile open|repaint]

Figures (median of --runs): wall time, CPU time of the process (time.process_time: every
thread, so also the copies read an open starts in a daemon thread) and of the UI thread
(time.thread_time: what the user waits for). On a loaded machine the wall figure waits for a
core; the CPU figures are what the work costs. Targets are checked on the process's CPU time.
In the real MainWindow on a SQLite file:
  open     MainWindow.open_document (document, spans and relations read from SQLite, shown)
           and the first paint of the viewport                         (target <= 250 ms)
           baseline: the same text and spans without relations, opened the same way;
           raw baseline: a bare QPlainTextEdit given the text, first paint
  repaint  scroll three lines and repaint the viewport, relations shown (target <= 16 ms)
           baseline: the same with View > Show relations off; raw baseline: a bare
           QPlainTextEdit with the same text, same size, same scroll
Relations join spans a few spans apart (as in news: who met whom in one paragraph), and
one in ten reaches further (a later paragraph), so a screenful holds 40-60 arcs.
--profile prints cProfile's costliest calls (CPU time) of one open or of 20 scroll + repaints.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench_view import COLORS, make_spans, make_text, scroller, shown  # noqa: E402
from PySide6.QtCore import QSettings  # noqa: E402
from PySide6.QtWidgets import QApplication, QPlainTextEdit  # noqa: E402

from annotator.core.model import Document, Label, RelationLabel, Span, Status  # noqa: E402
from annotator.core.text import content_hash  # noqa: E402
from annotator.store import Store  # noqa: E402

RELATION_LABELS = [RelationLabel("met", "#1971c2", "m", directed=False), RelationLabel("visited", "#2f9e44", "v"),
                   RelationLabel("criticized", "#c2255c", "c"), RelationLabel("works_for", "#7048e8", "w")]
OPEN_TARGET_MS, REPAINT_TARGET_MS = 250, 16


def build(folder: Path, span_count: int, relation_count: int) -> tuple[Store, int, int, str]:
    """A store with the same article twice (its first line differs): one with relations, one without."""
    text = make_text(span_count * 60)
    spans = make_spans(text, span_count)
    store = Store(folder / "relations.db")
    store.save_labels([Label(name, color) for name, color in COLORS.items()])
    store.save_relation_labels(RELATION_LABELS)
    plain_text = "Plain " + text
    docs = [(Document(None, "with relations", text, content_hash=content_hash(text)), [_copy(s) for s in spans]),
            (Document(None, "without", plain_text, content_hash=content_hash(plain_text)), [_copy(s, 6) for s in spans])]
    with_id, without_id = store.add_documents(docs).added
    for doc_id in (with_id, without_id):
        store.set_status(doc_id, Status.IN_PROGRESS)
    stored = store.spans(with_id)
    rng = random.Random(5)
    pairs = set()
    while len(pairs) < min(relation_count, len(stored) * 3):
        i = rng.randrange(len(stored))
        j = i + rng.choice([-1, 1]) * (rng.randint(1, 4) if rng.random() < 0.9 else rng.randint(10, 40))
        if 0 <= j < len(stored) and (i, j) not in pairs and (j, i) not in pairs:
            pairs.add((i, j))
    for n, (i, j) in enumerate(sorted(pairs)):
        store.add_relation(stored[i].id, stored[j].id, RELATION_LABELS[n % len(RELATION_LABELS)].name)
    return store, with_id, without_id, text


def _copy(span: Span, shift: int = 0) -> Span:
    return Span(span.start + shift, span.end + shift, span.label, span.source, span.state)


def window_for(store: Store, folder: Path):
    from annotator.gui.main_window import MainWindow

    window = MainWindow(store, QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat))
    window.resize(1280, 800)
    window.show()
    QApplication.processEvents()
    return window


CLOCKS = (time.perf_counter, time.process_time, time.thread_time)  # wall, process CPU, UI thread CPU


def timed(run, runs: int) -> list[tuple[float, ...]]:
    """(wall ms, process CPU ms, UI thread CPU ms) of each of ``runs`` calls of ``run``."""
    times = []
    for _ in range(runs):
        before = [clock() for clock in CLOCKS]
        run()
        times.append(tuple((clock() - start) * 1000 for clock, start in zip(CLOCKS, before)))
    return times


def opener(window, doc_id: int):
    def once():
        window.open_document(doc_id)
        window.view.viewport().repaint()

    return once


def settle(window) -> None:
    """Untimed: wait for the copies read an open starts in a daemon thread, so that its CPU
    does not land in the next figure."""
    run = window.copies._loading
    if run is not None:
        run.finished.wait(10)


def profile(run, times: int) -> None:
    profiler = cProfile.Profile(time.process_time)
    profiler.runcall(lambda: [run() for _ in range(times)])
    pstats.Stats(profiler).sort_stats("tottime").print_stats(25)


def medians(times: list[tuple[float, ...]]) -> tuple[float, ...]:
    return tuple(statistics.median(column) for column in zip(*times))


def figures(times: tuple[float, ...], ours: tuple[float, ...] | None = None) -> str:
    """The figures of ``times``; given ``ours``, the ratios ours / these."""
    shown = [f"{name} {ms:.1f} ms" for name, ms in zip(("CPU", "UI thread CPU", "wall"), (times[1], times[2], times[0]))]
    if ours is not None:
        shown.append(f"ours / this: CPU {ours[1] / times[1]:.2f}x, wall {ours[0] / times[0]:.2f}x")
    return ", ".join(shown)


def report(name: str, ours: list, base: list, raw: list, target: float, base_name: str, raw_name: str) -> bool:
    ours, base, raw = medians(ours), medians(base), medians(raw)
    print(f"{name}: {figures(ours)} (target <= {target} ms CPU)")
    print(f"  baseline {base_name}: {figures(base, ours)}")
    print(f"  raw baseline {raw_name}: {figures(raw, ours)}")
    return ours[1] <= target


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spans", type=int, default=2000)
    parser.add_argument("--relations", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--profile", choices=["open", "repaint"])
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        os.environ.setdefault("ANNOTATOR_NAME", "bench")
        store, with_id, without_id, text = build(folder, args.spans, args.relations)
        print(f"article: {len(text):,} characters, {len(store.spans(with_id)):,} spans, {len(store.relations(with_id)):,} relations")
        window = window_for(store, folder)
        view = window.view
        bare = shown(QPlainTextEdit(readOnly=True))
        bare.resize(view.viewport().size())

        def open_bare():
            bare.setPlainText(text)
            bare.viewport().repaint()

        for doc_id in (without_id, with_id):  # warm: the first open builds what every later one reuses
            opener(window, doc_id)()
            window.tokens.get(doc_id, window.editor.document.text)  # spaCy's import and tokenizer, in a worker
            settle(window)
        if args.profile:
            profile(opener(window, with_id) if args.profile == "open" else scroller(view, step=True), 1 if args.profile == "open" else 20)
            ok = True
        else:
            ok = measure(window, bare, open_bare, with_id, without_id, args)
        window.closing_anyway = True
        window.close()
        bare.close()
        store.close()
        app.processEvents()
    return 0 if ok else 1


def measure(window, bare, open_bare, with_id: int, without_id: int, args) -> bool:
    view, shown_action = window.view, window.relations.shown_action
    opens, plain_opens, raw_opens, paints, off_paints, raw_paints, arcs = ([] for _ in range(7))
    for _ in range(args.runs):  # alternated, so that drift hits every figure alike
        plain_opens += timed(opener(window, without_id), 1)
        settle(window)
        opens += timed(opener(window, with_id), 1)
        settle(window)
        raw_opens += timed(open_bare, 1)
        shown_action.setChecked(True)
        paints += timed(scroller(view, step=True), 4)
        arcs.append(len(window.relations.layer.arcs(view.offsets)))
        shown_action.setChecked(False)
        off_paints += timed(scroller(view, step=True), 4)
        shown_action.setChecked(True)
        raw_paints += timed(scroller(bare, step=True), 4)
    open_ok = report(f"open with {args.relations:,} relations (read from SQLite, shown, first paint)", opens, plain_opens, raw_opens,
                     OPEN_TARGET_MS, "the same text and spans without relations", "bare QPlainTextEdit, text only")
    paint_ok = report(f"scroll three lines and repaint, {statistics.median(arcs):.0f} arcs on screen", paints, off_paints, raw_paints,
                      REPAINT_TARGET_MS, "the same with relations hidden", "bare QPlainTextEdit")
    print(f"load average now: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    print(f"summary: open CPU {medians(opens)[1]:.0f} ms, scroll + repaint CPU {medians(paints)[1]:.2f} ms: "
          f"{'targets met' if open_ok and paint_ok else 'TARGETS MISSED'}")
    return open_ok and paint_ok


if __name__ == "__main__":
    sys.exit(main())
