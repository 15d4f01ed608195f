"""GUI test fixtures: offscreen Qt, settings and data in tmp_path, a Store with documents."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

from annotator.core.model import Document, Span
from annotator.core.text import content_hash
from annotator.store import Store


@pytest.fixture(autouse=True)
def isolated_dirs(tmp_path, monkeypatch):
    """Keep QSettings, the user data folder, the saved name and the default DB inside tmp_path."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("ANNOTATOR_DB", str(tmp_path / "default.db"))
    monkeypatch.setenv("ANNOTATOR_NAME", "default")  # a named annotator: no first-start dialog stops the window


def make_store(path, articles: list[tuple[str, str, list[Span]]]) -> Store:
    store = Store(path)
    store.add_documents([(Document(None, title, text, content_hash=content_hash(text)), spans) for title, text, spans in articles])
    return store


@pytest.fixture
def store_factory(tmp_path):
    stores = []

    def factory(articles):
        store = make_store(tmp_path / f"test{len(stores)}.db", articles)
        stores.append(store)
        return store

    yield factory
    for store in stores:
        store.close()


@pytest.fixture
def open_window(qtbot, tmp_path):
    """Show the real main window on a Store; settings go to an INI file in tmp_path."""
    from PySide6.QtCore import QSettings

    from annotator.gui.main_window import MainWindow

    def opener(store):
        settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
        window = MainWindow(store, settings)
        qtbot.addWidget(window)
        with qtbot.waitActive(window):  # shortcuts only reach the active window
            window.show()
            window.activateWindow()
        window.view.setFocus()
        return window

    return opener

