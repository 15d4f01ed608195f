"""The document list: a lazy, paged table model over Store.summaries and its widget.

Only the row count is asked up front; rows are fetched a page at a time when the
view paints them, so a project of 100,000 documents opens at once.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QAbstractItemView, QCheckBox, QComboBox, QHBoxLayout, QHeaderView, QLineEdit, QTableView, QVBoxLayout, QWidget

from annotator.core.model import DocumentSummary, Status
from annotator.gui.copy_counts import HEADER_TIP, WIDEST, CopyCounts
from annotator.gui.display import TOOLTIP, shown
from annotator.store import Store

PAGE = 200
KEEP_PAGES = 20
STATUS_TEXT = {Status.NEW: "new", Status.IN_PROGRESS: "in progress", Status.DONE: "done", Status.SKIPPED: "skipped"}
STATUS_INK = {Status.NEW: "#6b7280", Status.IN_PROGRESS: "#1d4ed8", Status.DONE: "#15803d", Status.SKIPPED: "#a16207"}
DAMAGED, DAMAGED_INK = "damaged", "#b91c1c"  # a row edited by hand into values the app never writes
COLUMNS = ("Title", "Status", "Spans", "Copies", "F1")
AGREEMENT = 4  # shown while comparing two annotators (gui/compare.py)


class DocumentListModel(QAbstractTableModel):
    def __init__(self, store: Store, parent=None) -> None:
        super().__init__(parent)
        self.store = store
        self.status: str | None = None
        self.text: str | None = None
        self.mine = False  # "My documents": only those assigned to the store's annotator
        self._count = store.count_documents()
        self._pages: dict[int, list[DocumentSummary]] = {}
        self.copies = CopyCounts(store, self)  # the Copies column: counted for the whole corpus, then kept
        self.agreement: dict[int, float | None] | None = None  # document -> the compared pair's F1
        self.by_agreement = False
        self._sorted: list[DocumentSummary] | None = None  # the filtered list, lowest agreement first

    def set_filter(self, status: str | None, text: str | None) -> None:
        self.status, self.text = status or None, text or None
        self.refresh()

    def refresh(self) -> None:
        """Count again and forget cached rows (after a filter or status change)."""
        self.beginResetModel()
        self._count = self.store.count_documents(self.status, self.text, mine=self.mine)
        self._pages.clear()
        self._sorted = None
        if self.by_agreement and self.agreement is not None:  # a sorted list is read whole (one query) and sorted here
            self._sorted = sorted(self.store.summaries(self.status, self.text, mine=self.mine), key=self._agreement_order)
            self._count = len(self._sorted)
        self.endResetModel()

    def set_agreement(self, agreement: dict[int, float | None] | None) -> None:
        """Each document's agreement of the compared pair (None: not comparing)."""
        self.agreement = agreement
        self.by_agreement = self.by_agreement and agreement is not None
        self.refresh()

    def sort_by_agreement(self, on: bool) -> None:
        self.by_agreement = on and self.agreement is not None
        self.refresh()

    def _agreement_order(self, row: DocumentSummary) -> tuple:
        value = self.agreement.get(row.id)
        return (value is None, value if value is not None else 0.0, row.id)  # nothing to compare: last

    def forget(self, doc_id: int) -> None:
        """A document changed: drop its cached page and repaint its row."""
        self.copies.spans_changed(doc_id)  # its sentences may agree or disagree with their copies now
        if self._sorted is not None:
            self._forget_sorted(doc_id)
            return
        for number, rows in list(self._pages.items()):
            for i, row in enumerate(rows):
                if row.id == doc_id:
                    del self._pages[number]
                    index = number * PAGE + i
                    self.dataChanged.emit(self.index(index, 0), self.index(index, len(COLUMNS) - 1))
                    return

    def _forget_sorted(self, doc_id: int) -> None:
        index = next((i for i, row in enumerate(self._sorted) if row.id == doc_id), None)
        position = self.store.document_row(doc_id, self.status, self.text, mine=self.mine)
        fresh = self.store.summaries(self.status, self.text, position, 1, mine=self.mine) if index is not None and position is not None else []
        if fresh:
            self._sorted[index] = fresh[0]
            self.dataChanged.emit(self.index(index, 0), self.index(index, len(COLUMNS) - 1))

    def summary(self, row: int) -> DocumentSummary | None:
        if not 0 <= row < self._count:
            return None
        if self._sorted is not None:
            return self._sorted[row]
        number = row // PAGE
        page = self._pages.get(number)
        if page is None:
            page = self._pages[number] = self.store.summaries(self.status, self.text, number * PAGE, PAGE, mine=self.mine)
            while len(self._pages) > KEEP_PAGES:
                self._pages.pop(next(iter(self._pages)))
        offset = row - number * PAGE
        return page[offset] if offset < len(page) else None

    def row_of(self, doc_id: int) -> int | None:
        if self._sorted is not None:
            return next((i for i, row in enumerate(self._sorted) if row.id == doc_id), None)
        return self.store.document_row(doc_id, self.status, self.text, mine=self.mine)

    # -- Qt model ---------------------------------------------------------------

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else self._count

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        if role == Qt.ItemDataRole.ToolTipRole and section == 2:
            return "Accepted spans, + suggestions waiting for review"
        if role == Qt.ItemDataRole.ToolTipRole and section == 3:
            return HEADER_TIP
        if role == Qt.ItemDataRole.ToolTipRole and section == AGREEMENT:
            return "Agreement: exact-span F1 of the two annotators compared (— where neither marked a span); click to sort, lowest first"
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.ForegroundRole):
            return None
        row = self.summary(index.row())
        if row is None:
            return None
        column = index.column()
        if column == 3:
            return self.copies.data(row.id, role)
        if column == AGREEMENT:
            value = (self.agreement or {}).get(row.id)
            return None if role == Qt.ItemDataRole.ForegroundRole else "—" if value is None else f"{value:.2f}"
        problems = getattr(row, "problems", ())  # a DamagedSummary
        if role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(QColor(DAMAGED_INK if problems else STATUS_INK[row.status])) if column == 1 else None
        if role == Qt.ItemDataRole.ToolTipRole and problems:
            return damaged_tooltip(row)
        if column == 0:
            # Qt guesses whether a tooltip is rich text: escape the title inside an explicit <qt>.
            return shown(row.title) if role == Qt.ItemDataRole.DisplayRole else f"<qt>#{row.id} {html.escape(shown(row.title, TOOLTIP))}</qt>"
        if column == 1:
            return DAMAGED if problems else STATUS_TEXT[row.status]
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{row.span_count} accepted, {row.suggestion_count} suggested"
        return f"{row.span_count} +{row.suggestion_count}" if row.suggestion_count else str(row.span_count)


