"""Exporting 10,000 documents with their spans from PostgreSQL, against a raw psycopg select + JSON loop.

Usage: python bench/bench_pg_export.py [--articles 10000] [--corpus seeds|copies] [--runs 3] [--url postgresql://...]

The database: the generated corpus (~5 KB articles, 8 accepted spans each) imported into a
SQLite file and moved to PostgreSQL by ``annotator copy``'s code (not timed). Each side is a
fresh interpreter writing one JSONL line per document with its spans:
- raw: psycopg, one cursor over the documents in id order and one over the spans (label names
  joined) in document order, merged, json.dumps per record;
- annotator: Store(url) and the JSONL export (the export verb's code: offsets checked, notes,
  meta, status, atomic replace of the file).
Runs alternate (raw, ours); medians are compared and both files must hold the same documents
and spans. Target (issue 15): annotator >= 0.5x the raw speed.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import python_command, timed_command  # noqa: E402
from pg_common import READ_CORPUS, add_corpus_options, judge, new_database, server_url, write_corpus  # noqa: E402

RAW_EXPORT = """
import json, sys, psycopg
url, out_path = sys.argv[1:3]
with psycopg.connect(url) as conn, open(out_path, "w", encoding="utf-8") as out:
    docs = conn.cursor(name="docs")  # server-side cursors: rows stream, as the app's export does
    docs.execute("SELECT id, title, text FROM documents ORDER BY id")
    spans = conn.cursor(name="spans")
    spans.execute('SELECT s.document_id, s.start, s."end", l.name FROM spans AS s JOIN labels AS l ON l.id = s.label_id '
                  "ORDER BY s.document_id, s.start, s.\\"end\\"")
    pending = next(spans, None)
    for doc_id, title, text in docs:
        marks = []
        while pending is not None and pending[0] == doc_id:
            _, start, end, label = pending
            marks.append({"start": start, "end": end, "label": label, "text": text[start:end]})
            pending = next(spans, None)
        out.write(json.dumps({"text": text, "spans": marks, "meta": {"doc_id": doc_id, "title": title}}, ensure_ascii=False))
        out.write("\\n")
"""

OURS_EXPORT = """
import sys
from pathlib import Path
from annotator.store import Store
from annotator.transfer.exporting import export_jsonl
with Store(sys.argv[1]) as store:
    export_jsonl(store, Path(sys.argv[2]))
"""

FILL = READ_CORPUS + """
import sys
from annotator.core.model import Document, Span
from annotator.store import Store
from annotator.store.copying import copy_database
corpus, sqlite_path, url = sys.argv[1:4]
records = ((Document(None, title, text, content_hash=digest), [Span(s, e, label) for s, e, label in marks])
           for title, text, digest, marks in read_corpus(corpus))
with Store(sqlite_path) as store:
    store.add_documents(records)
copy_database(Path(sqlite_path), url)
"""


def totals(path: Path) -> tuple[int, int]:
    with open(path, encoding="utf-8") as handle:
        records = [json.loads(line) for line in handle]
    return len(records), sum(len(r["spans"]) for r in records)


def main() -> int:
    parser = argparse.ArgumentParser()
    add_corpus_options(parser)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, server_url(args.url) as url:
        work = Path(tmp)
        spans = write_corpus(work / "corpus.jsonl", args.articles, args.corpus)
        db = new_database(url, "bench_export")
        timed_command(python_command("from pathlib import Path\n" + FILL, str(work / "corpus.jsonl"), str(work / "fill.db"), db))
        raw_times, ours_times = [], []
        for run in range(args.runs):
            raw_times.append(timed_command(python_command(RAW_EXPORT, db, str(work / "raw.jsonl"))))
            ours_times.append(timed_command(python_command(OURS_EXPORT, db, str(work / "ours.jsonl"))))
            print(f"run {run + 1}: raw select + json.dumps {raw_times[-1]:.2f} s, annotator export {ours_times[-1]:.2f} s")
        written = totals(work / "ours.jsonl")
        if written != totals(work / "raw.jsonl") or written != (args.articles, spans):
            sys.exit(f"exported {written} (documents, spans), raw {totals(work / 'raw.jsonl')}, expected {(args.articles, spans)}")
    return judge(f"export {args.articles} documents with {spans} spans from PostgreSQL", "raw psycopg select + json.dumps", raw_times, ours_times)

if __name__ == "__main__":
    sys.exit(main())
