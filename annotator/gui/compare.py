"""Review > Compare annotators: adjudicate two annotators' layers into the gold layer.

While comparing, the window edits the gold layer (``store.use_annotator(GOLD)``): the view
shows gold's spans, the usual keys edit them, Ctrl+D marks gold's status. A's and B's
versions are drawn over the text (gui/compare_marks.py) and listed in the side panel;
Alt+1 / Alt+2 / Alt+3 / Alt+0 take A's version, B's, both or neither for the disagreement
at (or after) the caret, and go to the next one; Alt+A takes every agreement. Each is one
undo step of the document's history. The document list shows each document's agreement
(exact-span F1 of the pair) and sorts by it (click its header).
"""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence

from annotator.core.annotators import GOLD
from annotator.core.model import AnnotationError, State
from annotator.gui.adjudication import CHOICES, Comparison, Disagreement, at_or_after, compare, decision, gold_span, key, next_undecided
from annotator.gui.compare_marks import CompareMarks
from annotator.gui.compare_panel import ChooseDialog, ComparePanel
from annotator.gui.undo_commands import AddSpan, Batch, DeleteSpan
from annotator.store import DatabaseError

SHORTCUT = "Ctrl+Shift+C"
KEYS = {"A": "Alt+1", "B": "Alt+2", "both": "Alt+3", "neither": "Alt+0"}


