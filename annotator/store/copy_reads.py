"""Reading the copy index: groups, one document's copied sentences, counts, components
(a Store mixin; the writer is store.copy_index)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from sqlalchemy import delete, func, select, text, update

from annotator.sentences.groups import LISTED_COPIES, CopyGroup, SentenceCopy, SentenceWithCopies, components
from annotator.sentences.normalize import normalize
from annotator.sentences.similarity import similarity
from annotator.store.schema import DocumentRow, SentenceBandRow, SentenceRow

if TYPE_CHECKING:
    from annotator.store.copy_index import CopySettings

# copy_index and copy_near (numpy, rapidfuzz) are imported where used: a Store that never
# indexes (an export, a window reading) opens without them.

_GROUPED = (
    'SELECT s.group_id, s.id, s.document_id, s.start, s."end", s.text_hash FROM sentences AS s '
    "WHERE s.group_id IS NOT NULL {where} ORDER BY s.group_id, s.id"
)
# Accepted spans wholly inside a sentence with copies, in group order: one streamed query
# merged with copy_groups (same order), instead of a read per document or sentence.
_GROUP_SPANS = text(  # CROSS JOIN: sentences first (in group order), each one's spans by index range
    'SELECT s.group_id, s.document_id, s.start, sp.start, sp."end", l.name FROM sentences AS s '
    "CROSS JOIN spans AS sp ON sp.document_id = s.document_id AND sp.annotator = :annotator "
    "AND sp.start >= s.start AND sp.start < s.\"end\" AND sp.\"end\" <= s.\"end\" AND sp.state = 'accepted' "
    "JOIN labels AS l ON l.id = sp.label_id WHERE s.group_id IS NOT NULL ORDER BY s.group_id, s.id"
)
_CHUNK_ROWS = 5000  # sentences whose texts are read together, each document's text once


def _with_texts(s, rows: list) -> list[tuple]:
    """Rows (group, id, doc, start, end, hash) -> the same with the sentence text and title."""
    from annotator.store.copy_near import sliced

    texts = sliced(s, [row[1:5] for row in rows])
    return [(*row, *texts[row[1]]) for row in rows]


def _grouped(s, rows) -> Iterator[tuple[int, list]]:
    """(group, rows with texts) in group order, texts read a chunk of groups at a time."""
    chunk: list = []
    for row in rows:
        if len(chunk) >= _CHUNK_ROWS and row[0] != chunk[-1][0]:
            yield from _split_groups(_with_texts(s, chunk))
            chunk = []
        chunk.append(tuple(row))
    if chunk:
        yield from _split_groups(_with_texts(s, chunk))


def _split_groups(rows: list) -> Iterator[tuple[int, list]]:
    start = 0
    for i in range(1, len(rows) + 1):
        if i == len(rows) or rows[i][0] != rows[start][0]:
            yield rows[start][0], [r[1:] for r in rows[start:i]]
            start = i


def _copy_of(row: tuple, own: tuple, similar: dict) -> SentenceCopy:
    """``row`` as a copy of ``own``, with their similarity (cached per pair of texts)."""
    key = (own[4], row[4])
    if key not in similar:
        similar[key] = 1.0 if own[4] == row[4] else similarity(normalize(own[5]), normalize(row[5]))
    return SentenceCopy(row[1], row[2], row[3], row[5], similar[key], row[6] or "")


def _group(group_id: int, rows: list, min_similarity: float | None, first_row=None) -> CopyGroup | None:
    """Rows (id, doc, start, end, hash, text, title) of one group -> the record, similarities
    to ``first_row`` (default: the group's first sentence)."""
    first = first_row or rows[0]
    first_norm = normalize(first[5])
    exact = len({r[4] for r in rows}) == 1
    sentences = []
    for r in rows:
        sim = 1.0 if r[4] == first[4] else similarity(first_norm, normalize(r[5]))
        if min_similarity is None or sim >= min_similarity or r is first:
            sentences.append(SentenceCopy(r[1], r[2], r[3], r[5], sim, r[6] or ""))
    if len(sentences) < 2:
        return None
    return CopyGroup(group_id, "exact" if exact else "near", tuple(sentences))


class CopyReads:
    """Mixed into Store; uses its ``_read`` and ``_write`` sessions."""

    def copy_settings(self) -> CopySettings:
        from annotator.store.copy_index import stored_settings

        with self._read() as s:
            return stored_settings(s)

    def copy_groups(self, min_similarity: float | None = None) -> Iterator[CopyGroup]:
        """Every group of copies, in group order; a sentence below ``min_similarity`` to its
        group's first sentence is left out, and so is a group left with one sentence.
        Streamed: memory holds a chunk of groups."""
        with self._read() as s:
            for group_id, rows in _grouped(s, s.execute(text(_GROUPED.format(where="")))):
                if (group := _group(group_id, rows, min_similarity)) is not None:
                    yield group

    def document_groups(self, doc_id: int) -> list[CopyGroup]:
        """The whole copy groups of one document's sentences (similarity to each group's first)."""
        return [_group(g, rows, None) for g, rows in self._document_rows(doc_id).items()]

    def document_copies(self, doc_id: int) -> list[SentenceWithCopies]:
        """The sentences of one document that have copies, each with up to LISTED_COPIES of
        its copies (similarity to it) and their count. Linear in the group sizes: sentences
        of one text share their list, and similarities are computed once per pair of texts."""
        result = []
        for group_id, rows in self._document_rows(doc_id).items():
            kind = "exact" if len({r[4] for r in rows}) == 1 else "near"
            listed = rows[: LISTED_COPIES + 1]
            shared: dict[int, tuple] = {}  # text hash -> the list of a sentence not among `listed`
            similar: dict[tuple[int, int], float] = {}
            for own in (r for r in rows if r[1] == doc_id):
                if own in listed or own[4] not in shared:
                    copies = tuple(_copy_of(r, own, similar) for r in listed if r is not own)[:LISTED_COPIES]
                    if own not in listed:
                        shared[own[4]] = copies
                result.append(SentenceWithCopies(own[2], own[3], group_id, kind, copies if own in listed else shared[own[4]], len(rows) - 1))
        return sorted(result, key=lambda x: x.start)

    def _document_rows(self, doc_id: int) -> dict[int, list]:
        """Group id -> rows (id, doc, start, end, hash, text, title) of the groups of a document."""
        with self._read() as s:
            groups = [g for (g,) in s.execute(
                select(SentenceRow.group_id).where(SentenceRow.document_id == doc_id, SentenceRow.group_id.is_not(None)).distinct()
            )]
            if not groups:
                return {}
            ids = ",".join(str(int(g)) for g in groups)
            return dict(_grouped(s, s.execute(text(_GROUPED.format(where=f"AND s.group_id IN ({ids})")))))

    def copy_counts(self) -> dict[int, int]:
        """Document id -> how many of its sentences have a copy (documents without: absent)."""
        with self._read() as s:
            return dict(s.execute(
                select(SentenceRow.document_id, func.count()).where(SentenceRow.group_id.is_not(None)).group_by(SentenceRow.document_id)
            ).all())

    def copy_components(self) -> dict[int, int]:
        """Document id -> the smallest document id it is linked to by shared sentences,
        transitively (documents without copies: absent)."""
        with self._read() as s:
            pairs = s.execute(
                select(SentenceRow.group_id, SentenceRow.document_id).where(SentenceRow.group_id.is_not(None)).distinct()
            ).all()
        return components(pairs)

    def spans_in_groups(self) -> Iterator[tuple[int, int, int, int, int, str]]:
        """``(group, doc_id, sentence start, span start, span end, label)`` of the store's annotator's
        accepted spans inside grouped sentences, in group order (streamed; read to the end or closed)."""
        with self._read() as s:
            yield from s.execute(_GROUP_SPANS.execution_options(yield_per=2000), {"annotator": self.annotator})

    def pending_copy_index(self) -> int:
        """How many documents wait to be indexed (a database made before the index)."""
        with self._read() as s:
            return s.execute(select(func.count()).select_from(DocumentRow).where(DocumentRow.copies_indexed == 0)).scalar_one()

    def build_copy_index(self, progress: Callable[[int, int], None] | None = None, cancelled: Callable[[], bool] | None = None) -> int:
        """Index the pending documents in short transactions (the app stays usable); returns how many."""
        from annotator.store.copy_index import build_pending

        return build_pending(self._write, progress, cancelled)

    def rebuild_copy_index(self, settings: CopySettings, progress: Callable[[int, int], None] | None = None,
                           cancelled: Callable[[], bool] | None = None) -> int:
        """Forget the index and build it again with other settings (threshold, min words)."""
        from annotator.store.copy_index import save_settings

        with self._write() as s:
            s.execute(delete(SentenceBandRow))
            s.execute(delete(SentenceRow))
            s.execute(update(DocumentRow).values(copies_indexed=0))
            save_settings(s, settings)
        return self.build_copy_index(progress, cancelled)
