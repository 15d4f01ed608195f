"""Import costs that could grow with the input: one huge article, and memory over a big corpus.

Usage: python bench/bench_import_scaling.py [--spans 20000] [--small 10000] [--large 100000] [--size 5000]

Figures (each a whole command in a fresh interpreter, so start-up counts):
- one 1 MB article with 20,000 spans (a Prodigy JSONL line): ``annotator import`` wall time,
  target <= 1.0 s (Label Studio 1.23.2 took 0.98 s on this machine); beside it a raw sqlite3
  baseline that parses the same line and inserts the document and its spans with the app's
  pragmas (WAL, synchronous=FULL), printed as a ratio;
- peak RSS of ``annotator import`` of a folder of ``--small`` and of ``--large`` articles, and
  of one JSONL file holding as many records: target <= 250 MB and flat (large / small <= 1.25).
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

from common import annotator_command, article, python_command, seed_sentences, timed_command  # noqa: E402

RAW_ONE_ARTICLE = """
import hashlib, json, sqlite3, sys
con = sqlite3.connect(sys.argv[2], isolation_level=None)
con.execute("pragma journal_mode=wal")
con.execute("pragma synchronous=full")
con.execute("create table documents (id integer primary key, text text not null, content_hash text unique)")
con.execute('create table spans (id integer primary key, document_id int references documents(id), start int, "end" int, label text, unique(document_id, start, "end", label))')
with open(sys.argv[1], "rb") as handle:
    record = json.loads(handle.readline())
text = record["text"]
con.execute("begin")
doc_id = con.execute("insert into documents (text, content_hash) values (?, ?)", (text, hashlib.sha256(text.encode()).hexdigest())).lastrowid
con.executemany('insert into spans (document_id, start, "end", label) values (?, ?, ?, ?)',
                [(doc_id, s["start"], s["end"], s["label"]) for s in record["spans"]])
con.execute("commit")
"""

PEAK_RSS = (
    "import resource, sys\n"
    "from annotator.cli import main\n"
    "rc = main(sys.argv[1:])\n"
    "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n"
)


def one_huge_article(work: Path, spans: int) -> tuple[float, float]:
    rng, sentences = random.Random(3), seed_sentences()
    text = article(rng, sentences, 1_000_000, 1)
    step = len(text) // spans
    record = {"text": text, "spans": [{"start": k * step, "end": k * step + 4, "label": "PERSON"} for k in range(spans)]}
    src = work / "one-article.jsonl"
    src.write_text(json.dumps(record) + "\n", encoding="utf-8")
    raw = min(timed_command(python_command(RAW_ONE_ARTICLE, str(src), str(work / f"raw{i}.db"))) for i in range(2))
    ours = []
    for i in range(2):
        db = work / f"huge{i}.db"
        timed_command(annotator_command("--db", str(db), "stats"))  # created and migrated once, as a researcher's DB is
        ours.append(timed_command(annotator_command("--db", str(db), "import", str(src))))
    best = min(ours)
    print(f"import one {len(text) / 1e6:.1f} MB article with {spans:,} spans: annotator import {best:.2f} s (target <= 1.0 s; "
          f"Label Studio 1.23.2: 0.98 s); raw sqlite3 {raw:.2f} s, ratio {raw / best:.2f}x")
    return best, raw / best


def corpus(work: Path, count: int, size: int) -> tuple[Path, Path]:
    """A folder of ``count`` .txt articles and one JSONL file of the same texts."""
    folder, lines = work / f"corpus-{count}", work / f"corpus-{count}.jsonl"
    folder.mkdir()
    rng, sentences = random.Random(count), seed_sentences()
    with open(lines, "w", encoding="utf-8") as out:
        for i in range(count):
            text = article(rng, sentences, size, i)
            (folder / f"{i:06d}.txt").write_text(text, encoding="utf-8")
            out.write(json.dumps({"text": text, "spans": [{"start": 0, "end": 7, "label": "MISC"}]}) + "\n")
    return folder, lines


def peak_rss(db: Path, source: Path) -> float:
    subprocess.run(annotator_command("--db", str(db), "stats"), check=True, capture_output=True)
    out = subprocess.run([sys.executable, "-c", PEAK_RSS, "--db", str(db), "import", str(source)], check=True, capture_output=True, text=True)
    return int(out.stdout.strip().splitlines()[-1]) / 1024


def memory(work: Path, small: int, large: int, size: int) -> dict[str, tuple[float, float]]:
    peaks = {}
    for count in (small, large):
        folder, lines = corpus(work, count, size)
        peaks.setdefault("folder of .txt", []).append(peak_rss(work / f"txt-{count}.db", folder))
        peaks.setdefault("one JSONL file", []).append(peak_rss(work / f"jsonl-{count}.db", lines))
    for kind, (a, b) in peaks.items():
        print(f"import peak RSS, {kind}: {small:,} articles {a:.0f} MB, {large:,} articles {b:.0f} MB, "
              f"growth {b / a:.2f}x (target <= 250 MB, flat)")
    return {kind: (a, b) for kind, (a, b) in peaks.items()}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--spans", type=int, default=20_000)
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--large", type=int, default=100_000)
    parser.add_argument("--size", type=int, default=5000, help="characters per article of the memory corpus (the issue's ~5 KB)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        seconds, ratio = one_huge_article(Path(tmp), args.spans)
        peaks = memory(Path(tmp), args.small, args.large, args.size)
    worst = max(b for _, b in peaks.values())
    growth = max(b / a for a, b in peaks.values())
    ok = seconds <= 1.0 and worst <= 250 and growth <= 1.25
    print(f"summary: one huge article {seconds:.2f} s ({ratio:.2f}x raw), import peak {worst:.0f} MB, growth {growth:.2f}x "
          f"-> {'PASS' if ok else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
