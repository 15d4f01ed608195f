"""The training panel: stage, step of max steps, loss, dev P/R/F1, the F1 chart, Cancel while it
runs, and at the end the per-label table and what to do with the model.

A non-modal dialog: the window stays usable while the child process trains. It only shows what
TrainingJob reports; ModelTraining (annotator/gui/training.py) connects the two.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.gui.training_chart import F1Chart

STAGES = {"preparing": "Preparing the documents (leak-free split)…", "initializing": "Setting up the model…", "saving": "Saving the best model…"}
COLUMNS = ("Label", "Precision", "Recall", "F1", "Train spans")


class TrainingPanel(QDialog):
    cancel_requested = Signal()
    make_default_requested = Signal(str)  # the model's folder
    preannotate_requested = Signal(str)

    def __init__(self, parent: QWidget, who: str, options) -> None:
        super().__init__(parent, windowTitle="Training a model")
        self.setModal(False)
        self.model_dir = ""
        self.heading = QLabel(_heading(who, options), wordWrap=True)
        self.stage = QLabel("Starting…", wordWrap=True, textFormat=Qt.TextFormat.PlainText)  # messages name files: any text
        self.stage.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.steps = QProgressBar(format="step %v of %m")
        self.steps.setRange(0, 0)
        self.figures = QLabel("loss –   dev P –  R –  F1 –")
        self.chart = F1Chart()
        self.table = QTableWidget(0, len(COLUMNS), visible=False)
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # a read-only table: no current cell drawn
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.cancel_button = QPushButton("Cancel", toolTip="Stop the training at its next step; nothing is saved")
        self.cancel_button.clicked.connect(self._cancel)
        self.default_button = QPushButton("Make it the default model", visible=False,
                                          toolTip="Review > Pre-annotate proposes this model, and uses it when none is chosen")
        self.default_button.clicked.connect(lambda: self.make_default_requested.emit(self.model_dir))
        self.preannotate_button = QPushButton("Pre-annotate with it…", visible=False)
        self.preannotate_button.clicked.connect(lambda: self.preannotate_requested.emit(self.model_dir))
        close = QPushButton("Close", toolTip="Close this panel (the training goes on; Review > Train a model… shows it again)")
        close.clicked.connect(self.close)
        self._layout(close)

    def _layout(self, close: QPushButton) -> None:
        column = QVBoxLayout(self)
        for widget in (self.heading, self.stage, self.steps, self.figures):
            column.addWidget(widget)
        column.addWidget(self.chart, 1)
        column.addWidget(self.table)
        buttons = QHBoxLayout()
        for button in (self.cancel_button, self.default_button, self.preannotate_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        column.addLayout(buttons)
        self.resize(500, 380)

    # -- while it runs ----------------------------------------------------------

    def show_progress(self, record) -> None:
        if record.stage != "training":
            self.stage.setText(STAGES.get(record.stage, record.stage))
            return
        self.stage.setText(f"Training: step {record.step:,} of {record.max_steps:,}")
        self.steps.setRange(0, record.max_steps)
        self.steps.setValue(record.step)
        if record.f1 is not None:
            loss = f"{record.loss:,.2f}" if record.loss is not None else "–"
            self.figures.setText(f"loss {loss}   dev P {record.precision:.3f}  R {record.recall:.3f}  F1 {record.f1:.3f}"
                                 f"   (best {record.best_f1:.3f})")
            self.chart.add(record.step, record.f1, record.max_steps)

    def _cancel(self) -> None:
        self.cancel_button.setEnabled(False)
        self.stage.setText("Cancelling at the next step…")
        self.cancel_requested.emit()

    # -- how it ended -----------------------------------------------------------

    def show_result(self, summary: dict) -> None:
        self.model_dir = summary["out_dir"]
        scores = summary["scores"]
        self.steps.setRange(0, max(summary["steps"], 1))
        self.steps.setValue(summary["steps"])
        self.stage.setText(f"Done: best dev F1 {scores['f1']:.3f} at step {summary['best_step']:,} of {summary['steps']:,} "
                           f"({_documents(summary['documents'])}).\nSaved in {self.model_dir}"
                           + "".join(f"\nWarning: {warning}" for warning in summary["warnings"]))
        self._fill_table(scores, summary["counts"])
        self._finished()
        self.default_button.setVisible(True)
        self.preannotate_button.setVisible(True)

    def show_ended(self, text: str) -> None:
        """Cancelled or refused: say so (the message of a refusal says what to do)."""
        self.stage.setText(text)
        self._finished()

    def _finished(self) -> None:
        self.cancel_button.setVisible(False)
        if self.steps.maximum() == 0:
            self.steps.setRange(0, 1)  # not busy any more

    def _fill_table(self, scores: dict, counts: dict) -> None:
        rows = [(label, figures, counts.get(label, {}).get("train", 0)) for label, figures in scores["per_label"].items()]
        rows.append(("All labels", scores, sum(c.get("train", 0) for c in counts.values())))
        self.table.setRowCount(len(rows))
        for row, (label, figures, train) in enumerate(rows):
            cells = [label, *(f"{figures[key]:.3f}" for key in ("precision", "recall", "f1")), f"{train:,}"]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if col:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if row == len(rows) - 1:
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                self.table.setItem(row, col, item)
        self.table.setVisible(True)
        self._fit_table()

    def _fit_table(self) -> None:
        """The whole table without a scroll bar, the chart kept at its size: the panel grows to hold both."""
        table = self.table
        table.setFixedHeight(table.horizontalHeader().sizeHint().height() + sum(table.rowHeight(r) for r in range(table.rowCount()))
                             + 2 * table.frameWidth())
        hint = self.sizeHint()
        self.resize(max(self.width(), hint.width()), max(self.height(), hint.height()))

    def rows(self) -> list[list[str]]:
        """The per-label table as shown (for tests and screen readers alike)."""
        return [[self.table.item(r, c).text() for c in range(self.table.columnCount())] for r in range(self.table.rowCount())]


def _heading(who: str, options) -> str:
    labels = ", ".join(options.labels) if options.labels else "every label with accepted spans"
    steps = f"{options.max_steps:,} steps at most" if options.max_steps else "spaCy's default steps"
    return f"<b>{escape(who)}</b>'s accepted spans ({escape(labels)}); base {escape(options.base)}; {steps}."


def _documents(documents: dict) -> str:
    return f"{documents.get('train', 0)} document(s) to train, {documents.get('dev', 0)} dev, {documents.get('test', 0)} held out"
