"""The side panel: the selected span (label, state, note) and the document (status, note).

Edits go straight to the Editor, which makes each one an undoable, committed
command; the panel only mirrors what is stored.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from annotator.core.model import Document, Label, Span, State, Status
from annotator.gui.document_list import STATUS_TEXT
from annotator.gui.editor import Editor

PREVIEW = 80


def plain_label(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)  # article text is shown literally
    label.setWordWrap(True)
    return label


def note_editor(placeholder: str) -> QPlainTextEdit:
    editor = QPlainTextEdit()
    editor.setPlaceholderText(placeholder)
    editor.setTabChangesFocus(True)
    editor.setFixedHeight(editor.fontMetrics().lineSpacing() * 3 + 14)
    return editor


class SpanPanel(QGroupBox):
    def __init__(self, editor: Editor, parent: QWidget | None = None) -> None:
        super().__init__("Span", parent)
        self.editor = editor
        self.span: Span | None = None
        self.text = plain_label()
        self.text.setObjectName("spanText")
        self.label = QComboBox()
        self.origin = plain_label()
        self.origin.setObjectName("hint")
        self.accept = QPushButton("Accept (Enter)")
        self.delete = QPushButton("Delete (Del)")
        self.note = note_editor("Note on this span…")
        self._layout()
        self.label.activated.connect(self._relabel)
        self.accept.clicked.connect(editor.accept_current)
        self.delete.clicked.connect(editor.delete_current)
        self.note.textChanged.connect(self._note_changed)
        self.show_span(None)

    def _layout(self) -> None:
        buttons = QHBoxLayout()
        buttons.addWidget(self.accept)
        buttons.addWidget(self.delete)
        form = QFormLayout()
        form.addRow("Label", self.label)
        form.addRow("State", self.origin)
        layout = QVBoxLayout(self)
        layout.setSpacing(6)
        layout.addWidget(self.text)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.note)

    def set_labels(self, labels: list[Label]) -> None:
        self.label.clear()
        for label in labels:
            self.label.addItem(label.name)
        self.show_span(self.span)

    def show_span(self, span: Span | None) -> None:
        self.span = span
        for widget in (self.label, self.accept, self.delete, self.note):
            widget.setEnabled(span is not None)
        if span is None:
            self.text.setText("Select text and press a label key, or click a highlighted span.")
            self.origin.setText("")
            self._set_note("")
            return
        document = self.editor.document
        snippet = document.text[span.start : span.end] if document else ""
        self.text.setText(f"“{_shorten(snippet)}”  {span.start}–{span.end}")
        self.label.setCurrentText(span.label)
        state = "suggestion" if span.state == State.SUGGESTED else span.state.value
        self.origin.setText(origin_text(span, state))
        self.accept.setVisible(span.state == State.SUGGESTED)
        self.delete.setText("Reject (Del)" if span.state == State.SUGGESTED else "Delete (Del)")
        self._set_note(span.note)

    def _set_note(self, note: str) -> None:
        if self.note.toPlainText() != note:
            blocked = self.note.blockSignals(True)
            self.note.setPlainText(note)
            self.note.blockSignals(blocked)

    def _relabel(self) -> None:
        if self.span is not None:
            self.editor.relabel(self.span, self.label.currentText())

    def _note_changed(self) -> None:
        if self.span is not None:
            self.editor.set_span_note(self.span, self.note.toPlainText())


class DocumentPanel(QGroupBox):
    def __init__(self, editor: Editor, parent: QWidget | None = None) -> None:
        super().__init__("Document", parent)
        self.editor = editor
        self.status = QComboBox()
        for status in Status:
            self.status.addItem(STATUS_TEXT[status].capitalize(), status.value)
        self.info = plain_label()
        self.info.setObjectName("hint")
        self.note = note_editor("Note on this document…")
        form = QFormLayout()
        form.addRow("Status", self.status)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.info)
        layout.addWidget(self.note)
        self.status.activated.connect(lambda _i: editor.set_status(Status(self.status.currentData())))
        self.note.textChanged.connect(lambda: editor.set_document_note(self.note.toPlainText()))

    def show_document(self, document: Document | None) -> None:
        self.setEnabled(document is not None)
        if document is None:
            return
        self.status.setCurrentIndex(self.status.findData(Status(document.status).value))
        self.info.setText(f"#{document.id} · {len(document.text):,} characters · done Ctrl+D · skip Ctrl+K")
        if self.note.toPlainText() != document.note:
            blocked = self.note.blockSignals(True)
            self.note.setPlainText(document.note)
            self.note.blockSignals(blocked)


def _shorten(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= PREVIEW else text[: PREVIEW - 1] + "…"


def origin_text(span: Span, state: str) -> str:
    """"accepted · from model (en_core_web_lg) · by alice": kind, another tool's own name for it, annotator."""
    text = f"{state} · from {span.source.value}"
    if span.provenance:
        text += f" ({span.provenance})"
    return text + (f" · by {span.annotator}" if span.annotator else "")
