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
Bounds per sentence (store/copy_near.py): at most MAX_CANDIDATES verified candidates and MAX_BUCKET ids read
per band key, each verification on texts of at most segment.MAX_CHARS code points.
The near search is store.copy_near; what a build keeps from one batch to the next (candidate
texts, a filter of the band keys, full buckets), store.copy_memory.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields

from sqlalchemy import func, select, text, update
from sqlalchemy.orm import Session

from annotator.sentences.normalize import normalize, words
from annotator.sentences.segment import MAX_CHARS, sentence_spans
from annotator.store import dialect
from annotator.store.bulk_rows import insert_rows, update_ints
from annotator.store.copy_memory import BuildMemory, stamp
from annotator.store.copy_near import BANDS_HELD, NearCopies, NewText, query
from annotator.store.schema import CopyIndexRow, DocumentRow


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


# Templates of store.dialect (its {fragment:argument} idioms), through copy_near.query.
_FIRST_OF_HASH = "SELECT h.value, s.id, s.group_id FROM ({ints:?}) AS h {join_first:s sentences text_hash h.value}"
_GROUPS = "SELECT id, group_id FROM sentences WHERE id IN ({ints:?})"
_SIZES = "SELECT group_id, count(*) FROM sentences WHERE group_id IN ({ints:?}) GROUP BY group_id"
_SENTENCE_COLUMNS = ("id", "document_id", "start", "end", "text_hash")  # group_id NULL until a copy joins it


def _plan_each_time(conn) -> None:
    """PostgreSQL: the index's lookups planned on the tables as they are, for the rest of the transaction.
    psycopg prepares a statement run 5 times, and PostgreSQL then keeps one generic plan for it, made
    while an import's tables were nearly empty: a scan of the sentences table, read whole again for
    every document as it grew (a 10,000-article import ran past 12 minutes)."""
    if dialect.is_postgres(conn):
        conn.exec_driver_sql("SET LOCAL plan_cache_mode = force_custom_plan")


class CopyIndexer:
    """Adds documents to the copy index inside the caller's write transaction."""

    def __init__(self, session: Session, memory: BuildMemory | None = None) -> None:
        """``memory``: what the earlier batches of a build kept (copy_memory); none, a fresh one."""
        self.s = session
        _plan_each_time(session.connection())
        dialect.take_ids(session.connection(), "sentences")  # ids are given here (next_id): one indexer at a time
        self.settings = stored_settings(session)
        if session.get(CopyIndexRow, 1) is None:
            save_settings(session, self.settings)
        self.stamp = stamp(session.connection(), self.settings)
        self.last = self.stamp[0]  # (id, text hash) of the last sentence row
        self.next_id = self.last[0] + 1 if self.last else 1
        self.memory = memory or BuildMemory()
        self.memory.check(self.stamp)
        self.sentences = self.linked = 0
        self.near = NearCopies(session, self.settings, self.memory)

    def add(self, documents: Iterable[tuple[int, str]]) -> None:
        done = []
        for doc_id, doc_text in documents:
            self._index(doc_id, doc_text)
            done.append(doc_id)
            if self.near.held > BANDS_HELD:
                self.near.write()
        self.near.write()
        if done:
            self.s.execute(update(DocumentRow).where(DocumentRow.id.in_(done)).values(copies_indexed=1))
            dialect.sync_ids(self.s.connection(), "sentences")
        self.memory.stamp = (self.last, *self.stamp[1:])  # the documents are as they were

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
        insert_rows(self.s.connection(), "sentences", _SENTENCE_COLUMNS, [(i, doc_id, start, end, h) for i, start, end, h in rows])
        self.last = (rows[-1][0], rows[-1][3])
        self.sentences += len(rows)
        near = self.near.find([x for x in fresh if x.hash not in stored])
        clusters = []  # ids that must share a group: a text's copies here, its older copy, its near copies
        for h, ids in by_hash.items():
            members = ids + ([stored[h]] if h in stored else []) + sorted(near.get(ids[0], ()))
            if len(members) > 1:
                clusters.append(members)
        if clusters:
            self._assign(clusters, first_new)

    def _sentences(self, doc_text: str) -> tuple[list[tuple[int, int, int, int]], list[NewText]]:
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
                    fresh.append(NewText(self.next_id, start, end, norm, h, word_list))
                self.next_id += 1
        return rows, fresh

    def _first_of_hash(self, hashes: set[int]) -> dict[int, int]:
        """hash -> id of the first stored sentence of that text (older documents only)."""
        rows = query(self.s, _FIRST_OF_HASH, json.dumps(sorted(hashes)))
        return {h: sentence_id for h, sentence_id, _ in rows}

    # -- groups -----------------------------------------------------------------------

    def _assign(self, clusters: list[list[int]], first_new: int) -> None:
        """Put each cluster's sentences in one group, merging the groups they were in: worked
        out in memory for the document, then written in two statements (store.bulk_rows)."""
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
        connection = self.s.connection()  # resolved groups are never renamed ones: each pair's order is free
        update_ints(connection, "sentences", "group_id", "group_id", [(resolve(g), g) for g in renamed])
        update_ints(connection, "sentences", "group_id", "id", [(resolve(g), i) for i, g in group_of.items()])
        self.linked += len(group_of)

    def _groups_of(self, ids: set[int]) -> dict[int, int | None]:
        return dict(query(self.s, _GROUPS, json.dumps(sorted(ids))))

    def _target(self, groups: set[int], group_of: dict[int, int]) -> int:
        """The group the others merge into: the largest (fewest rows move)."""
        if len(groups) == 1:
            return next(iter(groups))
        sizes = dict(query(self.s, _SIZES, json.dumps(sorted(groups))))
        for g in group_of.values():
            sizes[g] = sizes.get(g, 0) + 1
        return max(sorted(groups), key=lambda g: sizes.get(g, 0))


_PENDING = (
    "SELECT id, {bytes:text} FROM documents {indexed_by:ix_documents_copies_pending} "
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
        settings = stored_settings(s)
        now = stamp(s.connection(), settings)
        indexed = now[0][0] if now[0] else 0  # sentences indexed so far (about: deleted ones leave gaps)
        if total and indexed <= _FILTER_FROM * total:
            memory.load_bands(s.connection(), now, settings.bands * (indexed + _SENTENCES_GUESS * total))
    while done < total:
        if cancelled is not None and cancelled():
            break
        with session_factory() as s:
            rows = s.execute(text(dialect.render(_PENDING, s)), {"limit": batch}).all()
            if not rows:
                break
            with dialect.page_cache(s.connection(), _CACHE_KB):  # the band B-tree's pages stay in memory
                CopyIndexer(s, memory).add([(i, _readable(raw)) for i, raw in rows])
        done += len(rows)
        if progress is not None:
            progress(min(done, total), total)
    return done
