"""The document list's Copies column: per document, how many of its sentences have copies
and how many of those disagree with a copy ("4 ≠1").

Sentences with copies are one query for the whole corpus (Store.copy_counts), made when
the column is first painted and kept until the index changes: paging through 100,000
documents asks nothing more. Disagreements need every group's spans compared
(annotator.copies.consistency: 2.7 s for 5,000 articles without spans, longer with them),
so the whole corpus is checked in a BackgroundJob (the column shows the copies meanwhile)
and after an edit only the groups of the edited documents are checked again, in the UI
thread (a few groups: milliseconds). Counted as consistency.disagreement_counts counts:
the sentences of a document that belong to a group whose copies disagree.
"""

from __future__ import annotations

import importlib
from collections import Counter

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QBrush, QColor

from annotator.core.model import AnnotationError
from annotator.gui.background import BackgroundJob
from annotator.sentences.groups import CopyGroup, SentenceCopy
from annotator.store import DatabaseError, Store

HEADER_TIP = "Sentences with copies in other articles (or repeated in this one); ≠ how many of them disagree with a copy"
WIDEST = "999 ≠99"
DISAGREE_INK = "#b91c1c"
BUILDING = "…"
RECHECK_LIMIT = 20  # documents edited at once (e.g. learned suggestions): more, and the corpus is checked again
COLUMN = 3


def _consistency():
    """annotator.copies.consistency, or None while it is missing (the column then counts copies only)."""
    try:
        return importlib.import_module("annotator.copies.consistency")
    except ImportError as error:
        if error.name != "annotator.copies.consistency":  # a real bug inside the module: say so
            raise
        return None


def disagreeing_groups(store: Store, cancelled) -> dict[int, tuple[int, ...]] | None:
    """Group id -> the documents of its sentences, for every group whose copies disagree
    (None when cancelled: a part would undercount)."""
    found = {d.group.group: tuple(x.doc_id for x in d.group.sentences) for d in _consistency().disagreements(store, cancelled=cancelled)}
    return None if cancelled() else found


