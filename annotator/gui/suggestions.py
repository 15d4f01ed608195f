"""Suggestions in the window: spaCy pre-annotation in the background, and the
"Learn from my spans" switch for learned string matches (annotator/gui/learning.py).

Pre-annotation runs ``annotator.nlp.preannotate.preannotate`` in a BackgroundJob: the
status bar shows a progress bar and a Cancel button, the window stays usable, and when
the run ends the open document's spans and the list's counts are re-read. Loaded
pipelines are kept for the next run. With no model installed the app says so once and
learned string matches still work.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from annotator.core.model import Status
from annotator.gui.background import BackgroundJob

SCOPES = {"current": "The current document", "new": "Documents with status new", "all": "All documents"}
MODEL_KEY, SCOPE_KEY, LEARN_KEY = "preannotate/model", "preannotate/scope", "learnFromSpans"
FIRST_RUN_KEY = "preannotate/firstRunPending"  # the new database whose seeds still wait for it
NO_MODEL = (
    "No spaCy model is installed, so pre-annotation is off. Learned string matches still work: "
    "tag a span and the same text elsewhere is suggested."
)


class Suggestions(QObject):
    """Owns the Review menu's suggestion actions and the one pre-annotation job at a time."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window, self.store, self.settings = window, window.store, window.settings
        self.pipelines: dict[str, object] = {}  # spec -> loaded Pipeline, reused by later runs
        self.job: BackgroundJob | None = None
        self._ids: list[int] = []  # the documents of the running job, in the order it stores them
        self._shown: set[int] = set()  # documents whose new suggestions the view already drew
        self.dialog: PreannotateDialog | None = None
        self.error_box: QMessageBox | None = None
        self._told: set[str] = set()  # problems already shown once
        self.learning_jobs: set[BackgroundJob] = set()  # learned string-match searches under way
        window.editor.learn_runner = self._learn_in_background
        self.cancel_button = QPushButton("Cancel", visible=False, toolTip="Stop pre-annotation after the current batch")
        self.cancel_button.clicked.connect(self.cancel)
        window.statusBar().insertPermanentWidget(1, self.cancel_button)  # right of the progress bar
        self._actions(window.review_menu)
        from annotator.gui.training import ModelTraining

        self.training = ModelTraining(window, self)  # Review > Train a model…; its models join the picker

    def _actions(self, menu) -> None:
        menu.addSeparator()
        self.preannotate_action = QAction("&Pre-annotate with spaCy…", self, shortcut=QKeySequence("Ctrl+Shift+P"))
        self.preannotate_action.triggered.connect(self.ask)
        self.learn_action = QAction("&Learn from my spans", self, checkable=True)
        self.learn_action.setToolTip("Tagging or accepting a span suggests the same text in every document")
        self.learn_action.toggled.connect(self._set_learning)
        self.learn_action.setChecked(_as_bool(self.settings.value(LEARN_KEY, True)))
        self._set_learning(self.learn_action.isChecked())
        menu.addActions([self.preannotate_action, self.learn_action])

    def _set_learning(self, on: bool) -> None:
        self.window.editor.learn_matches = on
        self.settings.setValue(LEARN_KEY, on)

    def _learn_in_background(self, find) -> BackgroundJob:
        """A job for one learned string-match search (a LearnMatches command starts it, once connected).

        ``find(cancelled)`` writes its suggestions in short transactions, never holding the write
        lock while it searches; an undo cancels it between batches."""
        job = BackgroundJob(lambda _progress, cancelled: find(cancelled), self)
        self.learning_jobs.add(job)
        job.failed.connect(lambda error: self._say(f"Could not suggest the span's text elsewhere: {error}"))
        job.ended.connect(lambda: self._learning_ended(job))
        return job

    def _learning_ended(self, job: BackgroundJob) -> None:
        job.wait()  # run() is returning: let the thread finish before the job goes
        self.learning_jobs.discard(job)
        job.deleteLater()

    # -- starting a run ---------------------------------------------------------

    def ask(self) -> None:
        """Pre-annotate…: choose model and documents in a window-modal dialog."""
        if self.running():
            self._say("Pre-annotation is already running; Cancel is in the status bar.")
            return
        from annotator.nlp.pipeline import installed_pipelines

        scope = self.settings.value(SCOPE_KEY, "new")
        models = installed_pipelines() + self.training.models()
        self.dialog = PreannotateDialog(self.window, models, self.settings.value(MODEL_KEY, "") or "", scope)
        self.dialog.accepted.connect(lambda: self.run(self.dialog.model(), self.dialog.scope()))
        self.dialog.open()

    def run(self, model: str | None, scope: str = "new", quiet: bool = False) -> BackgroundJob | None:
        """Start pre-annotating ``scope`` with ``model`` (None: the default model) in the background."""
        if self.running():
            return None
        ids = self._document_ids(scope)
        model = model or self.training.default_model()
        if not ids:
            if not quiet:
                self._say("Nothing to pre-annotate: no documents in that scope.")
            return None
        if not quiet:
            self.settings.setValue(MODEL_KEY, model or "")
            self.settings.setValue(SCOPE_KEY, scope)
        self._ids, self._shown = sorted(ids), set()
        self.job = BackgroundJob(self._work(model or None, self._ids), self)
        self.job.progressed.connect(self._progressed)
        self.job.succeeded.connect(self._succeeded)
        self.job.failed.connect(lambda error: self._failed(error, quiet))
        self.job.ended.connect(self._ended)
        self._show_busy(f"Pre-annotating {len(ids):,} document(s): loading spaCy…")
        self.job.start()
        return self.job

    def _work(self, model: str | None, ids: list[int]):
        loaded = dict(self.pipelines)  # the worker's own copy

        def work(progress, cancelled):  # in the worker thread: no widgets here
            from annotator.nlp.pipeline import default_model, load_pipeline
            from annotator.nlp.preannotate import preannotate

            spec = model or default_model()  # looking for installed pipelines takes ~70 ms
            pipeline = loaded.get(spec) or load_pipeline(spec)
            if cancelled():
                return pipeline, None
            progress(0, len(ids))
            return pipeline, preannotate(self.store, pipeline, doc_ids=ids, progress=progress, cancelled=cancelled)

        return work

    def _document_ids(self, scope: str) -> list[int]:
        if scope == "current":
            document = self.window.editor.document
            return [document.id] if document else []
        return self.store.document_ids(Status.NEW if scope == "new" else None)

    def first_run(self, created: bool) -> None:
        """A database just created (the default one is seeded): suggest entities in its new
        documents once the window has painted. A first run closed before it finished is
        taken up again at the next start."""
        if created:
            self.settings.setValue(FIRST_RUN_KEY, str(self.store.location))  # never the password (location's display)
        if self.settings.value(FIRST_RUN_KEY) == str(self.store.location):
            _after_first_paint(self.window.view.viewport(), self._first_run)

    def _first_run(self) -> None:
        job = self.run(None, "new", quiet=True)
        if job is None:
            self.settings.remove(FIRST_RUN_KEY)  # nothing to do
            return
        job.succeeded.connect(lambda result: result[1] and not result[1].cancelled and self.settings.remove(FIRST_RUN_KEY))
        job.failed.connect(lambda _error: self.settings.remove(FIRST_RUN_KEY))  # no model: said once, not at every start

    # -- while it runs ----------------------------------------------------------

    def running(self) -> bool:
        return self.job is not None

    def cancel(self) -> None:
        if self.job is not None:
            self.job.cancel()
            self.cancel_button.setEnabled(False)
            self.window.statusBar().showMessage("Cancelling pre-annotation after the current batch…")

    def stop(self) -> None:
        """Before the window closes: cancel and wait, so no thread outlives it."""
        if self.job is not None:
            self.job.stop()
        self.training.stop()
        for job in list(self.learning_jobs):
            job.wait()

    def _show_busy(self, text: str) -> None:
        self.window.busy.setRange(0, 0)  # busy without a count until the model is loaded
        self.window.busy.setVisible(True)
        self.cancel_button.setEnabled(True)
        self.cancel_button.setVisible(True)
        self.window.statusBar().showMessage(text)

    def _progressed(self, done: int, total: int) -> None:
        if self.job is not None and not self.job.cancelled():
            self.window.show_progress(done, total, f"Pre-annotating: {done:,} of {total:,} document(s)…")
            self.window.busy.setVisible(True)  # until the run has ended, not only counted
            if done:
                self.window.documents.apply_filter()  # span counts of the batches stored so far
                self._show_current_when_done(self._ids[:done])

    def _show_current_when_done(self, done_ids: list[int]) -> None:
        """Draw the open document's suggestions as soon as its batch is stored (batches go in id order)."""
        document = self.window.editor.document
        if document is not None and document.id not in self._shown and document.id in done_ids:
            self._shown.add(document.id)
            self.window.editor.reload_spans()

    def _succeeded(self, result) -> None:
        pipeline, summary = result
        self.pipelines[pipeline.spec] = pipeline
        self.window.reload()  # the open document's spans, list counts, labels the model added
        self.window.statusBar().showMessage(_short_line(summary) if summary else "Pre-annotation cancelled before it started.")
        self.window.statusBar().setToolTip(summary.line() if summary else "")  # the counts of what was skipped

    def _failed(self, error: Exception, quiet: bool) -> None:
        from annotator.nlp.pipeline import NoPipelineInstalled

        text = NO_MODEL if isinstance(error, NoPipelineInstalled) else f"Pre-annotation failed: {error}"
        self.window.reload()  # batches committed before a failure are kept: show them
        if quiet or text in self._told:
            self.window.statusBar().showMessage(text)
        else:
            self.error_box = QMessageBox(QMessageBox.Icon.Warning, "Pre-annotation", text, parent=self.window)
            self.error_box.open()  # window-modal, without a nested event loop
        self._told.add(text)

    def _ended(self) -> None:
        self.job = None
        self.window.busy.setVisible(False)
        self.cancel_button.setVisible(False)

    def _say(self, text: str) -> None:
        self.window.statusBar().showMessage(text, 8000)


