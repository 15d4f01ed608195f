"""The document list: lazy paging over 100,000 documents, filters."""

import pytest
from PySide6.QtCore import Qt

from annotator.core.model import Document, Span, Status
from tests.gui.helpers import keys

Key, Mod = Qt.Key, Qt.KeyboardModifier


@pytest.fixture
def big_store(tmp_path):
    from annotator.store import Store

    store = Store(tmp_path / "big.db")
    store.add_documents(
        (Document(None, f"Article {i:06d}", f"Text {i} from Paris.", content_hash=f"h{i}"), [Span(0, 4, "ORG")] if i % 2 else [])
        for i in range(100_000)
    )
    yield store
    store.close()


@pytest.mark.slow
def test_hundred_thousand_documents_open_lazily(open_window, big_store):
    window = open_window(big_store)
    model, table = window.documents.model, window.documents.table
    assert model.rowCount() == 100_000
    assert len(model._pages) <= 2  # only what is on screen was read
    table.setFocus()
    keys(table, (Key.Key_End, Mod.ControlModifier))
    assert window.editor.document.title == "Article 099999"
    assert model.data(model.index(99_999, 0)) == "Article 099999"
    assert model.data(model.index(99_999, 2)) == "1"
    assert len(model._pages) <= 4
    assert window.progress.text() == "0 of 100,000 done"


def test_filters_by_text_and_status(open_window, store_factory, qtbot):
    store = store_factory([("Merkel in Berlin", "Angela Merkel.", []), ("Macron", "Emmanuel Macron in Paris.", []), ("Rome", "Rome.", [])])
    store.set_status(3, Status.DONE)
    window = open_window(store)
    documents = window.documents
    qtbot.keyClicks(documents.search, "Paris")
    keys(documents.search, Key.Key_Return)
    assert [documents.model.summary(i).title for i in range(documents.model.rowCount())] == ["Macron"]
    documents.search.clear()
    keys(documents.search, Key.Key_Return)
    documents.status_filter.setCurrentIndex(documents.status_filter.findData(Status.DONE.value))
    assert [documents.model.summary(i).title for i in range(documents.model.rowCount())] == ["Rome"]


def test_list_shows_span_counts_after_edits(open_window, store_factory):
    store = store_factory([("Merkel", "Angela Merkel spoke.", [])])
    window = open_window(store)
    window.view.select(0, 6)
    keys(window.view, "p")
    model = window.documents.model
    assert model.data(model.index(0, 2)) == "1"


def test_filter_from_the_keyboard(open_window, store_factory, qtbot):
    store = store_factory([("Merkel", "Angela Merkel in Berlin.", []), ("Macron", "Emmanuel Macron in Paris.", [])])
    window = open_window(store)
    keys(window.view, (Key.Key_F, Mod.ControlModifier | Mod.ShiftModifier))
    assert window.documents.search.hasFocus()
    qtbot.keyClicks(window.documents.search, "Macron")
    keys(window.documents.search, Key.Key_Return)
    assert window.documents.model.rowCount() == 1
