"""The widgets of a comparison: the dialog that picks annotators A and B, and the side
panel's box listing the open document's disagreements with the keys that decide them."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
)

from annotator.core.annotators import GOLD
from annotator.gui.adjudication import Comparison, Disagreement
from annotator.gui.compare_marks import A_COLOR, B_COLOR
from annotator.gui.display import LABEL, WrappedLabel, shown
from annotator.store.layers import AnnotatorLayer

SNIPPET = 40


class ChooseDialog(QDialog):
    """Annotators A and B, from the layers the database knows (gold left out)."""

    def __init__(self, parent, layers: list[AnnotatorLayer], pair: tuple[str, str] | None) -> None:
        super().__init__(parent, windowTitle="Compare annotators")
        layers = [layer for layer in layers if layer.name != GOLD]
        self.a, self.b = QComboBox(), QComboBox()
        for combo in (self.a, self.b):
            for layer in layers:
                combo.addItem(f"{shown(layer.name, LABEL)} — {layer.spans:,} spans, {layer.done:,} done", layer.name)
        marked = [layer.name for layer in layers if layer.spans] or [layer.name for layer in layers]
        first, second = pair or (marked * 2 + ["", ""])[:2]  # the first two layers with spans, by name
        self.a.setCurrentIndex(max(self.a.findData(first), 0))
        self.b.setCurrentIndex(max(self.b.findData(second), 0))
        self.problem = QLabel()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(WrappedLabel(f"Both versions show on the open document; your decisions make the “{GOLD}” layer."))
        form.addRow("A (blue line):", self.a)
        form.addRow("B (orange line):", self.b)
        form.addRow(self.problem)
        form.addRow(self.buttons)
        for combo in (self.a, self.b):
            combo.currentIndexChanged.connect(self._check)
        self._check()

    def _check(self) -> None:
        same = self.a.currentData() == self.b.currentData()
        self.problem.setText("Choose two different annotators." if same else "")
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(not same and self.a.count() > 1)

    def pair(self) -> tuple[str, str]:
        return self.a.currentData(), self.b.currentData()


class ComparePanel(QGroupBox):
    """The open document's disagreements; a click goes to one."""

    chosen = Signal(object)  # a Disagreement
    decide = Signal(str)  # one of adjudication.CHOICES
    take_agreed = Signal()
    stop = Signal()

    def __init__(self) -> None:
        super().__init__("Compare")
        self.setObjectName("comparePanel")
        self.legend = QLabel()
        self.legend.setTextFormat(Qt.TextFormat.RichText)  # names escaped by shown() and html below
        self.summary = WrappedLabel()
        self.list = QListWidget()
        self.list.setMinimumHeight(140)
        self.list.itemClicked.connect(lambda item: self.chosen.emit(item.data(Qt.ItemDataRole.UserRole)))
        column = QVBoxLayout(self)
        for widget in (self.legend, self.summary, self.list):
            column.addWidget(widget)
        self.buttons = {}
        for choice, text in (("A", "A  Alt+1"), ("B", "B  Alt+2"), ("both", "Both  Alt+3"), ("neither", "Neither  Alt+0")):
            self.buttons[choice] = QPushButton(text, autoDefault=False)
            self.buttons[choice].clicked.connect(lambda _checked=False, c=choice: self.decide.emit(c))
        row = QFormLayout()
        row.addRow(self.buttons["A"], self.buttons["B"])
        row.addRow(self.buttons["both"], self.buttons["neither"])
        column.addLayout(row)
        self.agreed = QPushButton("Take all agreements  Alt+A", autoDefault=False)
        self.agreed.clicked.connect(self.take_agreed)
        self.done = QPushButton("Stop comparing", autoDefault=False)
        self.done.clicked.connect(self.stop)
        column.addWidget(self.agreed)
        column.addWidget(self.done)
        self.hide()

    def set_pair(self, a: str, b: str, curator: str) -> None:
        from html import escape

        swatch = "<span style='color:{}'>■</span> {}"
        self.legend.setText(f"{swatch.format(A_COLOR.name(), escape(shown(a, LABEL)))} &nbsp; {swatch.format(B_COLOR.name(), escape(shown(b, LABEL)))}"
                            f"<br>→ {GOLD}, curated by {escape(shown(curator, LABEL))}")

    def show_comparison(self, comparison: Comparison, current: Disagreement | None, text: str) -> None:
        items = comparison.items
        open_ = sum(not item.decided for item in items)
        self.summary.setText(f"{len(items)} disagreement{'s' * (len(items) != 1)}, {open_} to decide; "
                             f"{comparison.agreed_total} agreed, {len(comparison.agreed)} not yet in {GOLD}")
        self.agreed.setEnabled(bool(comparison.agreed))
        self.list.clear()
        for item in items:
            row = QListWidgetItem(describe(item, text))
            row.setData(Qt.ItemDataRole.UserRole, item)
            if item.decided:
                row.setForeground(Qt.GlobalColor.gray)
            self.list.addItem(row)
            if item == current:
                self.list.setCurrentItem(row)


def describe(item: Disagreement, text: str) -> str:
    """One line: decided or not, the text, the kind, each side's labels."""
    def side(spans) -> str:
        return ", ".join(shown(s.label, LABEL) for s in spans) or "—"

    return f"{'✓' if item.decided else '•'} “{shown(text[item.start:item.end], SNIPPET)}” {item.kind}: A {side(item.a)} · B {side(item.b)}"
