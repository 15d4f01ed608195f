"""Labels dialog: add, rename, recolour, set a hotkey; every change is stored at once."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QColorDialog,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTabWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from annotator.core.labels import palette_color
from annotator.core.model import AnnotationError, Label
from annotator.gui.colors import contrast_with_black
from annotator.gui.display import LABEL, shown
from annotator.gui.relation_labels_tab import RelationLabelsTab
from annotator.store import Store

NAME, HOTKEY, COLOR, CONTRAST, DESCRIPTION = range(5)
HEADERS = ("Name", "Key", "Colour", "Contrast", "Description")
MIN_CONTRAST = 4.5  # WCAG AA for black text on the label colour


class LabelsDialog(QDialog):
    labels_changed = Signal()

    def __init__(self, store: Store, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Labels")
        self.store = store
        self.table = QTableWidget(0, len(HEADERS))
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setSectionResizeMode(DESCRIPTION, QHeaderView.ResizeMode.Stretch)
        self.error = QLabel()
        self.error.setObjectName("error")
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        add = QPushButton("Add label")
        delete = QPushButton("Delete label")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(add, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(delete, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        add.clicked.connect(self.add_label)
        delete.clicked.connect(self.delete_selected)
        self.table.cellDoubleClicked.connect(self._double_clicked)
        self.table.itemChanged.connect(self._item_changed)
        self.relations = RelationLabelsTab(store)  # relation labels: a tab of their own
        self.relations.labels_changed.connect(self.labels_changed)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.table, "Entities")
        self.tabs.addTab(self.relations, "Relations")
        layout = QVBoxLayout(self)
        hint = QLabel("Double-click a cell to edit it; the colour cell opens a colour picker. Changes are saved at once.")
        hint.setObjectName("hint")
        layout.addWidget(hint)
        layout.addWidget(self.tabs)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.resize(720, 520)
        self.reload()

    def reload(self) -> None:
        self.labels = self.store.labels()
        blocked = self.table.blockSignals(True)
        self.table.setRowCount(len(self.labels))
        for row, label in enumerate(self.labels):
            self._fill(row, label)
        self.table.resizeColumnToContents(NAME)
        self.table.setColumnWidth(NAME, min(self.table.columnWidth(NAME), self.fontMetrics().averageCharWidth() * 28))  # a long name is elided
        self.table.blockSignals(blocked)

    def _fill(self, row: int, label: Label) -> None:
        ratio = contrast_with_black(label.color)
        # Names and descriptions of any length are shown cut; an unchanged cut cell saves the whole value (_row_label).
        cells = {NAME: shown(label.name, LABEL), HOTKEY: label.hotkey or "", COLOR: label.color, CONTRAST: f"{ratio:.1f}:1", DESCRIPTION: shown(label.description)}
        for column, text in cells.items():
            item = QTableWidgetItem(text)
            if column in (COLOR, CONTRAST):
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
            if column == COLOR:
                item.setBackground(QColor(label.color))
            if column == CONTRAST and ratio < MIN_CONTRAST:
                item.setToolTip("Black text is hard to read on this colour; pick a lighter one.")
                item.setForeground(QColor("#b91c1c"))
            self.table.setItem(row, column, item)

    def save(self, label: Label, old_name: str | None) -> bool:
        try:
            self.store.save_label(label, old_name)
        except AnnotationError as error:
            self.error.setText(shown(str(error)))
            self.reload()
            return False
        self.error.clear()
        self.reload()
        self.labels_changed.emit()
        return True

    def _row_label(self, row: int) -> Label:
        text = lambda column: self.table.item(row, column).text().strip()  # noqa: E731
        old = self.labels[row]
        name = old.name if text(NAME) == shown(old.name, LABEL).strip() else text(NAME)
        description = old.description if text(DESCRIPTION) == shown(old.description).strip() else text(DESCRIPTION)
        return Label(name, old.color, text(HOTKEY) or None, description)

    def _item_changed(self, item: QTableWidgetItem) -> None:
        row = item.row()
        try:
            label = self._row_label(row)
        except AnnotationError as error:
            self.error.setText(shown(str(error)))
            self.reload()
            return
        self.save(label, self.labels[row].name)

    def _double_clicked(self, row: int, column: int) -> None:
        if column == COLOR:
            self.recolour(row)

    def recolour(self, row: int, color: QColor | None = None) -> None:
        old = self.labels[row]
        color = color or QColorDialog.getColor(QColor(old.color), self, f"Colour of {shown(old.name, LABEL)}")
        if color.isValid():
            self.save(Label(old.name, color.name(), old.hotkey, old.description), old.name)

    def add_label(self) -> None:
        names = {label.name for label in self.labels}
        name = next(f"LABEL_{i}" for i in range(1, len(names) + 2) if f"LABEL_{i}" not in names)
        if self.save(Label(name, palette_color(len(self.labels))), None):
            self.table.editItem(self.table.item(len(self.labels) - 1, NAME))

    def delete_selected(self) -> None:
        row = self.table.currentRow()
        if row < 0:
            return
        try:
            self.store.delete_label(self.labels[row].name)
        except AnnotationError as error:
            self.error.setText(shown(str(error)))
            return
        self.error.clear()
        self.reload()
        self.labels_changed.emit()