class PreannotateDialog(QDialog):
    """Model (installed pipelines, or a typed name or folder) and which documents."""

    def __init__(self, parent: QWidget, models: list[str], model: str, scope: str) -> None:
        super().__init__(parent, windowTitle="Pre-annotate with spaCy")
        self.models = QComboBox(editable=True, minimumWidth=260)
        self.models.addItems(models)
        self.models.lineEdit().setPlaceholderText("an installed pipeline, or a pipeline folder")
        if model:
            self.models.setCurrentText(model)
        self.scopes = QButtonGroup(self)
        column = QVBoxLayout()
        for key, text in SCOPES.items():
            button = QRadioButton(text, checked=key == scope)
            button.setProperty("scope", key)
            self.scopes.addButton(button)
            column.addWidget(button)
        if self.scopes.checkedButton() is None:
            self.scopes.buttons()[1].setChecked(True)
        folder = QPushButton("Folder…", toolTip="Use a spaCy pipeline folder (e.g. one you trained)")
        folder.clicked.connect(self._choose_folder)
        picker = QHBoxLayout()
        picker.addWidget(self.models, 1)
        picker.addWidget(folder)
        form = QFormLayout(self)
        form.addRow("Model:", picker)
        if not models:
            form.addRow(QLabel(NO_MODEL, wordWrap=True))
        form.addRow("Documents:", column)
        form.addRow(QLabel("Human spans and rejected suggestions are never overwritten.", wordWrap=True))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Pre-annotate")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def _choose_folder(self) -> None:
        path = QFileDialog.getExistingDirectory(self, "spaCy pipeline folder")
        if path:
            self.models.setCurrentText(path)

    def model(self) -> str:
        return self.models.currentText().strip()

    def scope(self) -> str:
        return self.scopes.checkedButton().property("scope")


class _FirstPaint(QObject):
    """Calls ``then`` once, right after ``widget`` has painted for the first time."""

    def __init__(self, widget: QWidget, then) -> None:
        super().__init__(widget)
        self.then = then
        widget.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, self.then)  # after this paint has finished
        return False


def _after_first_paint(widget: QWidget, then) -> None:
    _FirstPaint(widget, then)


def _short_line(summary) -> str:
    """One status-bar line; the full summary (what was skipped and why) is the tooltip."""
    line = f"Pre-annotated {summary.documents:,}/{summary.total:,} document(s) with {summary.model}"
    line += " (cancelled)" if summary.cancelled else ""
    skipped = summary.entities - summary.stored
    return f"{line}: {summary.stored:,} suggestion(s) stored" + (f", {skipped:,} skipped (see tooltip)" if skipped else "")


def _as_bool(value) -> bool:
    """QSettings' INI files give back "true"/"false" strings."""
    return value if isinstance(value, bool) else str(value).lower() in ("true", "1")
