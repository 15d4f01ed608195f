"""Helpers of the PostgreSQL benches: a server, fresh databases, a corpus with spans.

The server is the project's throwaway cluster (tests/postgres/server.py, as .ci/pg-server
starts it: fsync off, loopback) unless ``--url`` names one whose role may CREATE DATABASE.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import secrets
import statistics
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from common import article, seed_sentences  # noqa: E402
from copies_corpus import CopiesCorpus  # noqa: E402

LABELS = ("PERSON", "ORG", "GPE")
SPANS_PER_ARTICLE = 8  # 10,000 articles: 80,000 spans, the corpus of the guide's peer figures


def add_server_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--url", help="a PostgreSQL server to use (its role may CREATE DATABASE); default: a throwaway one")


@contextmanager
def server_url(url: str | None) -> Iterator[str]:
    """``url``, or the URL of a throwaway cluster stopped and removed on the way out."""
    if url:
        yield url
        return
    from tests.postgres import server as pg

    server = pg.start(Path(tempfile.mkdtemp(prefix="annotator-bench-pg-")))
    try:
        yield server.url()
    finally:
        server.stop()


def new_database(url: str, prefix: str) -> str:
    """A new empty UTF8 database on ``url``'s server; its URL."""
    import psycopg

    name = f"{prefix}_{secrets.token_hex(3)}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name} ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0")
    return url.rsplit("/", 1)[0] + "/" + name


def add_corpus_options(parser: argparse.ArgumentParser) -> None:
    """--articles, --corpus, --runs and --url: the options of the import and export benches."""
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    add_server_options(parser)
    parser.add_argument("--corpus", choices=("seeds", "copies"), default="seeds",
                        help="seeds: articles of the seeds' sentences, bench_import_export's corpus (default); "
                             "copies: copies_corpus' varied news, a fifth of the sentences copied (the copy index works harder)")


def articles(kind: str, count: int, size: int = 5000) -> Iterator[str]:
    if kind == "copies":
        yield from (a.text for a in CopiesCorpus(1, size).articles(count))
        return
    rng, sentences = random.Random(7), seed_sentences()
    yield from (article(rng, sentences, size, i) for i in range(count))


def write_corpus(path: Path, count: int, kind: str = "seeds") -> int:
    """``count`` articles of ~5 KB as JSONL, each with SPANS_PER_ARTICLE spans on capitalized
    words (what a pre-annotated news corpus holds); the number of spans."""
    rng, spans = random.Random(7), 0
    with open(path, "w", encoding="utf-8") as out:
        for i, text in enumerate(articles(kind, count)):
            words = [m.span() for m in re.finditer(r"\b[A-Z][a-z]{2,}\b", text)]
            chosen = sorted(rng.sample(words, min(SPANS_PER_ARTICLE, len(words))))
            record = {"text": text, "meta": {"title": f"article {i}"},
                      "spans": [{"start": s, "end": e, "label": rng.choice(LABELS)} for s, e in chosen]}
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            spans += len(chosen)
    return spans


def judge(figure: str, baseline: str, raw_times: list[float], ours_times: list[float]) -> int:
    """The medians' line and the summary line against the target (>= 0.5x the raw speed); the exit status."""
    raw, ours = statistics.median(raw_times), statistics.median(ours_times)
    ratio, verdict = raw / ours, "PASS" if raw / ours >= 0.5 else "FAIL"
    print(f"{figure}: {baseline} {raw:.2f} s, annotator {ours:.2f} s (medians of {len(raw_times)}), "
          f"speed ratio {ratio:.2f}x (target >= 0.5x)")
    print(f"summary: {ratio:.2f}x of {baseline} -> {verdict}")
    return 0 if verdict == "PASS" else 1


# Read by both sides of the import bench (a fresh interpreter each): the corpus as
# (title, text, sha256, [(start, end, label)]) tuples.
READ_CORPUS = """
import hashlib, json
def read_corpus(path):
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            r = json.loads(line)
            digest = hashlib.sha256(r["text"].encode("utf-8")).hexdigest()
            yield r["meta"]["title"], r["text"], digest, [(s["start"], s["end"], s["label"]) for s in r["spans"]]
"""