class CopyCounts(QObject):
    """Cached per-document counts for the list ``model`` (its column ``COLUMN``)."""

    def __init__(self, store: Store, model) -> None:
        super().__init__(model)
        self.store, self.model = store, model
        self.building = False  # the index is being built: no figures until it is done
        self.checks = _consistency() is not None
        self._copies: dict[int, int] | None = None
        self._groups: dict[int, tuple[int, ...]] | None = None  # disagreeing group -> documents of its sentences
        self._disagree: Counter[int] = Counter()
        self._job: BackgroundJob | None = None
        self._again = False  # the corpus changed while it was being checked: check it again
        self._stopped = False
        self._edited: set[int] = set()
        self._recheck = QTimer(self, singleShot=True, interval=0)
        self._recheck.timeout.connect(self._check_edited)

    # -- what changed -------------------------------------------------------------------

    def forget(self) -> None:
        """The index or many spans changed (an import, a finished build, Refresh): count again."""
        self._copies = None
        self._groups = None
        self._again = self._job is not None  # what the running check finds is out of date
        self._repaint()

    def spans_changed(self, doc_id: int) -> None:
        """A span of ``doc_id`` changed: its groups are checked again once the edit is done."""
        self._edited.add(doc_id)
        self._recheck.start()

    def stop(self) -> None:
        """The window is closing: the check stops after its current group."""
        self._stopped = True
        if self._job is not None:
            self._job.stop()

    # -- the figures --------------------------------------------------------------------

    def counts(self, doc_id: int) -> tuple[int, int | None]:
        """(sentences with copies, of them disagreeing with a copy; None until checked)."""
        if self._copies is None:
            self._copies = self.store.copy_counts()
        copies = self._copies.get(doc_id, 0)
        if self._groups is None:
            self._check_corpus()
            return copies, None
        return copies, self._disagree.get(doc_id, 0)

    def data(self, doc_id: int, role: int):
        """The column's display text, tooltip or ink for one document."""
        if self.building:
            return BUILDING if role == Qt.ItemDataRole.DisplayRole else self._building_tip(role)
        copies, disagree = self.counts(doc_id)
        if role == Qt.ItemDataRole.DisplayRole:
            return "" if not copies else f"{copies} ≠{disagree}" if disagree else str(copies)
        if role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(QColor(DISAGREE_INK)) if disagree else None
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.tooltip(copies, disagree)
        return None

    def tooltip(self, copies: int, disagree: int | None) -> str:
        if not copies:
            return "No sentence of this document has a copy"
        text = f"{copies} sentence(s) with copies"
        if not self.checks:
            return text + " (the consistency check is not available in this version)"
        if disagree is None:
            return text + "; checking whether their spans agree…"
        return text + (f"; {disagree} of them disagree with a copy (other label, boundaries, or a span missing)" if disagree else "; all agree with their copies")

    @staticmethod
    def _building_tip(role: int) -> str | None:
        return "Finding copied sentences (once, after the upgrade)…" if role == Qt.ItemDataRole.ToolTipRole else None

    # -- checking -----------------------------------------------------------------------

    def _check_corpus(self) -> None:
        """Check every group in the background, unless a check is under way."""
        if not self.checks or self._stopped or self.building or self._job is not None:
            return
        self._again = False
        self._job = BackgroundJob(lambda _progress, cancelled: disagreeing_groups(self.store, cancelled), self)
        self._job.succeeded.connect(self._checked)
        self._job.ended.connect(self._ended)
        self._job.start()

    def _checked(self, groups: dict[int, tuple[int, ...]] | None) -> None:
        if groups is not None and not self._again:
            self._groups = groups
            self._count_groups()

    def _ended(self) -> None:
        job, self._job = self._job, None
        job.wait()  # run() is returning: let the thread finish before the job goes
        job.deleteLater()
        if self._again:
            self._check_corpus()
        elif self._edited:
            self._check_edited()  # edits made while it ran: it may have read them before or after

    def _check_edited(self) -> None:
        """Check the groups of the edited documents again, now."""
        if self._groups is None or self._job is not None:
            return  # the corpus check under way sees them (or the one after it: _again)
        edited, self._edited = self._edited, set()
        if len(edited) > RECHECK_LIMIT:
            self.forget()
            return
        try:
            groups = [group for doc_id in sorted(edited) for group in self._groups_of(doc_id)]
        except (AnnotationError, DatabaseError):
            return  # the status bar tells about the database elsewhere; the figures stay as they were
        consistency = _consistency()
        spans = consistency.AcceptedSpans(self.store)  # one cache for the groups of this edit
        for group in groups:
            if consistency.group_now(self.store, group, spans) is None:
                self._groups.pop(group.group, None)
            else:
                self._groups[group.group] = tuple(x.doc_id for x in group.sentences)
        self._count_groups()

    def _groups_of(self, doc_id: int) -> list[CopyGroup]:
        """The copy groups of one document's sentences, as CopyGroup records."""
        document = self.store.document(doc_id)
        groups: dict[int, CopyGroup] = {}
        for sentence in self.store.document_copies(doc_id):
            own = SentenceCopy(doc_id, sentence.start, sentence.end, document.text[sentence.start : sentence.end], 1.0, document.title)
            groups.setdefault(sentence.group, CopyGroup(sentence.group, sentence.kind, (own, *sentence.copies)))
        return list(groups.values())

    def _count_groups(self) -> None:
        self._disagree = Counter(doc_id for docs in self._groups.values() for doc_id in docs)
        self._repaint()

    def _repaint(self) -> None:
        rows = self.model.rowCount()
        if rows:
            self.model.dataChanged.emit(self.model.index(0, COLUMN), self.model.index(rows - 1, COLUMN))
