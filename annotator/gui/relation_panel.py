"""The side panel's Relations box: the relations of the span at the caret.

One row a relation, read from that span: "→ delivered_to → Turkey" (it is the head),
"← met ← Pompeo" (it is the tail); an undirected one reads "— allied_with — Iran".
Enter on a row (or Go to) goes to the other end, Delete deletes it, F2 (or Relabel…)
picks another label; the note below edits the selected row's note. Esc goes back to
the article. The panel only asks; ``RelationsInWindow`` makes the undoable commands.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QListWidget, QListWidgetItem, QPushButton, QVBoxLayout, QWidget

from annotator.core.model import Relation, Span
from annotator.gui.display import LABEL, shown
from annotator.gui.side_panel import note_editor, plain_label, set_note

PREVIEW = 40  # characters of the other end's text in a row
Key = Qt.Key


class RelationList(QListWidget):
    """The rows, with their keys: Enter goes, Delete deletes, F2 relabels, Esc leaves."""

    key_action = Signal(str)  # "go", "delete", "relabel", "leave"

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        action = {Key.Key_Return: "go", Key.Key_Enter: "go", Key.Key_Delete: "delete", Key.Key_Backspace: "delete",
                  Key.Key_F2: "relabel", Key.Key_Escape: "leave"}.get(event.key())
        if action is None:
            super().keyPressEvent(event)
        else:
            self.key_action.emit(action)


class RelationPanel(QGroupBox):
    go_requested = Signal(object)  # Span: the other end of the chosen row
    relabel_requested = Signal(object)  # Relation
    delete_requested = Signal(object)  # Relation
    note_edited = Signal(object, str)  # Relation, the new note
    leave_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Relations", parent)
        self.setObjectName("relations")
        self.span: Span | None = None
        self.relations: list[Relation] = []
        self.hint = plain_label()
        self.hint.setObjectName("hint")
        self.list = RelationList()
        self.list.setObjectName("relationList")
        # Short names, keys in the tooltips: three buttons must fit the side panel's width.
        self.go = _button("Go to", "Go to the other end (Enter)")
        self.relabel = _button("Relabel…", "Change the relation's label (F2)")
        self.delete = _button("Delete", "Delete the relation (Del)")
        self.note = note_editor("Note on this relation…")
        self._layout()
        self.list.currentRowChanged.connect(self._row_changed)
        self.list.itemDoubleClicked.connect(lambda _item: self._act("go"))
        self.list.key_action.connect(self._act)
        self.go.clicked.connect(lambda: self._act("go"))
        self.relabel.clicked.connect(lambda: self._act("relabel"))
        self.delete.clicked.connect(lambda: self._act("delete"))
        self.note.textChanged.connect(self._note_changed)
        self.show_relations(None, [], [])

    def _layout(self) -> None:
        buttons = QHBoxLayout()
        for button in (self.go, self.relabel, self.delete):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setSpacing(6)
        layout.addWidget(self.hint)
        layout.addWidget(self.list)
        layout.addLayout(buttons)
        layout.addWidget(self.note)
        self.list.setMaximumHeight(self.list.fontMetrics().lineSpacing() * 6 + 8)

    def show_relations(self, span: Span | None, relations: list[Relation], rows: list[str]) -> None:
        """The relations of ``span`` and their rows (``row_text``); the selected one stays selected."""
        kept = self.current()
        self.span, self.relations = span, relations
        blocked = self.list.blockSignals(True)
        self.list.clear()
        for row in rows:
            self.list.addItem(QListWidgetItem(row))
        ids = [r.id for r in relations]
        self.list.setCurrentRow(ids.index(kept.id) if kept and kept.id in ids else 0 if ids else -1)
        self.list.blockSignals(blocked)
        if span is None:
            self.hint.setText("Relations of the span at the caret show here.")
        else:
            self.hint.setText("Ctrl+R draws a new one from this span; drag from a label tag, or Alt+click the other span." if not relations else "")
        self.hint.setVisible(bool(self.hint.text()))
        self._row_changed()

    def current(self) -> Relation | None:
        row = self.list.currentRow()
        return self.relations[row] if 0 <= row < len(self.relations) else None

    def _row_changed(self, *_row) -> None:
        relation = self.current()
        for widget in (self.go, self.relabel, self.delete, self.note):
            widget.setEnabled(relation is not None)
        set_note(self.note, relation.note if relation else "")

    def _act(self, action: str) -> None:
        relation = self.current()
        if action == "leave":
            self.leave_requested.emit()
        elif relation is None:
            return
        elif action == "go":
            self.go_requested.emit(relation.tail if relation.head.id == self.span.id else relation.head)
        elif action == "relabel":
            self.relabel_requested.emit(relation)
        elif action == "delete":
            self.delete_requested.emit(relation)

    def _note_changed(self) -> None:
        relation = self.current()
        if relation is not None and not self.note.isReadOnly():
            self.note_edited.emit(relation, self.note.toPlainText())


def row_text(relation: Relation, span: Span, text: str, directed: bool) -> str:
    """"→ delivered_to → Turkey" from the head, "← met ← Pompeo" from the tail (``text``: the article)."""
    from_head = relation.head.id == span.id
    other = relation.tail if from_head else relation.head
    arrow = "—" if not directed else "→" if from_head else "←"
    name = shown(text[other.start : min(other.end, other.start + PREVIEW)], PREVIEW)
    note = "  ✎" if relation.note else ""
    return f"{arrow} {shown(relation.label, LABEL)} {arrow} {name}{note}"


def _button(text: str, tip: str) -> QPushButton:
    button = QPushButton(text)
    button.setToolTip(tip)
    # The style's minimum (~80 px a button) would make the row wider than the side panel.
    button.setMinimumWidth(button.fontMetrics().horizontalAdvance(text) + 16)
    return button
