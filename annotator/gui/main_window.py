"""The main window: document list | article | label palette, span and document panels.

Background work (e.g. pre-annotation) can plug in with an action on ``review_menu``,
``show_progress`` for the status bar and ``reload()`` (or ``editor.reload_spans()``)
when it is done.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from annotator.core.model import AnnotationError, Status
from annotator.gui.annotator_name import AnnotatorName
from annotator.gui.article_view import ArticleView
from annotator.gui.compare import CompareAnnotators
from annotator.gui.copies_in_window import CopiesInWindow
from annotator.gui.copies_panel import CopiesPanel
from annotator.gui.copy_review import CopyReview
from annotator.gui.display import LABEL, ElidedLabel, StatusBar, shown
from annotator.gui.document_list import DocumentList
from annotator.gui.editor import Editor
from annotator.gui.find_bar import FindBar
from annotator.gui.label_palette import LabelPalette
from annotator.gui.relations import RelationsInWindow
from annotator.gui.shortcuts import shortcuts_html
from annotator.gui.side_panel import DocumentPanel, SpanPanel
from annotator.gui.suggestions import Suggestions
from annotator.gui.token_cache import TokenCache
from annotator.gui.team_sync import TeamSync
from annotator.gui.unsaved_banner import UnsavedBanner
from annotator.store import DatabaseError, Store

LABEL_NAMES_KEY = "view/showLabelNames"


class MainWindow(QMainWindow):
    def __init__(self, store: Store, settings: QSettings) -> None:
        super().__init__()
        self.store, self.settings = store, settings
        self.setWindowTitle(f"Annotator — {shown(store.location.name, 120)}" + (" (read-only)" if store.readonly else ""))
        self.setStatusBar(StatusBar())  # every message cut to one line
        self.view = ArticleView()
        self.tokens = TokenCache()
        self.editor = Editor(store, self.view, self)
        self.documents = DocumentList(store)
        self.title = ElidedLabel(lines=2)  # any length of title: two lines at most, elided
        self.title.setObjectName("docTitle")
        self.find_bar = FindBar(self.view)
        self.unsaved_banner = UnsavedBanner(self.editor)
        self.palette = LabelPalette()
        self.span_panel = SpanPanel(self.editor)
        self.document_panel = DocumentPanel(self.editor)
        self.copies_panel = CopiesPanel()
        self.progress = QLabel()
        self.busy = QProgressBar(maximumWidth=180, visible=False)
        self.splitter = self._layout()
        self._menus()
        self._connect()
        self.statusBar().addPermanentWidget(self.busy)
        self.statusBar().addPermanentWidget(self.progress)
        self.suggestions = Suggestions(self)  # Review menu: pre-annotate, learn from my spans
        self.copies = CopiesInWindow(self)  # marks, the Copies box, next-copy keys, index build of older databases
        self.copy_review = CopyReview(self)  # Review menu: copies that disagree
        self.annotator_name = AnnotatorName(self)  # File > Annotator…, the name in the status bar
        self.compare = CompareAnnotators(self)  # Review menu: compare two annotators into gold
        self.relations = RelationsInWindow(self)  # arcs, drawing them, the Relations box (gui/relations.py)
        self.team = TeamSync(self)  # others' changes shown within a second; My documents remembered
        self.load_labels()
        self._update_progress()
        self._restore()
        if store.readonly:
            self.statusBar().showMessage(f"{store.location} is open read-only: you can read and export, edits cannot be saved.")

    # -- building ---------------------------------------------------------------

    def _layout(self) -> QSplitter:
        center = QWidget()
        column = QVBoxLayout(center)
        column.setContentsMargins(0, 8, 0, 0)
        column.setSpacing(4)
        column.addWidget(self.title)
        column.addWidget(self.unsaved_banner)
        column.addWidget(self.view, 1)
        column.addWidget(self.find_bar)
        side = QWidget()
        side.setObjectName("side")
        panel = QVBoxLayout(side)
        panel.setContentsMargins(4, 8, 8, 8)
        panel.addWidget(self.palette)
        panel.addWidget(self.span_panel)
        panel.addWidget(self.copies_panel)
        panel.addWidget(self.document_panel)
        panel.addStretch(1)
        scroll = QScrollArea(widgetResizable=True, frameShape=QScrollArea.Shape.NoFrame)
        scroll.setWidget(side)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setObjectName("mainSplitter")
        for widget, stretch in ((self.documents, 0), (center, 1), (scroll, 0)):
            splitter.addWidget(widget)
            splitter.setStretchFactor(splitter.count() - 1, stretch)
        splitter.setChildrenCollapsible(False)
        self.setCentralWidget(splitter)
        return splitter

    def _action(self, menu, text: str, slot, shortcut: str | QKeySequence.StandardKey | None = None) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    def _menus(self) -> None:
        bar = self.menuBar()
        file = bar.addMenu("&File")
        self._action(file, "&Import…", lambda: self.import_files(), "Ctrl+I")
        self._action(file, "&Quit", self.close, QKeySequence.StandardKey.Quit)
        edit = bar.addMenu("&Edit")
        # Undo and redo go through the editor, which does the store work before moving the stack.
        self.undo_action = self._action(edit, "Undo", self.editor.undo, "Ctrl+Z")
        self.redo_action = self._action(edit, "Redo", self.editor.redo, "Ctrl+Shift+Z")
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        edit.addSeparator()
        self._action(edit, "&Find in article…", self.find_bar.open_bar, QKeySequence.StandardKey.Find)
        self._action(edit, "&Labels…", self.edit_labels, "Ctrl+L")
        self._action(edit, "&Reload from the database", self.reload, QKeySequence.StandardKey.Refresh)
        view = bar.addMenu("&View")
        self.label_names_action = QAction("Show &label names", self, checkable=True, shortcut=QKeySequence("Ctrl+Shift+L"))
        self.label_names_action.setToolTip("A tag with the label's name after every accepted span and suggestion")
        self.label_names_action.setChecked(self.settings.value(LABEL_NAMES_KEY, True, type=bool))
        self.label_names_action.toggled.connect(self._show_label_names)
        self.view.set_label_names_shown(self.label_names_action.isChecked())
        view.addAction(self.label_names_action)
        self.review_menu = bar.addMenu("&Review")
        self._action(self.review_menu, "Next suggestion\tTab", lambda: self._walk(True))
        self._action(self.review_menu, "Previous suggestion\tShift+Tab", lambda: self._walk(False))
        self._action(self.review_menu, "Accept suggestion\tEnter", self.editor.accept_current)
        self._action(self.review_menu, "Reject suggestion / delete span\tDel", self.editor.delete_current)
        self.review_menu.addSeparator()
        self._action(self.review_menu, "Accept all suggestions in document", self.editor.accept_all, "Ctrl+Shift+A")
        self._action(self.review_menu, "Reject all suggestions in document", self.editor.reject_all, "Ctrl+Shift+R")
        document = bar.addMenu("&Document")
        self._action(document, "Mark &done", lambda: self.editor.toggle_status(Status.DONE), "Ctrl+D")
        self._action(document, "Mark &skipped", lambda: self.editor.toggle_status(Status.SKIPPED), "Ctrl+K")
        self._action(document, "&Filter documents…", self._focus_filter, "Ctrl+Shift+F")
        self._action(document, "&Next document", lambda: self.documents.step(1), "Ctrl+PgDown")
        self._action(document, "&Previous document", lambda: self.documents.step(-1), "Ctrl+PgUp")
        document.addSeparator()
        self._action(document, "Edit span note", lambda: self._focus_note(self.span_panel.note), "Ctrl+E")
        self._action(document, "Edit document note", lambda: self._focus_note(self.document_panel.note), "Ctrl+Shift+E")
        help_menu = bar.addMenu("&Help")
        self._action(help_menu, "&Keyboard shortcuts", self.show_shortcuts, QKeySequence.StandardKey.HelpContents)
        for note in (self.span_panel.note, self.document_panel.note):
            back = QShortcut(QKeySequence("Esc"), note, context=Qt.ShortcutContext.WidgetShortcut)
            back.activated.connect(self.view.setFocus)

    def _connect(self) -> None:
        self.documents.document_chosen.connect(self.open_document)
        self.view.label_requested.connect(self.editor.tag)
        self.view.accept_requested.connect(self.editor.accept_current)
        self.view.delete_requested.connect(self.editor.delete_current)
        self.view.current_span_changed.connect(self.span_panel.show_span)
        self.palette.label_clicked.connect(self._tag_from_palette)
        self.editor.spans_edited.connect(self.documents.model.forget)
        self.editor.document_edited.connect(self._document_edited)
        self.editor.message.connect(lambda text: self.statusBar().showMessage(text, 8000))
        group = self.editor.undo_group
        for signal in (group.indexChanged, group.activeStackChanged, self.editor.unsaved_changed):
            signal.connect(self._update_undo_actions)
        self._update_undo_actions()

    # -- behaviour --------------------------------------------------------------

    def open_document(self, doc_id: int) -> None:
        try:
            document = self.editor.open(doc_id)
        except (AnnotationError, DatabaseError) as error:  # e.g. deleted by a command meanwhile
            self.statusBar().showMessage(str(error), 8000)
            return
        except (KeyError, ValueError, TypeError) as error:  # a span row edited by hand into values the app never writes
            self.statusBar().showMessage(f"Document {doc_id} cannot be shown: one of its rows is damaged ({type(error).__name__}: {error}).", 15000)
            return
        self.title.set_full_text(document.title)
        self.document_panel.show_document(document)
        self.copies.show_document(document.id)
        self.view.tokens = lambda: self.tokens.get(document.id, document.text)
        QTimer.singleShot(0, lambda: self.tokens.prefetch(document.id, document.text))
        if self.documents.current_id() != doc_id:
            self.documents.select_id(doc_id, emit=False)
        self.settings.setValue("lastDocument", doc_id)

    def reload(self) -> None:
        """Show what other programs (the CLI, a pre-annotation run) stored meanwhile."""
        self.copies.reload()
        self.documents.apply_filter()
        self.load_labels()
        self._update_progress()

    def import_files(self, paths: list | None = None) -> None:
        """File > Import: ask for files (tests pass them), then import off the UI thread."""
        from annotator.gui.import_dialog import FILE_FILTER, ImportRun

        if paths is None:
            paths, _ = QFileDialog.getOpenFileNames(self, "Import documents", "", FILE_FILTER)
        if not paths:
            return
        self.import_run = ImportRun(self.store, paths, self)
        self.import_run.imported.connect(lambda _report: self.reload())
        self.import_run.ended.connect(lambda text: self.statusBar().showMessage(text, 15000))
        self.import_run.start()

    def load_labels(self) -> None:
        try:
            labels = self.store.labels()
        except (AnnotationError, ValueError, TypeError) as error:  # a label row edited by hand (a colour such as "red")
            labels = []
            self.statusBar().showMessage(f"The labels cannot be read ({error}): a label row of the database is damaged; spans show in grey and cannot be tagged by key until it is fixed.")
        self.view.set_labels({l.name: l.color for l in labels}, {l.hotkey: l.name for l in labels if l.hotkey})
        self.palette.set_labels(labels)
        self.span_panel.set_labels(labels)
        self.editor.reload_spans()  # a renamed label renames the spans shown
        self.relations.load_labels()

    def _show_label_names(self, on: bool) -> None:
        self.view.set_label_names_shown(on)
        self.settings.setValue(LABEL_NAMES_KEY, on)

    def _tag_from_palette(self, label: str) -> None:
        self.editor.tag(label)
        self.view.setFocus()

    def _walk(self, forward: bool) -> None:
        self.view.go_to_span(self.view.next_span(forward, suggestions_only=True))
        self.view.setFocus()

    def _focus_filter(self) -> None:
        self.documents.search.setFocus()
        self.documents.search.selectAll()

    def _focus_note(self, note) -> None:
        if note.isEnabled():
            note.setFocus()

    def _update_undo_actions(self, *_changed) -> None:
        group, unsaved = self.editor.undo_group, self.editor.unsaved
        if unsaved:
            self.undo_action.setText(f"Drop unsaved “{shown(unsaved[-1][1].text(), LABEL)}”")
            self.redo_action.setText("Retry saving")
        else:
            self.undo_action.setText(f"Undo {shown(group.undoText(), LABEL)}".strip())  # a label name can be any length
            self.redo_action.setText(f"Redo {shown(group.redoText(), LABEL)}".strip())
        for action in (self.undo_action, self.redo_action):  # a label's "&" is not a mnemonic
            action.setText(action.text().replace("&", "&&"))
        self.undo_action.setEnabled(bool(unsaved) or group.canUndo())
        self.redo_action.setEnabled(bool(unsaved) or group.canRedo())

    def _document_edited(self, doc_id: int) -> None:
        if self.editor.document and self.editor.document.id == doc_id:
            self.document_panel.show_document(self.editor.document)
        if self.documents.model.status:  # the document may have left the filtered list
            self.documents.apply_filter()
        else:
            self.documents.model.forget(doc_id)
        self._update_progress()

    def _update_progress(self) -> None:
        counts = self.store.status_counts()
        total = self.store.count_documents()  # damaged rows (a status the app does not know) count too
        self.progress.setText(f"{counts[Status.DONE]:,} of {total:,} done")

    def show_progress(self, done: int, total: int, text: str = "") -> None:
        """Status-bar progress for background work; hides itself when done == total."""
        self.busy.setVisible(done < total)
        self.busy.setRange(0, max(total, 1))
        self.busy.setValue(done)
        if text:
            self.statusBar().showMessage(text)

    def edit_labels(self) -> None:
        from annotator.gui.labels_dialog import LabelsDialog

        self.labels_dialog = LabelsDialog(self.store, self)
        self.labels_dialog.labels_changed.connect(self.load_labels)
        self.labels_dialog.open()  # window-modal, without a nested event loop

    def show_shortcuts(self) -> None:
        box = QMessageBox(QMessageBox.Icon.NoIcon, "Keyboard shortcuts", shortcuts_html(), parent=self)
        box.setTextFormat(Qt.TextFormat.RichText)  # our own text, escaped
        box.open()

    # -- settings ---------------------------------------------------------------

    def _restore(self) -> None:
        geometry = self.settings.value("geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        else:
            self.resize(1280, 800)
        state = self.settings.value("windowState")
        if isinstance(state, QByteArray):
            self.restoreState(state)
        splitter = self.settings.value("splitter")
        self._panes_sized = isinstance(splitter, QByteArray) and self.splitter.restoreState(splitter)
        self._open_first(self.settings.value("lastDocument"))

    def _open_first(self, last) -> None:
        try:
            last = int(last)
        except (TypeError, ValueError):
            last = None
        row = self.documents.model.row_of(last) if last is not None else None
        if not self.documents.select_row(row if row is not None else 0):
            self.title.set_full_text("No documents yet: import some with `annotator import FILES`.")

    def showEvent(self, event) -> None:  # noqa: N802 - Qt override
        """First run: share the width between list, article and panel by the window's size."""
        if not self._panes_sized:
            width = self.width()
            side, documents = max(290, width // 5), max(260, width * 22 // 100) + self.documents.table.columnWidth(3)  # + Copies
            self.splitter.setSizes([documents, width - documents - side, side])
            self._panes_sized = True
        super().showEvent(event)

    def may_close(self) -> bool:
        """Edits the DB refused are retried once more; if it still refuses them, ask (without
        blocking: the window stays open, and "Close and lose them" closes it)."""
        if getattr(self, "closing_anyway", False) or not self.editor.unsaved or self.editor.retry():
            return True
        buttons = QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel
        count = len(self.editor.unsaved)
        why = shown(self.unsaved_banner.why, 1_000, one_line=False)
        text = f"{count} edit{'s' * (count != 1)} could not be saved:\n{why}\n\nClose anyway and lose {'them' if count != 1 else 'it'}?"
        self.close_box = QMessageBox(QMessageBox.Icon.Warning, "Edits not saved", text, buttons, self)
        self.close_box.setTextFormat(Qt.TextFormat.PlainText)  # the error names the file, which may hold anything
        self.close_box.button(QMessageBox.StandardButton.Discard).setText("Close and lose them" if count != 1 else "Close and lose it")
        self.close_box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        self.close_box.button(QMessageBox.StandardButton.Discard).clicked.connect(self._close_anyway)
        self.close_box.open()
        return False

    def _close_anyway(self) -> None:
        self.closing_anyway = True
        self.close()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        if not self.may_close():
            event.ignore()
            return
        self.settings.setValue("geometry", self.saveGeometry())
        self.settings.setValue("windowState", self.saveState())
        self.settings.setValue("splitter", self.splitter.saveState())
        self.settings.sync()
        if getattr(self, "import_run", None) is not None:  # closing cancels an import: it rolls back
            self.import_run.job.stop()
        self.suggestions.stop()
        self.copies.stop()
        self.tokens.close()
        super().closeEvent(event)
