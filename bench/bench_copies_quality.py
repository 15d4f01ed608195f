"""Pair recall and precision of the copy index on a generated corpus with known copies (issue 11).

Usage: python bench/bench_copies_quality.py [--articles 10000] [--seed 1] [--size 5000] [--examples 3]

The corpus is bench/copies_corpus.py's (a fifth of the sentences rewritten copies of sentences of
earlier articles: exact, word swapped, clause added, clause dropped; the truth recorded). It is
stored with Store.add_documents, the path of ``annotator import`` (documents join the index in
the import transaction), with the default CopySettings (Indel similarity >= 0.8, >= 5 words).

What counts. A sentence is (article, start, end); a pair is two sentences, unordered.
- true pairs: every two sentences of one family, i.e. derived from the same origin sentence, the
  origin included (a copy of a copy belongs to the first origin's family; a headline and its
  repeat are a family), among the sentences the index keeps (at least min_words words);
- found pairs: every two sentences of one group of ``store.copy_groups()`` (no --min-similarity);
- recall = |found & true| / |true|, precision = |found & true| / |found|.
Per rewrite kind: recall over the (copy, the sentence it was rewritten from) pairs of that kind,
precision over the found pairs with a copy of that kind on one side. A missed (copy, parent) pair
is either below the threshold (the Indel similarity of the two normalized texts is under it: not
a copy by the index's definition, the corpus asks too much) or not found (similar enough, but the
two share no LSH band key, or they do and the MAX_BUCKET / MAX_CANDIDATES caps cut the candidate);
the counts are printed.
Targets: recall >= 0.95, precision >= 0.99.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter, defaultdict
from itertools import combinations
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from copies_corpus import KINDS, Article, CopiesCorpus, add_corpus_options, records  # noqa: E402

from annotator.sentences.minhash import MinHasher, band_keys  # noqa: E402
from annotator.sentences.normalize import normalize, shingles, words  # noqa: E402
from annotator.sentences.similarity import similarity  # noqa: E402
from annotator.store import Store  # noqa: E402
from annotator.store.copy_index import CopySettings  # noqa: E402

Key = tuple[int, int]  # (article index, start): start identifies a sentence within its article


class Truth:
    """What the generator says, for the sentences the index keeps."""

    def __init__(self, min_words: int) -> None:
        self.min_words = min_words
        self.norm: dict[Key, str] = {}
        self.family: dict[Key, int] = {}
        self.kind: dict[Key, str] = {}
        self.parent: dict[Key, Key] = {}
        self.too_short = 0

    def add(self, article: Article) -> None:
        for x in article.sentences:
            norm = normalize(article.text[x.start:x.end])
            if len(words(norm)) < self.min_words:
                self.too_short += 1
                continue
            key = (article.index, x.start)
            self.norm[key], self.family[key], self.kind[key] = norm, x.family, x.kind
            if x.parent is not None:
                self.parent[key] = (x.parent[0], x.parent[1])

    def pairs(self) -> set[frozenset]:
        members: dict[int, list[Key]] = defaultdict(list)
        for key, family in self.family.items():
            members[family].append(key)
        return {frozenset(p) for keys in members.values() for p in combinations(keys, 2)}


def found_pairs(store: Store, index_of: dict[int, int]) -> tuple[set[frozenset], int, int]:
    """Pairs within the index's groups; also how many groups and sentences."""
    pairs, groups, sentences = set(), 0, 0
    for group in store.copy_groups():
        keys = [(index_of[s.doc_id], s.start) for s in group.sentences]
        pairs.update(frozenset(p) for p in combinations(keys, 2))
        groups, sentences = groups + 1, sentences + len(keys)
    return pairs, groups, sentences


class Bands:
    """Whether two texts share an LSH band key, computed as the index computes them."""

    def __init__(self, settings: CopySettings) -> None:
        self.settings, self.hasher = settings, MinHasher(settings.num_perm)

    def shared(self, a: str, b: str) -> bool:
        signatures = self.hasher.signatures([shingles(words(a)), shingles(words(b))])
        keys = band_keys(signatures, self.settings.bands, self.settings.rows).tolist()
        return bool(set(keys[0]) & set(keys[1]))


