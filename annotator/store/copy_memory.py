"""What one copy index build keeps in memory from batch to batch (store.copy_index).

build_pending indexes ``batch`` documents per write transaction; a CopyIndexer per batch
forgot everything the previous batch had read. Kept here instead, each with a bound:
- the normalized texts of candidate sentences: the first sentences of popular band keys
  are candidates again and again (10,000 articles: 1.47 million texts read for 196,000
  distinct ones when each batch started empty);
- a Bloom filter of the band keys the table holds: five in six keys of a new sentence are
  in no bucket, and telling so from a bit array costs far less than a B-tree search;
- the full buckets (MAX_BUCKET ids read of a popular key): ids only grow, so the first ones
  stay the first; 2,090 keys at 10,000 articles answered 122,000 of the lookups.

What is kept describes the rows as this build left them. Another writer between two batches
(an import indexing its documents, a deletion, a rebuild with other settings) changes the
stamp (see ``stamp``), and everything kept is forgotten.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import islice

import numpy as np

_TEXTS_KEPT = 200_000  # normalized candidate texts (~300 bytes each with the dict: ~60 MB at most)
_FULL_KEPT = 50_000  # full buckets (~32 ids: ~1.5 KB each, ~75 MB at most); more are read each time
_FILTER_BITS = (16, 28)  # 2^16 .. 2^28 bits (8 KB .. 32 MB), ~16 bits per expected key


class TextCache:
    """Sentence id -> normalized text, at most ``limit``; when full the older half goes (a
    popular text dropped is read again once)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.texts: dict[int, str] = {}

    def update(self, items: Iterable[tuple[int, str]]) -> None:
        self.texts.update(items)
        if len(self.texts) > self.limit:
            for key in list(islice(self.texts, len(self.texts) - self.limit // 2)):
                del self.texts[key]


class BandFilter:
    """The band keys written so far, as two bits each of a fixed bit array: a key it says
    no to is in no bucket; a yes is checked in the table. False yeses: (1 - e^(-2n/m))^2, 1.4 %
    at 16 bits per key, 11 % at 5 (2^28 bits holding the 50 million keys of 100,000 articles)."""

    def __init__(self, expected_keys: int) -> None:
        low, high = _FILTER_BITS
        bits = min(max(int(expected_keys * 16).bit_length(), low), high)
        self.mask = np.uint64((1 << bits) - 1)
        self.words = np.zeros(1 << (bits - 6), dtype=np.uint64)

    def _slots(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        k = keys.view(np.uint64)  # band keys are well mixed: their two halves serve as hashes
        return k & self.mask, (k >> np.uint64(32)) & self.mask

    def add(self, keys: np.ndarray) -> None:
        if not len(keys):
            return
        slots = np.concatenate(self._slots(keys))
        slots.sort()  # one OR per word: a fancy-indexed |= keeps one of repeated words
        words = slots >> np.uint64(6)
        starts = np.flatnonzero(np.r_[True, words[1:] != words[:-1]])
        self.words[words[starts]] |= np.bitwise_or.reduceat(np.uint64(1) << (slots & np.uint64(63)), starts)

    def may_hold(self, keys: np.ndarray) -> np.ndarray:
        found = np.ones(len(keys), dtype=bool)
        for slots in self._slots(keys):
            found &= (self.words[slots >> np.uint64(6)] >> (slots & np.uint64(63))) & np.uint64(1) == 1
        return found


def stamp(connection, settings: object) -> tuple:
    """What changes when another writer touched the index: the last sentence row (an import
    adds sentences), the documents' largest id and count (an import, a deletion), the settings."""
    last = connection.exec_driver_sql("SELECT id, text_hash FROM sentences ORDER BY id DESC LIMIT 1").first()
    documents = connection.exec_driver_sql("SELECT (SELECT max(id) FROM documents), (SELECT count(*) FROM documents)").first()
    return (tuple(last) if last else None, tuple(documents), settings)


class BuildMemory:
    """Shared by the CopyIndexers of one build, valid while the build is the only writer."""

    def __init__(self) -> None:
        self.norms = TextCache(_TEXTS_KEPT)
        self.band_filter: BandFilter | None = None  # None: every key is looked up in the table
        self.full: dict[int, list[int]] = {}  # band key -> its first MAX_BUCKET sentence ids
        self.stamp: tuple | None = None  # the index as the last batch left it

    def check(self, now: tuple) -> None:
        """Forget what is kept unless the index is as the last batch left it."""
        if now != self.stamp:
            self.norms, self.band_filter, self.full = TextCache(self.norms.limit), None, {}
        self.stamp = now

    def keep_full(self, key: int, ids: list[int]) -> None:
        if len(self.full) < _FULL_KEPT:
            self.full[key] = ids

    def load_bands(self, connection, now: tuple, expected_keys: int) -> None:
        """Start the filter from the table's keys (read in one pass, in chunks)."""
        self.band_filter = BandFilter(expected_keys)
        cursor = connection.exec_driver_sql("SELECT band FROM sentence_bands")
        while chunk := cursor.fetchmany(100_000):
            self.band_filter.add(np.array([row[0] for row in chunk], dtype=np.int64))
        self.stamp = now
