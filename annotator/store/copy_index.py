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
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields

from sqlalchemy import func, select, text, update
from sqlalchemy.orm import Session

from annotator.sentences.minhash import MinHasher, band_keys
from annotator.sentences.normalize import normalize, shingles, words
from annotator.sentences.segment import MAX_CHARS, sentence_spans
from annotator.sentences.similarity import similarity
from annotator.store.schema import CopyIndexRow, DocumentRow, SentenceRow

MAX_CANDIDATES = 20
_BANDS_HELD = 200_000  # band rows of a batch held in memory before they are written
_NORMS_KEPT = 100_000  # candidate texts kept between documents (~15 MB), then forgotten
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

    def __init__(self, session: Session) -> None:
        self.s = session
        self.settings = stored_settings(session)
        if session.get(CopyIndexRow, 1) is None:
            save_settings(session, self.settings)
        self.hasher = MinHasher(self.settings.num_perm)
        self.next_id = session.execute(select(func.coalesce(func.max(SentenceRow.id), 0))).scalar_one() + 1
        self.sentences = self.linked = 0
        self._norms: dict[int, str] = {}  # normalized texts of candidates read so far (popular ones recur)
        # Band rows of this batch, looked up in memory and written at its end in key order:
        # inserted document by document at random keys, a large band table's B-tree was read
        # and spilled page by page (10,000 articles: CPU time 0.65x a datasketch loop).
        self._local: dict[int, list[int]] = defaultdict(list)
        self._bands: list[tuple[int, int]] = []

    def add(self, documents: Iterable[tuple[int, str]]) -> None:
        done = []
        for doc_id, doc_text in documents:
            self._index(doc_id, doc_text)
            done.append(doc_id)
            if len(self._bands) > _BANDS_HELD:
                self._write_bands()
        self._write_bands()
        if done:
            self.s.execute(update(DocumentRow).where(DocumentRow.id.in_(done)).values(copies_indexed=1))

    def _write_bands(self) -> None:
        if self._bands:
            self.s.connection().exec_driver_sql(_INSERT_BANDS, sorted(self._bands))
        self._bands, self._local = [], defaultdict(list)

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
        buckets = self._buckets({int(k) for k in keys.ravel()})
        local = self._local  # this batch's new texts by key (not written yet)
        texts = {x.id: x.norm for x in fresh}
        candidates: dict[int, list[int]] = {}
        for x, row in zip(fresh, keys.tolist()):
            shared: dict[int, int] = defaultdict(int)
            for key in row:
                for other in buckets.get(key, ()):
                    shared[other] += 1
                for other in local[key][:MAX_BUCKET]:
                    shared[other] += 1
                local[key].append(x.id)
            shared.pop(x.id, None)
            if shared:
                candidates[x.id] = sorted(shared, key=lambda c: (-shared[c], c))[:MAX_CANDIDATES]
        wanted = {c for found in candidates.values() for c in found if c not in texts and c not in self._norms}
        if len(self._norms) > _NORMS_KEPT:
            self._norms.clear()
        self._norms.update((i, normalize(t)) for i, t in self._texts(wanted).items())
        texts = {**texts, **{c: self._norms[c] for found in candidates.values() for c in found if c not in texts}}
        result = {}
        for x in fresh:
            found = {c for c in candidates.get(x.id, ()) if similarity(x.norm, texts[c]) >= settings.threshold}
            if found:
                result[x.id] = found
        self._bands += [(k, x.id) for x, row in zip(fresh, keys.tolist()) for k in row]
        return result

    def _buckets(self, keys: set[int]) -> dict[int, list[int]]:
        rows = self._query(_BUCKETS, MAX_BUCKET, json.dumps(sorted(keys)))
        return {key: [int(i) for i in ids.split(",")] for key, ids in rows if ids}

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


_CACHE_KB = 65536  # page cache while a batch is indexed (as a bulk import has): inserts into a large
# band table at random keys otherwise read and spill pages one by one


def build_pending(session_factory: Callable, progress: Callable[[int, int], None] | None = None,
                  cancelled: Callable[[], bool] | None = None, batch: int = 200) -> int:
    """Index the documents not in the index yet, ``batch`` per short write transaction.

    ``session_factory()`` is a context manager giving a write session. Returns how many
    documents were indexed; cancelling keeps what is done (the rest stays pending).
    """
    done = 0
    with session_factory() as s:
        total = s.execute(select(func.count()).select_from(DocumentRow).where(DocumentRow.copies_indexed == 0)).scalar_one()
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
                CopyIndexer(s).add([(i, _readable(raw)) for i, raw in rows])
            finally:
                connection.exec_driver_sql("PRAGMA cache_size=-2000")
        done += len(rows)
        if progress is not None:
            progress(min(done, total), total)
    return done
