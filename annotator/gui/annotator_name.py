"""Who annotates, in the window: asked on first start, always shown in the status bar,
changed from File > Annotator… (or a click on the name).

On first start (no saved name, no ``ANNOTATOR_NAME``) a dialog asks the name, prefilled
with the login name. A database whose only layer with spans is ``default`` (made before
names were recorded, or the seeded first run) offers that layer to the new name: the spans,
statuses and notes are renamed, not copied. Changing the name reloads the window in the
new layer; the undo history of the old layer is dropped (its steps would edit that layer).
"""

from __future__ import annotations

import os
from collections.abc import Callable

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QCheckBox, QDialog, QDialogButtonBox, QLabel, QLineEdit, QToolButton, QVBoxLayout

from annotator import identity
from annotator.core.annotators import DEFAULT_ANNOTATOR, annotator_key, canonical_annotator
from annotator.core.model import AnnotationError
from annotator.gui.display import LINE, shown
from annotator.store import DatabaseError


class NameDialog(QDialog):
    """The name, and (when offered) whether to take over the ``default`` layer's spans."""

    def __init__(self, parent, name: str, known: set[str], takeover: int | None) -> None:
        super().__init__(parent, windowTitle="Annotator")
        self.known, self.takeover = known, takeover
        self.edit = QLineEdit(name, placeholderText="Your name, e.g. Alice")
        self.problem = QLabel()
        self.problem.setObjectName("hint")
        self.take = QCheckBox(f"Take over the {takeover or 0:,} spans made before names were recorded", checked=True, visible=takeover is not None)
        self.take.setToolTip("Their layer (spans, statuses, notes of the “default” annotator) becomes yours")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        column = QVBoxLayout(self)
        intro = QLabel("Your name is recorded with every span, status and note you make.\nNames that differ only in case are one annotator.")
        for widget in (intro, self.edit, self.problem, self.take, self.buttons):
            column.addWidget(widget)
        self.edit.textChanged.connect(self._check)
        self._check(name)

    def _check(self, text: str) -> None:
        try:
            name = canonical_annotator(text)
        except AnnotationError as error:
            self.problem.setText(shown(str(error), LINE) if text.strip() else "Type a name.")
            self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(False)
            self.take.setEnabled(False)
            return
        self.problem.setText("")
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(True)
        key = annotator_key(name)
        self.take.setEnabled(key not in self.known and key != DEFAULT_ANNOTATOR)  # an existing annotator keeps their own layer

    def name(self) -> str:
        return canonical_annotator(self.edit.text())

    def take_over(self) -> bool:
        return self.takeover is not None and self.take.isEnabled() and self.take.isChecked()


class AnnotatorName(QObject):
    """File > Annotator…, the name in the status bar, and the first-start question."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window, self.store = window, window.store
        self.dialog: NameDialog | None = None
        self.action = QAction("&Annotator…", self)
        self.action.setToolTip("Your name: the layer your spans, statuses and notes are recorded in")
        self.action.triggered.connect(lambda: self.ask())
        file_menu = window.menuBar().actions()[0].menu()
        file_menu.insertAction(file_menu.actions()[-1], self.action)  # before Quit
        self.button = QToolButton(autoRaise=True)
        self.button.setObjectName("annotatorName")
        self.button.clicked.connect(lambda: self.ask())
        window.statusBar().addPermanentWidget(self.button)
        self.show_name()

    def show_name(self, text: str | None = None) -> None:
        """The status bar's name (a comparison shows what it compares instead)."""
        self.button.setText(shown(text or f"Annotator: {self.store.annotator}", 80))
        self.button.setToolTip("Click to change who you are (File > Annotator…)")

    def first_start(self, then: Callable[[], None]) -> bool:
        """Ask the name if none was ever given (or, on a shared PostgreSQL database, while it is
        ``default``: a team must know who writes); ``then`` runs once the question is settled."""
        nameless = self.store.location.is_postgres and annotator_key(self.store.annotator) == DEFAULT_ANNOTATOR
        if not nameless and (identity.saved_name() is not None or os.environ.get(identity.ENV)):
            then()
            return False
        self.ask(then, suggested=identity.os_user_name())
        return True

    def ask(self, then: Callable[[], None] | None = None, suggested: str | None = None) -> None:
        """Open the dialog (window-modal, no nested event loop); OK switches to the name."""
        known = {annotator_key(layer.name) for layer in self.store.annotators() if annotator_key(layer.name) != DEFAULT_ANNOTATOR}
        name = self.store.annotator if suggested is None else suggested
        self.dialog = NameDialog(self.window, name, known, self._takeover())
        self.dialog.accepted.connect(lambda: self.switch(self.dialog.name(), self.dialog.take_over()))
        if then is not None:
            self.dialog.finished.connect(lambda _result: then())
        self.dialog.open()

    def _takeover(self) -> int | None:
        """The ``default`` layer's spans when it is the only layer with spans, else None."""
        if self.store.layers_with_spans() != [DEFAULT_ANNOTATOR]:
            return None
        return next((layer.spans for layer in self.store.annotators() if layer.name == DEFAULT_ANNOTATOR), 0)

    def switch(self, name: str, take_over: bool = False) -> bool:
        """Work as ``name`` from now on (saved for the next start); reloads the window."""
        editor = self.window.editor
        if editor.unsaved:
            self.window.statusBar().showMessage("Edits not saved yet belong to the current name: save or drop them first (Ctrl+Shift+Z / Ctrl+Z).", 10000)
            return False
        try:
            name = self.store.rename_annotator(DEFAULT_ANNOTATOR, name) if take_over else self.store.use_annotator(name)
        except (AnnotationError, DatabaseError) as error:
            self.window.statusBar().showMessage(f"Could not change the annotator: {error}", 10000)
            return False
        try:
            identity.save_name(name)
        except OSError as error:
            self.window.statusBar().showMessage(f"You are {name} now, but the name could not be saved for the next start: {error}", 10000)
        self.reload()
        return True

    def reload(self) -> None:
        """Show the store's layer: the list, the progress, the open document."""
        self.window.editor.forget_history()
        self.window.reload()
        if self.window.editor.document is not None:
            self.window.open_document(self.window.editor.document.id)
        self.show_name()
