"""The Relations tab of the labels dialog: name, key, colour, directed or not, the entity
labels allowed at each end, description; every change is stored at once."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from annotator.core.model import RelationLabel
from annotator.gui.display import LABEL, shown
from annotator.gui.label_table import LabelTableEdits
from annotator.store import Store

NAME, HOTKEY, COLOR, DIRECTED, HEADS, TAILS, DESCRIPTION = range(7)
HEADERS = ("Name", "Key", "Colour", "Directed", "Heads", "Tails", "Description")


class RelationLabelsTab(LabelTableEdits, QWidget):
    labels_changed = Signal()
    LABEL_TYPE, NEW_NAME = RelationLabel, "relation_{}"
    READ, SAVE, DELETE = "relation_labels", "save_relation_label", "delete_relation_label"  # deleting refused while relations use it

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._set_up(store, HEADERS, DESCRIPTION)
        self.table.setObjectName("relationLabels")
        hint = QLabel("Heads / Tails: the entity labels allowed at each end, comma-separated (empty: any). "
                      "The key is pressed after Ctrl+R; it may be an entity label's key too.")
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        add, delete = QPushButton("Add relation label"), QPushButton("Delete relation label")
        add.clicked.connect(self.add_label)
        delete.clicked.connect(self.delete_selected)
        buttons = QHBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(delete)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        for widget in (hint, self.table, self.error):
            layout.addWidget(widget)
        layout.addLayout(buttons)
        self.table.cellDoubleClicked.connect(lambda row, column: column == COLOR and self.recolour(row))
        self.reload()

    # -- LabelTableEdits: relation labels -------------------------------------------

    def _fill(self, row: int, label: RelationLabel) -> None:
        self._put(row, NAME, shown(label.name, LABEL))
        self._put(row, HOTKEY, label.hotkey or "")
        self._put(row, COLOR, label.color, editable=False).setBackground(QColor(label.color))
        directed = self._put(row, DIRECTED, "", editable=False)
        directed.setFlags(directed.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        directed.setCheckState(Qt.CheckState.Checked if label.directed else Qt.CheckState.Unchecked)
        self._put(row, HEADS, ", ".join(label.heads))
        self._put(row, TAILS, ", ".join(label.tails))
        self._put(row, DESCRIPTION, shown(label.description))

    def _row_label(self, row: int) -> RelationLabel:
        name, description = self._name_and_description(row, NAME, DESCRIPTION)  # a long name is shown cut
        directed = self.table.item(row, DIRECTED).checkState() == Qt.CheckState.Checked
        return RelationLabel(name, self.labels[row].color, self._text(row, HOTKEY) or None, description, directed,
                             _names(self._text(row, HEADS)), _names(self._text(row, TAILS)))


def _names(text: str) -> tuple[str, ...]:
    return tuple(name.strip() for name in text.split(",") if name.strip())
