"""`annotator merge` speed against a raw sqlite3 ATTACH + INSERT ... SELECT of the same rows (issue 12, Performance).

Usage: python bench/bench_merge.py [--articles 10000] [--seed 1] [--size 5000] [--repeat 3] [--no-index-time] [--keep DIR]

The corpus is bench/copies_corpus.py's (~5 KB news-like articles). OTHER holds every article with
three annotators' layers (alice ~4 spans per article, bob ~4 of which 3 are alice's, carol ~3)
and their statuses and notes (alice: all done, bob: 4 in 5, carol: half in progress). Two targets:
- empty: a new database (the default labels, no documents);
- half: the first half of the articles with alice's layer and statuses, as OTHER has them
  (merging matches those documents and finds alice's spans there).
Both are filled through the store's import with the copy index left out (not what is measured).

Each round works on fresh copies of the targets and alternates the order of the two sides:
- annotator: ``merge_database(store, OTHER)``, what ``annotator merge`` runs (OTHER's schema checked,
  attached read-only, mapping tables, INSERT ... SELECT with the dedupe and conflict queries, one
  transaction), with the store already open;
- raw: sqlite3 connect, ATTACH, BEGIN, INSERT ... SELECT of exactly the rows the merge writes
  (documents, spans, statuses; known beforehand: the ids of the new documents are OTHER's, the label
  ids the same), COMMIT; no matching, no checks. Same page cache (64 MB) and synchronous=FULL.
Each keeps its best wall and CPU time; the ratio raw / annotator is the speed of the merge as a
fraction of the raw copy's (target >= 0.5x). Both results are checked to hold the same rows.
The copy index of the merged documents (``store.build_copy_index()``, which the verb runs after the
merge's commit) is in neither time: it is timed once, on the empty target's merge, and printed apart.
"""

from __future__ import annotations

import argparse
import re
import sqlite3
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from copies_corpus import CopiesCorpus, add_corpus_options, work_folder  # noqa: E402

from annotator.core.model import Document, Span  # noqa: E402
from annotator.core.text import content_hash  # noqa: E402
from annotator.store import Store, bulk  # noqa: E402
from annotator.store.database import sqlite_uri  # noqa: E402
from annotator.store.merge import merge_database  # noqa: E402

_WORD = re.compile(r"\b[A-Z][a-z]{2,}\b")
LABELS = ("PERSON", "ORG", "GPE", "DATE")
_DOCUMENT = "id, title, text, text_length, source_path, {}, content_hash, meta, created_at, updated_at"
_SPAN = 'document_id, start, "end", label_id, source, state, note, annotator, provenance, created_at, updated_at'
_COLUMNS = {  # table: (its columns, what the raw copy selects into them)
    "documents": (_DOCUMENT.format("copies_indexed"), _DOCUMENT.format("0")),
    "spans": (_SPAN, _SPAN),
    "document_states": ("document_id, annotator, status, note, updated_at",) * 2,
}


def layers(number: int, text: str) -> list[tuple[Document, list[Span]]]:
    """Three records of one article: alice's, bob's and carol's spans and status."""
    words = [(m.start(), m.end()) for m in _WORD.finditer(text)]
    doc = dict(title=f"article {number}", text=text, content_hash=content_hash(text), meta={"index": number})

    def spans(who: str, picks: list[int], shift: int = 0) -> list[Span]:
        chosen = sorted({words[i % len(words)] for i in picks}) if words else []
        return [Span(s, e, LABELS[(k + shift) % len(LABELS)], annotator=who) for k, (s, e) in enumerate(chosen)]

    alice = spans("alice", [0, 7, 14, 21])
    bob = spans("bob", [0, 7, 14, 30], shift=0 if number % 3 else 1)  # every third article: other labels
    carol = spans("carol", [3, 10, 17])
    return [
        (Document(None, annotator="alice", status="done", **doc), alice),
        (Document(None, annotator="bob", status="done" if number % 5 else "skipped", note="" if number % 7 else "odd", **doc), bob),
        (Document(None, annotator="carol", status="in_progress" if number % 2 else "new", **doc), carol),
    ]


