"""Review > Train a model… in the real window: the dialog by mouse, training in a child process,
the panel's progress, chart and per-label table, Cancel leaving no model folder, a refusal said
plainly, and the model joining the pre-annotation picker as the default."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QComboBox, QDialogButtonBox, QMessageBox

from annotator.gui.training_chart import LINE
from annotator.store import Store
from annotator.training.run import TrainOptions
from tests.gui.helpers import keys
from tests.training.treaty_corpus import treaty_store

Key, Mod = Qt.Key, Qt.KeyboardModifier
LEFT = Qt.MouseButton.LeftButton
DONE_MS = 180_000  # a generous ceiling for a loaded machine; a run of 20 steps takes a few seconds


@pytest.fixture
def treaty_window(tmp_path, open_window):
    store = Store(treaty_store(tmp_path, 16))
    yield open_window(store)
    store.close()


def choose_from_menu(qtbot, window, menu, action) -> None:
    """Click the menu's title in the menu bar, then the action in the menu, as a user would."""
    bar = window.menuBar()
    qtbot.mouseClick(bar, LEFT, pos=bar.actionGeometry(menu.menuAction()).center())
    qtbot.waitUntil(menu.isVisible)
    qtbot.mouseClick(menu, LEFT, pos=menu.actionGeometry(action).center())


def train_by_mouse(qtbot, window, steps: int):
    training = window.suggestions.training
    choose_from_menu(qtbot, window, window.review_menu, training.action)
    qtbot.waitUntil(lambda: training.dialog is not None and training.dialog.isVisible())
    dialog = training.dialog
    spans = window.store.stats()["spans"]
    assert sorted(dialog.labels.item(r).text() for r in range(dialog.labels.count())) == [
        f"{label} ({spans[label]['accepted']} accepted)" for label in ("GPE", "TREATY")]
    dialog.max_steps.setFocus()
    keys(dialog.max_steps, (Key.Key_A, Mod.ControlModifier), *str(steps))
    qtbot.mouseClick(dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok), LEFT)
    qtbot.waitUntil(lambda: training.panel is not None and training.panel.isVisible())
    return training


def test_train_from_the_menu_shows_the_table_and_the_model_joins_the_picker(qtbot, treaty_window):
    window = treaty_window
    training = train_by_mouse(qtbot, window, 20)
    panel, out_dir = training.panel, training.job.out_dir
    assert panel.heading.text().startswith("<b>default</b>'s accepted spans") and "20 steps at most" in panel.heading.text()
    qtbot.waitUntil(lambda: not training.running(), timeout=DONE_MS)
    assert panel.stage.text().startswith("Done: best dev F1"), panel.stage.text()
    assert (out_dir / "meta.json").is_file() and (out_dir / "corpus" / "split.json").is_file()
    rows = panel.rows()
    assert [row[0] for row in rows] == ["GPE", "TREATY", "All labels"]
    assert all(0.0 <= float(cell) <= 1.0 for row in rows for cell in row[1:4])
    assert int(rows[-1][4]) == int(rows[0][4]) + int(rows[1][4]) > 0  # train spans per label, and their sum
    assert [step for step, _ in panel.chart.points] == list(range(0, 21, 2))  # dev F1 at the start, then every 2 of 20 steps
    assert panel.steps.value() == 20 and not panel.cancel_button.isVisible()
    image = panel.chart.grab().toImage()
    for step, f1 in panel.chart.points:  # each evaluation drawn where it belongs
        assert QColor(image.pixel(panel.chart.position(step, f1).toPoint())) == LINE
    assert not panel.table.verticalScrollBar().isVisible()  # the whole table shows

    qtbot.mouseClick(panel.default_button, LEFT)  # make it the default model
    assert training.default_model() == str(out_dir)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    keys(window.view, (Key.Key_P, Mod.ControlModifier | Mod.ShiftModifier))  # Review > Pre-annotate…
    dialog = window.suggestions.dialog
    qtbot.waitUntil(dialog.isVisible)
    picker = dialog.findChild(QComboBox)
    assert str(out_dir) in [picker.itemText(i) for i in range(picker.count())]
    assert dialog.model() == str(out_dir)  # proposed as the default
    dialog.reject()


def test_cancel_leaves_no_model_folder(qtbot, treaty_window, tmp_path):
    window = treaty_window
    training = window.suggestions.training
    out_dir = tmp_path / "models" / "cancelled"
    out_dir.parent.mkdir()
    job = training.start(TrainOptions(max_steps=5000), out_dir)
    steps = []
    job.progressed.connect(lambda record: steps.append(record.step) if record.stage == "training" else None)
    qtbot.waitUntil(lambda: len(steps) >= 3, timeout=DONE_MS)  # well into training
    qtbot.mouseClick(training.panel.cancel_button, LEFT)
    qtbot.waitUntil(lambda: not training.running(), timeout=DONE_MS)
    assert training.panel.stage.text() == "Cancelled: nothing was saved."
    assert list(out_dir.parent.iterdir()) == []  # neither OUT_DIR nor its staging folder
    assert max(steps) < 5000
    assert training.models() == []  # nothing joins the picker


def test_a_refusal_says_what_to_do(qtbot, tmp_path, open_window):
    with Store(treaty_store(tmp_path, 1)) as store:
        window = open_window(store)
        training = window.suggestions.training
        out_dir = tmp_path / "one"
        training.start(TrainOptions(max_steps=5), out_dir)
        qtbot.waitUntil(lambda: not training.running(), timeout=DONE_MS)
        box = training.error_box
        assert isinstance(box, QMessageBox) and box.isVisible()
        assert "only one document" in box.text() and "only one document" in training.panel.stage.text()
        assert not out_dir.exists() and not Path(str(out_dir) + ".partial").exists()
        box.close()


def test_closing_the_window_stops_the_training_and_leaves_no_model_folder(qtbot, treaty_window, tmp_path):
    window = treaty_window
    out_dir = tmp_path / "models" / "closed"
    out_dir.parent.mkdir()
    job = window.suggestions.training.start(TrainOptions(max_steps=5000), out_dir)
    steps = []
    job.progressed.connect(lambda record: steps.append(record.step) if record.stage == "training" else None)
    qtbot.waitUntil(lambda: len(steps) >= 2, timeout=DONE_MS)
    window.close()
    assert not job.child_alive() and list(out_dir.parent.iterdir()) == []
