"""A non-modal strip above the article: edits the database refused, with Retry and Discard.

A dialog per keystroke would be unbearable while the disk is full; the banner stays
until the edits are saved or discarded, and the work goes on meanwhile.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QPushButton, QSizePolicy, QWidget

from annotator.gui.display import LINE, shown
from annotator.gui.editor import Editor
from annotator.gui.side_panel import plain_label


class UnsavedBanner(QFrame):
    def __init__(self, editor: Editor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("unsavedBanner")
        self.setStyleSheet("#unsavedBanner { background: #fff3cd; border: 1px solid #c9a227; border-radius: 4px; }")
        self.text = plain_label()  # the error names the file, which may hold anything
        self.text.setWordWrap(True)
        self.text.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.retry = QPushButton("Retry (Ctrl+Shift+Z)")
        self.discard = QPushButton("Discard")
        for button in (self.retry, self.discard):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the keyboard stays in the article
        row = QHBoxLayout(self)
        row.setContentsMargins(8, 4, 8, 4)
        row.addWidget(self.text, 1)
        row.addWidget(self.retry)
        row.addWidget(self.discard)
        self.retry.clicked.connect(editor.retry)
        self.discard.clicked.connect(editor.discard_unsaved)
        self.why = ""  # the database's last refusal, naming the file
        editor.unsaved_changed.connect(self.show_unsaved)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self.hide()

    def show_unsaved(self, count: int, why: str) -> None:
        self.why = why
        self.setVisible(count > 0)
        edits = "1 edit is" if count == 1 else f"{count} edits are"
        self.text.setText(f"{edits} not saved yet: {shown(why, LINE)}\nThey are kept: fix the problem, then Retry.")
        self._fit()

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        """A wrapped label does not ask its layout for the height it needs: give it that height."""
        if self.text.width() > 0:
            self.text.setMinimumHeight(max(0, self.text.heightForWidth(self.text.width())))  # -1: no text yet
