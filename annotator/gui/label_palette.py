"""The label palette: one button per label (colour, name, hotkey); doubles as the legend."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from annotator.core.model import Label
from annotator.gui.colors import ink
from annotator.gui.display import LINE, TOOLTIP, ElidedButton, shown

COLUMNS = 2


class LabelPalette(QWidget):
    label_clicked = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._grid = QGridLayout()
        self._grid.setSpacing(4)
        self._grid.setContentsMargins(0, 0, 0, 0)
        key = QLabel("Filled: accepted · dashed: suggestion · underlined: nested span")
        key.setObjectName("hint")
        key.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self._grid)
        layout.addWidget(key)
        self.buttons: dict[str, QPushButton] = {}

    def set_labels(self, labels: list[Label]) -> None:
        for button in self.buttons.values():
            button.deleteLater()
        self.buttons = {}
        for i, label in enumerate(labels):
            button = self._button(label)
            self._grid.addWidget(button, i // COLUMNS, i % COLUMNS)
            self.buttons[label.name] = button

    def _button(self, label: Label) -> QPushButton:
        hotkey = f"   {label.hotkey}" if label.hotkey else ""
        button = ElidedButton(label.name, hotkey)  # a long name is elided to the button; the key always shows
        button.setObjectName("labelButton")
        # Not focusable: clicking it must leave the article's selection where it is.
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        button.setToolTip(_tooltip(label))
        button.setStyleSheet(
            f"QPushButton {{ background: {label.color}; border: 1px solid {ink(label.color).name()}; color: #111; }}"
            f"QPushButton:hover {{ border: 2px solid #111; }}"
        )
        button.clicked.connect(lambda _=False, name=label.name: self.label_clicked.emit(name))
        return button


def _tooltip(label: Label) -> str:
    from html import escape

    key = f" (key {escape(label.hotkey)})" if label.hotkey else ""
    return f"<qt><b>{escape(shown(label.name, LINE))}</b>{key}<br>{escape(shown(label.description, TOOLTIP, one_line=False))}</qt>"
