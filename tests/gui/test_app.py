"""Starting the window: missing display, --db, remembered geometry."""

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication

from annotator.gui import app
from annotator.gui.main_window import MainWindow


def test_missing_display_gives_a_message_not_a_traceback(monkeypatch, capsys):
    monkeypatch.setattr(app.sys, "platform", "linux")
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(name, raising=False)
    assert app.run(None, []) == 2
    err = capsys.readouterr().err
    assert "no display" in err and "Traceback" not in err


def test_run_opens_the_given_database(qapp, store_factory, tmp_path):
    store = store_factory([("Only", "Just one article.", [])])
    seen = {}

    def look_and_close():
        (window,) = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
        seen["path"], seen["title"] = window.store.path, window.editor.document.title
        window.close()

    QTimer.singleShot(0, look_and_close)
    assert app.run(store.path, []) == 0
    assert seen == {"path": store.path, "title": "Only"}


def test_default_database_is_seeded_on_first_run(qapp, tmp_path, monkeypatch):
    monkeypatch.delenv("ANNOTATOR_DB")  # the user data folder's database, in tmp_path/data
    seen = {}

    def look_and_close():
        (window,) = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
        seen["rows"] = window.documents.model.rowCount()
        window.close()

    QTimer.singleShot(0, look_and_close)
    assert app.run(None, []) == 0
    assert seen["rows"] >= 2  # the seed articles
    assert (tmp_path / "data" / "annotator" / "annotator.db").exists()


def test_geometry_and_splitter_are_remembered(qtbot, store_factory, tmp_path):
    store = store_factory([("Only", "Just one article.", [])])
    settings = QSettings(str(tmp_path / "remember.ini"), QSettings.Format.IniFormat)
    first = MainWindow(store, settings)
    qtbot.addWidget(first)
    first.show()
    first.resize(720, 530)  # the offscreen screen is small
    first.splitter.setSizes([200, 600, 311])
    sizes = first.splitter.sizes()
    first.close()
    second = MainWindow(store, QSettings(str(tmp_path / "remember.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(second)
    second.show()
    assert (second.width(), second.height()) == (720, 530)
    assert second.splitter.sizes() == sizes


def test_empty_database_says_how_to_import_and_ignores_keys(open_window, tmp_path):
    from PySide6.QtCore import Qt

    from annotator.store import Store
    from tests.gui.helpers import keys

    store = Store(tmp_path / "empty.db")
    window = open_window(store)
    assert "annotator import" in window.title.text()
    keys(window.view, "p", Qt.Key.Key_Return, Qt.Key.Key_Delete, Qt.Key.Key_Tab, (Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier))
    assert window.progress.text() == "0 of 0 done"
    store.close()


def test_unusable_display_gives_a_message_not_an_abort(tmp_path):
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "WAYLAND_DISPLAY")}
    env.update(DISPLAY=":77", ANNOTATOR_DB=str(tmp_path / "a.db"))  # no X server there
    done = subprocess.run([sys.executable, "-m", "annotator"], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert "annotator: the window cannot open" in done.stderr
