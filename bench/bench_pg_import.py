"""Importing 10,000 articles with their spans into PostgreSQL, against a raw psycopg COPY.

Usage: python bench/bench_pg_import.py [--articles 10000] [--corpus seeds|copies] [--runs 3] [--url postgresql://...]

The corpus (generated, ~5 KB articles, 8 spans each: 80,000 spans) is one JSONL file; each
side is a fresh interpreter that reads it, hashes every text and writes documents and spans
in one transaction, into a database created (and, for the app, migrated) beforehand:
- raw: psycopg's COPY of (id, title, text, content_hash) rows into a documents table with a
  unique hash, and of (id, document_id, start, end, label) rows into a spans table;
- annotator: Store(url).add_documents(index=False), the store path of `annotator import --no-index`
  (content hashes, merging of repeated texts, label ids, span checks, document states; the
  copy index left pending for `annotator index`);
- raw COPY of the same rows into the app's own tables (a migrated database), once: what the
  schema's keys, rules and indexes cost the server (informative);
- annotator with the copy index built inline (add_documents(), `annotator import`), once at the
  end (--inline-runs; informative: the index costs several times the import).
Runs alternate (raw, ours) on new databases; medians are compared, and CPU times (the
interpreter's user + system and its server backends', read from /proc on a local server) printed beside: steadier than wall times on a shared machine. Target (issue 15):
annotator --no-index >= 0.5x the raw speed. The server is a throwaway cluster on loopback (fsync
off) unless --url names one.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import time
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

# The CPU the server spent for a child: its backends on the database (read from /proc while they are
# still open; a server on another machine gives nothing). Printed on the child's last line.
SERVER_CPU = """
import os
def server_cpu(url):
    import psycopg
    with psycopg.connect(url) as conn:
        pids = [row[0] for row in conn.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")]
    try:
        ticks = sum(sum(int(v) for v in open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[11:13]) for pid in pids)
    except OSError:
        return float("nan")
    return ticks / os.sysconf("SC_CLK_TCK")

def copy_rows(cur, table_and_columns, rows):
    with cur.copy(f"COPY {table_and_columns} FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
"""

RAW_IMPORT = READ_CORPUS + SERVER_CPU + """
import sys, psycopg
url, path = sys.argv[1:3]
docs, spans = [], []
for number, (title, text, digest, marks) in enumerate(read_corpus(path), 1):
    docs.append((number, title, text, digest))
    first = len(spans) + 1
    spans.extend((first + k, number, start, end, label) for k, (start, end, label) in enumerate(marks))
with psycopg.connect(url) as conn, conn.cursor() as cur:
    copy_rows(cur, "documents (id, title, text, content_hash)", docs)
    copy_rows(cur, 'spans (id, document_id, start, "end", label)', spans)
    conn.commit()
    print(server_cpu(url))
"""

# The same COPY into the app's own tables (a migrated database: the same rows, with the schema's
# keys, rules and indexes): what the rows cost the server, apart from the app (informative).
SCHEMA_IMPORT = READ_CORPUS + SERVER_CPU + """
import sys, psycopg
url, path = sys.argv[1:3]
with psycopg.connect(url) as conn, conn.cursor() as cur:
    for label in ("PERSON", "ORG", "GPE"):
        cur.execute("INSERT INTO labels (name, color, description, position) VALUES (%s, '#aabbcc', '', 0) ON CONFLICT DO NOTHING", (label,))
    labels = dict(cur.execute("SELECT name, id FROM labels").fetchall())
    docs, spans, at = [], [], "2026-01-01T00:00:00.000+00:00"
    for number, (title, text, digest, marks) in enumerate(read_corpus(path), 1):
        docs.append((number, title, text, len(text), "", digest, "{}", at, at))
        spans.extend((number, start, end, labels[label], "human", "accepted", "", "default", "", at, at) for start, end, label in marks)
    copy_rows(cur, "documents (id, title, text, text_length, source_path, content_hash, meta, created_at, updated_at)", docs)
    copy_rows(cur, 'spans (document_id, start, "end", label_id, source, state, note, annotator, provenance, created_at, updated_at)', spans)
    conn.commit()
    print(server_cpu(url))
"""

OURS_IMPORT = READ_CORPUS + SERVER_CPU + """
import sys
from annotator.core.model import Document, Span
from annotator.store import Store
url, path, index = sys.argv[1], sys.argv[2], sys.argv[3] == "inline"
records = ((Document(None, title, text, content_hash=digest), [Span(s, e, label) for s, e, label in marks])
           for title, text, digest, marks in read_corpus(path))
with Store(url) as store:
    result = store.add_documents(records, index=index)
    assert store.pending_copy_index() == (0 if index else len(result.added)), "the index is pending only without it"
    print(server_cpu(url))
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
    parser.add_argument("--inline-runs", type=int, default=1, help="imports with the copy index built inline (informative; 0: none)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, server_url(args.url) as url:
        corpus = Path(tmp) / "corpus.jsonl"
        spans = write_corpus(corpus, args.articles, args.corpus)
        expected = (args.articles, spans)
        raw_times, ours_times = [], []
        for run in range(args.runs):
            raw_db = raw_database(url)
            raw_times.append(timed_cpu(python_command(RAW_IMPORT, raw_db, str(corpus))))
            ours_times.append(ours(url, corpus, "deferred", expected, counts(raw_db)))
            print(f"run {run + 1}: raw COPY {shown(raw_times[-1])}, annotator add_documents(index=False) {shown(ours_times[-1])}")
        schema = ours(url, corpus, "schema", expected, counts(raw_db))
        inline = [ours(url, corpus, "inline", expected, counts(raw_db)) for _ in range(args.inline_runs)]
    raw_wall = [wall for wall, _ in raw_times]
    print(f"informative: raw COPY into the app's own tables (same rows, the schema's keys, rules and indexes) {shown(schema)}, "
          f"{statistics.median(raw_wall) / schema[0]:.2f}x of raw COPY; annotator --no-index {schema[0] / statistics.median(w for w, _ in ours_times):.2f}x of it")
    if inline:
        wall = statistics.median(wall for wall, _ in inline)
        print(f"informative: the import with the copy index built inline (add_documents(), `annotator import`) "
              f"{shown(inline[len(inline) // 2])}, {statistics.median(raw_wall) / wall:.3f}x of raw COPY")
    raw_cpu, ours_cpu = statistics.median(c for _, c in raw_times), statistics.median(c for _, c in ours_times)
    print(f"cpu (client + server backends): raw COPY {raw_cpu:.2f} s, annotator --no-index {ours_cpu:.2f} s (medians), "
          f"ratio {raw_cpu / ours_cpu:.2f}x")
    return judge(f"import --no-index of {args.articles} articles with {spans} spans into PostgreSQL", "raw psycopg COPY",
                 raw_wall, [wall for wall, _ in ours_times])


def ours(url: str, corpus: Path, index: str, expected: tuple[int, int], raw: tuple[int, int]) -> tuple[float, float]:
    """One import into a new migrated database (as a lab's is): ours (``index`` deferred or inline) or the raw
    COPY into its tables (``schema``); (wall, cpu) seconds."""
    db = new_database(url, "bench_ours")
    timed_command(python_command(MIGRATE, db))
    times = timed_cpu(python_command(SCHEMA_IMPORT, db, str(corpus)) if index == "schema" else python_command(OURS_IMPORT, db, str(corpus), index))
    if counts(db) != raw or raw != expected:
        sys.exit(f"{index} import: stored {counts(db)} (documents, spans), raw {raw}, expected {expected}")
    return times


def timed_cpu(command: list[str]) -> tuple[float, float]:
    """Wall seconds of one command, and CPU seconds: the child's (user + system) and its server
    backends' (the child's last line)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    client = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, client + float(out.split()[-1])


def shown(times: tuple[float, float]) -> str:
    return f"{times[0]:.2f} s (cpu {times[1]:.2f} s)"


if __name__ == "__main__":
    sys.exit(main())
