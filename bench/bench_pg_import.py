"""Importing 10,000 articles with their spans into PostgreSQL, against a raw psycopg COPY.

Usage: python bench/bench_pg_import.py [--articles 10000] [--corpus seeds|copies] [--runs 3] [--url postgresql://...]

The corpus (generated, ~5 KB articles, 8 spans each: 80,000 spans) is one JSONL file; each
side is a fresh interpreter that reads it, hashes every text and writes documents and spans
in one transaction, into a database created (and, for the app, migrated) beforehand:
- raw: psycopg's COPY of (id, title, text, content_hash) rows into a documents table with a
  unique hash, and of (id, document_id, start, end, label) rows into a spans table;
- annotator: Store(url).add_documents, the import's store path (content hashes, merging of
  repeated texts, label ids, span checks, document states, the copy index's sentences).
Runs alternate (raw, ours) on new databases; medians are compared. Target (issue 15):
annotator >= 0.5x the raw speed. The server is a throwaway cluster on loopback (fsync off)
unless --url names one.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import python_command, timed_command  # noqa: E402
from pg_common import READ_CORPUS, add_corpus_options, judge, new_database, server_url, write_corpus  # noqa: E402

RAW_TABLES = """
CREATE TABLE documents (id bigint PRIMARY KEY, title text NOT NULL, text text NOT NULL, content_hash text NOT NULL UNIQUE);
CREATE TABLE spans (id bigint PRIMARY KEY, document_id bigint NOT NULL REFERENCES documents, start integer NOT NULL,
                    "end" integer NOT NULL, label text NOT NULL);
"""

RAW_IMPORT = READ_CORPUS + """
import sys, psycopg
url, path = sys.argv[1:3]
docs, spans = [], []
for number, (title, text, digest, marks) in enumerate(read_corpus(path), 1):
    docs.append((number, title, text, digest))
    first = len(spans) + 1
    spans.extend((first + k, number, start, end, label) for k, (start, end, label) in enumerate(marks))
with psycopg.connect(url) as conn, conn.cursor() as cur:
    with cur.copy("COPY documents (id, title, text, content_hash) FROM STDIN") as copy:
        for row in docs:
            copy.write_row(row)
    with cur.copy('COPY spans (id, document_id, start, "end", label) FROM STDIN') as copy:
        for row in spans:
            copy.write_row(row)
"""

OURS_IMPORT = READ_CORPUS + """
import sys
from annotator.core.model import Document, Span
from annotator.store import Store
url, path = sys.argv[1:3]
records = ((Document(None, title, text, content_hash=digest), [Span(s, e, label) for s, e, label in marks])
           for title, text, digest, marks in read_corpus(path))
with Store(url) as store:
    result = store.add_documents(records)
assert len(result.added) and result.spans, result
"""

MIGRATE = "import sys\nfrom annotator.store import Store\nStore(sys.argv[1]).close()"


def raw_database(url: str) -> str:
    import psycopg

    target = new_database(url, "bench_raw")
    with psycopg.connect(target, autocommit=True) as conn:
        conn.execute(RAW_TABLES)
    return target


def counts(url: str) -> tuple[int, int]:
    import psycopg

    with psycopg.connect(url) as conn:
        return tuple(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in ("documents", "spans"))


def main() -> int:
    parser = argparse.ArgumentParser()
    add_corpus_options(parser)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, server_url(args.url) as url:
        corpus = Path(tmp) / "corpus.jsonl"
        spans = write_corpus(corpus, args.articles, args.corpus)
        raw_times, ours_times = [], []
        for run in range(args.runs):
            raw_db = raw_database(url)
            raw_times.append(timed_command(python_command(RAW_IMPORT, raw_db, str(corpus))))
            ours_db = new_database(url, "bench_ours")
            timed_command(python_command(MIGRATE, ours_db))  # the database exists, migrated, as a lab's does
            ours_times.append(timed_command(python_command(OURS_IMPORT, ours_db, str(corpus))))
            stored = counts(ours_db)
            if stored != counts(raw_db) or stored != (args.articles, spans):
                sys.exit(f"run {run + 1}: stored {stored} (documents, spans), raw {counts(raw_db)}, expected {(args.articles, spans)}")
            print(f"run {run + 1}: raw COPY {raw_times[-1]:.2f} s, annotator add_documents {ours_times[-1]:.2f} s")
    return judge(f"import {args.articles} articles with {spans} spans into PostgreSQL", "raw psycopg COPY", raw_times, ours_times)

if __name__ == "__main__":
    sys.exit(main())
