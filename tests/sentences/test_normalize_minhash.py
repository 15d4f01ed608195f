"""Normalized form, words, MinHash (against a pure-Python implementation) and band keys."""

from __future__ import annotations

import random
import zlib

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.sentences.minhash import MinHasher, band_keys
from annotator.sentences.normalize import normalize, shingles, words


def test_normalize_folds_case_width_quotes_dashes_and_space():
    assert normalize("  \u201cWe\u2019re  BACK\u201d \u2014 ｆｕｌｌ\u00adwidth\u200b\n") == "\"we're back\" - fullwidth"
    assert normalize("Straße") == normalize("STRASSE")


def test_words_of_spaced_and_unspaced_scripts():
    assert words(normalize("G-20 summit, U.S.A. 2019!")) == ["g", "20", "summit", "u", "s", "a", "2019"]
    assert words("我们开会") == ["我", "们", "开", "会"]
    assert words("👨‍👩‍👧 ok") == ["ok"]
    assert shingles(["a", "b", "c"]) == ["a b", "b c"]
    assert shingles(["solo"]) == ["solo"]


def reference_signature(hasher: MinHasher, items: list[str]) -> list[int]:
    """Python integers: the high 32 bits of (a * crc32 + b) mod 2^64, the minimum per permutation."""
    result = []
    for a, b in zip(hasher.a.tolist(), hasher.b.tolist()):
        assert a % 2 == 1
        result.append(min(((a * zlib.crc32(s.encode()) + b) % (1 << 64)) >> 32 for s in items))
    return result


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(st.text(min_size=1, max_size=6), min_size=1, max_size=30), min_size=1, max_size=6))
def test_signatures_equal_a_pure_python_minhash(lists):
    hasher = MinHasher(num_perm=16)
    got = hasher.signatures(lists)
    assert got.tolist() == [reference_signature(hasher, items) for items in lists]


def test_long_inputs_are_hashed_in_chunks_with_the_same_result(monkeypatch):
    lists = [[f"w{i} {j}" for j in range(n)] for i, n in enumerate([1, 5, 40, 3, 17, 2, 60])]
    whole = MinHasher(num_perm=8).signatures(lists)
    monkeypatch.setattr("annotator.sentences.minhash._CHUNK", 7)
    assert MinHasher(num_perm=8).signatures(lists).tolist() == whole.tolist()
    assert whole.tolist() == [reference_signature(MinHasher(num_perm=8), x) for x in lists]


def test_signature_agreement_estimates_jaccard():
    rng = random.Random(7)
    hasher = MinHasher(num_perm=512)
    for shared in (10, 50, 90):
        a = [f"w{i}" for i in range(100)]
        b = a[:shared] + [f"x{rng.random()}" for _ in range(100 - shared)]
        true = shared / (200 - shared)
        sig = hasher.signatures([a, b])
        assert abs((sig[0] == sig[1]).mean() - true) < 0.08


def test_band_keys_match_exactly_when_a_band_agrees():
    sig = np.array([[1, 2, 3, 4, 5, 6], [1, 2, 3, 4, 5, 7], [1, 2, 9, 4, 5, 6]], dtype=np.uint64)
    keys = band_keys(sig, bands=2, rows=3)
    assert keys.dtype == np.int64 and keys.shape == (3, 2)
    assert keys[0, 0] == keys[1, 0] and keys[0, 1] != keys[1, 1]
    assert keys[0, 0] != keys[2, 0] and keys[0, 1] == keys[2, 1]
    assert keys[0, 0] != keys[0, 1]  # the band number is part of the key
