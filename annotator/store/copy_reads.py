"""Reading the copy index: groups, one document's copied sentences, counts, components
(a Store mixin; the writer is store.copy_index)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from sqlalchemy import delete, func, select, text, update

from annotator.sentences.groups import CopyGroup, SentenceCopy, SentenceWithCopies, components
from annotator.sentences.normalize import normalize
from annotator.sentences.similarity import similarity
from annotator.store.copy_index import CopySettings, build_pending, save_settings, stored_settings
from annotator.store.schema import DocumentRow, SentenceBandRow, SentenceRow

_GROUPED = (
    'SELECT s.group_id, s.id, s.document_id, s.start, s."end", s.text_hash, '
    'CAST(substr(d.text, s.start + 1, s."end" - s.start) AS BLOB), CAST(d.title AS BLOB) FROM sentences AS s '
    "JOIN documents AS d ON d.id = s.document_id WHERE s.group_id IS NOT NULL {where} ORDER BY s.group_id, s.id"
)


def _decoded(row) -> tuple:
    """(id, doc, start, end, hash, text, title) with text and title read as UTF-8 bytes: a
    row damaged by hand (a BLOB title, bytes that are not UTF-8) is shown, not refused."""
    *head, sentence, title = row
    return (*head, (sentence or b"").decode("utf-8", "replace"), (title or b"").decode("utf-8", "replace"))


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
        with self._read() as s:
            return stored_settings(s)

    def copy_groups(self, min_similarity: float | None = None) -> Iterator[CopyGroup]:
        """Every group of copies, in group order; a sentence below ``min_similarity`` to its
        group's first sentence is left out, and so is a group left with one sentence.
        Streamed: memory holds one group."""
        with self._read() as s:
            current, rows = None, []
            for row in s.execute(text(_GROUPED.format(where=""))):
                if row[0] != current and rows:
                    if (group := _group(current, rows, min_similarity)) is not None:
                        yield group
                    rows = []
                current = row[0]
                rows.append(_decoded(row[1:]))
            if rows and (group := _group(current, rows, min_similarity)) is not None:
                yield group

    def document_copies(self, doc_id: int) -> list[SentenceWithCopies]:
        """The sentences of one document that have copies, each with its copies (similarity to it)."""
        with self._read() as s:
            groups = [g for (g,) in s.execute(
                select(SentenceRow.group_id).where(SentenceRow.document_id == doc_id, SentenceRow.group_id.is_not(None)).distinct()
            )]
            if not groups:
                return []
            ids = ",".join(str(int(g)) for g in groups)
            by_group: dict[int, list] = {}
            for row in s.execute(text(_GROUPED.format(where=f"AND s.group_id IN ({ids})"))):
                by_group.setdefault(row[0], []).append(_decoded(row[1:]))
        result = []
        for group_id, rows in by_group.items():
            exact = len({r[4] for r in rows}) == 1
            for own in (r for r in rows if r[1] == doc_id):
                record = _group(group_id, rows, None, first_row=own)
                copies = tuple(c for c in record.sentences if (c.doc_id, c.start) != (own[1], own[2]))
                result.append(SentenceWithCopies(own[2], own[3], group_id, "exact" if exact else "near", copies))
        return sorted(result, key=lambda x: x.start)

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

    def pending_copy_index(self) -> int:
        """How many documents wait to be indexed (a database made before the index)."""
        with self._read() as s:
            return s.execute(select(func.count()).select_from(DocumentRow).where(DocumentRow.copies_indexed == 0)).scalar_one()

    def build_copy_index(self, progress: Callable[[int, int], None] | None = None, cancelled: Callable[[], bool] | None = None) -> int:
        """Index the pending documents in short transactions (the app stays usable); returns how many."""
        return build_pending(self._write, progress, cancelled)

    def rebuild_copy_index(self, settings: CopySettings, progress: Callable[[int, int], None] | None = None,
                           cancelled: Callable[[], bool] | None = None) -> int:
        """Forget the index and build it again with other settings (threshold, min words)."""
        with self._write() as s:
            s.execute(delete(SentenceBandRow))
            s.execute(delete(SentenceRow))
            s.execute(update(DocumentRow).values(copies_indexed=0))
            save_settings(s, settings)
        return self.build_copy_index(progress, cancelled)