class CompareAnnotators(QObject):
    def __init__(self, window) -> None:
        super().__init__(window)
        self.window, self.store, self.editor, self.view = window, window.store, window.editor, window.view
        self.pair: tuple[str, str] | None = None
        self.curator = ""
        self.comparison: Comparison | None = None
        self.dialog: ChooseDialog | None = None
        self.marks = CompareMarks(self.view)
        self.view.overlays.append(self.marks)
        self.panel = ComparePanel()
        side = window.copies_panel.parentWidget().layout()
        side.insertWidget(side.indexOf(window.copies_panel), self.panel)
        self._menu()
        self.panel.chosen.connect(self.go_to)
        self.panel.decide.connect(self.decide)
        self.panel.take_agreed.connect(self.take_agreements)
        self.panel.stop.connect(self.stop)
        self.editor.opened.connect(lambda _doc_id: self.refresh())
        self.editor.spans_edited.connect(self._spans_edited)
        self.view.cursorPositionChanged.connect(self._caret_moved)

    def _menu(self) -> None:
        menu = self.window.review_menu
        menu.addSeparator()
        self.action = QAction("Compare &annotators…", self, shortcut=QKeySequence(SHORTCUT))
        self.action.setToolTip("Two annotators' versions of each document; your decisions make the gold layer")
        self.action.triggered.connect(self.choose)
        menu.addAction(self.action)
        self.actions: list[QAction] = []
        for choice in CHOICES:
            self._decision_action(menu, f"Take {choice if choice in ('both', 'neither') else choice + '’s version'}", KEYS[choice], lambda c=choice: self.decide(c))
        self._decision_action(menu, "Take all agreements", "Alt+A", self.take_agreements)
        self._decision_action(menu, "Next disagreement", "Alt+Down", lambda: self.step(True))
        self._decision_action(menu, "Previous disagreement", "Alt+Up", lambda: self.step(False))
        self._decision_action(menu, "Stop comparing", None, self.stop)

    def _decision_action(self, menu, text: str, shortcut: str | None, slot) -> None:
        action = QAction(text, self, enabled=False)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(lambda _checked=False: slot())
        menu.addAction(action)
        self.actions.append(action)

    # -- starting and stopping ------------------------------------------------------

    def choose(self) -> None:
        self.dialog = ChooseDialog(self.window, self.store.annotators(), self.pair)
        self.dialog.accepted.connect(lambda: self.start(*self.dialog.pair()))
        self.dialog.open()

    def start(self, a: str, b: str) -> bool:
        """Compare ``a`` and ``b`` in the open document; the window edits gold from now on."""
        from annotator.agreement.report import document_agreement

        if self.editor.unsaved:
            return self._say("Edits not saved yet belong to the current layer: save or drop them first.")
        try:
            a, b = self.store.resolve_annotators([a, b])
            agreement = document_agreement(self.store, a, b)
        except (AnnotationError, DatabaseError) as error:
            return self._say(f"Cannot compare: {error}")
        if a == b or GOLD in (a, b):
            return self._say(f"Choose two annotators other than {GOLD}.")
        if self.pair is None:
            self.curator = self.store.annotator
        self.pair = (a, b)
        self.store.use_annotator(GOLD)
        self.window.documents.show_agreement(agreement)
        self.panel.set_pair(a, b, self.curator)
        self.panel.show()
        for action in self.actions:
            action.setEnabled(True)
        self._reload()
        return True

    def stop(self) -> None:
        """Back to the curator's own layer."""
        if self.pair is None:
            return
        self.pair, self.comparison = None, None
        self.store.use_annotator(self.curator)
        self.window.documents.show_agreement(None)
        self.panel.hide()
        self.marks.load(None, None)
        for action in self.actions:
            action.setEnabled(False)
        self._reload()

    def _reload(self) -> None:
        self.window.annotator_name.reload()
        if self.pair is not None:
            self.window.annotator_name.show_name(f"Comparing {self.pair[0]} | {self.pair[1]} → {GOLD}")

    def _say(self, text: str) -> bool:
        self.window.statusBar().showMessage(text, 10000)
        return False

    # -- the open document ------------------------------------------------------------

    def refresh(self) -> None:
        """Read A's, B's and gold's spans of the open document again."""
        document = self.editor.document
        if self.pair is None or document is None:
            return
        a, b = (self.store.spans(document.id, annotator=name) for name in self.pair)
        self.comparison = compare(a, b, self.view.spans())
        self._show()

    def _show(self) -> None:
        current = self.current()
        self.marks.load(self.comparison, current)
        self.panel.show_comparison(self.comparison, current, self.editor.document.text)

    def current(self) -> Disagreement | None:
        return at_or_after(self.comparison.items, self.view.caret()) if self.comparison else None

    def _spans_edited(self, doc_id: int) -> None:
        if self.editor.document is not None and self.editor.document.id == doc_id:
            self.refresh()

    def _caret_moved(self) -> None:
        if self.comparison is not None and self.current() != self.marks.current:
            self._show()

    def go_to(self, item: Disagreement | None) -> None:
        if item is not None:
            self.view.move_caret(item.start)
            self.view.setFocus()

    def step(self, forward: bool) -> None:
        if self.comparison is None:
            return
        caret, items = self.view.caret(), self.comparison.items
        found = [i for i in items if i.start > caret] if forward else [i for i in items if i.start < caret][::-1]
        self.go_to(found[0] if found else None)

    # -- decisions --------------------------------------------------------------------

    def decide(self, choice: str) -> None:
        """Take ``choice`` for the disagreement at or after the caret, then go to the next undecided."""
        item = self.current()
        if item is None:
            self._say("No disagreement at or after the caret.")
            return
        batch = Batch(f"Take {choice}")
        gold = {key(s): s for s in self.view.spans()}
        for span in decision(item, choice, self.curator):
            if key(span) in gold:  # decided before: the new decision replaces it
                batch.add(DeleteSpan(self.store, self.editor, gold[key(span)]))
            batch.add(AddSpan(self.store, self.editor, self.editor.document.id, span))
        if self.editor._push(batch) and self.comparison is not None:  # noqa: SLF001 - the editor's way onto the open document's undo stack
            self.go_to(next_undecided(self.comparison.items, item.start))

    def take_agreements(self) -> None:
        agreed = self.comparison.agreed if self.comparison else ()
        if not agreed:
            self._say("No agreement left to take in this document.")
            return
        batch = Batch(f"Take {len(agreed)} agreements")
        for span in agreed:
            batch.add(AddSpan(self.store, self.editor, self.editor.document.id, gold_span(span, State.ACCEPTED, f"adjudicated by {self.curator}: agreed")))
        self.editor._push(batch)  # noqa: SLF001
