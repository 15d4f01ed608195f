"""Event-loop stalls while the window pre-annotates in the background.

Usage: python bench/bench_gui_responsiveness.py [--docs 100] [--chars 3000] [--idle 2]

A QTimer beats every 10 ms on the UI thread of the real MainWindow. The worst gap
between beats is measured (one line each):
- idle: the window doing nothing (the baseline of this machine, this run);
- cold run: Review > Pre-annotate's job over --docs articles, the model loaded inside the
  job, as on a first run (spaCy itself is already imported by then: the window's token
  cache imports it in the background as the first document opens);
- warm run: the same job again over fresh copies of the articles, the pipeline reused.
Each line gives the worst gap, the 99th percentile and the worst gap as a ratio to idle.
Target (issue 4): no event-loop stall over 100 ms. Offscreen by default (QT_QPA_PLATFORM).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from common import article, seed_sentences  # noqa: E402

from annotator.core.model import Document, Status  # noqa: E402
from annotator.core.text import content_hash  # noqa: E402
from annotator.store import Store  # noqa: E402

TARGET_MS = 100
BEAT_MS = 10


class Heartbeat:
    """Records the gaps between beats of a 10 ms timer on the UI thread."""

    def __init__(self) -> None:
        from PySide6.QtCore import Qt, QTimer

        self.gaps: list[float] = []
        self._last = time.perf_counter()
        self.timer = QTimer(interval=BEAT_MS, timerType=Qt.TimerType.PreciseTimer)
        self.timer.timeout.connect(self._beat)

    def _beat(self) -> None:
        now = time.perf_counter()
        self.gaps.append((now - self._last) * 1000)
        self._last = now

    def start(self) -> None:
        self.gaps.clear()
        self._last = time.perf_counter()
        self.timer.start()

    def stop(self) -> tuple[float, float]:
        self.timer.stop()
        gaps = sorted(self.gaps) or [0.0]
        return gaps[-1], gaps[int(len(gaps) * 0.99) - 1 if len(gaps) > 1 else 0]


def add_articles(store: Store, count: int, chars: int, tag: str) -> None:
    rng = random.Random(7)
    sentences = seed_sentences()
    texts = [f"{tag}\n\n{article(rng, sentences, chars, i)}" for i in range(count)]
    store.add_documents([(Document(None, f"{tag} {i}", t, content_hash=content_hash(t)), []) for i, t in enumerate(texts)])


def run_until(app, done, seconds: float = 600) -> None:
    deadline = time.perf_counter() + seconds
    while not done() and time.perf_counter() < deadline:
        app.processEvents()
        time.sleep(0.001)


def settled_window(store: Store, folder: Path):
    """The real MainWindow on ``store`` (settings in ``folder``), shown, with spaCy imported for
    its tokens (as it is once a document opens): (app, window)."""
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from annotator.gui.main_window import MainWindow

    app = QApplication.instance() or QApplication(["bench"])
    window = MainWindow(store, QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat))
    window.show()
    document = window.editor.document
    window.tokens.get(document.id, document.text)
    run_until(app, lambda: False, 0.5)
    return app, window


def idle_line(app, beat: Heartbeat, seconds: float) -> float:
    """The window doing nothing for ``seconds``: prints the idle line, returns the worst gap."""
    beat.start()
    run_until(app, lambda: False, seconds)
    idle, idle_p99 = beat.stop()
    print(f"idle: worst gap {idle:.1f} ms, p99 {idle_p99:.1f} ms (timer every {BEAT_MS} ms)")
    return idle


def measure_run(app, window, beat: Heartbeat, model: str | None) -> tuple[float, float, float, str]:
    job = window.suggestions.run(model, "new")
    started = time.perf_counter()
    beat.start()
    run_until(app, lambda: not window.suggestions.running())
    worst, p99 = beat.stop()
    return worst, p99, time.perf_counter() - started, window.statusBar().currentMessage() if job else "no job"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=100)
    parser.add_argument("--chars", type=int, default=3000)
    parser.add_argument("--idle", type=float, default=2.0, help="seconds of idle heartbeat")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="bench_gui_"))
    store = Store(folder / "bench.db")
    add_articles(store, args.docs, args.chars, "cold")
    app, window = settled_window(store, folder)
    beat = Heartbeat()
    idle = idle_line(app, beat, args.idle)

    figures = []
    for phase in ("cold", "warm"):
        if phase == "warm":
            for doc_id in store.document_ids(Status.NEW):  # only the fresh copies are new
                store.set_status(doc_id, Status.IN_PROGRESS)
            add_articles(store, args.docs, args.chars, "warm")
            window.reload()
        worst, p99, seconds, line = measure_run(app, window, beat, None)
        figures.append(worst)
        print(f"{phase} run: worst gap {worst:.1f} ms, p99 {p99:.1f} ms, {worst / max(idle, 0.1):.1f}x idle; "
              f"{args.docs} docs in {seconds:.1f} s ({line[:60]}…)")

    window.close()
    store.close()
    worst = max(figures)
    verdict = "OK" if worst <= TARGET_MS else "OVER"
    print(f"summary: worst event-loop gap while pre-annotating {worst:.1f} ms (target <= {TARGET_MS} ms: {verdict}); idle {idle:.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
