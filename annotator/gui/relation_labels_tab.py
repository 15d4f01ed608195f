"""The Relations tab of the labels dialog: name, key, colour, directed or not, the entity
labels allowed at each end, description; every change is stored at once."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QColorDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.core.labels import palette_color
from annotator.core.model import AnnotationError, RelationLabel
from annotator.gui.display import LABEL, shown
from annotator.store import Store

NAME, HOTKEY, COLOR, DIRECTED, HEADS, TAILS, DESCRIPTION = range(7)
HEADERS = ("Name", "Key", "Colour", "Directed", "Heads", "Tails", "Description")


class RelationLabelsTab(QWidget):
    labels_changed = Signal()

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.table = QTableWidget(0, len(HEADERS))
        self.table.setObjectName("relationLabels")
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setSectionResizeMode(DESCRIPTION, QHeaderView.ResizeMode.Stretch)
        self.error = QLabel()
        self.error.setObjectName("error")
        self.error.setTextFormat(Qt.TextFormat.PlainText)
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
        self.table.itemChanged.connect(self._item_changed)
        self.table.cellDoubleClicked.connect(lambda row, column: column == COLOR and self.recolour(row))
        self.reload()

    def reload(self) -> None:
        self.labels = self.store.relation_labels()
        blocked = self.table.blockSignals(True)
        self.table.setRowCount(len(self.labels))
        for row, label in enumerate(self.labels):
            self._fill(row, label)
        self.table.blockSignals(blocked)

    def _fill(self, row: int, label: RelationLabel) -> None:
        cells = {NAME: shown(label.name, LABEL), HOTKEY: label.hotkey or "", COLOR: label.color, DIRECTED: "",
                 HEADS: ", ".join(label.heads), TAILS: ", ".join(label.tails), DESCRIPTION: shown(label.description)}
        for column, text in cells.items():
            item = QTableWidgetItem(text)
            if column == COLOR:
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                item.setBackground(QColor(label.color))
            if column == DIRECTED:
                item.setFlags((item.flags() | Qt.ItemFlag.ItemIsUserCheckable) & ~Qt.ItemFlag.ItemIsEditable)
                item.setCheckState(Qt.CheckState.Checked if label.directed else Qt.CheckState.Unchecked)
            self.table.setItem(row, column, item)

    def save(self, label: RelationLabel, old_name: str | None) -> bool:
        try:
            self.store.save_relation_label(label, old_name)
        except AnnotationError as error:
            self.error.setText(shown(str(error)))
            self.reload()
            return False
        self.error.clear()
        self.reload()
        self.labels_changed.emit()
        return True

    def _row_label(self, row: int) -> RelationLabel:
        text = lambda column: self.table.item(row, column).text().strip()  # noqa: E731
        old = self.labels[row]
        name = old.name if text(NAME) == shown(old.name, LABEL).strip() else text(NAME)  # a long name is shown cut
        description = old.description if text(DESCRIPTION) == shown(old.description).strip() else text(DESCRIPTION)
        directed = self.table.item(row, DIRECTED).checkState() == Qt.CheckState.Checked
        return RelationLabel(name, old.color, text(HOTKEY) or None, description, directed, _names(text(HEADS)), _names(text(TAILS)))

    def _item_changed(self, item: QTableWidgetItem) -> None:
        row = item.row()
        try:
            label = self._row_label(row)
        except AnnotationError as error:
            self.error.setText(shown(str(error)))
            self.reload()
            return
        self.save(label, self.labels[row].name)

    def recolour(self, row: int, color: QColor | None = None) -> None:
        old = self.labels[row]
        color = color or QColorDialog.getColor(QColor(old.color), self, f"Colour of {shown(old.name, LABEL)}")
        if color.isValid():
            self.save(RelationLabel(old.name, color.name(), old.hotkey, old.description, old.directed, old.heads, old.tails), old.name)

    def add_label(self) -> None:
        names = {label.name for label in self.labels}
        name = next(f"relation_{i}" for i in range(1, len(names) + 2) if f"relation_{i}" not in names)
        if self.save(RelationLabel(name, palette_color(len(self.labels))), None):
            self.table.editItem(self.table.item(len(self.labels) - 1, NAME))

    def delete_selected(self) -> None:
        row = self.table.currentRow()
        if row < 0:
            return
        try:
            self.store.delete_relation_label(self.labels[row].name)
        except AnnotationError as error:  # still used by relations
            self.error.setText(shown(str(error)))
            return
        self.error.clear()
        self.reload()
        self.labels_changed.emit()


def _names(text: str) -> tuple[str, ...]:
    return tuple(name.strip() for name in text.split(",") if name.strip())
