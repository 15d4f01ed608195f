"""Copies of sentences in the window: the marks on the article, the Copies box of the
side panel, the next-copy keys, the list's Copies column and the index build of an older
database, wired to the main window.

The marks of a document are read once when it opens (Store.document_copies, in a daemon
thread: its cost grows with the copies) and drawn when they come; moving the caret only
looks them up. A click on a copy, or Ctrl+J / Ctrl+Shift+J, opens the copy's
document and selects the sentence. The keys walk the sentence's group in (document,
position) order, starting after the current sentence, which is the order the panel lists.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QObject, QTimer
from PySide6.QtGui import QAction, QKeySequence

from annotator.core.model import AnnotationError
from annotator.gui.copies_panel import NEXT_KEY, PREVIOUS_KEY
from annotator.gui.copy_index_job import CopyIndexBuild
from annotator.gui.daemon_work import DaemonWork, Run
from annotator.gui.display import shown
from annotator.sentences.groups import SentenceCopy, SentenceWithCopies
from annotator.store import DatabaseError


class CopiesInWindow(QObject):
    def __init__(self, window) -> None:
        super().__init__(window)
        self.window, self.store = window, window.store
        self.view, self.panel, self.marks = window.view, window.copies_panel, window.view.copy_marks
        self.counts = window.documents.model.copies
        self.unindexed = 0  # documents left out of the index (read-only database, a failed build)
        self.reads = DaemonWork(self.store, self)
        self._loading: Run | None = None  # the open document's copies, being read
        self.index_build = CopyIndexBuild(window)
        self.index_build.finished.connect(self._index_built)
        self.view.cursorPositionChanged.connect(self.follow_caret)
        self.view.selectionChanged.connect(self.follow_caret)
        self.panel.jump_requested.connect(self.go_to)
        self._actions(window.review_menu)
        QTimer.singleShot(0, self.start_index_build)  # once the window is up
        QCoreApplication.instance().aboutToQuit.connect(self.stop)

    def _actions(self, menu) -> None:
        menu.addSeparator()
        self.next_action = QAction("Next &copy of this sentence", self, shortcut=QKeySequence(NEXT_KEY))
        self.next_action.triggered.connect(lambda: self.step(1))
        self.previous_action = QAction("Previous copy of this sentence", self, shortcut=QKeySequence(PREVIOUS_KEY))
        self.previous_action.triggered.connect(lambda: self.step(-1))
        menu.addActions([self.next_action, self.previous_action])

    # -- the open document ------------------------------------------------------------

    def show_document(self, doc_id: int) -> None:
        """Read the copied sentences of the document just shown (one query, off the UI thread:
        it grows with the copies) and mark them when they come."""
        if self._loading is not None:
            self._loading.cancel()
        self._loading = self.reads.start(lambda _cancelled: self.store.document_copies(doc_id), lambda found: self._loaded(doc_id, found), self._not_loaded)
        self.follow_caret()

    def loading(self) -> bool:
        return self._loading is not None

    def _loaded(self, doc_id: int, sentences: list[SentenceWithCopies]) -> None:
        self._loading = None
        if self._open_id() == doc_id:
            self.marks.load(sentences)
            self.follow_caret()

    def _not_loaded(self, error: Exception) -> None:
        self._loading = None
        self.marks.clear()
        self.panel.show_message(f"The copies of this document cannot be read: {shown(str(error))}")

    def reload(self) -> None:
        """The index or the spans changed (an import, a finished build, Refresh): read again."""
        self.counts.forget()
        document = self.window.editor.document
        if document is not None:
            self.show_document(document.id)

    def follow_caret(self) -> None:
        """The Copies box lists the copies of the sentence at the caret (or the selection)."""
        selected = self.view.selection()
        sentence = self.marks.at(*selected) if selected else self.marks.at(self.view.caret())
        if sentence is not None and sentence is self.marks.current:
            return  # still the same sentence: its rows stay
        self.marks.set_current(sentence)
        if sentence is not None:
            self.panel.show_copies(self.in_order(sentence), sentence.count or len(sentence.copies), self._open_id())
        else:
            self.panel.show_message(self._why_none())

    def _why_none(self) -> str:
        if self._loading is not None:
            return "Looking for copies of this document's sentences…"
        if self.index_build.running():
            return "Finding copied sentences (once, after the upgrade); the marks appear when it is done."
        if self.unindexed:
            return f"{self.unindexed:,} document(s) have not been searched for copies yet (the database is read-only, or the search stopped)."
        marked = len(self.marks.sentences())
        if not marked:
            return "No sentence of this document has a copy."
        return f"{marked:,} sentence(s) here have copies (bar in the margin): put the caret in one to list them."

    def _open_id(self) -> int:
        document = self.window.editor.document
        return document.id if document is not None else -1

    def in_order(self, sentence: SentenceWithCopies) -> list[SentenceCopy]:
        """The copies of ``sentence`` in the order the next-copy key visits them."""
        here = (self._open_id(), sentence.start)
        ordered = sorted(sentence.copies, key=lambda c: (c.doc_id, c.start))
        after = [c for c in ordered if (c.doc_id, c.start) > here]
        return after + [c for c in ordered if (c.doc_id, c.start) < here]

    # -- going to a copy ----------------------------------------------------------------

    def step(self, direction: int) -> None:
        """Ctrl+J / Ctrl+Shift+J: the next (previous) copy of the sentence at the caret."""
        sentence = self.marks.current
        if sentence is None:
            self.window.statusBar().showMessage("The caret is not in a sentence with copies (they have a bar in the margin).", 8000)
            return
        copies = self.in_order(sentence)
        self.go_to(copies[0] if direction > 0 else copies[-1])

    def go_to(self, copy: SentenceCopy) -> None:
        """Open the copy's document (if another) and select the copied sentence."""
        if self._open_id() != copy.doc_id:
            self.window.open_document(copy.doc_id)
            if self._open_id() != copy.doc_id:  # it could not be opened; the status bar says why
                return
        document = self.window.editor.document
        if not 0 <= copy.start < copy.end <= len(document.text):
            self.window.statusBar().showMessage(f"That copy lies outside document {copy.doc_id}'s text: refresh (F5).", 8000)
            return
        self.view.select(copy.end, copy.start)  # caret at the start: the sentence scrolls into view from there
        self.view.setFocus()

    # -- the index of an older database -------------------------------------------------

    def start_index_build(self) -> None:
        try:
            started = self.index_build.start()
            self.unindexed = 0 if started else self.store.pending_copy_index()
        except (AnnotationError, DatabaseError) as error:
            self.window.statusBar().showMessage(f"Copied sentences cannot be searched for: {error}", 15000)
            return
        self.counts.building = started
        self.follow_caret()  # the Copies box says what is going on

    def _index_built(self, _indexed: int) -> None:
        self.counts.building = False
        try:
            self.unindexed = self.store.pending_copy_index()  # not 0 after a failure
        except DatabaseError:
            self.unindexed = 0
        self.reload()

    def stop(self) -> None:
        """Before the window closes: the build stops after its batch (the next start resumes
        it); reads under way are dropped, not waited for."""
        self.index_build.stop()
        self.counts.stop()
        self.reads.stop()