def per_kind(truth: Truth, found: set[frozenset], settings: CopySettings) -> dict[str, dict]:
    rows, bands = {kind: Counter() for kind in KINDS}, Bands(settings)
    for copy, parent in truth.parent.items():
        if parent not in truth.family:
            continue  # the parent is too short for the index (the copy then is too, but for swaps)
        row = rows[truth.kind[copy]]
        row["pairs"] += 1
        if frozenset((copy, parent)) in found:
            row["found"] += 1
        elif similarity(truth.norm[copy], truth.norm[parent]) < settings.threshold:
            row["below threshold"] += 1
        else:
            row["not found"] += 1
            row["no shared band"] += not bands.shared(truth.norm[copy], truth.norm[parent])
    for pair in found:
        true = len({truth.family[k] for k in pair}) == 1
        for kind in {truth.kind[k] for k in pair} & set(KINDS):
            rows[kind]["linked"] += 1
            rows[kind]["linked true"] += true
    return rows


def examples(truth: Truth, pairs: list[frozenset], count: int) -> list[str]:
    lines = []
    for pair in pairs[:count]:
        a, b = sorted(pair)
        lines.append(f"    {truth.kind[a]} {a} / {truth.kind[b]} {b}, similarity {similarity(truth.norm[a], truth.norm[b]):.2f}: "
                     f"{truth.norm[a][:90]!r} / {truth.norm[b][:90]!r}")
    return lines


def misses(truth: Truth, found: set[frozenset], settings: CopySettings, count: int) -> dict[str, list[str]]:
    """Examples of missed (copy, parent) pairs that were similar enough, by why the index missed them."""
    bands, result = Bands(settings), {"sharing no LSH band key": [], "sharing a band key (cut by the caps)": []}
    for copy, parent in sorted(truth.parent.items()):
        pair = frozenset((copy, parent))
        if parent not in truth.family or pair in found or similarity(truth.norm[copy], truth.norm[parent]) < settings.threshold:
            continue
        why = "sharing a band key (cut by the caps)" if bands.shared(truth.norm[copy], truth.norm[parent]) else "sharing no LSH band key"
        if len(result[why]) < count:
            result[why] += examples(truth, [pair], 1)
    return result


def main() -> int:
    parser = argparse.ArgumentParser()
    add_corpus_options(parser)
    parser.add_argument("--examples", type=int, default=3, help="false and missed pairs shown")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "quality.db") as store:
        settings = store.copy_settings()
        truth = Truth(settings.min_words)
        start = time.perf_counter()
        added = store.add_documents(records(CopiesCorpus(args.seed, args.size).articles(args.articles), truth.add)).added
        seconds = time.perf_counter() - start
        if len(added) != args.articles:
            raise SystemExit(f"{args.articles - len(added)} generated articles were merged as repeated texts")
        found, groups, grouped = found_pairs(store, {doc_id: i for i, doc_id in enumerate(added)})
    true = truth.pairs()
    hits = len(found & true)
    recall, precision = hits / len(true), hits / max(1, len(found))
    copies = len(truth.parent)
    print(f"corpus: {args.articles:,} articles (seed {args.seed}), {len(truth.family):,} sentences indexed "
          f"({truth.too_short:,} under {settings.min_words} words left out), {copies:,} copies ({copies / len(truth.family):.1%}); "
          f"imported with the index in {seconds:.1f} s; {groups:,} groups of {grouped:,} sentences; threshold {settings.threshold}")
    for kind, row in per_kind(truth, found, settings).items():
        print(f"{kind}: recall {row['found'] / max(1, row['pairs']):.4f} ({row['found']:,} of {row['pairs']:,} (copy, parent) pairs; "
              f"missed: {row['below threshold']:,} below the threshold, {row['not found']:,} similar enough but not found, "
              f"{row['no shared band']:,} of them sharing no LSH band key), "
              f"precision {row['linked true'] / max(1, row['linked']):.4f} ({row['linked'] - row['linked true']:,} false of {row['linked']:,} found pairs with such a copy)")
    false = sorted(found - true, key=sorted)
    print(f"all pairs: {len(true):,} true, {len(found):,} found, {hits:,} both: recall {recall:.4f}, precision {precision:.4f}")
    if false:
        print("  false pairs, e.g.:", *examples(truth, false, args.examples), sep="\n")
    for why, lines in misses(truth, found, settings, args.examples).items():
        if lines:
            print(f"  similar enough but not found, {why}, e.g.:", *lines, sep="\n")
    ok = recall >= 0.95 and precision >= 0.99
    print(f"summary: recall {recall:.4f} (target >= 0.95), precision {precision:.4f} (target >= 0.99) -> {'PASS' if ok else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
