"""The near-copy search of the copy index (store.copy_index): the LSH band keys of a
document's new texts, the stored and this batch's sentences under them, the candidates
sharing most keys, verified on their normalized texts (Indel similarity >= threshold).

Band rows of a batch are looked up in memory and written at its end in key order: inserted
document by document at random keys, a large band table's B-tree was read and spilled page
by page. What outlives a batch (candidate texts, the band filter, full buckets) is the
build's (store.copy_memory).
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import chain

import numpy as np
from rapidfuzz.distance import Indel
from rapidfuzz.process import extract
from sqlalchemy import text
from sqlalchemy.orm import Session

from annotator.store import dialect
from annotator.store.bulk_rows import insert_ints_ignoring

from annotator.sentences.minhash import MinHasher, band_keys
from annotator.sentences.normalize import normalize, shingles
from annotator.store.copy_memory import BuildMemory

MAX_CANDIDATES = 20
MAX_BUCKET = 32
BANDS_HELD = 200_000  # band rows of a batch held in memory before they are written

# Templates of store.dialect (its {fragment:argument} idioms, ? parameters).
_BUCKETS = (
    "SELECT k.value, (SELECT {ids_text:sentence_id} FROM "
    "(SELECT sentence_id FROM sentence_bands WHERE band = k.value LIMIT ?) AS b) FROM ({ints:?}) AS k"
)
_PLACES = 'SELECT id, document_id, start, "end" FROM sentences WHERE id IN ({ints:?})'
_SHORT_TEXTS = (
    'SELECT s.id, {bytes:substr(d.text, s.start + 1, s."end" - s.start)} FROM sentences AS s '
    "JOIN documents AS d ON d.id = s.document_id WHERE s.id IN ({ints:?})"
)
_WHOLE_TEXT_FROM = 4  # candidates in one document from which its text is read once, not substr each
_DOCUMENT = "SELECT {bytes:text}, {bytes:title} FROM documents WHERE id = :id"


@dataclass
class NewText:
    """The first sentence of a normalized text in a document, not stored before."""

    id: int
    start: int
    end: int
    norm: str
    hash: int
    words: list[str]


def query(s: Session, sql: str, *params) -> list[tuple]:
    """Through the driver: SQLAlchemy's per-statement work was a third of indexing a document."""
    return s.connection().exec_driver_sql(dialect.render_driver(sql, s), params).fetchall()


def document_text(s: Session, doc_id: int) -> tuple[str, str]:
    """A document's text and title read as UTF-8 bytes: a row damaged by hand (a BLOB title,
    bytes that are not UTF-8) is read with replacement characters, not refused."""
    raw, title = s.execute(text(dialect.render(_DOCUMENT, s)), {"id": doc_id}).one()
    return (raw or b"").decode("utf-8", "replace"), (title or b"").decode("utf-8", "replace")


def sliced(s: Session, places: Iterable[tuple]) -> dict[int, tuple[str, str]]:
    """Sentence id -> (text, document title) for places (id, doc, start, end, ...).

    Each document's text is read once and sliced in Python: SQLite's substr walks a text
    from its start, so one call per sentence of a 1 MB article would cost sentences x length."""
    by_doc: dict[int, list] = defaultdict(list)
    for place in places:
        by_doc[place[1]].append(place)
    result = {}
    for doc, doc_places in by_doc.items():
        doc_text, title = document_text(s, doc)
        for place in doc_places:
            result[place[0]] = (doc_text[place[2]:place[3]], title)
    return result


