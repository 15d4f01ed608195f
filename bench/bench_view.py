"""Article view speed: a 1 MB article with 20,000 spans, against a bare Qt baseline.

Usage: QT_QPA_PLATFORM=offscreen python bench/bench_view.py [--size 1000000] [--spans 20000] [--runs 5]

Figures (median of --runs), with label names on the text (the default) and off:
  open      show_document: text set, every span highlighted, first paint  (target <= 250 ms)
  add/remove one span and repaint                                        (target <= 16 ms)
  scroll    scroll three lines (a wheel step) and repaint the viewport     (target: well under 16 ms, here <= 8 ms)
  jump      scroll to a far place of the article and repaint              (informative)
  edit      the same through the Editor, SQLite commit included          (informative)
  from DB   Editor.open: the document and its spans read from SQLite, then shown (informative)
  list      document list over --list-docs documents: model, first paint (issue: about a second)
  one line  a --long-size article (default 20 MB) on a single line with --spans spans: open and
            first paint, time and peak memory, against a bare QPlainTextEdit given the same line
            (each in its own process, so that peak memory is its own; informative: issue 16
            measured 79 s and 6 GB for 100 MB before the view cut long paragraphs into blocks)
The baseline is a bare QPlainTextEdit + QSyntaxHighlighter painting the same spans
from a precomputed per-block list; ratios are ours / baseline in the same run.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import random
import re
import statistics
from bisect import bisect_right
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from common import article, seed_sentences  # noqa: E402
from PySide6.QtGui import QColor, QSyntaxHighlighter, QTextCharFormat  # noqa: E402
from PySide6.QtWidgets import QApplication, QPlainTextEdit  # noqa: E402

from annotator.core.model import Document, Source, Span, State, Status  # noqa: E402
from annotator.core.text import content_hash  # noqa: E402
from annotator.gui.article_view import ArticleView  # noqa: E402
from annotator.gui.editor import Editor  # noqa: E402
from annotator.store import Store  # noqa: E402

LABELS = ["PERSON", "ORG", "GPE", "DATE"]
COLORS = {"PERSON": "#aa9cfc", "ORG": "#7aecec", "GPE": "#feca74", "DATE": "#bfe1d9"}


def make_text(size: int) -> str:
    rng = random.Random(7)
    text = article(rng, seed_sentences(), size, 0)
    # A few astral characters so the offset table is not trivial.
    return text.replace(" Putin ", " Putin 👩‍🔬 ", 200)


def make_spans(text: str, count: int) -> list[Span]:
    """``count`` spans on capitalised words; one in ten a suggestion, one in fifty nested."""
    rng = random.Random(11)
    words = [m.span() for m in re.finditer(r"[A-Z][a-z]+(?: [A-Z][a-z]+)?", text)]
    chosen = sorted(rng.sample(words, min(count, len(words))))
    spans = []
    for i, (start, end) in enumerate(chosen):
        state = State.SUGGESTED if i % 10 == 0 else State.ACCEPTED
        spans.append(Span(start, end, LABELS[i % 4], Source.MODEL if state == State.SUGGESTED else Source.HUMAN, state, id=i + 1))
        if i % 50 == 0 and end - start > 3:
            spans.append(Span(start + 1, end - 1, "ORG", id=len(chosen) + i + 1))  # an inner, overlapping span
    return spans[:count]


class Baseline(QSyntaxHighlighter):
    """The least a highlighter can do: set precomputed formats block by block."""

    def __init__(self, document, by_block) -> None:
        super().__init__(document)
        self.by_block = by_block

    def highlightBlock(self, _text: str) -> None:  # noqa: N802
        for start, length, fmt in self.by_block.get(self.currentBlock().blockNumber(), ()):
            self.setFormat(start, length, fmt)


def baseline_blocks(text: str, spans: list[Span]) -> dict[int, list]:
    formats = {}
    for label, color in COLORS.items():
        fmt = QTextCharFormat()
        fmt.setBackground(QColor(color))
        formats[label] = fmt
    starts = [0] + [m.end() for m in re.finditer("\n", text)]
    by_block: dict[int, list] = {}
    for span in spans:  # code points, not UTF-16: a few emoji shift it slightly, which costs nothing
        block = bisect_right(starts, span.start) - 1
        by_block.setdefault(block, []).append((span.start - starts[block], span.end - span.start, formats[span.label]))
    return by_block


def median_ms(run, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def shown(widget):
    widget.resize(1000, 800)
    widget.show()
    QApplication.processEvents()
    return widget


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--spans", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--list-docs", type=int, default=100_000, help="0 skips the document list figure")
    parser.add_argument("--long-size", type=int, default=20_000_000, help="characters of the one-line article; 0 skips it")
    parser.add_argument("--child", choices=["bare", "ours"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return one_line_child(args.child, args.long_size, args.spans)
    app = QApplication.instance() or QApplication([])
    text = make_text(args.size)
    spans = make_spans(text, args.spans)
    print(f"article: {len(text):,} characters, {text.count(chr(10)) + 1:,} blocks, {len(spans):,} spans")

    # Baseline: bare QPlainTextEdit + QSyntaxHighlighter.
    bare = shown(QPlainTextEdit(readOnly=True))
    by_block = baseline_blocks(text, spans)
    highlighter = Baseline(bare.document(), by_block)

    def open_bare():
        bare.setPlainText(text)
        bare.viewport().repaint()

    base_open = median_ms(open_bare, args.runs)
    block = bare.document().findBlockByNumber(len(by_block) // 2)

    def rehighlight_bare():
        highlighter.rehighlightBlock(block)
        bare.viewport().repaint()

    base_edit = median_ms(rehighlight_bare, args.runs * 4)
    base_scroll = median_ms(scroller(bare, step=True), args.runs * 4)
    base_jump = median_ms(scroller(bare), args.runs * 4)

    # Ours: the article view, label names on (the default) and off, measured alternately.
    view = shown(ArticleView())
    view.set_labels(COLORS, {})
    target = Span(text.index("Kremlin", len(text) // 2), text.index("Kremlin", len(text) // 2) + 7, "ORG", id=10**9)

    def add_remove():
        view.add_span(target)
        view.viewport().repaint()
        view.remove_span(target.id)
        view.viewport().repaint()

    opens, edits, scrolls, jumps = ({True: [], False: []} for _ in range(4))
    for _ in range(args.runs):
        for tags in (True, False):
            view.set_label_names_shown(tags)
            opens[tags].append(median_ms(lambda: (view.show_document(text, spans), view.viewport().repaint()), 1))
            view.move_caret(target.start)
            view.ensureCursorVisible()
            edits[tags].append(median_ms(add_remove, 4) / 2)
            jumps[tags].append(median_ms(scroller(view), 4))
            scrolls[tags].append(median_ms(scroller(view, step=True), 8))
    ours_open, open_off = statistics.median(opens[True]), statistics.median(opens[False])
    ours_edit, edit_off = statistics.median(edits[True]), statistics.median(edits[False])
    ours_scroll, scroll_off = statistics.median(scrolls[True]), statistics.median(scrolls[False])
    ours_jump, jump_off = statistics.median(jumps[True]), statistics.median(jumps[False])

    edit_ms, db_open_ms = editor_edit_ms(text, spans, target, args.runs)
    print(f"open 1 MB article with {len(spans):,} spans: {ours_open:.1f} ms with label names, {open_off:.1f} ms without (target <= 250 ms)")
    print(f"baseline open (bare QPlainTextEdit + QSyntaxHighlighter): {base_open:.1f} ms")
    print(f"open ratio ours/baseline: {ours_open / base_open:.2f}x with label names, {open_off / base_open:.2f}x without")
    print(f"add or remove one span, view updated: {ours_edit:.2f} ms with label names, {edit_off:.2f} ms without (target <= 16 ms)")
    print(f"baseline re-highlight one block: {base_edit:.2f} ms")
    print(f"edit ratio ours/baseline: {ours_edit / base_edit:.2f}x with label names, {edit_off / base_edit:.2f}x without")
    print(f"scroll three lines and repaint the viewport: {ours_scroll:.2f} ms with label names, {scroll_off:.2f} ms without (target <= 8 ms)")
    print(f"baseline scroll three lines and repaint: {base_scroll:.2f} ms")
    print(f"scroll ratio ours/baseline: {ours_scroll / base_scroll:.2f}x with label names, {scroll_off / base_scroll:.2f}x without")
    print(f"jump to a far place and repaint: {ours_jump:.2f} ms with label names, {jump_off:.2f} ms without (baseline {base_jump:.2f} ms)")
    print(f"add or remove one span through the Editor incl. SQLite commit: {edit_ms:.2f} ms")
    print(f"open the same article from the database (Store reads + view): {db_open_ms:.0f} ms")
    if args.list_docs:
        print(f"document list of {args.list_docs:,} documents, opened and painted: {document_list_ms(args.list_docs):.0f} ms")
    long_line = ""
    if args.long_size:
        bare_line, ours_line = (one_line_run(kind, args.long_size, args.spans) for kind in ("bare", "ours"))
        megabytes = args.long_size / 1e6
        print(f"open a {megabytes:.0f} MB one-line article with {ours_line['spans']:,} spans: {ours_line['ms']:.0f} ms, peak memory {ours_line['peak_mb']:.0f} MB ({ours_line['open_mb']:.0f} MB for opening)")
        print(f"baseline open of the same line (bare QPlainTextEdit): {bare_line['ms']:.0f} ms, peak memory {bare_line['peak_mb']:.0f} MB ({bare_line['open_mb']:.0f} MB for opening)")
        print(f"one-line ratio ours/baseline: {ours_line['ms'] / bare_line['ms']:.2f}x time, {ours_line['open_mb'] / max(bare_line['open_mb'], 1):.2f}x memory for opening")
        long_line = f", {megabytes:.0f} MB one line {ours_line['ms'] / 1000:.1f} s / {ours_line['peak_mb']:.0f} MB (bare {bare_line['ms'] / 1000:.1f} s / {bare_line['peak_mb']:.0f} MB)"
    ok = max(ours_open, open_off) <= 250 and max(ours_edit, edit_off) <= 16 and max(ours_scroll, scroll_off) <= 8
    print(
        f"summary: open {ours_open:.0f} ms ({ours_open / base_open:.2f}x baseline; {open_off:.0f} ms without label names), "
        f"one-span update {ours_edit:.2f} ms ({ours_edit / base_edit:.2f}x; {edit_off:.2f} ms without), "
        f"scroll + repaint {ours_scroll:.2f} ms ({ours_scroll / base_scroll:.2f}x; {scroll_off:.2f} ms without), "
        f"jump + repaint {ours_jump:.2f} ms ({ours_jump / base_jump:.2f}x; {jump_off:.2f} ms without), "
        f"edit with commit {edit_ms:.1f} ms, open from DB {db_open_ms:.0f} ms{long_line}: {'targets met' if ok else 'TARGETS MISSED'}"
    )
    view.close()
    bare.close()
    app.processEvents()
    return 0 if ok else 1


def one_line_text(size: int) -> str:
    return make_text(size).replace("\n", " ")[:size]


def one_line_run(kind: str, size: int, spans: int) -> dict:
    """Run one side of the one-line figure in a fresh process; its figures as a dict."""
    command = [sys.executable, __file__, "--child", kind, "--long-size", str(size), "--spans", str(spans)]
    done = subprocess.run(command, check=True, capture_output=True, text=True, env={**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")})
    return json.loads(done.stdout.strip().splitlines()[-1])


def one_line_child(kind: str, size: int, count: int) -> int:
    """Open the one-line article (bare: QPlainTextEdit.setPlainText; ours: ArticleView.show_document
    with its spans) and paint it once; print time, peak and opening memory as JSON."""
    app = QApplication.instance() or QApplication([])
    text = one_line_text(size)
    spans = make_spans(text, count) if kind == "ours" else []
    widget = shown(QPlainTextEdit(readOnly=True) if kind == "bare" else ArticleView())
    if kind == "ours":
        widget.set_labels(COLORS, {})
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    start = time.perf_counter()
    if kind == "bare":
        widget.setPlainText(text)
    else:
        widget.show_document(text, spans)
    widget.viewport().repaint()
    app.processEvents()
    ms = (time.perf_counter() - start) * 1000
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"ms": ms, "peak_mb": peak, "open_mb": peak - before, "spans": len(spans)}))
    return 0


def scroller(edit: QPlainTextEdit, step: bool = False):
    """Each call scrolls three lines down (``step``) or to the next of 13 places spread
    over the article, then repaints the viewport."""
    bar, place = edit.verticalScrollBar(), [0]
    bar.setValue(bar.maximum() // 3)

    def scroll():
        if step:
            bar.setValue(bar.value() + 3)
        else:
            place[0] = place[0] % 13 + 1
            bar.setValue(bar.maximum() * place[0] // 14)
        edit.viewport().repaint()

    return scroll


def document_list_ms(count: int) -> float:
    """Open the lazy document list on ``count`` documents (building the file is not timed)."""
    from annotator.gui.document_list import DocumentList

    with tempfile.TemporaryDirectory() as folder:
        store = Store(Path(folder) / "list.db")
        store.add_documents(
            (Document(None, f"Article {i}", f"Text {i}.", content_hash=f"h{i}"), [Span(0, 4, "ORG")] if i % 2 else [])
            for i in range(count)
        )
        start = time.perf_counter()
        documents = shown(DocumentList(store))
        documents.select_row(0)
        documents.table.viewport().repaint()
        ms = (time.perf_counter() - start) * 1000
        documents.close()
        store.close()
        return ms


def editor_edit_ms(text: str, spans: list[Span], target: Span, runs: int) -> tuple[float, float]:
    """Add then undo one span through Editor + QUndoStack on a real SQLite file; and
    the whole open of that document from the file."""
    with tempfile.TemporaryDirectory() as folder:
        store = Store(Path(folder) / "bench.db")
        stored = [Span(s.start, s.end, s.label, s.source, s.state) for s in spans]
        (doc_id,) = store.add_documents([(Document(None, "bench", text, content_hash=content_hash(text)), stored)]).added
        store.set_status(doc_id, Status.IN_PROGRESS)  # steady state: the first edit also stores the status
        view = shown(ArticleView())
        editor = Editor(store, view)
        view.set_labels(COLORS, {})
        open_ms = median_ms(lambda: (editor.open(doc_id), view.viewport().repaint()), runs)

        def add_undo():
            view.select(target.start, target.end)
            editor.tag("GPE")
            view.viewport().repaint()
            editor.undo_group.undo()
            view.viewport().repaint()

        ms = median_ms(add_undo, runs * 2) / 2
        view.close()
        store.close()
        return ms, open_ms


if __name__ == "__main__":
    sys.exit(main())
