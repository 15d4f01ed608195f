"""The document list's Copies column: per document, how many of its sentences have copies
and how many of those disagree with a copy ("4 ≠1").

Both figures are read for the whole corpus once, off the UI thread (gui/daemon_work.py),
and kept: paging through 100,000 documents asks nothing more. Sentences with copies are one
query (Store.copy_counts: 0.14 s for 5,000 articles). Disagreements need every group's
spans compared (annotator.copies.consistency: 2.7 s for 5,000 articles without spans, more
with them), so the column shows the copies first and the disagreements when they are
known. After an edit only the groups of the edited documents are checked again. Counted as
consistency.disagreement_counts counts: the sentences of a document in a group whose
copies disagree.
"""

from __future__ import annotations

import importlib
from collections import Counter

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QBrush, QColor

from annotator.gui.daemon_work import DaemonWork, Run
from annotator.gui.display import shown
from annotator.store import Store

HEADER_TIP = "Sentences with copies in other articles (or repeated in this one); ≠ how many of them disagree with a copy"
WIDEST = "999 ≠99"
DISAGREE_INK = "#b91c1c"
BUILDING = "…"
RECHECK_LIMIT = 200  # documents edited at once (learned or projected suggestions): more, and the corpus is checked again
COLUMN = 3
Groups = dict[int, tuple[int, ...]]  # disagreeing group id -> the documents of its sentences


def _consistency():
    """annotator.copies.consistency, or None while it is missing (the column then counts copies only)."""
    try:
        return importlib.import_module("annotator.copies.consistency")
    except ImportError as error:
        if error.name != "annotator.copies.consistency":  # a real bug inside the module: say so
            raise
        return None


def disagreeing_groups(store: Store, cancelled) -> Groups:
    """Every group whose copies disagree (in a daemon thread)."""
    return {d.group.group: tuple(x.doc_id for x in d.group.sentences) for d in _consistency().disagreements(store, cancelled=cancelled)}


def recheck_groups(store: Store, doc_ids: set[int], cancelled) -> dict[int, tuple[int, ...] | None]:
    """The groups of ``doc_ids`` checked again: group id -> its documents, None if it agrees now."""
    consistency = _consistency()
    spans = consistency.AcceptedSpans(store)  # one cache for the groups of these documents
    found: dict[int, tuple[int, ...] | None] = {}
    for doc_id in sorted(doc_ids):
        for group in store.document_groups(doc_id):
            if cancelled():
                return found
            if group.group not in found:
                agrees = consistency.group_now(store, group, spans) is None
                found[group.group] = None if agrees else tuple(x.doc_id for x in group.sentences)
    return found


class CopyCounts(QObject):
    """Per-document figures for the list ``model`` (its column ``COLUMN``)."""

    def __init__(self, store: Store, model) -> None:
        super().__init__(model)
        self.store, self.model = store, model
        self.building = False  # the index is being built: no figures until it is done
        self.checks = _consistency() is not None
        self._work = DaemonWork(store, self)
        self._copies: dict[int, int] | None = None
        self._groups: Groups | None = None
        self._disagree: Counter[int] = Counter()
        self._counting: Run | None = None
        self._checking: Run | None = None
        self._edited: set[int] = set()  # documents whose groups wait to be checked again
        self._error = ""  # why the last read failed (not tried again until the corpus changes)

    # -- what changed -------------------------------------------------------------------

    def forget(self) -> None:
        """The index or many spans changed (an import, a finished build, Refresh): read again."""
        for run in (self._counting, self._checking):
            if run is not None:
                run.cancel()
        self._counting = self._checking = None
        self._copies = self._groups = None
        self._edited.clear()
        self._error = ""
        self._repaint()

    def spans_changed(self, doc_id: int) -> None:
        """A span of ``doc_id`` changed: its groups are checked again."""
        self._edited.add(doc_id)
        self._check_edited()

    def stop(self) -> None:
        """The window is closing: reads under way are interrupted, none is waited for."""
        self._work.stop()

    # -- the figures --------------------------------------------------------------------

    def counts(self, doc_id: int) -> tuple[int | None, int | None]:
        """(sentences with copies, of them disagreeing with a copy); None while not known."""
        if self._copies is None:
            self._count()
            return None, None
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

    def tooltip(self, copies: int | None, disagree: int | None) -> str:
        if copies is None:
            return f"Copies cannot be counted: {self._error}" if self._error else "Counting copied sentences…"
        if not copies:
            return "No sentence of this document has a copy"
        text = f"{copies} sentence(s) with copies"
        if not self.checks:
            return text + " (the consistency check is not available in this version)"
        if self._error:
            return text + f"; whether they agree is not known ({self._error})"
        if disagree is None:
            return text + "; checking whether their spans agree…"
        return text + (f"; {disagree} of them disagree with a copy (other label, boundaries, or a span missing)" if disagree else "; all agree with their copies")

    @staticmethod
    def _building_tip(role: int) -> str | None:
        return "Finding copied sentences (once, after the upgrade)…" if role == Qt.ItemDataRole.ToolTipRole else None

    # -- reading, off the UI thread ----------------------------------------------------------

    def _count(self) -> None:
        if self._counting is None and not self._error:
            self._counting = self._work.start(lambda _cancelled: self.store.copy_counts(), self._counted, self._failed)

    def _counted(self, copies: dict[int, int]) -> None:
        self._counting, self._copies = None, copies
        self._repaint()

    def _check_corpus(self) -> None:
        if self.checks and self._checking is None and not self._error and not self.building:
            self._edited.clear()  # the check reads them as they are now
            self._checking = self._work.start(lambda cancelled: disagreeing_groups(self.store, cancelled), self._checked, self._failed)

    def _checked(self, groups: Groups) -> None:
        self._checking, self._groups = None, groups
        self._count_groups()
        self._check_edited()  # edits made while it ran: it may have read them before or after

    def _check_edited(self) -> None:
        """Check the groups of the edited documents again (one check at a time)."""
        if self._groups is None or self._checking is not None or not self._edited:
            return  # the corpus check to come reads them, or the one under way is followed by this
        if len(self._edited) > RECHECK_LIMIT:
            self.forget()
            return
        edited, self._edited = self._edited, set()
        self._checking = self._work.start(lambda cancelled: recheck_groups(self.store, edited, cancelled), self._rechecked, self._failed)

    def _rechecked(self, found: dict[int, tuple[int, ...] | None]) -> None:
        self._checking = None
        for group, documents in found.items():
            if documents is None:
                self._groups.pop(group, None)
            else:
                self._groups[group] = documents
        self._count_groups()
        self._check_edited()

    def _failed(self, error: Exception) -> None:
        self._counting = self._checking = None
        self._error = shown(str(error))
        self._repaint()

    def _count_groups(self) -> None:
        self._disagree = Counter(doc_id for documents in self._groups.values() for doc_id in documents)
        self._repaint()

    def _repaint(self) -> None:
        rows = self.model.rowCount()
        if rows:
            self.model.dataChanged.emit(self.model.index(0, COLUMN), self.model.index(rows - 1, COLUMN))
