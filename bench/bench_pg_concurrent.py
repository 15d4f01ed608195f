"""10 annotators tagging at once on one PostgreSQL database: edit latency and lost edits.

Usage: python bench/bench_pg_concurrent.py [--processes 10] [--seconds 60] [--rate 5] [--documents 50] [--url postgresql://...]

Each process is one annotator (Store(url, annotator=NAME), its own layer) editing the same
documents for --seconds at about --rate edits per second (a quick human; think time drawn
around 1/rate): 70% new spans on free words (add_span), 20% relabels and 10% deletions of its
own spans, both passing the version it read (the window's optimistic edits: a ConflictError
counts as a conflict, none is expected as nobody else edits these spans). Every edit is timed
from the call to its return (one transaction, committed); each process records what it
wrote. After the run the database is compared with the records: a span recorded but missing
or with another label is lost, a stored span nobody recorded (or stored twice) is duplicated.
Baseline, same run, same processes and pacing: one raw psycopg INSERT per edit into a plain
table (autocommit), the cost of a round trip and a commit on this server. Targets (issue 15):
p99 edit latency <= 50 ms, 0 lost, 0 duplicated edits.
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from pg_common import add_server_options, articles, new_database, server_url  # noqa: E402

LABELS = ("PERSON", "ORG", "GPE")
SHARES = (0.7, 0.2, 0.1)  # add, relabel, delete


def annotator_worker(url: str, name: str, seconds: float, rate: float, start, results) -> None:
    from annotator.core.model import Span
    from annotator.store import Store
    from annotator.store.conflicts import ConflictError

    rng = random.Random(name)
    with Store(url, annotator=name) as store:
        words = {doc_id: [m.span() for m in re.finditer(r"\b\w{3,}\b", store.document(doc_id).text)] for doc_id in store.document_ids()}
        mine: dict[int, Span] = {}  # span id -> the span as last written
        taken: set[tuple[int, int]] = set()  # (document, word start) of my live spans
        latencies, conflicts = [], 0
        start.wait()
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            time.sleep(rng.expovariate(rate))
            action = rng.choices(("add", "relabel", "delete"), SHARES)[0] if mine else "add"
            began = time.perf_counter()
            try:
                if action == "add":
                    doc_id = rng.choice(list(words))
                    s, e = rng.choice(words[doc_id])
                    if (doc_id, s) in taken:
                        continue
                    span = store.add_span(doc_id, Span(s, e, rng.choice(LABELS)))
                    mine[span.id], _ = span, taken.add((doc_id, s))
                elif action == "relabel":
                    span = mine[rng.choice(list(mine))]
                    _, after = store.update_span(span.id, version=span.version, label=rng.choice([x for x in LABELS if x != span.label]))
                    mine[span.id] = after
                else:
                    span = mine.pop(rng.choice(list(mine)))
                    store.delete_span(span.id, version=span.version)
                    taken.discard((span.document_id, span.start))
            except ConflictError:
                conflicts += 1
                continue
            latencies.append(time.perf_counter() - began)
    results.put((name, latencies, conflicts, {i: (s.document_id, s.start, s.end, s.label) for i, s in mine.items()}))


def raw_worker(url: str, name: str, seconds: float, rate: float, start, results) -> None:
    import psycopg

    rng = random.Random(name)
    latencies = []
    with psycopg.connect(url, autocommit=True) as conn:
        start.wait()
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            time.sleep(rng.expovariate(rate))
            began = time.perf_counter()
            conn.execute("INSERT INTO raw_edits (annotator, document_id, start, stop, label) VALUES (%s, %s, %s, %s, %s)",
                         (name, rng.randint(1, 50), rng.randint(0, 5000), rng.randint(0, 5000), rng.choice(LABELS)))
            latencies.append(time.perf_counter() - began)
    results.put((name, latencies, 0, {}))


def run(worker, url: str, args) -> list[tuple]:
    """Start the processes, let them load, start them together; their results."""
    context = multiprocessing.get_context("spawn")
    start, results = context.Event(), context.Queue()
    processes = [context.Process(target=worker, args=(url, f"annotator{i:02d}", args.seconds, args.rate, start, results))
                 for i in range(args.processes)]
    for process in processes:
        process.start()
    time.sleep(3)  # imports and the store's opening happen before the clock starts
    start.set()
    found = [results.get(timeout=args.seconds + 120) for _ in processes]
    for process in processes:
        process.join()
    return found


def prepare(url: str, count: int) -> str:
    import psycopg

    from annotator.core.model import Document
    from annotator.core.text import content_hash
    from annotator.store import Store

    db = new_database(url, "bench_concurrent")
    with Store(db) as store:
        store.add_documents((Document(None, f"article {i}", text, content_hash=content_hash(text)), [])
                            for i, text in enumerate(articles("copies", count)))
    with psycopg.connect(db, autocommit=True) as conn:
        conn.execute("CREATE TABLE raw_edits (id bigserial PRIMARY KEY, annotator text, document_id int, start int, stop int, label text)")
    return db


def audit(db: str, found: list[tuple]) -> tuple[int, int]:
    """(lost, duplicated): the records of every process against the stored spans of its layer."""
    from annotator.store import Store

    lost = duplicated = 0
    for name, _, _, recorded in found:
        with Store(db, annotator=name) as store:
            stored = [(s.id, (s.document_id, s.start, s.end, s.label)) for doc_id in store.document_ids() for s in store.spans(doc_id, annotator=name)]
        ids = dict(stored)
        lost += sum(1 for span_id, span in recorded.items() if ids.get(span_id) != span)
        duplicated += sum(1 for span_id, _ in stored if span_id not in recorded) + len(stored) - len(set(span for _, span in stored))
    return lost, duplicated


def p99(values: list[float]) -> float:
    return statistics.quantiles(values, n=100)[98] if len(values) > 1 else values[0]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--processes", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--rate", type=float, default=5, help="edits per second per annotator")
    parser.add_argument("--documents", type=int, default=50)
    add_server_options(parser)
    args = parser.parse_args()
    with server_url(args.url) as url:
        db = prepare(url, args.documents)
        raw = [x for _, latencies, _, _ in run(raw_worker, db, args) for x in latencies]
        print(f"raw psycopg INSERT, {args.processes} processes: {len(raw)} edits, median {statistics.median(raw) * 1000:.1f} ms, "
              f"p99 {p99(raw) * 1000:.1f} ms")
        found = run(annotator_worker, db, args)
        lost, duplicated = audit(db, found)
    ours = [x for _, latencies, _, _ in found for x in latencies]
    conflicts = sum(c for _, _, c, _ in found)
    ours_p99 = p99(ours)
    print(f"annotator edits, {args.processes} processes for {args.seconds:.0f} s: {len(ours)} edits ({len(ours) / args.seconds:.0f}/s), "
          f"median {statistics.median(ours) * 1000:.1f} ms, p99 {ours_p99 * 1000:.1f} ms (target <= 50 ms), "
          f"{ours_p99 / p99(raw):.1f}x the raw p99; {conflicts} conflicts")
    print(f"audit: {lost} lost, {duplicated} duplicated edits (target 0, 0)")
    ok = ours_p99 <= 0.05 and lost == 0 and duplicated == 0
    print(f"summary: p99 {ours_p99 * 1000:.1f} ms, {lost} lost, {duplicated} duplicated -> {'PASS' if ok else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
