"""Review > Copies that disagree…: the copies of a sentence whose accepted spans differ.

The check (annotator.copies.consistency) runs in the background; the dialog lists each
disagreeing group (its sentence, what differs) with its copies under it. Enter or a
double-click on a copy opens its document with the sentence selected. "Make this copy
like that one" replaces the selected copy's spans in the sentence by the chosen copy's,
carried through the character alignment, as one undo step of that document's history.
Groups shown are checked again whenever a span of one of their documents changes (an
edit, an undo), so the list follows what is stored.
"""

from __future__ import annotations

from bisect import bisect_right

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
)

from annotator.copies.consistency import (
    AcceptedSpans,
    AlikePlan,
    Difference,
    Disagreement,
    Place,
    alike_plan,
    disagreements,
    group_now,
)
from annotator.core.model import AnnotationError, Span, State
from annotator.gui.background import BackgroundJob
from annotator.gui.display import LABEL, TOOLTIP, shown
from annotator.gui.undo_commands import AddSpan, Batch, DeleteSpan, UpdateSpan
from annotator.sentences.groups import SentenceCopy
from annotator.store import DatabaseError

SHORTCUT = "Ctrl+Shift+D"
MAX_GROUPS = 2_000  # groups listed at most; `annotator check` lists them all
MAX_TOLD = 20  # differences in a group row's tooltip
COPY, SPANS, DIFFERS = range(3)
ROLE = Qt.ItemDataRole.UserRole  # (row in DisagreementsDialog.rows, copy index; -1 on the group's own row)


