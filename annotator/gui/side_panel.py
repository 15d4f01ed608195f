"""The side panel: the selected span (label, state, note) and the document (status, note).

Edits go straight to the Editor, which makes each one an undoable, committed
command; the panel only mirrors what is stored.
"""

from __future__ import annotations

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

from annotator.core.annotators import DEFAULT_ANNOTATOR
from annotator.core.model import Document, Label, Span, State, Status
from annotator.gui.display import LABEL, LINE, WrappedLabel, shown
from annotator.gui.document_list import STATUS_TEXT
from annotator.gui.editor import Editor
from annotator.store.rows import damage_of

PREVIEW = 80
NOTE_EDIT_LIMIT = 100_000  # characters: a longer note is shown cut and read-only (QPlainTextEdit lays out a long paragraph whole)


def plain_label(text: str = "") -> QLabel:
    """A word-wrapped label of plain text (stored text is shown literally) that long words never widen."""
    return WrappedLabel(text)


def note_editor(placeholder: str) -> QPlainTextEdit:
    editor = QPlainTextEdit()
    editor.setPlaceholderText(placeholder)
    editor.setTabChangesFocus(True)
    editor.setFixedHeight(editor.fontMetrics().lineSpacing() * 3 + 14)
    return editor


def set_note(editor: QPlainTextEdit, note: str) -> None:
    """Show ``note`` without emitting textChanged; a note too long to edit here (imported, or
    edited by hand) is shown cut and read-only, so that no edit can save the cut text."""
    note = note if isinstance(note, str) else ""
    too_long = len(note) > NOTE_EDIT_LIMIT
    shown_note = note[:NOTE_EDIT_LIMIT] + f"\n… ({len(note):,} characters: too long to edit here)" if too_long else note
    editor.setReadOnly(too_long)
    if editor.toPlainText() != shown_note:
        blocked = editor.blockSignals(True)
        editor.setPlainText(shown_note)
        editor.blockSignals(blocked)


class SpanPanel(QGroupBox):
    def __init__(self, editor: Editor, parent: QWidget | None = None) -> None:
        super().__init__("Span", parent)
        self.editor = editor
        self.span: Span | None = None
        self.text = plain_label()
        self.text.setObjectName("spanText")
        self.label = QComboBox()
        self.label.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.label.setMinimumContentsLength(12)  # a long label name never widens the panel
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
            self.label.addItem(shown(label.name, LABEL), label.name)  # the name itself is the item's data
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
        snippet = document.text[span.start : min(span.end, span.start + 4 * PREVIEW)] if document else ""  # a span may cover megabytes
        self.text.setText(f"“{_shorten(snippet, span.end - span.start > 4 * PREVIEW)}”  {span.start}–{span.end}")
        self.label.setCurrentIndex(self.label.findData(span.label))
        state = "suggestion" if span.state == State.SUGGESTED else span.state.value
        self.origin.setText(origin_text(span, state))
        self.accept.setVisible(span.state == State.SUGGESTED)
        self.delete.setText("Reject (Del)" if span.state == State.SUGGESTED else "Delete (Del)")
        self._set_note(span.note)

    def _set_note(self, note: str) -> None:
        set_note(self.note, note)

    def _relabel(self) -> None:
        if self.span is not None and self.label.currentData() is not None:
            self.editor.relabel(self.span, self.label.currentData())

    def _note_changed(self) -> None:
        if self.span is not None and not self.note.isReadOnly():
            self.editor.set_span_note(self.span, self.note.toPlainText())


class DocumentPanel(QGroupBox):
    def __init__(self, editor: Editor, parent: QWidget | None = None) -> None:
        super().__init__("Document", parent)
        self.editor = editor
        self.status = QComboBox()
        for status in Status:
            self.status.addItem(STATUS_TEXT[status].capitalize(), status.value)
        self.status.setPlaceholderText("Damaged")  # shown for a status the app does not know (a row edited by hand)
        self.info = plain_label()
        self.info.setObjectName("hint")
        self.damage = plain_label()  # what is wrong with a row edited by hand; hidden for a sound one
        self.damage.setObjectName("error")
        self.damage.hide()
        self.note = note_editor("Note on this document…")
        form = QFormLayout()
        form.addRow("Status", self.status)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.info)
        layout.addWidget(self.damage)
        layout.addWidget(self.note)
        self.status.activated.connect(lambda _i: editor.set_status(Status(self.status.currentData())))
        self.note.textChanged.connect(self._note_changed)

    def show_document(self, document: Document | None) -> None:
        self.setEnabled(document is not None)
        if document is None:
            return
        self.status.setCurrentIndex(self.status.findData(document.status.value) if isinstance(document.status, Status) else -1)
        self.info.setText(f"#{document.id} · {len(document.text):,} characters · done Ctrl+D · skip Ctrl+K")
        problems = damage_of(document)
        self.damage.setVisible(bool(problems))
        self.damage.setText("Damaged row (edited by hand?): " + "; ".join(shown(p, LINE) for p in problems) if problems else "")
        set_note(self.note, document.note)

    def _note_changed(self) -> None:
        if not self.note.isReadOnly():
            self.editor.set_document_note(self.note.toPlainText())


def _shorten(text: str, cut: bool = False) -> str:
    text = shown(" ".join(text.split()), PREVIEW)
    return text[: PREVIEW - 1] + "…" if cut and not text.endswith("…") else text


def origin_text(span: Span, state: str) -> str:
    """"accepted · from model (en_core_web_lg) · by alice": kind, another tool's own name for it, annotator."""
    text = f"{state} · from {span.source.value}"
    if span.provenance:
        text += f" ({shown(span.provenance, LABEL)})"  # free text of another tool, any length
    named = span.annotator and span.annotator != DEFAULT_ANNOTATOR  # "default": nobody was named
    return text + (f" · by {shown(span.annotator, LABEL)}" if named else "")
