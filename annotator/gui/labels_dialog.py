"""Labels dialog: add, rename, recolour, set a hotkey; every change is stored at once."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPushButton, QTabWidget, QVBoxLayout

from annotator.core.model import Label
from annotator.gui.colors import contrast_with_black
from annotator.gui.display import LABEL, shown
from annotator.gui.label_table import LabelTableEdits
from annotator.gui.relation_labels_tab import RelationLabelsTab
from annotator.store import Store

NAME, HOTKEY, COLOR, CONTRAST, DESCRIPTION = range(5)
HEADERS = ("Name", "Key", "Colour", "Contrast", "Description")
MIN_CONTRAST = 4.5  # WCAG AA for black text on the label colour


class LabelsDialog(LabelTableEdits, QDialog):
    labels_changed = Signal()
    LABEL_TYPE = Label

    def __init__(self, store: Store, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Labels")
        self._set_up(store, HEADERS, DESCRIPTION)
        add = QPushButton("Add label")
        delete = QPushButton("Delete label")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(add, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(delete, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        add.clicked.connect(self.add_label)
        delete.clicked.connect(self.delete_selected)
        self.table.cellDoubleClicked.connect(self._double_clicked)
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

    # -- LabelTableEdits: entity labels ---------------------------------------------

    def _filled(self) -> None:
        self.table.resizeColumnToContents(NAME)
        self.table.setColumnWidth(NAME, min(self.table.columnWidth(NAME), self.fontMetrics().averageCharWidth() * 28))  # a long name is elided

    def _fill(self, row: int, label: Label) -> None:
        ratio = contrast_with_black(label.color)
        # Names and descriptions of any length are shown cut; an unchanged cut cell saves the whole value (_row_label).
        self._put(row, NAME, shown(label.name, LABEL))
        self._put(row, HOTKEY, label.hotkey or "")
        self._put(row, COLOR, label.color, editable=False).setBackground(QColor(label.color))
        contrast = self._put(row, CONTRAST, f"{ratio:.1f}:1", editable=False)
        if ratio < MIN_CONTRAST:
            contrast.setToolTip("Black text is hard to read on this colour; pick a lighter one.")
            contrast.setForeground(QColor("#b91c1c"))
        self._put(row, DESCRIPTION, shown(label.description))

    def _row_label(self, row: int) -> Label:
        name, description = self._name_and_description(row, NAME, DESCRIPTION)
        return Label(name, self.labels[row].color, self._text(row, HOTKEY) or None, description)

    def _double_clicked(self, row: int, column: int) -> None:
        if column == COLOR:
            self.recolour(row)