class CopyReview(QObject):
    """The Review menu's entry; the dialog is made on first use and kept."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.dialog: DisagreementsDialog | None = None
        window.review_menu.addSeparator()
        self.action = QAction("Copies that &disagree…", self, shortcut=QKeySequence(SHORTCUT))
        self.action.setToolTip("Copied sentences whose accepted spans differ: missing, another label, other boundaries")
        self.action.triggered.connect(self.open)
        window.review_menu.addAction(self.action)
        window.installEventFilter(self)

    def open(self) -> None:
        if self.dialog is None:
            self.dialog = DisagreementsDialog(self.window)
        self.dialog.show()
        self.dialog.raise_()
        self.dialog.activateWindow()
        self.dialog.refresh()

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.Close and self.dialog is not None:
            self.dialog.stop()  # no check thread outlives the window
        return False


class DisagreementsDialog(QDialog):
    def __init__(self, window) -> None:
        super().__init__(window, windowTitle="Copies that disagree")
        self.window, self.store, self.editor = window, window.store, window.editor
        self.rows: list[Disagreement] = []  # per group row; no differences once its copies agree
        self.job: BackgroundJob | None = None
        self._edited: set[int] = set()
        self.summary = QLabel("Checking copies…")
        self.tree = QTreeWidget(columnCount=3, uniformRowHeights=True, alternatingRowColors=True)
        self.tree.setHeaderLabels(["Copy", "Its spans in the sentence", "What differs"])
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.itemActivated.connect(lambda item, _column: self.jump(item))  # Enter, double-click
        self.tree.currentItemChanged.connect(lambda item, _previous: self._list_models(item))
        self.models = QComboBox(minimumWidth=240)
        self.make = QPushButton("Make this copy like that one", enabled=False)
        self.make.setToolTip("The selected copy's spans in this sentence become those of the copy chosen under “Like” (one undo step)")
        self.make.clicked.connect(self.make_alike)
        self.again = QPushButton("Check again")
        self.again.clicked.connect(self.refresh)
        for button in (self.make, self.again):  # Enter in the list opens a copy, never presses a button
            button.setAutoDefault(False)
        self._layout()
        self.resize(960, 520)
        self.editor.spans_edited.connect(self._spans_edited)

    def _layout(self) -> None:
        row = QHBoxLayout()
        row.addWidget(QLabel("Like:"))
        row.addWidget(self.models, 1)
        row.addWidget(self.make)
        row.addStretch(0)
        row.addWidget(self.again)
        column = QVBoxLayout(self)
        column.addWidget(self.summary)
        column.addWidget(self.tree, 1)
        hint = QLabel("Enter or double-click: open the copy with its sentence selected.")
        hint.setObjectName("hint")
        column.addWidget(hint)
        column.addLayout(row)

    # -- the check, in the background -------------------------------------------

    def refresh(self) -> None:
        if self.job is not None:
            return
        self.summary.setText("Checking copies…")
        self.job = BackgroundJob(lambda _progress, cancelled: _check(self.store, cancelled), self)
        self.job.succeeded.connect(self._show)
        self.job.failed.connect(lambda error: self.summary.setText(f"The check failed: {shown(str(error))}"))
        self.job.ended.connect(self._ended)
        self.job.start()

    def _ended(self) -> None:
        self.job.wait()  # run() is returning: let the thread finish before the job goes
        self.job.deleteLater()
        self.job = None

    def stop(self) -> None:
        if self.job is not None:
            self.job.stop()

    def _show(self, result: tuple[list, bool]) -> None:
        if self.job is not None and self.job.cancelled():
            return  # stopped half-way (the window closes): not a result
        found, more = result
        self.tree.clear()
        self.rows = [row for row, _ in found]
        for at, (row, spans) in enumerate(found):
            self._fill(QTreeWidgetItem(self.tree), at, spans)
        self.tree.expandAll()
        for column, widest in ((COPY, 420), (SPANS, 240)):
            self.tree.resizeColumnToContents(column)
            self.tree.setColumnWidth(column, min(self.tree.columnWidth(column), widest))
        self._summarize(more)
        if self.tree.topLevelItemCount():
            self.tree.setCurrentItem(self.tree.topLevelItem(0).child(0))
        self.tree.setFocus()

    def _summarize(self, more: bool = False) -> None:
        left = sum(bool(row.differences) for row in self.rows)
        text = f"{left:,} group(s) of copies disagree." if left else "No group of copies disagrees."
        if more:
            text += f" The first {MAX_GROUPS:,} are listed; `annotator check` lists them all."
        self.summary.setText(text)

    def _fill(self, item: QTreeWidgetItem, at: int, spans: list[list[Span]]) -> None:
        """One group row (its sentence and what differs) with a row per copy under it."""
        row = self.rows[at]
        sentence = row.group.sentences[0].text
        item.takeChildren()
        item.setData(0, ROLE, (at, -1))
        item.setText(COPY, f"“{shown(sentence, 80)}”")
        item.setToolTip(COPY, shown(sentence, TOOLTIP, one_line=False))
        item.setText(SPANS, f"{row.group.kind} copy, {len(row.group.sentences)} copies")
        item.setText(DIFFERS, _group_summary(row))
        item.setToolTip(DIFFERS, "\n".join(f"{_subject(d)}: {_how(d)}" for d in row.differences[:MAX_TOLD]))
        notes = _copy_notes(row)
        for index, (copy, own) in enumerate(zip(row.group.sentences, spans)):
            child = QTreeWidgetItem(item)
            child.setData(0, ROLE, (at, index))
            child.setText(COPY, f"doc {copy.doc_id} [{copy.start}-{copy.end}]: {shown(copy.title, 60)}")
            child.setToolTip(COPY, f"{shown(copy.title, TOOLTIP)}\n{copy.start}-{copy.end}: {shown(copy.text, TOOLTIP)}")
            child.setText(SPANS, " · ".join(_span_text(copy, s) for s in own) or "—")
            child.setText(DIFFERS, "; ".join(notes.get(index, [])))

    # -- choosing, jumping, making alike ------------------------------------------

    def _chosen(self, item=None) -> tuple[Disagreement, int] | None:
        """The selected row's group and copy index (-1: the group's own row)."""
        item = item or self.tree.currentItem()
        if item is None:
            return None
        at, index = item.data(0, ROLE)
        return self.rows[at], index

    def _list_models(self, item) -> None:
        """The copies the selected one can be made like: the others of its group."""
        self.models.clear()
        chosen = self._chosen(item)
        self.make.setEnabled(chosen is not None and chosen[1] >= 0)
        if not self.make.isEnabled():
            return
        row, picked = chosen
        for index, copy in enumerate(row.group.sentences):
            if index != picked:
                self.models.addItem(f"doc {copy.doc_id} [{copy.start}-{copy.end}]: {shown(copy.title, 60)}", index)

    def jump(self, item=None) -> bool:
        """Open the copy's document with its sentence selected (a group row: its first copy)."""
        chosen = self._chosen(item)
        if chosen is None:
            return False
        copy = chosen[0].group.sentences[max(chosen[1], 0)]
        self.window.open_document(copy.doc_id)
        if self.editor.document is None or self.editor.document.id != copy.doc_id:
            return False  # the window said why in its status bar
        self.window.view.select(copy.start, copy.end)
        return True

    def make_alike(self) -> None:
        chosen = self._chosen()
        if chosen is None or chosen[1] < 0 or self.models.currentIndex() < 0:
            return
        row, picked = chosen
        target, model = row.group.sentences[picked], row.group.sentences[self.models.currentData()]
        try:
            plan = alike_plan(self.store, target, model)
        except (AnnotationError, DatabaseError) as error:
            self.summary.setText(shown(str(error)))
            return
        if plan.empty():
            self.summary.setText(f"This copy already has the spans of doc {model.doc_id} in this sentence.")
        elif self.jump() and self.editor._push(self._batch(plan, target.doc_id, model.doc_id)):  # noqa: SLF001
            # _push: the editor's one way onto the undo stack of the open (target) document
            self.summary.setText(_made_alike(plan, model.doc_id))

    def _batch(self, plan: AlikePlan, doc_id: int, model_doc: int) -> Batch:
        batch = Batch(f"Make copy like doc {model_doc}")
        for span in plan.remove:
            batch.add(DeleteSpan(self.store, self.editor, span))
        for span in plan.accept:
            batch.add(UpdateSpan(self.store, self.editor, span, f"Accept {span.label}", state=State.ACCEPTED))
        for span in plan.add:
            batch.add(AddSpan(self.store, self.editor, doc_id, span))
        return batch

    # -- following edits ----------------------------------------------------------

    def _spans_edited(self, doc_id: int) -> None:
        """Check again the listed groups with a copy in that document, once per turn of the
        event loop (a batch reports each of its spans)."""
        if not self._edited:
            QTimer.singleShot(0, self._recheck)
        self._edited.add(doc_id)

    def _recheck(self) -> None:
        edited, self._edited = self._edited, set()
        spans = AcceptedSpans(self.store)
        for at, row in enumerate(self.rows):
            if edited.isdisjoint(x.doc_id for x in row.group.sentences):
                continue
            self.rows[at] = group_now(self.store, row.group, spans) or Disagreement(row.group, ())
            item = self.tree.topLevelItem(at)
            self._fill(item, at, [spans.inside(x) for x in row.group.sentences])
            item.setExpanded(True)
        self._summarize()
        self._list_models(self.tree.currentItem())


