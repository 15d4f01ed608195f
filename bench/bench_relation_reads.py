"""Reading a document's relations from the store, against raw baselines measured in the same run.

Usage: python bench/bench_relation_reads.py [--spans 2000] [--relations 1000] [--runs 15]

Figures (median of --runs) on one SQLite file holding one document with --spans spans and
--relations relations (built through the bulk import):
  relations   Store.relations(doc): one query joining both ends and their labels, Relation
              objects whose ends are shared Span objects
  raw         the same join through sqlite3, rows only (the floor of any reader)
  onto        Store.relations_onto(doc, spans): the relation rows only, ends mapped by id onto
              Spans the caller holds (the window's read: it has the document's spans already)
  raw rows    the relation rows without their ends through sqlite3 (the floor of ``onto``)
  spans       Store.spans(doc), the read the window already makes when it opens a document
Times are CPU time of the process (time.process_time): a loaded machine's waits are left out.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from annotator.core.model import Document, Relation, Span  # noqa: E402
from annotator.core.text import content_hash  # noqa: E402
from annotator.store import Store  # noqa: E402

RAW = """SELECT rl.name, r.source, r.state, r.note, r.annotator, r.provenance, r.id, r.document_id, r.created_at, r.updated_at,
  h.start, h."end", hl.name, h.source, h.state, h.note, h.annotator, h.provenance, h.id, h.document_id, h.created_at, h.updated_at,
  t.start, t."end", tl.name, t.source, t.state, t.note, t.annotator, t.provenance, t.id, t.document_id, t.created_at, t.updated_at
FROM relations r JOIN relation_labels rl ON rl.id = r.label_id
  JOIN spans h ON h.id = r.head_id JOIN labels hl ON hl.id = h.label_id
  JOIN spans t ON t.id = r.tail_id JOIN labels tl ON tl.id = t.label_id
WHERE r.document_id = 1 AND r.annotator = 'default' ORDER BY h.start, t.start, r.id"""
RAW_ROWS = """SELECT r.document_id, r.head_id, r.tail_id, rl.name, r.source, r.state, r.note, r.annotator, r.provenance, r.id,
  r.document_id, r.created_at, r.updated_at, r.version
FROM relations r JOIN relation_labels rl ON rl.id = r.label_id WHERE r.document_id = 1 AND r.annotator = 'default' ORDER BY r.id"""


def build(path: Path, n_spans: int, n_relations: int) -> None:
    rng = random.Random(7)
    text = " ".join(f"Word{i:05d}" for i in range(n_spans)) + "."
    spans = [Span(i * 10, i * 10 + 9, rng.choice(["PERSON", "ORG", "GPE"])) for i in range(n_spans)]
    doc = Document(None, "bench", text, content_hash=content_hash(text))
    pairs = set()
    while len(pairs) < n_relations:  # ends a few spans apart, as in a paragraph
        head = rng.randrange(n_spans - 8)
        pairs.add((head, head + rng.randrange(1, 8)))
    doc.relations = [Relation(spans[h], spans[t], rng.choice(["met", "visited", "located_in"])) for h, t in sorted(pairs)]
    with Store(path) as store:
        store.add_documents([(doc, spans)])


def median_ms(work, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.process_time()
        work()
        times.append(time.process_time() - start)
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spans", type=int, default=2000)
    parser.add_argument("--relations", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.db"
        build(path, args.spans, args.relations)
        con = sqlite3.connect(path)
        with Store(path) as store:
            assert len(store.relations(1)) == args.relations
            relations = median_ms(lambda: store.relations(1), args.runs)
            raw = median_ms(lambda: con.execute(RAW).fetchall(), args.runs)
            spans = median_ms(lambda: store.spans(1), args.runs)
            held = store.spans(1)
            assert len(store.relations_onto(1, held)) == args.relations
            onto = median_ms(lambda: store.relations_onto(1, held), args.runs)
            raw_rows = median_ms(lambda: con.execute(RAW_ROWS).fetchall(), args.runs)
        con.close()
    print(f"{args.spans} spans, {args.relations} relations, median of {args.runs}")
    print(f"relations  {relations:7.2f} ms   ({relations / raw:.2f}x raw sqlite3 join {raw:.2f} ms)")
    print(f"onto       {onto:7.2f} ms   ({onto / raw_rows:.2f}x raw sqlite3 rows {raw_rows:.2f} ms; {onto / relations:.2f}x the relations read)")
    print(f"spans      {spans:7.2f} ms   (relations read / spans read: {relations / spans:.2f}x)")


if __name__ == "__main__":
    main()
