"""The copy index: which sentences of the corpus are copies of each other.

Every document is cut into sentences (sentences.segment); a sentence of at least
``min_words`` words is stored with the hash of its normalized text. It joins a group:
- an exact copy: another stored sentence with the same hash (an indexed lookup);
- a near copy: a sentence sharing an LSH band key (MinHash over word bigrams), whose
  normalized text is then verified: Indel similarity >= ``threshold``.
A sentence that links sentences of several groups merges them (the smaller group moves).
Only the first sentence of each normalized text gets band rows; its exact copies are
found by hash, so 10,000 copies of one sentence cost 10,000 indexed lookups.

Each document is indexed once, in the transaction that stores it (import) or later for
databases made before the index (build_pending); nothing is ever rebuilt for a new one.
Bounds per sentence: at most MAX_CANDIDATES verified candidates and MAX_BUCKET ids read
per band key, each verification on texts of at most segment.MAX_CHARS code points.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields
from itertools import chain

import numpy as np
from rapidfuzz.distance import Indel
from rapidfuzz.process import extract
from sqlalchemy import func, select, text, update
from sqlalchemy.orm import Session

from annotator.sentences.minhash import MinHasher, band_keys
from annotator.sentences.normalize import normalize, shingles, words
from annotator.sentences.segment import MAX_CHARS, sentence_spans
from annotator.store.copy_memory import BuildMemory
from annotator.store.schema import CopyIndexRow, DocumentRow

MAX_CANDIDATES = 20
_BANDS_HELD = 200_000  # band rows of a batch held in memory before they are written
MAX_BUCKET = 32


@dataclass(frozen=True)
class CopySettings:
    """What counts as a copy; stored with the index (copy_index table)."""

    threshold: float = 0.8  # Indel similarity of the normalized texts for a near copy
    min_words: int = 5  # shorter sentences ("Read more.", "Reuters") are too common to link articles
    num_perm: int = 48
    bands: int = 16
    rows: int = 3
    max_chars: int = MAX_CHARS


def text_hash(normalized: str) -> int:
    return int.from_bytes(hashlib.blake2b(normalized.encode("utf-8"), digest_size=8).digest(), "little", signed=True)


def stored_settings(s: Session) -> CopySettings:
    row = s.get(CopyIndexRow, 1)
    if row is None:
        return CopySettings()
    return CopySettings(**{f.name: getattr(row, f.name) for f in fields(CopySettings)})


def save_settings(s: Session, settings: CopySettings) -> None:
    values = {f.name: getattr(settings, f.name) for f in fields(CopySettings)}
    row = s.get(CopyIndexRow, 1)
    if row is None:
        s.add(CopyIndexRow(id=1, **values))
    else:
        for name, value in values.items():
            setattr(row, name, value)
    s.flush()


@dataclass
class _Sentence:
    id: int
    start: int
    end: int
    norm: str
    hash: int
    words: list[str]


_FIRST_OF_HASH = (
    "SELECT h.value, s.id, s.group_id FROM json_each(?) AS h "
    "JOIN sentences AS s ON s.id = (SELECT id FROM sentences WHERE text_hash = h.value ORDER BY id LIMIT 1)"
)
_BUCKETS = (
    "SELECT k.value, (SELECT group_concat(sentence_id) FROM "
    "(SELECT sentence_id FROM sentence_bands WHERE band = k.value LIMIT ?)) FROM json_each(?) AS k"
)
_PLACES = 'SELECT id, document_id, start, "end" FROM sentences WHERE id IN (SELECT value FROM json_each(?))'
_SHORT_TEXTS = (
    'SELECT s.id, CAST(substr(d.text, s.start + 1, s."end" - s.start) AS BLOB) FROM sentences AS s '
    "JOIN documents AS d ON d.id = s.document_id WHERE s.id IN (SELECT value FROM json_each(?))"
)
_WHOLE_TEXT_FROM = 4  # candidates in one document from which its text is read once, not substr each
_DOCUMENT = text("SELECT CAST(text AS BLOB), CAST(title AS BLOB) FROM documents WHERE id = :id")


def last_sentence(s: Session) -> tuple[int, int] | None:
    """(id, text hash) of the sentence row with the largest id."""
    row = s.connection().exec_driver_sql("SELECT id, text_hash FROM sentences ORDER BY id DESC LIMIT 1").first()
    return tuple(row) if row else None


def document_text(s: Session, doc_id: int) -> tuple[str, str]:
    """A document's text and title read as UTF-8 bytes: a row damaged by hand (a BLOB title,
    bytes that are not UTF-8) is read with replacement characters, not refused."""
    raw, title = s.execute(_DOCUMENT, {"id": doc_id}).one()
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
_GROUPS = "SELECT id, group_id FROM sentences WHERE id IN (SELECT value FROM json_each(?))"
_SIZES = "SELECT group_id, count(*) FROM sentences WHERE group_id IN (SELECT value FROM json_each(?)) GROUP BY group_id"
_INSERT_SENTENCES = 'INSERT INTO sentences (id, document_id, start, "end", text_hash, group_id) VALUES (?, ?, ?, ?, ?, NULL)'
_INSERT_BANDS = "INSERT OR IGNORE INTO sentence_bands (band, sentence_id) VALUES (?, ?)"


class CopyIndexer:
    """Adds documents to the copy index inside the caller's write transaction."""

    def __init__(self, session: Session, memory: BuildMemory | None = None) -> None:
        """``memory``: what the earlier batches of a build kept (copy_memory); none, a fresh one."""
        self.s = session
        self.settings = stored_settings(session)
        if session.get(CopyIndexRow, 1) is None:
            save_settings(session, self.settings)
        self.hasher = MinHasher(self.settings.num_perm)
        self.last = last_sentence(session)
        self.next_id = self.last[0] + 1 if self.last else 1
        self.memory = memory or BuildMemory()
        self.memory.check(self.last)
        self.sentences = self.linked = 0
        # Band rows of this batch, looked up in memory and written at its end in key order:
        # inserted document by document at random keys, a large band table's B-tree was read
        # and spilled page by page (10,000 articles: CPU time 0.65x a datasketch loop).
        self._local: dict[int, list[int]] = {}
        self._bands: list[tuple[np.ndarray, list[int]]] = []  # per document: keys (texts x bands), text ids
        self._held = 0  # band rows in self._bands

    def add(self, documents: Iterable[tuple[int, str]]) -> None:
        done = []
        for doc_id, doc_text in documents:
            self._index(doc_id, doc_text)
            done.append(doc_id)
            if self._held > _BANDS_HELD:
                self._write_bands()
        self._write_bands()
        if done:
            self.s.execute(update(DocumentRow).where(DocumentRow.id.in_(done)).values(copies_indexed=1))
        self.memory.last = self.last

    def _write_bands(self) -> None:
        if self._bands:
            keys = np.concatenate([k.ravel() for k, _ in self._bands])
            ids = np.repeat(np.concatenate([np.asarray(i, dtype=np.int64) for _, i in self._bands]), self.settings.bands)
            order = np.lexsort((ids, keys))
            self.s.connection().exec_driver_sql(_INSERT_BANDS, list(zip(keys[order].tolist(), ids[order].tolist())))
            if self.memory.bands is not None:
                self.memory.bands.add(keys)
        self._bands, self._local, self._held = [], {}, 0

    # -- one document -------------------------------------------------------------

    def _index(self, doc_id: int, doc_text: str) -> None:
        rows, fresh = self._sentences(doc_text)
        if not rows:
            return
        first_new = rows[0][0]
        by_hash: dict[int, list[int]] = defaultdict(list)
        for sentence_id, _, _, h in rows:
            by_hash[h].append(sentence_id)
        stored = self._first_of_hash(set(by_hash))  # before this document's rows exist
        self.s.connection().exec_driver_sql(_INSERT_SENTENCES, [(i, doc_id, start, end, h) for i, start, end, h in rows])
        self.last = (rows[-1][0], rows[-1][3])
        self.sentences += len(rows)
        near = self._near([x for x in fresh if x.hash not in stored])
        clusters = []  # ids that must share a group: a text's copies here, its older copy, its near copies
        for h, ids in by_hash.items():
            members = ids + ([stored[h]] if h in stored else []) + sorted(near.get(ids[0], ()))
            if len(members) > 1:
                clusters.append(members)
        if clusters:
            self._assign(clusters, first_new)

    def _sentences(self, doc_text: str) -> tuple[list[tuple[int, int, int, int]], list[_Sentence]]:
        """(id, start, end, hash) of every indexed sentence, and the first sentence of each
        text in full (normalized text, words) for the near search. Only those are kept: one
        50 MB article of a repeated sentence holds 750,000 sentences and one distinct text."""
        rows, fresh, seen = [], [], set()
        for start, end in sentence_spans(doc_text, self.settings.max_chars):
            norm = normalize(doc_text[start:end])
            word_list = words(norm)
            if len(word_list) >= self.settings.min_words:
                h = text_hash(norm)
                rows.append((self.next_id, start, end, h))
                if h not in seen:
                    seen.add(h)
                    fresh.append(_Sentence(self.next_id, start, end, norm, h, word_list))
                self.next_id += 1
        return rows, fresh

    def _query(self, sql: str, *params) -> list[tuple]:
        """Through the driver: SQLAlchemy's per-statement work was a third of indexing a document."""
        return self.s.connection().exec_driver_sql(sql, params).fetchall()

    def _first_of_hash(self, hashes: set[int]) -> dict[int, int]:
        """hash -> id of the first stored sentence of that text (older documents only)."""
        rows = self._query(_FIRST_OF_HASH, json.dumps(sorted(hashes)))
        return {h: sentence_id for h, sentence_id, _ in rows}

    # -- near copies ------------------------------------------------------------------

    def _near(self, fresh: list[_Sentence]) -> dict[int, set[int]]:
        """Verified near copies of each new text, among stored sentences and earlier new ones."""
        if not fresh:
            return {}
        settings = self.settings
        keys = band_keys(self.hasher.signatures([shingles(x.words) for x in fresh]), settings.bands, settings.rows)
        stored = keys.ravel() if self.memory.bands is None else keys.ravel()[self.memory.bands.may_hold(keys.ravel())]
        buckets = self._buckets(set(stored.tolist()))
        candidates = self._candidates(fresh, keys.tolist(), buckets)
        texts = {x.id: x.norm for x in fresh}
        texts.update(self._candidate_texts({c for found in candidates.values() for c in found if c not in texts}))
        result = {}
        for x in fresh:
            if found := self._verified(x.norm, candidates.get(x.id, ()), texts):
                result[x.id] = found
        self._bands.append((keys, [x.id for x in fresh]))
        self._held += keys.size
        return result

    def _candidates(self, fresh: list[_Sentence], keys: list[list[int]], buckets: dict[int, list[int]]) -> dict[int, list[int]]:
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
        rows = self._query(_BUCKETS, MAX_BUCKET, json.dumps(sorted(keys)))
        return {key: list(map(int, ids.split(","))) for key, ids in rows if ids}

    def _texts(self, ids: set[int]) -> dict[int, str]:
        if not ids:
            return {}
        places = self._query(_PLACES, json.dumps(sorted(ids)))
        per_doc = defaultdict(list)
        for place in places:
            per_doc[place[1]].append(place)
        many = [p for doc_places in per_doc.values() if len(doc_places) >= _WHOLE_TEXT_FROM for p in doc_places]
        few = [p[0] for doc_places in per_doc.values() if len(doc_places) < _WHOLE_TEXT_FROM for p in doc_places]
        texts = {i: sentence for i, (sentence, _) in sliced(self.s, many).items()}
        if few:  # short reads in one statement: substr walks at most a few times into each text
            texts.update((i, (raw or b"").decode("utf-8", "replace")) for i, raw in self._query(_SHORT_TEXTS, json.dumps(few)))
        return texts

    # -- groups -----------------------------------------------------------------------

    def _assign(self, clusters: list[list[int]], first_new: int) -> None:
        """Put each cluster's sentences in one group, merging the groups they were in: worked
        out in memory for the document, then written in two executemany statements."""
        current = self._groups_of({i for members in clusters for i in members if i < first_new})
        group_of: dict[int, int] = {}  # this document's assignments
        renamed: dict[int, int] = {}  # merged group -> the group it joined

        def resolve(g: int) -> int:
            while g in renamed:
                g = renamed[g]
            return g

        for members in clusters:
            found = [(i, group_of.get(i, current.get(i))) for i in members]
            groups = {resolve(g) for _, g in found if g is not None}
            target = self._target(groups, group_of) if groups else min(members)
            for g in groups - {target}:
                renamed[g] = target
            for i, g in found:
                if g is None:
                    group_of[i] = target
        connection = self.s.connection()
        if renamed:
            connection.exec_driver_sql("UPDATE sentences SET group_id = ? WHERE group_id = ?", [(resolve(g), g) for g in renamed])
        connection.exec_driver_sql("UPDATE sentences SET group_id = ? WHERE id = ?", [(resolve(g), i) for i, g in group_of.items()])
        self.linked += len(group_of)

    def _groups_of(self, ids: set[int]) -> dict[int, int | None]:
        return dict(self._query(_GROUPS, json.dumps(sorted(ids))))

    def _target(self, groups: set[int], group_of: dict[int, int]) -> int:
        """The group the others merge into: the largest (fewest rows move)."""
        if len(groups) == 1:
            return next(iter(groups))
        sizes = dict(self._query(_SIZES, json.dumps(sorted(groups))))
        for g in group_of.values():
            sizes[g] = sizes.get(g, 0) + 1
        return max(sorted(groups), key=lambda g: sizes.get(g, 0))


