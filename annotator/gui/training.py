"""Review > Train a model…: ask (TrainDialog), train in a child process (TrainingJob), show it
(TrainingPanel), and offer the model to pre-annotation.

Trained models join the Pre-annotate dialog's picker: the folders this window trained into
(remembered in the settings) and any model ``annotator train`` wrote into the user data folder.
"Make it the default model" saves the folder in the settings: the picker proposes it and a run
without a chosen model (the first run of a new database) uses it.
"""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMessageBox

from annotator.gui.training_dialog import TrainDialog
from annotator.gui.training_job import TrainingJob
from annotator.gui.training_panel import TrainingPanel

TRAINED_KEY, DEFAULT_KEY = "training/models", "preannotate/defaultModel"
BASE_KEY, STEPS_KEY = "training/base", "training/maxSteps"
MODEL_KEY = "preannotate/model"  # suggestions.MODEL_KEY, the Pre-annotate dialog's choice (suggestions imports this module)


class ModelTraining(QObject):
    """Owns the Train action, the one training run at a time and its panel."""

    def __init__(self, window, suggestions) -> None:
        super().__init__(window)
        self.window, self.store, self.settings, self.suggestions = window, window.store, window.settings, suggestions
        self.job: TrainingJob | None = None
        self.dialog: TrainDialog | None = None
        self.panel: TrainingPanel | None = None
        self.error_box: QMessageBox | None = None
        self.action = QAction("&Train a model…", self)
        self.action.setToolTip("Train a spaCy NER model on your accepted spans, in the background")
        self.action.triggered.connect(self.ask)
        window.review_menu.addAction(self.action)

    def running(self) -> bool:
        return self.job is not None

    def ask(self) -> None:
        if self.running():
            self.panel.show()
            self.panel.raise_()
            return
        from annotator.nlp.pipeline import installed_pipelines

        accepted = {label: counts.get("accepted", 0) for label, counts in self.store.stats()["spans"].items() if counts.get("accepted")}
        self.dialog = TrainDialog(self.window, self.store.annotator, accepted, installed_pipelines() + self.models(),
                                  self.settings.value(BASE_KEY, "") or "", int(self.settings.value(STEPS_KEY, 0) or 0))
        self.dialog.accepted.connect(lambda: self.start(self.dialog.options()))
        self.dialog.open()  # window-modal, without a nested event loop

    def start(self, options, out_dir: Path | None = None) -> TrainingJob | None:
        """Train with ``options`` into ``out_dir`` (default: a new folder under the user data folder)."""
        from annotator.training.run import default_out_dir

        if self.running():
            return None
        self.settings.setValue(BASE_KEY, options.base)
        self.settings.setValue(STEPS_KEY, options.max_steps or 0)
        if out_dir is None:
            out_dir = default_out_dir()
            out_dir.parent.mkdir(parents=True, exist_ok=True)
        self.job = TrainingJob(self.store.location, self.store.annotator, out_dir, options, self)
        self.panel = TrainingPanel(self.window, self.store.annotator, options)
        self._connect(self.job, self.panel)
        self.job.start()
        self.panel.show()
        self.window.statusBar().showMessage(f"Training a model into {out_dir}…")
        return self.job

    def _connect(self, job: TrainingJob, panel: TrainingPanel) -> None:
        job.progressed.connect(panel.show_progress)
        job.succeeded.connect(self._succeeded)
        job.cancelled.connect(lambda _text: self._ended("Cancelled: nothing was saved."))
        job.failed.connect(self._failed)
        job.ended.connect(self._job_ended)
        panel.cancel_requested.connect(job.cancel)
        panel.make_default_requested.connect(self.make_default)
        panel.preannotate_requested.connect(self._preannotate_with)

    def cancel(self) -> None:
        if self.job is not None:
            self.panel.cancel_button.click()

    def stop(self) -> None:
        """Before the window closes: the child stops (or is stopped) and leaves no model folder."""
        if self.job is not None:
            self.job.stop()

    # -- how it ended -----------------------------------------------------------

    def _succeeded(self, summary: dict) -> None:
        remembered = [path for path in self._remembered() if path != summary["out_dir"]]
        self.settings.setValue(TRAINED_KEY, [summary["out_dir"], *remembered])
        self.panel.show_result(summary)
        self.window.statusBar().showMessage(f"Trained a model (dev F1 {summary['scores']['f1']:.3f}): {summary['out_dir']}", 15000)

    def _failed(self, message: str) -> None:
        self._ended(f"Not trained: {message}")
        self.error_box = QMessageBox(QMessageBox.Icon.Warning, "Train a model", f"The model was not trained: {message}", parent=self.window)
        self.error_box.open()  # window-modal, without a nested event loop

    def _ended(self, text: str) -> None:
        self.panel.show_ended(text)
        self.window.statusBar().showMessage(text, 15000)

    def _job_ended(self) -> None:
        self.job = None

    # -- the models for pre-annotation ------------------------------------------

    def make_default(self, folder: str) -> None:
        self.settings.setValue(DEFAULT_KEY, folder)
        self.settings.setValue(MODEL_KEY, folder)
        self.window.statusBar().showMessage(f"Pre-annotation now uses {folder} by default.", 8000)

    def default_model(self) -> str | None:
        """The model made the default, while its folder is still there."""
        folder = self.settings.value(DEFAULT_KEY, "") or ""
        return folder if folder and Path(folder, "meta.json").is_file() else None

    def models(self) -> list[str]:
        """Trained model folders, newest first: this window's, then those in the user data folder."""
        from annotator.paths import user_data_dir

        found = [path for path in self._remembered() if Path(path, "meta.json").is_file()]
        folder = user_data_dir() / "models"
        if folder.is_dir():
            found += [str(path) for path in sorted(folder.iterdir(), reverse=True) if str(path) not in found and _trained_here(path)]
        return found

    def _remembered(self) -> list[str]:
        value = self.settings.value(TRAINED_KEY, []) or []
        return [value] if isinstance(value, str) else [str(path) for path in value]  # INI files give one entry back as a string

    def _preannotate_with(self, folder: str) -> None:
        self.settings.setValue(MODEL_KEY, folder)
        self.suggestions.ask()


def _trained_here(path: Path) -> bool:
    """A folder ``annotator train`` wrote: its meta.json has our entry."""
    from annotator.training.run import META_KEY

    try:
        return META_KEY in json.loads((path / "meta.json").read_text(encoding="utf-8"))
    except (OSError, ValueError, TypeError):
        return False
