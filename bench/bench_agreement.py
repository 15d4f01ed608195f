"""`annotator agreement` speed against a plain sklearn script on the same database (issue 12, Performance).

Usage: python bench/bench_agreement.py [--articles 10000] [--seed 1] [--size 5000] [--repeat 2] [--keep DIR]

The corpus: bench/copies_corpus.py's ~5 KB news-like articles. The truth spans are every other
run of capitalized words ("Putin", "Le Drian", made-up names), each name given one of four labels; each
of three annotators derives their spans from the truth with random disagreements (10% missed,
8% relabelled, 5% one word shorter or longer, 3% extra spans). A first subprocess stores it
through ``store.add_documents`` (spans carrying their annotator; the copy index left out, it
plays no part here) and marks every document done by all three (one INSERT ... SELECT per
annotator into document_states: 30,000 single set_status transactions would only slow the fill).
Then, each in a fresh subprocess, rounds alternating their order, best wall and CPU time kept:
- annotator: ``agreement(store)`` and ``json.dumps`` of its result, what `annotator agreement
  --json` runs, on a store opened before the clock starts: all three pairs, every figure;
- plain script: the same database read with sqlite3, the same spaCy tokenizer
  (annotator.nlp.tokens.tokenizer), IOB tags built token by token (a token takes the label of the
  span it shares a character with; the first span in text order wins an overlap, the longer at one
  start, then the first label by name), then per pair
  exact F1 by set intersection and ``sklearn.metrics.cohen_kappa_score`` over the tokens.
Figures: each side's time, the ratio plain / annotator (target >= 0.67x, i.e. the annotator no
slower than 1.5x the script) and the largest difference between the two sides' F1 and kappa.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import resource
import sqlite3
import subprocess
import sys
import time
from bisect import bisect_left, bisect_right
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench_copies import keep_best  # noqa: E402
from copies_corpus import CopiesCorpus, add_corpus_options, work_folder  # noqa: E402

from annotator.core.model import Document, Span  # noqa: E402
from annotator.core.text import content_hash  # noqa: E402

ANNOTATORS = ("ann", "ben", "cho")
LABELS = ("PERSON", "ORG", "GPE", "NORP")
NAMES = re.compile(r"\b[A-Z][a-z]+(?: [A-Z][a-z]+)*")
TARGET = 0.67


def derived(rng: random.Random, text: str, truth: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """One annotator's spans: the truth with random disagreements."""
    spans = set()
    for start, end, label in truth:
        roll = rng.random()
        if roll < 0.10:
            continue
        if roll < 0.18:
            label = rng.choice(LABELS)
        elif roll < 0.23:
            space = text.rfind(" ", start, end)  # a name of several words loses its last
            after = text.find(" ", end + 1)  # one word gains the next
            end = space if space > start else after if after > end else len(text)
        spans.add((start, end, label))
    for _ in range(len(truth) * 3 // 100):
        start = rng.randrange(len(text) - 20)
        end = text.find(" ", start + 2)
        if end > start:
            spans.add((start, end, rng.choice(LABELS)))
    return sorted(spans)


def records(articles: int, seed: int, size: int):
    rng = random.Random(seed)
    for article in CopiesCorpus(seed, size).articles(articles):
        text = article.text
        names = list(NAMES.finditer(text))[::2]  # every other run: ~40 names in 5 KB, as dense as news NER
        truth = [(m.start(), m.end(), LABELS[sum(map(ord, m.group())) % len(LABELS)]) for m in names]
        spans = [Span(s, e, label, annotator=name) for name in ANNOTATORS for s, e, label in derived(rng, text, truth)]
        yield Document(None, f"article {article.index}", text, content_hash=content_hash(text)), spans


def fill(db: Path, articles: int, seed: int, size: int) -> dict:
    from annotator.store import Store, bulk

    class Pending:  # no copy index: it plays no part in agreement
        def __init__(self, session) -> None:
            pass

        def add(self, documents) -> None:
            pass

    bulk.CopyIndexer = Pending  # only in this subprocess
    start = time.perf_counter()
    with Store(db, annotator=ANNOTATORS[0]) as store:
        store.add_documents(records(articles, seed, size))
    con = sqlite3.connect(db)
    with con:
        for name in ANNOTATORS:
            con.execute("INSERT OR REPLACE INTO document_states (document_id, annotator, status, note, updated_at) "
                        "SELECT id, ?, 'done', '', '2024-01-01T00:00:00' FROM documents", (name,))
    spans = con.execute("SELECT count(*) FROM spans").fetchone()[0]
    return {"spans": spans, "seconds": time.perf_counter() - start}


def ours(db: Path) -> dict:
    from annotator.agreement.report import agreement
    from annotator.store import Store

    with Store(db, annotator=ANNOTATORS[0]) as store:
        wall, cpu = time.perf_counter(), time.process_time()
        result = agreement(store)
        json.dumps(result, ensure_ascii=False, indent=2)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    pairs = {f"{p['a']}-{p['b']}": {"f1": p["f1_exact"], "kappa": p["kappa_tokens"], "tokens": p["tokens"]} for p in result["pairs"]}
    return {"wall": wall, "cpu": cpu, "pairs": pairs}


def tags_of(tokens: list[tuple[int, int]], spans: list[tuple[int, int, str]]) -> list[str]:
    starts, ends = [t[0] for t in tokens], [t[1] for t in tokens]
    tags = ["O"] * len(tokens)
    for start, end, label in sorted(spans, key=lambda s: (s[0], -s[1], s[2])):
        first, last = bisect_right(ends, start), bisect_left(starts, end) - 1
        if first <= last and all(t == "O" for t in tags[first:last + 1]):
            tags[first:last + 1] = [f"B-{label}"] + [f"I-{label}"] * (last - first)
    return tags


def plain(db: Path) -> dict:
    from sklearn.metrics import cohen_kappa_score

    from annotator.nlp.tokens import tokenizer

    tokenize = tokenizer()
    wall, cpu = time.perf_counter(), time.process_time()
    con = sqlite3.connect(db)
    done = {name: {d for (d,) in con.execute("SELECT document_id FROM document_states WHERE annotator = ? AND status = 'done'", (name,))}
            for name in ANNOTATORS}
    spans: dict[tuple[int, str], list] = {}
    for doc, name, start, end, label in con.execute(
            "SELECT s.document_id, s.annotator, s.start, s.\"end\", l.name FROM spans s JOIN labels l ON l.id = s.label_id "
            "WHERE s.state = 'accepted'"):
        spans.setdefault((doc, name), []).append((start, end, label))
    tags: dict[str, dict[int, list[str]]] = {name: {} for name in ANNOTATORS}
    for doc, text in con.execute("SELECT id, text FROM documents ORDER BY id"):
        tokens = [(t.idx, t.idx + len(t.text)) for t in tokenize(text) if not t.is_space]
        for name in ANNOTATORS:
            tags[name][doc] = tags_of(tokens, spans.get((doc, name), []))
    pairs = {}
    for i, a in enumerate(ANNOTATORS):
        for b in ANNOTATORS[i + 1:]:
            docs = sorted(done[a] & done[b])
            set_a = {(d, *s) for d in docs for s in spans.get((d, a), [])}
            set_b = {(d, *s) for d in docs for s in spans.get((d, b), [])}
            ta = [t for d in docs for t in tags[a][d]]
            tb = [t for d in docs for t in tags[b][d]]
            pairs[f"{a}-{b}"] = {"f1": 2 * len(set_a & set_b) / (len(set_a) + len(set_b)), "kappa": cohen_kappa_score(ta, tb), "tokens": len(ta)}
    return {"wall": time.perf_counter() - wall, "cpu": time.process_time() - cpu, "pairs": pairs}


STEPS = {"fill": fill, "ours": ours, "plain": plain}


def run_step(step: str, db: Path, *args: object) -> dict:
    """One step in a fresh interpreter (``--step``): its figures and its own peak RSS in MB."""
    out = subprocess.run([sys.executable, __file__, "--step", step, str(db), *map(str, args)], check=True, capture_output=True, text=True)
    return json.loads(out.stdout.splitlines()[-1])


def speed(db: Path, repeat: int) -> bool:
    """Rounds alternate the two sides; each keeps its best wall and CPU time (the machine is shared)."""
    best: dict[str, dict] = {"ours": {}, "plain": {}}
    for round_ in range(repeat):
        for step in ("ours", "plain") if round_ % 2 == 0 else ("plain", "ours"):
            keep_best(best[step], run_step(step, db))
    a, p = best["ours"], best["plain"]
    tokens = sum(x["tokens"] for x in a["pairs"].values())
    print(f"annotator agreement (3 pairs, every figure, JSON): {a['wall']:.1f} s wall, {a['cpu']:.1f} s CPU "
          f"({tokens:,} token pairs); peak RSS {a['rss_mb']:.0f} MB")
    print(f"plain script (sqlite3, spaCy tokenizer, IOB lists, exact F1 by sets, sklearn cohen_kappa_score): "
          f"{p['wall']:.1f} s wall, {p['cpu']:.1f} s CPU; peak RSS {p['rss_mb']:.0f} MB")
    diff = max(abs(a["pairs"][k][m] - p["pairs"][k][m]) for k in a["pairs"] for m in ("f1", "kappa"))
    same_tokens = all(a["pairs"][k]["tokens"] == p["pairs"][k]["tokens"] for k in a["pairs"])
    print(f"the two agree: largest difference of exact F1 and token kappa {diff:.1e}; same token counts: {same_tokens}")
    wall_ratio, cpu_ratio = p["wall"] / a["wall"], p["cpu"] / a["cpu"]
    print(f"speed ratio plain / annotator: {wall_ratio:.2f}x wall, {cpu_ratio:.2f}x CPU (target >= {TARGET}x)")
    return min(wall_ratio, cpu_ratio) >= TARGET and diff < 1e-9 and same_tokens


def main() -> int:
    if len(sys.argv) > 2 and sys.argv[1] == "--step":
        step, db, *numbers = sys.argv[2:]
        result = STEPS[step](Path(db), *map(int, numbers))
        print(json.dumps({**result, "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
        return 0
    parser = argparse.ArgumentParser()
    add_corpus_options(parser)
    parser.add_argument("--repeat", type=int, default=2, help="rounds (best time of each side kept)")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep (or reuse) its agreement.db")
    args = parser.parse_args()
    with work_folder(args.keep) as work:
        db = work / "agreement.db"
        if not db.exists():
            filled = run_step("fill", db, args.articles, args.seed, args.size)
            print(f"corpus: {args.articles:,} articles x {len(ANNOTATORS)} annotators, {filled['spans']:,} spans, "
                  f"stored and marked done in {filled['seconds']:.0f} s")
        ok = speed(db, args.repeat)
    print(f"summary: agreement speed -> {'PASS' if ok else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
