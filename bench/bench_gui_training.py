"""Event-loop stalls while the window trains a model in the background (issue 13).

Usage: python bench/bench_gui_training.py [--docs 40] [--steps 200] [--idle 2]

A QTimer beats every 10 ms on the UI thread of the real MainWindow (offscreen by default,
QT_QPA_PLATFORM), on a database of --docs generated news documents whose TREATY and GPE spans
are accepted (tests/training/treaty_corpus.py). One line each:
- idle: the window doing nothing (this machine's baseline, this run);
- training: Review > Train a model…'s run (ModelTraining.start: the spawned child process, its
  progress drained by a QTimer into the panel, the chart and the table) from the click to the
  per-label table, --steps steps;
and the CPU time of the window's process beside the child's over the run.
Each line gives the worst gap, the 99th percentile and the worst gap as a ratio to idle.
Target: worst gap <= 100 ms while training. The last line says PASS or FAIL.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests" / "training"))

from bench_gui_responsiveness import TARGET_MS, Heartbeat, idle_line, run_until, settled_window  # noqa: E402 - sets the offscreen platform

from annotator.store import Store  # noqa: E402


def cpu_seconds(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=40)
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--idle", type=float, default=2.0, help="seconds of idle heartbeat")
    args = parser.parse_args()

    from treaty_corpus import treaty_store

    from annotator.training.run import TrainOptions

    folder = Path(tempfile.mkdtemp(prefix="bench_gui_training_"))
    store = Store(treaty_store(folder, args.docs))
    app, window = settled_window(store, folder)
    beat = Heartbeat()
    idle = idle_line(app, beat, args.idle)

    training = window.suggestions.training
    ours, child = cpu_seconds(resource.RUSAGE_SELF), cpu_seconds(resource.RUSAGE_CHILDREN)
    beat.start()
    started = time.perf_counter()
    job = training.start(TrainOptions(max_steps=args.steps), folder / "model")
    records = []
    job.progressed.connect(records.append)
    run_until(app, lambda: not training.running(), 3600)
    run_until(app, lambda: not job.child_alive(), 60)  # its interpreter closing, reaped by the job's timer
    worst, p99 = beat.stop()
    seconds = time.perf_counter() - started
    ours, child = cpu_seconds(resource.RUSAGE_SELF) - ours, cpu_seconds(resource.RUSAGE_CHILDREN) - child
    rows = training.panel.rows()
    print(f"training: worst gap {worst:.1f} ms, p99 {p99:.1f} ms, {worst / max(idle, 0.1):.1f}x idle; {args.steps} steps on "
          f"{args.docs} docs in {seconds:.1f} s, {len(records)} progress records; {training.panel.stage.text().splitlines()[0]}")
    print(f"cpu: window process {ours:.2f} s, training child {child:.2f} s; per-label table: "
          + "; ".join(f"{row[0]} F1 {row[3]}" for row in rows))

    window.close()
    store.close()
    verdict = "PASS" if worst <= TARGET_MS and rows else "FAIL"
    print(f"summary: worst event-loop gap while training {worst:.1f} ms (target <= {TARGET_MS} ms), p99 {p99:.1f} ms, "
          f"idle {idle:.1f} ms: {verdict}")
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    sys.exit(main())
