"""What a copy index build keeps between its batches: bounded, exact where it must be, and
forgotten when another writer changed the index between two batches."""

from __future__ import annotations

import math
import random
from dataclasses import replace

import numpy as np

from annotator.core.model import Document
from annotator.core.text import content_hash
from annotator.store import Store
from annotator.store.copy_index import CopySettings, build_pending
from annotator.store.copy_memory import BandFilter, BuildMemory, TextCache

SENTENCE = "The central bank raised interest rates by half a point on Tuesday morning in the capital."
NEAR = "The central bank raised interest rates by half a point on Tuesday evening in the capital."


def add(store: Store, *texts: str) -> list[int]:
    return store.add_documents([(Document(None, f"doc {i}", t, content_hash=content_hash(t)), []) for i, t in enumerate(texts)]).added


def filler(i: int) -> str:
    """A sentence of made-up words of its own (no copies among them)."""
    pick = random.Random(i)
    return " ".join("".join(pick.choice("bdfgklmnprstvz") + pick.choice("aeiou") for _ in range(3)) for _ in range(10)) + "."


def groups(store: Store) -> set[frozenset[tuple[int, int, int]]]:
    return {frozenset((x.doc_id, x.start, x.end) for x in g.sentences) for g in store.copy_groups()}


def test_the_band_filter_never_forgets_a_key_and_its_false_yeses_match_the_formula():
    rng = np.random.default_rng(7)
    keys = rng.integers(-(2**63), 2**63 - 1, size=40_000, dtype=np.int64)
    band_filter = BandFilter(expected_keys=4_000)  # ten times fewer than it gets: many false yeses
    for chunk in np.array_split(keys, 7):
        band_filter.add(chunk)
    band_filter.add(keys[:100])  # a key added twice is still one key
    assert band_filter.may_hold(keys).all()
    others = rng.integers(-(2**63), 2**63 - 1, size=40_000, dtype=np.int64)
    bits = len(band_filter.words) * 64
    expected = (1 - math.exp(-2 * len(keys) / bits)) ** 2  # two bits per key
    assert abs(band_filter.may_hold(others).mean() - expected) < 0.02
    assert not BandFilter(10).may_hold(keys[:5]).any()


def test_the_text_cache_keeps_the_newest_half_when_full():
    cache = TextCache(limit=10)
    cache.update((i, f"text {i}") for i in range(8))
    assert len(cache.texts) == 8
    cache.update((i, f"text {i}") for i in range(8, 12))
    assert sorted(cache.texts) == list(range(7, 12)) and cache.texts[11] == "text 11"


def test_an_import_whose_candidate_texts_overflow_the_cache_finds_the_same_groups(tmp_path, monkeypatch):
    """One import is one indexer: its kept texts overflow on a large corpus. The cache used to be
    cleared between choosing what to read and reading it (KeyError at 10,000 articles)."""
    variants = [SENTENCE.replace("capital", f"{filler(i).split()[0]} capital") for i in range(30)]
    texts = [f"{filler(i)}\n{variant}\n{NEAR}" for i, variant in enumerate(variants)]
    with Store(tmp_path / "roomy.db") as roomy:
        add(roomy, *texts)
        expected = groups(roomy)
    monkeypatch.setattr("annotator.store.copy_memory._TEXTS_KEPT", 4)
    with Store(tmp_path / "tight.db") as tight:
        add(tight, *texts)
        assert groups(tight) == expected and len(expected) == 1  # the variants, NEAR and its repeats


def test_build_memory_is_forgotten_when_another_writer_changed_the_index():
    settings = CopySettings()
    left = ((5, 123), (3, 3), settings)  # last sentence row, documents' largest id and count, settings
    memory = BuildMemory()
    for other in [((9, 456), (4, 4), settings),  # an import added a document and its sentences
                  ((5, 999), (3, 3), settings),  # the last rows were deleted and their ids reused
                  ((5, 123), (3, 2), settings),  # a document deleted (not the last one)
                  ((5, 123), (3, 3), replace(settings, bands=8))]:  # a rebuild with other settings
        memory.check(left)
        memory.band_filter, memory.norms.texts[1], memory.full[7] = BandFilter(10), "kept", [1, 2]
        memory.check(left)
        assert memory.norms.texts == {1: "kept"} and memory.band_filter is not None and memory.full == {7: [1, 2]}
        memory.check(other)
        assert memory.norms.texts == {} and memory.band_filter is None and memory.full == {}


def test_a_build_in_batches_finds_the_groups_an_import_finds(tmp_path):
    texts = [f"{filler(i)}\n{SENTENCE if i % 3 == 0 else NEAR if i % 3 == 1 else filler(i + 100)}" for i in range(12)]
    texts += [f"Intro of {i} here.\n{filler(i)}" for i in range(0, 12, 4)]  # exact copies of earlier ones
    with Store(tmp_path / "imported.db") as imported:
        add(imported, *texts)
        expected = groups(imported)
    with Store(tmp_path / "built.db") as built:
        add(built, *texts)
        built.rebuild_copy_index(built.copy_settings(), cancelled=lambda: True)  # forget the index: all pending
        assert build_pending(built._write, batch=2) == len(texts)
        assert groups(built) == expected and len(expected) == 4  # the two texts near each other, three fillers


def test_another_writer_between_two_batches_is_not_missed(store):
    add(store, *[filler(i) for i in range(4)], f"Last one.\n{NEAR}")
    store.rebuild_copy_index(store.copy_settings(), cancelled=lambda: True)
    calls = []

    def between_batches() -> bool:  # build_pending asks before each batch
        calls.append(1)
        if len(calls) == 2:  # after the first batch: an import indexes a near copy of a pending sentence
            add(store, f"Imported meanwhile.\n{SENTENCE}")
        return False

    assert build_pending(store._write, cancelled=between_batches, batch=2) == 5
    near = [g for g in store.copy_groups() if g.kind == "near"]
    assert [sorted(x.doc_id for x in g.sentences) for g in near] == [[5, 6]]