def fill(work: Path, articles: int, seed: int, size: int) -> dict:
    """OTHER (every article, three layers), the half target (alice's half) and the empty target."""

    class Pending:  # the copy index is left out of the fill: it is not what is measured
        def __init__(self, session) -> None:
            pass

        def add(self, documents) -> None:
            pass

    saved, bulk.CopyIndexer = bulk.CopyIndexer, Pending
    try:
        texts = [a.text for a in CopiesCorpus(seed, size).articles(articles)]
        start = time.perf_counter()
        with Store(work / "other.db", annotator="alice") as other:
            other.add_documents(r for i, text in enumerate(texts) for r in layers(i, text))
        with Store(work / "half.db", annotator="alice") as half:
            half.add_documents(layers(i, text)[0] for i, text in enumerate(texts[: articles // 2]))
        Store(work / "empty.db").close()
    finally:
        bulk.CopyIndexer = saved
    with sqlite3.connect(work / "other.db") as con:
        counts = {table: con.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in _COLUMNS}
    return {"store": time.perf_counter() - start, "chars": sum(map(len, texts)), **counts}


def fresh(work: Path, name: str, target: str) -> Path:
    copy = work / f"{name}.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{copy}{suffix}").unlink(missing_ok=True)
    with sqlite3.connect(work / f"{target}.db") as source, sqlite3.connect(copy) as dest:
        source.backup(dest)
    return copy


def timed(work):
    wall, cpu = time.perf_counter(), time.process_time()
    result = work()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def annotator_side(db: Path, other: Path) -> tuple[object, float, float]:
    with Store(db) as store:
        return timed(lambda: merge_database(store, other))


def raw_side(db: Path, other: Path, half: int) -> tuple[object, float, float]:
    """The rows the merge writes, copied by a plain INSERT ... SELECT each (``half``: documents
    up to it are already in the target, with alice's layer)."""
    new = {"documents": f"id > {half}", "spans": f"document_id > {half} OR annotator != 'alice'",
           "document_states": f"document_id > {half} OR annotator != 'alice'"}

    def copy() -> None:
        con = sqlite3.connect(sqlite_uri(db), uri=True, isolation_level=None)
        con.execute("PRAGMA cache_size=-65536")
        con.execute("ATTACH DATABASE ? AS other", (sqlite_uri(other, mode="ro"),))
        con.execute("BEGIN IMMEDIATE")
        con.execute("INSERT OR IGNORE INTO main.annotators SELECT * FROM other.annotators")
        for table, (columns, values) in _COLUMNS.items():
            con.execute(f"INSERT INTO main.{table} ({columns}) SELECT {values} FROM other.{table} WHERE {new[table]}")
        con.execute("COMMIT")
        con.close()

    return timed(copy)


def rows(db: Path) -> list[int]:
    """What both sides must have written alike: rows per table and a digest of their contents."""
    with sqlite3.connect(db) as con:
        found = [con.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in _COLUMNS]
        spans = con.execute('SELECT d.content_hash, s.annotator, s.start, s."end", s.label_id, s.state FROM spans s JOIN documents d ON d.id = s.document_id')
        found.append(hash(frozenset(spans)))
    return found


def scenario(work: Path, target: str, half: int, repeat: int) -> tuple[float, float, object]:
    best = {"annotator": [float("inf")] * 2, "raw": [float("inf")] * 2}
    report = None
    for round_ in range(repeat):
        sides = [("annotator", lambda db: annotator_side(db, work / "other.db")), ("raw", lambda db: raw_side(db, work / "other.db", half))]
        written = {}
        for name, side in sides if round_ % 2 == 0 else sides[::-1]:
            db = fresh(work, name, target)
            result, wall, cpu = side(db)
            report = result if name == "annotator" else report
            best[name] = [min(best[name][0], wall), min(best[name][1], cpu)]
            written[name] = rows(db)
        if written["annotator"] != written["raw"]:
            raise SystemExit(f"{target}: the merge and the raw copy wrote different rows: {written}")
    (wall, cpu), (raw_wall, raw_cpu) = best["annotator"], best["raw"]
    print(f"{target} target: annotator merge {wall:.2f} s wall, {cpu:.2f} s CPU; raw ATTACH + INSERT ... SELECT "
          f"{raw_wall:.2f} s wall, {raw_cpu:.2f} s CPU; ratio raw / annotator {raw_wall / wall:.2f}x wall, {raw_cpu / cpu:.2f}x CPU")
    print(f"  merged: {report.documents_added:,} documents added, {report.documents_matched:,} matched; spans {report.spans_added:,} "
          f"added, {report.spans_present:,} already there; statuses {report.states_added:,} added, {report.states_present:,} there")
    return raw_wall / wall, raw_cpu / cpu


def index_time(work: Path) -> None:
    db = fresh(work, "indexed", "empty")
    with Store(db) as store:
        merge_database(store, work / "other.db")
        (done, wall, cpu) = timed(store.build_copy_index)
    print(f"copy index of the merged documents (store.build_copy_index(), run by `annotator merge` after the merge's "
          f"commit; in neither time above): {done:,} documents in {wall:.1f} s wall, {cpu:.1f} s CPU")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_corpus_options(parser)
    parser.add_argument("--repeat", type=int, default=3, help="rounds per target (best of each side kept)")
    parser.add_argument("--no-index-time", action="store_true", help="leave out the timing of the copy index build")
    parser.add_argument("--keep", type=Path, help="work in this folder and leave the databases there")
    args = parser.parse_args()
    if args.keep is not None and (args.keep / "other.db").exists():
        raise SystemExit(f"{args.keep / 'other.db'} exists: --keep wants a folder without one")
    with work_folder(args.keep) as work:
        filled = fill(work, args.articles, args.seed, args.size)
        print(f"OTHER: {filled['documents']:,} articles ({filled['chars'] / filled['documents']:,.0f} characters on average), "
              f"{filled['spans']:,} spans and {filled['document_states']:,} statuses of 3 annotators; the targets stored in {filled['store']:.0f} s")
        ratios = [*scenario(work, "empty", 0, args.repeat), *scenario(work, "half", args.articles // 2, args.repeat)]
        if not args.no_index_time:
            index_time(work)
    ok = min(ratios) >= 0.5
    print(f"summary: merge speed {min(ratios):.2f}x the raw copy at worst (target >= 0.5x) -> {'PASS' if ok else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
