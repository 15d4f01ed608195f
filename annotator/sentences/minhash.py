"""MinHash signatures and LSH band keys, vectorized with numpy over a whole document.

Written here rather than taken from datasketch: datasketch needs scipy (tens of MB in a
bundle with 1 MB to spare), and its LSH keeps its tables in memory or a server, where
ours live in the database next to the sentences (store.copy_index). Each permutation is a
multiply-shift hash of a 32-bit token hash (CRC-32): the high 32 bits of a*x + b mod 2^64
with a random odd a (Dietzfelbinger et al.); datasketch's mod-2^61-1 division costs twice
as much in numpy for the same quality. bench/bench_copies.py compares the two in one run.
"""

from __future__ import annotations

import zlib

import numpy as np

_SHIFT = np.uint64(32)
_CHUNK = 16384  # shingles hashed at once: bounds the (shingles x permutations) matrix
# Odd 64-bit multipliers that fold a band's rows into one key.
_FOLD = np.array([0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0xD6E8FEB86659FD93,
                  0xFF51AFD7ED558CCD, 0xC4CEB9FE1A85EC53, 0x85EBCA77C2B2AE63, 0x27D4EB2F165667C5], dtype=np.uint64)


class MinHasher:
    def __init__(self, num_perm: int = 48, seed: int = 1) -> None:
        generator = np.random.RandomState(seed)
        self.num_perm = num_perm
        self.a = generator.randint(0, 1 << 63, size=num_perm, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
        self.b = generator.randint(0, 1 << 63, size=num_perm, dtype=np.uint64)

    def signatures(self, shingle_lists: list[list[str]]) -> np.ndarray:
        """One row of ``num_perm`` minimum hashes per list (each list non-empty)."""
        hashes = np.fromiter(
            (zlib.crc32(s.encode("utf-8")) for shingles in shingle_lists for s in shingles), dtype=np.uint64
        )
        sizes = np.fromiter((len(s) for s in shingle_lists), dtype=np.int64, count=len(shingle_lists))
        ends = np.cumsum(sizes)
        rows = []
        first = 0  # hash whole lists at once, about _CHUNK shingles at a time (a 1 MB text is 200k)
        while first < len(shingle_lists):
            begin = ends[first] - sizes[first]
            last = max(first + 1, int(np.searchsorted(ends, begin + _CHUNK, side="right")))
            with np.errstate(over="ignore"):
                values = (hashes[begin:ends[last - 1], None] * self.a + self.b) >> _SHIFT
            rows.append(np.minimum.reduceat(values, ends[first:last] - sizes[first:last] - begin, axis=0))
            first = last
        return np.concatenate(rows) if rows else np.empty((0, self.num_perm), dtype=np.uint64)


def band_keys(signatures: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """(sentences x bands) signed 64-bit keys: two sentences share a key when they agree
    on all ``rows`` values of that band. The band number is folded in, so one table holds all."""
    n = signatures.shape[0]
    grouped = signatures[:, : bands * rows].reshape(n, bands, rows)
    with np.errstate(over="ignore"):
        keys = (np.arange(bands, dtype=np.uint64) + np.uint64(1)) * _FOLD[rows % len(_FOLD)]
        keys = np.broadcast_to(keys, (n, bands)).copy()
        for r in range(rows):
            keys = (keys ^ grouped[:, :, r]) * _FOLD[r % len(_FOLD)]
            keys ^= keys >> np.uint64(29)
    return keys.view(np.int64)
