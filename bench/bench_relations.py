"""Relations in the window: open a document with 2,000 spans and 1,000 relations, and repaint
a scrolled viewport, against raw baselines measured in the same run.

Usage: QT_QPA_PLATFORM=offscreen python bench/bench_relations.py [--spans 2000] [--relations 1000] [--runs 7]

Figures (median of --runs), in the real MainWindow on a SQLite file:
  open     MainWindow.open_document (document, spans and relations read from SQLite, shown)
           and the first paint of the viewport                         (target <= 250 ms)
           baseline: the same text and spans without relations, opened the same way;
           raw baseline: a bare QPlainTextEdit given the text, first paint
  repaint  scroll three lines and repaint the viewport, relations shown (target <= 16 ms)
           baseline: the same with View > Show relations off; raw baseline: a bare
           QPlainTextEdit with the same text, same size, same scroll
Relations join spans a few spans apart (as in news: who met whom in one paragraph), and
one in ten reaches further (a later paragraph), so a screenful holds 40-60 arcs.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench_view import COLORS, make_spans, make_text, median_ms, scroller, shown  # noqa: E402
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


def open_ms(window, doc_id: int, runs: int) -> float:
    def once():
        window.open_document(doc_id)
        window.view.viewport().repaint()

    return median_ms(once, runs)


def repaint_ms(edit: QPlainTextEdit, runs: int) -> float:
    return median_ms(scroller(edit, step=True), runs * 4)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spans", type=int, default=2000)
    parser.add_argument("--relations", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=7)
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

        opens, plain_opens, raw_opens, paints, off_paints, raw_paints, arcs = ([] for _ in range(7))
        for _ in range(args.runs):  # alternated, so that drift hits every figure alike
            plain_opens.append(open_ms(window, without_id, 1))
            opens.append(open_ms(window, with_id, 1))
            raw_opens.append(median_ms(open_bare, 1))
            window.relations.shown_action.setChecked(True)
            paints.append(repaint_ms(view, 1))
            arcs.append(len(window.relations.layer.arcs(view.offsets)))
            window.relations.shown_action.setChecked(False)
            off_paints.append(repaint_ms(view, 1))
            window.relations.shown_action.setChecked(True)
            raw_paints.append(repaint_ms(bare, 1))
        ours, plain, raw = (statistics.median(x) for x in (opens, plain_opens, raw_opens))
        paint, off, raw_paint = (statistics.median(x) for x in (paints, off_paints, raw_paints))
        print(f"open with {args.relations:,} relations (read from SQLite, shown, first paint): {ours:.1f} ms (target <= {OPEN_TARGET_MS} ms)")
        print(f"baseline open of the same text and spans without relations: {plain:.1f} ms; ratio {ours / plain:.2f}x")
        print(f"raw baseline open (bare QPlainTextEdit, text only): {raw:.1f} ms; ratio {ours / raw:.2f}x")
        print(f"scroll three lines and repaint, {statistics.median(arcs):.0f} arcs on screen: {paint:.2f} ms (target <= {REPAINT_TARGET_MS} ms)")
        print(f"baseline the same with relations hidden: {off:.2f} ms; ratio {paint / off:.2f}x")
        print(f"raw baseline scroll + repaint (bare QPlainTextEdit): {raw_paint:.2f} ms; ratio {paint / raw_paint:.2f}x")
        ok = ours <= OPEN_TARGET_MS and paint <= REPAINT_TARGET_MS
        print(f"summary: open {ours:.0f} ms ({ours / plain:.2f}x without relations, {ours / raw:.2f}x bare), "
              f"scroll + repaint {paint:.2f} ms ({paint / off:.2f}x hidden, {paint / raw_paint:.2f}x bare): {'targets met' if ok else 'TARGETS MISSED'}")
        window.closing_anyway = True
        window.close()
        bare.close()
        store.close()
        app.processEvents()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
