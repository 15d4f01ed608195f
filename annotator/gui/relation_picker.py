"""The popup that asks which relation label an arrow gets: a list with a typed filter.

A label's hotkey picks it at once while the filter is empty; other characters type into
the filter; ↑/↓ move, Enter picks the highlighted label, Esc cancels. Labels whose
allowed ends do not fit the two spans are listed greyed out with the reason.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QFrame, QLabel, QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from annotator.core.model import AnnotationError, RelationLabel, check_relation_ends
from annotator.gui.display import LABEL, shown

Key = Qt.Key


class RelationPicker(QFrame):
    picked = Signal(str)  # the label's name
    cancelled = Signal()

    def __init__(self, labels: list[RelationLabel], head_label: str, tail_label: str, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Popup)
        self.setObjectName("relationPicker")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self._hotkeys = {label.hotkey: label.name for label in labels if label.hotkey and _fits(label, head_label, tail_label) is None}
        self._done = False
        self.filter = QLineEdit(placeholderText="Type to filter, or press a label's key")
        self.list = QListWidget()
        self.list.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keys go to the filter, which forwards ↑/↓/Enter
        for label in labels:
            self.list.addItem(_item(label, _fits(label, head_label, tail_label)))
        hint = QLabel(f"{shown(head_label, LABEL)} → {shown(tail_label, LABEL)}")
        hint.setObjectName("hint")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(hint)
        layout.addWidget(self.filter)
        layout.addWidget(self.list)
        self.filter.textChanged.connect(self._apply_filter)
        self.filter.installEventFilter(self)
        self.list.itemClicked.connect(lambda item: self._pick(item))
        self._apply_filter("")

    def popup(self, where: QPoint) -> None:
        self.move(where)
        self.show()
        self.filter.setFocus()

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt override
        if watched is self.filter and isinstance(event, QKeyEvent) and event.type() == QKeyEvent.Type.KeyPress:
            return self._key(event)
        return super().eventFilter(watched, event)

    def _key(self, event: QKeyEvent) -> bool:
        key = event.key()
        if key == Key.Key_Escape:
            self.close()
        elif key in (Key.Key_Return, Key.Key_Enter):
            self._pick(self.list.currentItem())
        elif key in (Key.Key_Up, Key.Key_Down):
            self._move(1 if key == Key.Key_Down else -1)
        elif not self.filter.text() and (name := self._hotkeys.get(event.text()) or self._hotkeys.get(event.text().lower())):
            self._finish(name)
        else:
            return False
        return True

    def _apply_filter(self, text: str) -> None:
        needle = text.casefold()
        for row in range(self.list.count()):
            item = self.list.item(row)
            item.setHidden(needle not in item.data(Qt.ItemDataRole.UserRole).casefold())
        self._move(0)

    def _move(self, step: int) -> None:
        """Highlight the next pickable shown row in ``step``'s direction (0: the first, or stay)."""
        rows = [r for r in range(self.list.count()) if not self.list.item(r).isHidden() and _pickable(self.list.item(r))]
        if not rows:
            self.list.setCurrentRow(-1)
            return
        here = self.list.currentRow()
        if step == 0:
            self.list.setCurrentRow(here if here in rows else rows[0])
            return
        later = [r for r in rows if (r - here) * step > 0]
        self.list.setCurrentRow(min(later, key=lambda r: abs(r - here)) if later else here if here in rows else rows[0])

    def _pick(self, item: QListWidgetItem | None) -> None:
        if item is not None and _pickable(item):
            self._finish(item.data(Qt.ItemDataRole.UserRole))

    def _finish(self, name: str) -> None:
        self._done = True
        self.close()
        self.picked.emit(name)

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().closeEvent(event)
        if not self._done:
            self._done = True
            self.cancelled.emit()


def _fits(label: RelationLabel, head_label: str, tail_label: str) -> str | None:
    """None if the ends fit ``label``, else why not."""
    try:
        check_relation_ends(label, head_label, tail_label)
    except AnnotationError as error:
        return str(error)
    return None


def _item(label: RelationLabel, refused: str | None) -> QListWidgetItem:
    key = f"   {label.hotkey}" if label.hotkey else ""
    arrow = "→" if label.directed else "—"
    item = QListWidgetItem(f"{arrow} {shown(label.name, LABEL)}{key}")
    item.setData(Qt.ItemDataRole.UserRole, label.name)
    if refused:
        item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEnabled)
        item.setToolTip(shown(refused))
    elif label.description:
        item.setToolTip(shown(label.description))
    return item


def _pickable(item: QListWidgetItem) -> bool:
    return bool(item.flags() & Qt.ItemFlag.ItemIsEnabled)