def damaged_tooltip(row: DocumentSummary) -> str:
    """What is wrong with a damaged row, for its tooltip (escaped rich text)."""
    items = "".join(f"<li>{html.escape(shown(problem))}</li>" for problem in row.problems)
    return (
        f"<qt><b>#{row.id} {html.escape(shown(row.title, 120))}</b><br>This row of the database holds values the annotator "
        f"never writes (edited by hand?):<ul>{items}</ul>It is shown as it is; the other documents are not affected.</qt>"
    )


class DocumentList(QWidget):
    """Filter bar and the table; emits the id of the document the user picks."""

    document_chosen = Signal(int)

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = DocumentListModel(store, self)
        self.status_filter = QComboBox()
        self.status_filter.addItem("All", None)
        for status in Status:
            self.status_filter.addItem(STATUS_TEXT[status].capitalize(), status.value)
        self.search = QLineEdit(placeholderText="Filter by title or text…", clearButtonEnabled=True)
        self.mine = QCheckBox("My documents", toolTip="Only the documents assigned to you (annotator assign)")
        self.table = self._table()
        self._debounce = QTimer(self, singleShot=True, interval=250)
        self._debounce.timeout.connect(self.apply_filter)
        self.search.textChanged.connect(self._debounce.start)
        self.search.returnPressed.connect(self.apply_filter)
        self.status_filter.currentIndexChanged.connect(self.apply_filter)
        self.mine.toggled.connect(self.apply_filter)
        self._layout()

    def _table(self) -> QTableView:
        table = QTableView()
        table.setObjectName("documents")
        table.setModel(self.model)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setShowGrid(False)
        table.setWordWrap(False)
        table.verticalHeader().hide()
        table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)  # no row measuring
        table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 10)
        header = table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Fixed)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(1, table.fontMetrics().horizontalAdvance("in progress") + 20)
        header.resizeSection(2, table.fontMetrics().horizontalAdvance("9999 +999") + 16)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(3, table.fontMetrics().horizontalAdvance(WIDEST) + 16)
        header.resizeSection(AGREEMENT, table.fontMetrics().horizontalAdvance("0.00") + 16)
        header.setSectionResizeMode(AGREEMENT, QHeaderView.ResizeMode.Fixed)
        table.setColumnHidden(AGREEMENT, True)
        header.sectionClicked.connect(self._header_clicked)
        header.setHighlightSections(False)
        table.selectionModel().currentRowChanged.connect(self._row_changed)
        return table

    def _layout(self) -> None:
        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        bar.addWidget(self.search, 1)
        bar.addWidget(self.status_filter)
        bar.addWidget(self.mine)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 4, 8)
        layout.addLayout(bar)
        layout.addWidget(self.table)

    def _header_clicked(self, section: int) -> None:
        """The Agreement header sorts by it (lowest first); a second click goes back to id order."""
        if section == AGREEMENT:
            current = self.current_id()
            self.model.sort_by_agreement(not self.model.by_agreement)
            self.table.horizontalHeader().setSortIndicatorShown(self.model.by_agreement)
            self.table.horizontalHeader().setSortIndicator(AGREEMENT, Qt.SortOrder.AscendingOrder)
            if current is not None:
                self.select_id(current, emit=False)

    def show_agreement(self, agreement: dict[int, float | None] | None) -> None:
        """Comparing: the Agreement column shows (``None``: hidden, id order again)."""
        current = self.current_id()
        self.model.set_agreement(agreement)
        self.table.setColumnHidden(AGREEMENT, agreement is None)
        self.table.horizontalHeader().setSortIndicatorShown(self.model.by_agreement)
        if current is not None:
            self.select_id(current, emit=False)

    def apply_filter(self) -> None:
        self._debounce.stop()
        current = self.current_id()
        self.model.mine = self.mine.isChecked()
        self.model.set_filter(self.status_filter.currentData(), self.search.text().strip())
        if current is not None:
            self.select_id(current, emit=False)

    def _row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        row = self.model.summary(current.row())
        if row is not None:
            self.document_chosen.emit(row.id)

    def current_id(self) -> int | None:
        row = self.model.summary(self.table.currentIndex().row())
        return row.id if row else None

    def select_row(self, row: int) -> bool:
        if not 0 <= row < self.model.rowCount():
            return False
        self.table.setCurrentIndex(self.model.index(row, 0))
        self.table.scrollTo(self.model.index(row, 0))
        return True

    def select_id(self, doc_id: int, emit: bool = True) -> None:
        row = self.model.row_of(doc_id)
        if row is None:
            return
        blocked = self.table.selectionModel().blockSignals(not emit)
        self.select_row(row)
        self.table.selectionModel().blockSignals(blocked)
        self.table.viewport().update()

    def step(self, delta: int) -> bool:
        """Move to the next (+1) or previous (-1) document in the list."""
        row = self.table.currentIndex().row()
        return self.select_row(row + delta if row >= 0 else 0)
