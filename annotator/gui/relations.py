"""Relations in the main window: the arcs over the article, drawing new ones, the side
panel's Relations box, their menu entries; every edit one undo command through the Editor.

The arcs follow the store: they are read when a document opens and again after a span
of it changes (deleting a span deletes its relations in the database, and undoing the
delete brings them back there). Only the relation rows are read: their ends are the spans
the view holds (Store.relations_onto), so a relation's ends are the spans drawn.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QPoint, Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut

from annotator.core.model import AnnotationError, Relation, RelationLabel, Span
from annotator.gui.relation_arrows import RelationLayer
from annotator.gui.relation_commands import AddRelation, DeleteRelation, UpdateRelation
from annotator.gui.relation_maker import RelationMaker
from annotator.gui.relation_panel import RelationPanel, row_text
from annotator.gui.relation_picker import RelationPicker

LIST_KEY = "Ctrl+Alt+R"  # to the Relations box of the side panel
SHOWN_KEY = "view/showRelations"


class RelationsInWindow(QObject):
    def __init__(self, window) -> None:
        super().__init__(window)
        self.window, self.store, self.editor, self.view = window, window.store, window.editor, window.view
        self.labels: list[RelationLabel] = []
        self.layer = RelationLayer(self.view)
        self.view.overlays.append(self.layer)
        self.maker = RelationMaker(self.view, self.layer, self._text, lambda: self.labels, self.create, self._say)
        self.panel = RelationPanel()
        side = window.span_panel.parentWidget().layout()
        side.insertWidget(side.indexOf(window.span_panel) + 1, self.panel)
        self._connect()
        self._actions()

    def _connect(self) -> None:
        self.editor.opened.connect(self._opened)
        self.editor.spans_edited.connect(self._spans_edited)
        self.view.current_span_changed.connect(self._current_changed)
        self.panel.go_requested.connect(self._go)
        self.panel.relabel_requested.connect(self._ask_relabel)
        self.panel.delete_requested.connect(self.delete)
        self.panel.note_edited.connect(self.set_note)
        self.panel.leave_requested.connect(self.view.setFocus)
        back = QShortcut(QKeySequence("Esc"), self.panel.note, context=Qt.ShortcutContext.WidgetShortcut)
        back.activated.connect(self.view.setFocus)

    def _actions(self) -> None:
        menu = self.window.review_menu
        menu.addSeparator()
        new = QAction("New relation from this span…\tCtrl+R", self)  # the key itself is read by the maker
        new.triggered.connect(self.maker.start_keys)
        menu.addAction(new)
        to_list = QAction("Relations of this span", self, shortcut=QKeySequence(LIST_KEY))
        to_list.triggered.connect(self.focus_list)
        menu.addAction(to_list)
        self.shown_action = QAction("Show &relations", self, checkable=True)
        self.shown_action.setChecked(self.window.settings.value(SHOWN_KEY, True, type=bool))
        self.shown_action.toggled.connect(self._show)
        self.layer.set_shown(self.shown_action.isChecked())
        view_menu = next(a.menu() for a in self.window.menuBar().actions() if a.menu() and a.text() == "&View")
        view_menu.addAction(self.shown_action)

    # -- loading ------------------------------------------------------------------

    def load_labels(self) -> None:
        try:
            self.labels = self.store.relation_labels()
        except (AnnotationError, ValueError, TypeError) as error:  # a row edited by hand
            self.labels = []
            self._say(f"The relation labels cannot be read ({error}).")
        self.layer.set_labels(self.labels)
        self.refresh_panel()

    def _opened(self, doc_id: int) -> None:
        self.maker.cancel()
        self._load(doc_id)

    def _spans_edited(self, doc_id: int) -> None:
        if self._open_id() == doc_id:
            self._load(doc_id)

    def _load(self, doc_id: int) -> None:
        self.layer.load(self.store.relations_onto(doc_id, self.view.spans()))
        self.refresh_panel()

    def _open_id(self) -> int | None:
        document = self.editor.document
        return document.id if document is not None else None

    def _text(self) -> str:
        document = self.editor.document
        return document.text if document is not None else ""

    # -- the panel ----------------------------------------------------------------

    def refresh_panel(self) -> None:
        span = self.view.current
        relations = self.layer.of_span(span.id) if span is not None else []
        text = self._text()
        rows = [row_text(r, span, text, self._directed(r.label)) for r in relations]
        self.panel.show_relations(span, relations, rows)

    def _current_changed(self, _span) -> None:
        self.refresh_panel()
        if self.layer.all():
            self.view.viewport().update()  # the selected span's arcs stand out

    def _directed(self, name: str) -> bool:
        label = self.layer.label(name)
        return label.directed if label else True

    def focus_list(self) -> None:
        if self.panel.list.count():
            self.panel.list.setFocus()
        else:
            self._say("The span at the caret has no relations; Ctrl+R draws one from it.")

    def _go(self, span: Span) -> None:
        self.view.go_to_span(_same(self.view, span) or span)
        self.view.setFocus()

    def _ask_relabel(self, relation: Relation) -> None:
        self.picker = RelationPicker(self.labels, relation.head.label, relation.tail.label, self.panel)
        self.picker.picked.connect(lambda name: self.relabel(relation, name))
        self.picker.cancelled.connect(self.panel.list.setFocus)
        self.picker.popup(self.panel.list.mapToGlobal(QPoint(0, self.panel.list.height())))

    def _show(self, on: bool) -> None:
        self.layer.set_shown(on)
        self.window.settings.setValue(SHOWN_KEY, on)

    def _say(self, text: str) -> None:
        self.window.statusBar().showMessage(text, 0 if text.endswith("cancels.") else 8000)

    # -- edits: one undo command each ---------------------------------------------

    def create(self, head: Span, tail: Span, label: str) -> None:
        doc_id = self._open_id()
        if doc_id is not None and self.editor.push(AddRelation(self.store, self, doc_id, head.id, tail.id, label)):
            self._say(f"Relation {label} added (Ctrl+Z takes it back).")

    def relabel(self, relation: Relation, label: str) -> None:
        if label != relation.label:
            self.editor.push(UpdateRelation(self.store, self, self._open_id(), relation, f"Relabel relation as {label}", label=label))
        self.panel.list.setFocus()

    def set_note(self, relation: Relation, note: str) -> None:
        if note != relation.note:
            self.editor.push(UpdateRelation(self.store, self, self._open_id(), relation, "Edit relation note", note=note))

    def delete(self, relation: Relation) -> None:
        self.editor.push(DeleteRelation(self.store, self, self._open_id(), relation))

    # -- RelationSink: what the commands report ----------------------------------------

    def relation_added(self, doc_id: int, relation: Relation) -> None:
        if self._open_id() == doc_id:
            self.layer.add(relation)
            self.refresh_panel()

    def relation_removed(self, doc_id: int, relation_id: int) -> None:
        if self._open_id() == doc_id:
            self.layer.remove(relation_id)
            self.refresh_panel()

    def shown_relation(self, relation_id: int) -> Relation | None:
        """The relation as this window draws it (its version names what an edit saw; issue 15)."""
        return next((relation for relation in self.layer.all() if relation.id == relation_id), None)


def _same(view, span: Span) -> Span | None:
    """The view's own copy of ``span`` (a relation's end may be an older copy of it)."""
    return next((s for s in view.spans_with_extent(span.start, span.end) if s.id == span.id), None)