class NearCopies:
    """One batch's near-copy search, inside the caller's write transaction. ``settings``: the
    index's copy_index.CopySettings (not imported: copy_index imports this module)."""

    def __init__(self, session: Session, settings, memory: BuildMemory) -> None:
        self.s, self.settings, self.memory = session, settings, memory
        self.hasher = MinHasher(settings.num_perm)
        self._local: dict[int, list[int]] = {}  # band key -> this batch's new texts under it
        self._bands: list[tuple[np.ndarray, list[int]]] = []  # per document: keys (texts x bands), text ids
        self.held = 0  # band rows in self._bands

    def find(self, fresh: list[NewText]) -> dict[int, set[int]]:
        """Verified near copies of each new text, among stored sentences and earlier new ones."""
        if not fresh:
            return {}
        settings = self.settings
        keys = band_keys(self.hasher.signatures([shingles(x.words) for x in fresh]), settings.bands, settings.rows)
        stored = keys.ravel()
        if self.memory.band_filter is not None:  # a key it never saw is in no bucket: no lookup
            stored = stored[self.memory.band_filter.may_hold(stored)]
        candidates = self._candidates(fresh, keys.tolist(), self._buckets(set(stored.tolist())))
        texts = {x.id: x.norm for x in fresh}
        texts.update(self._candidate_texts({c for found in candidates.values() for c in found if c not in texts}))
        result = {}
        for x in fresh:
            if found := self._verified(x.norm, candidates.get(x.id, ()), texts):
                result[x.id] = found
        self._bands.append((keys, [x.id for x in fresh]))
        self.held += keys.size
        return result

    def write(self) -> None:
        """The held band rows into the table, in key order (and into the build's filter)."""
        if self._bands:
            keys = np.concatenate([k.ravel() for k, _ in self._bands])
            ids = np.repeat(np.concatenate([np.asarray(i, dtype=np.int64) for _, i in self._bands]), self.settings.bands)
            order = np.lexsort((ids, keys))
            insert_ints_ignoring(self.s.connection(), "sentence_bands", ("band", "sentence_id"), list(zip(keys[order].tolist(), ids[order].tolist())))
            if self.memory.band_filter is not None:
                self.memory.band_filter.add(keys)
        self._bands, self._local, self.held = [], {}, 0

    def _candidates(self, fresh: list[NewText], keys: list[list[int]], buckets: dict[int, list[int]]) -> dict[int, list[int]]:
        """Each new text's candidates: the ids sharing most of its band keys, stored ones
        (``buckets``) and this batch's (``self._local``, which each text then joins)."""
        local, stored = self._local, buckets.get
        candidates = {}
        for x, row in zip(fresh, keys):
            lists = [stored(key, ()) for key in row]
            for key in row:
                batch = local.get(key)
                if batch is None:
                    local[key] = [x.id]
                else:
                    lists.append(batch[:MAX_BUCKET])
                    batch.append(x.id)
            shared = Counter(chain.from_iterable(lists))
            shared.pop(x.id, None)
            if len(shared) > MAX_CANDIDATES:  # the most shared keys first, then the oldest
                ranked = sorted(shared)
                ranked.sort(key=shared.__getitem__, reverse=True)  # stable: ties stay by id
                candidates[x.id] = ranked[:MAX_CANDIDATES]
            elif shared:
                candidates[x.id] = list(shared)
        return candidates

    def _verified(self, norm: str, ids: list[int], texts: dict[int, str]) -> set[int]:
        """The candidates whose Indel similarity to ``norm`` reaches the threshold (one rapidfuzz
        call per sentence; score_cutoff lets it give up early on random LSH collisions, set
        below the threshold since at it rapidfuzz 3.14 gave 0 for a pair at exactly 0.8)."""
        if not ids:
            return set()
        threshold = self.settings.threshold
        hits = extract(norm, [texts[c] for c in ids], scorer=Indel.normalized_similarity, score_cutoff=threshold - 0.01, limit=None)
        return {ids[i] for _, score, i in hits if score >= threshold}

    def _candidate_texts(self, ids: set[int]) -> dict[int, str]:
        """Normalized texts of stored candidates: kept ones, the rest read (and then kept)."""
        kept = self.memory.norms.texts
        texts = {i: kept[i] for i in ids if i in kept}
        read = [(i, normalize(t)) for i, t in self._texts(ids - texts.keys()).items()]
        self.memory.norms.update(read)
        texts.update(read)
        return texts

    def _buckets(self, keys: set[int]) -> dict[int, list[int]]:
        """Band key -> the first MAX_BUCKET sentence ids under it (keys under none left out)."""
        full = self.memory.full
        found = {key: full[key] for key in keys if key in full}
        for key, ids in query(self.s, _BUCKETS, MAX_BUCKET, json.dumps(sorted(keys - found.keys()))):
            if ids:
                found[key] = bucket = list(map(int, ids.split(",")))
                if len(bucket) == MAX_BUCKET:
                    self.memory.keep_full(key, bucket)
        return found

    def _texts(self, ids: set[int]) -> dict[int, str]:
        if not ids:
            return {}
        per_doc = defaultdict(list)
        for place in query(self.s, _PLACES, json.dumps(sorted(ids))):
            per_doc[place[1]].append(place)
        many = [p for doc_places in per_doc.values() if len(doc_places) >= _WHOLE_TEXT_FROM for p in doc_places]
        few = [p[0] for doc_places in per_doc.values() if len(doc_places) < _WHOLE_TEXT_FROM for p in doc_places]
        texts = {i: sentence for i, (sentence, _) in sliced(self.s, many).items()}
        if few:  # short reads in one statement: substr walks at most a few times into each text
            texts.update((i, (raw or b"").decode("utf-8", "replace")) for i, raw in query(self.s, _SHORT_TEXTS, json.dumps(few)))
        return texts
