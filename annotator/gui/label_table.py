"""What the labels dialog's two tables share (entity labels, gui/labels_dialog.py; relation
labels, gui/relation_labels_tab.py): a row per label, every change stored at once, a refusal
shown with the stored labels read back, and cells shown cut (a long name or description)
that save the whole value while left unchanged.

``LabelTableEdits`` is mixed into a widget with a ``labels_changed`` signal; its ``_set_up``
makes ``table`` and ``error``. The widget names its kind of label and the Store calls that
read, save and delete it, and says how a label is put into a row and read back from one.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QAbstractItemView, QColorDialog, QHeaderView, QLabel, QTableWidget, QTableWidgetItem

from annotator.core.labels import palette_color
from annotator.core.model import AnnotationError
from annotator.gui.display import LABEL, shown


class LabelTableEdits:
    LABEL_TYPE: type  # Label or RelationLabel: made as LABEL_TYPE(name, color)
    READ, SAVE, DELETE = "labels", "save_label", "delete_label"  # the Store's calls for this kind
    NEW_NAME = "LABEL_{}"  # a new label's name, the first number free

    def _set_up(self, store, headers: tuple[str, ...], stretch: int) -> None:
        """The table (column ``stretch`` takes the room left) and the line that says why a change was refused."""
        self.store = store
        self.table = QTableWidget(0, len(headers))
        self.table.setHorizontalHeaderLabels(headers)
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
        self.table.itemChanged.connect(self._item_changed)
        self.error = QLabel()
        self.error.setObjectName("error")
        self.error.setTextFormat(Qt.TextFormat.PlainText)

    # -- what the widget gives ------------------------------------------------------

    def _fill(self, row: int, label) -> None:
        raise NotImplementedError

    def _row_label(self, row: int):
        raise NotImplementedError

    # -- shared ---------------------------------------------------------------------

    def reload(self) -> None:
        self.labels = getattr(self.store, self.READ)()
        blocked = self.table.blockSignals(True)
        self.table.setRowCount(len(self.labels))
        for row, label in enumerate(self.labels):
            self._fill(row, label)
        self._filled()
        self.table.blockSignals(blocked)

    def _filled(self) -> None:
        """After the rows are filled (column widths)."""

    def _put(self, row: int, column: int, text: str, editable: bool = True) -> QTableWidgetItem:
        item = QTableWidgetItem(text)
        if not editable:
            item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
        self.table.setItem(row, column, item)
        return item

    def _name_and_description(self, row: int, name_column: int, description_column: int) -> tuple[str, str]:
        """A row's name and description: the stored whole value while the cut one shown is unchanged."""
        old = self.labels[row]
        name, description = self._text(row, name_column), self._text(row, description_column)
        return (old.name if name == shown(old.name, LABEL).strip() else name,
                old.description if description == shown(old.description).strip() else description)

    def _text(self, row: int, column: int) -> str:
        return self.table.item(row, column).text().strip()

    def save(self, label, old_name: str | None) -> bool:
        try:
            getattr(self.store, self.SAVE)(label, old_name)
        except AnnotationError as error:
            self._refused(error)
            return False
        self._saved()
        return True

    def _refused(self, error: AnnotationError) -> None:
        self.error.setText(shown(str(error)))
        self.reload()  # the row shows what is stored again

    def _saved(self) -> None:
        self.error.clear()
        self.reload()
        self.labels_changed.emit()

    def _item_changed(self, item: QTableWidgetItem) -> None:
        row = item.row()
        try:
            label = self._row_label(row)
        except AnnotationError as error:  # a bad name or key typed into the cell
            self._refused(error)
            return
        self.save(label, self.labels[row].name)

    def recolour(self, row: int, color: QColor | None = None) -> None:
        old = self.labels[row]
        color = color or QColorDialog.getColor(QColor(old.color), self, f"Colour of {shown(old.name, LABEL)}")
        if color.isValid():
            self.save(replace(old, color=color.name()), old.name)

    def add_label(self) -> None:
        names = {label.name for label in self.labels}
        name = next(self.NEW_NAME.format(i) for i in range(1, len(names) + 2) if self.NEW_NAME.format(i) not in names)
        if self.save(self.LABEL_TYPE(name, palette_color(len(self.labels))), None):
            self.table.editItem(self.table.item(len(self.labels) - 1, 0))  # the name, to type at once

    def delete_selected(self) -> None:
        row = self.table.currentRow()
        if row < 0:
            return
        try:
            getattr(self.store, self.DELETE)(self.labels[row].name)
        except AnnotationError as error:  # e.g. still used
            self.error.setText(shown(str(error)))
            return
        self._saved()