def _check(store, cancelled) -> tuple[list[tuple[Disagreement, list[list[Span]]]], bool]:
    """In the worker thread: the disagreeing groups (at most MAX_GROUPS) with each copy's spans."""
    spans = AcceptedSpans(store)
    found = []
    for row in disagreements(store, cancelled=cancelled):
        if len(found) == MAX_GROUPS:
            return found, True
        found.append((row, [spans.inside(x) for x in row.group.sentences]))
    return found, False


def _span_text(copy: SentenceCopy, span: Span) -> str:
    return f"{shown(span.label, LABEL)} “{shown(copy.text[span.start - copy.start : span.end - copy.start], 40)}”"


def _quoted(place: Place) -> str:
    return f"“{shown(place.text, 40)}”"


def _subject(difference: Difference) -> str:
    return f"{shown(difference.span.label, LABEL)} {_quoted(difference.span)}"


def _group_summary(row: Disagreement) -> str:
    if not row.differences:
        return "the copies agree now"
    first = row.differences[0]
    more = f" (+{len(row.differences) - 1} more)" if len(row.differences) > 1 else ""
    return f"{_subject(first)}: {_how(first)}{more}"


def _how(difference: Difference) -> str:
    parts = [f"{what} in {len(places)} cop{'y' if len(places) == 1 else 'ies'}"
             for what, places in (("missing", difference.missing), ("another label", difference.labels),
                                  ("other boundaries", difference.other)) if places]
    return ", ".join(parts)


def _copy_notes(row: Disagreement) -> dict[int, list[str]]:
    """Per copy index, what it has where the others differ (a copy named by its place)."""
    where = {(x.doc_id, x.start): i for i, x in enumerate(row.group.sentences)}
    starts = sorted(where)

    def index(place: Place) -> int:
        return where[starts[bisect_right(starts, (place.doc_id, place.start)) - 1]]

    notes: dict[int, list[str]] = {}
    for d in row.differences:
        subject = _subject(d)
        for place in d.missing:
            notes.setdefault(index(place), []).append(f"no {subject}")
        for place in (*d.labels, *d.other):
            notes.setdefault(index(place), []).append(f"{shown(place.label, LABEL)} {_quoted(place)} where others have {subject}")
    return notes


def _made_alike(plan: AlikePlan, model_doc: int) -> str:
    done = [f"{len(spans)} {what}" for what, spans in (("removed", plan.remove), ("accepted", plan.accept), ("added", plan.add)) if spans]
    text = f"Made like doc {model_doc}: {', '.join(done)} (Ctrl+Z takes it back)."
    if plan.unplaced:
        text += f" {plan.unplaced} span(s) of that copy have no place in this one (their text is not here)."
    if plan.other_text:
        text += f" {plan.other_text} span(s) were placed on other words: check them."
    return text