_PENDING = text(
    "SELECT id, CAST(text AS BLOB) FROM documents INDEXED BY ix_documents_copies_pending "
    "WHERE copies_indexed = 0 ORDER BY id LIMIT :limit"
)


def _readable(raw: bytes | None) -> str:
    """A stored text as the index reads it: a row damaged by hand (NULL, a BLOB, bytes that
    are not UTF-8) is indexed as having no sentences instead of stopping the build."""
    try:
        return raw.decode("utf-8") if raw is not None else ""
    except UnicodeDecodeError:
        return ""


# The band filter is read from the table when the build is large next to it: reading a key
# costs about a tenth of the lookups a pending document saves with it.
_FILTER_FROM = 100  # sentences indexed per pending document, at most
_SENTENCES_GUESS = 40  # indexed sentences per pending document (~5 KB news articles: 33)
_CACHE_KB = 65536  # page cache while a batch is indexed (as a bulk import has): inserts into a large
# band table at random keys otherwise read and spill pages one by one


def build_pending(session_factory: Callable, progress: Callable[[int, int], None] | None = None,
                  cancelled: Callable[[], bool] | None = None, batch: int = 200) -> int:
    """Index the documents not in the index yet, ``batch`` per short write transaction.

    ``session_factory()`` is a context manager giving a write session. Returns how many
    documents were indexed; cancelling keeps what is done (the rest stays pending).
    """
    done, memory = 0, BuildMemory()
    with session_factory() as s:
        total = s.execute(select(func.count()).select_from(DocumentRow).where(DocumentRow.copies_indexed == 0)).scalar_one()
        last = last_sentence(s)
        indexed = last[0] if last else 0  # sentences indexed so far (about: deleted ones leave gaps)
        if total and indexed <= _FILTER_FROM * total:
            memory.load_bands(s.connection(), last, stored_settings(s).bands * (indexed + _SENTENCES_GUESS * total))
    while done < total:
        if cancelled is not None and cancelled():
            break
        with session_factory() as s:
            rows = s.execute(_PENDING, {"limit": batch}).all()
            if not rows:
                break
            connection = s.connection()
            connection.exec_driver_sql(f"PRAGMA cache_size=-{_CACHE_KB}")  # the band B-tree's pages stay in memory
            try:
                CopyIndexer(s, memory).add([(i, _readable(raw)) for i, raw in rows])
            finally:
                connection.exec_driver_sql("PRAGMA cache_size=-2000")
        done += len(rows)
        if progress is not None:
            progress(min(done, total), total)
    return done
