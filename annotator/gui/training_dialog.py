"""Review > Train a model…: the base, the labels and the steps; the layer is the current annotator's."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QSpinBox,
    QWidget,
)

from annotator.training.config import BLANK
from annotator.training.run import TrainOptions

DEFAULT_STEPS = 1000  # a few minutes on a laptop; spaCy stops earlier once dev F1 stops rising


class TrainDialog(QDialog):
    def __init__(self, parent: QWidget, who: str, accepted: dict[str, int], bases: list[str], base: str, max_steps: int) -> None:
        super().__init__(parent, windowTitle="Train a model")
        self.bases = QComboBox(editable=True, minimumWidth=260)
        self.bases.addItems([BLANK, *bases])
        self.bases.setCurrentText(base or BLANK)
        self.bases.setToolTip(f"{BLANK}: a new model that learns only your labels; a pipeline: its NER fine-tuned, its other labels kept")
        self.labels = QListWidget()
        for name, count in sorted(accepted.items()):
            item = QListWidgetItem(f"{name} ({count:,} accepted)")
            item.setData(Qt.ItemDataRole.UserRole, name)
            item.setCheckState(Qt.CheckState.Checked)
            self.labels.addItem(item)
        self.labels.setMaximumHeight(140)
        self.max_steps = QSpinBox(minimum=1, maximum=100_000, singleStep=100, value=max_steps or DEFAULT_STEPS)
        self._form(who, bool(accepted))

    def _form(self, who: str, any_spans: bool) -> None:
        form = QFormLayout(self)
        form.addRow("Spans:", QLabel(f"the accepted spans of {who} (your layer), in documents in progress or done",
                                     wordWrap=True, textFormat=Qt.TextFormat.PlainText))
        form.addRow("Base:", self.bases)
        form.addRow("Labels:", self.labels if any_spans else QLabel("No accepted spans yet: tag or accept some first.", wordWrap=True))
        form.addRow("Max steps:", self.max_steps)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Train")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.train_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.labels.itemChanged.connect(lambda _item: self.train_button.setEnabled(self.chosen_labels() != ()))

    def chosen_labels(self) -> tuple[str, ...] | None:
        """The checked labels; None when all are (every label with accepted spans, as the CLI's default)."""
        items = [self.labels.item(row) for row in range(self.labels.count())]
        checked = tuple(item.data(Qt.ItemDataRole.UserRole) for item in items if item.checkState() == Qt.CheckState.Checked)
        return None if len(checked) == len(items) else checked

    def options(self) -> TrainOptions:
        return TrainOptions(base=self.bases.currentText().strip() or BLANK, labels=self.chosen_labels(), max_steps=self.max_steps.value())
