"""File > Import: files read and stored off the UI thread, with progress, Cancel and a problem list.

``import_paths`` is all-or-nothing: bad input refuses the whole import and nothing is
written. Cancel is just as safe: the import asks the cancel flag before each record it
stores, inside the one write transaction, so a cancelled import rolls back and leaves the
database as it was.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QPlainTextEdit, QProgressDialog, QVBoxLayout, QWidget

from annotator.core.model import AnnotationError
from annotator.gui.background import BackgroundJob
from annotator.gui.display import shown
from annotator.gui.side_panel import plain_label
from annotator.store import DatabaseError, Store
from annotator.transfer.importing import ImportCancelled, ImportReport, import_paths
from annotator.core.problems import InputError, Problem

PROBLEM = 2_000  # characters of one problem line (a value quoted from the input can be any length)
MAX_PROBLEMS = 100_000
FILE_FILTER = "Annotator inputs (*.jsonl *.txt *.ann *.spacy *.conll *.iob *.iob2);;All files (*)"


class ImportRun(QObject):
    """One import: a background job, its progress dialog, and what it tells the user at the end."""

    imported = Signal(object)  # ImportReport, after documents may have been added
    ended = Signal(str)  # one line for the status bar, whatever the outcome

    def __init__(self, store: Store, paths: list[Path], parent: QWidget) -> None:
        super().__init__(parent)
        self.paths, self.window = [Path(p) for p in paths], parent
        self.job = BackgroundJob(lambda progress, cancelled: self._work(store, progress, cancelled), self)
        self.progress = _progress_dialog(parent, len(self.paths))
        self.progress.canceled.connect(self.job.cancel)
        self.job.progressed.connect(self._progressed)
        self.job.succeeded.connect(self._succeeded)
        self.job.failed.connect(self._failed)
        self.job.ended.connect(self.progress.close)
        self.problems_dialog: ProblemsDialog | None = None

    def start(self) -> None:
        self.progress.show()
        self.job.start()

    def _work(self, store: Store, progress, cancelled) -> ImportReport:  # in the worker thread
        return import_paths(store, self.paths, progress=progress, cancelled=cancelled)

    def _progressed(self, done: int, total: int) -> None:
        self.progress.setLabelText(f"Importing file {min(done + 1, total):,} of {total:,}…")
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(min(done, max(total, 1) - 1))  # reaching the maximum would close it early

    def _succeeded(self, report: ImportReport) -> None:
        self.imported.emit(report)
        self.ended.emit(summary(report))
        if report.warnings:
            self._show_problems("Imported, with warnings", summary(report), report.warnings)

    def _failed(self, error: BaseException) -> None:
        if isinstance(error, ImportCancelled):
            self.ended.emit("Import cancelled: nothing was imported.")
        elif isinstance(error, InputError):
            count = len(error.problems)
            self.ended.emit(f"Nothing was imported: {count} problem{'s' * (count != 1)} in the input.")
            self._show_problems("Nothing was imported", "The input was refused; nothing was written. Fix these and import again:", error.problems)
        else:
            intro, problem = refusal(error)
            self.ended.emit(f"Nothing was imported: {problem}")
            self._show_problems("Nothing was imported", intro, [problem])

    def _show_problems(self, title: str, intro: str, problems: list[Problem | str]) -> None:
        self.problems_dialog = ProblemsDialog(title, intro, [str(p) for p in problems], self.window)
        self.problems_dialog.open()  # window-modal, without a nested event loop


def refusal(error: BaseException) -> tuple[str, Problem]:
    """An import that failed other than on refused input: the dialog's intro, and one problem
    naming the input file, and the line where it is known, as the input problems do.

    The database refusing the write (DatabaseError: full, locked, read-only, moved; or a
    constraint, AnnotationError) is said to be the database's, naming the input the import had
    reached; any other exception is a bug, named with the file and line being read when it
    was raised (found in the reader's frame: ``path``, and ``number`` for line-based formats).
    """
    path, line, reading = _place(error)
    where = path or "the import"
    if isinstance(error, OSError):  # the file went away or turned unreadable while it was read
        return "An input could not be read; nothing was written:", Problem(path or str(error.filename or where), f"cannot be read: {shown(error.strerror or error)}", line)
    if isinstance(error, (DatabaseError, AnnotationError)) and not reading:
        return (
            "The database refused the import; nothing was written:",
            Problem(where, f"{shown(error)} (the database's answer while storing the records read so far{' from this file' if path else ''})", None),
        )
    message = " ".join(str(error).split()) or "no message"
    return (
        "The import stopped on an unexpected error; nothing was written:",
        Problem(where, f"cannot be imported: unexpected {type(error).__name__}: {shown(message)} (a bug in the annotator; please report it)", line),
    )


def _place(error: BaseException) -> tuple[str | None, int | None, bool]:
    """(input path, line, raised while reading) from the frames the exception went through."""
    path = line = None
    reading = False
    frame_tb = error.__traceback__
    while frame_tb is not None:
        frame = frame_tb.tb_frame
        module = frame.f_globals.get("__name__", "")
        if module.startswith(("annotator.formats", "annotator.transfer")):
            local = frame.f_locals
            if isinstance(local.get("path"), (str, Path)):
                path = str(local["path"])
            if module.startswith("annotator.formats"):
                reading = True
                number = local.get("number")
                if isinstance(number, int) and not isinstance(number, bool):
                    line = number
        frame_tb = frame_tb.tb_next
    return path, line, reading


def summary(report: ImportReport) -> str:
    line = report.summary()
    if report.warnings:
        line += f"; {len(report.warnings)} warning{'s' * (len(report.warnings) != 1)}"
    return line[0].upper() + line[1:] + "."


def _progress_dialog(parent: QWidget, files: int) -> QProgressDialog:
    dialog = QProgressDialog(f"Reading {files} file{'s' * (files != 1)}…", "Cancel", 0, 0, parent)
    dialog.setWindowTitle("Import")
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(0)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    return dialog


class ProblemsDialog(QDialog):
    """Every problem, one per line, naming file and line; plain text, scrollable, copyable."""

    def __init__(self, title: str, intro: str, problems: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.resize(720, 360)
        self.intro = plain_label(intro)
        self.intro.setWordWrap(True)
        self.list = QPlainTextEdit(readOnly=True)
        self.list.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.list.setPlainText("\n".join(shown(problem, PROBLEM) for problem in problems[:MAX_PROBLEMS]))
        if len(problems) > MAX_PROBLEMS:
            self.list.appendPlainText(f"… and {len(problems) - MAX_PROBLEMS:,} more")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.list, 1)
        layout.addWidget(buttons)
