"""File > Import with bad and big input: every problem named (file, line), nothing half-imported,
the window responsive during a 50 MB import, and Cancel leaves the database as it was."""

from __future__ import annotations

import json
import threading

import pytest
from PySide6.QtCore import QTimer

from annotator.core.text import content_hash
from annotator.store.bulk import BulkWriter
from tests.reliability.tally import TALLY

SAVED = "Saved before the import: Angela Merkel in Berlin."


def jsonl(*records) -> bytes:
    return "".join(json.dumps(r) + "\n" for r in records).encode()


# name -> (bytes, the problem the dialog must show or None when it imports)
REFUSED = {
    "binary.txt": (bytes(range(256)) * 8, "binary content"),
    "nul.txt": (b"abc\0def\n", "NUL byte"),
    "surrogate.jsonl": (b'{"text": "a\\ud800b"}\n', ":1: text contains a lone surrogate"),
    "latin1.txt": (b"caf\xe9 au lait\n", "not valid utf-8"),
    "malformed.jsonl": (b'{"text": "ok"}\n{"text": "broken"\nnot json\n', ":2: not valid JSON"),
    "out_of_range.jsonl": (jsonl({"text": "Paris", "spans": [{"start": 0, "end": 50, "label": "GPE"}]}), ":1: span #1: span end 50 is beyond"),
    "reversed.jsonl": (jsonl({"text": "Rome is nice", "spans": [{"start": 4, "end": 0, "label": "GPE"}]}), ":1: span #1: span end 0 is not after start 4"),
}
SKIPPED = {  # imported as nothing, with a warning naming the file
    "empty.txt": b"",
    "empty.jsonl": b"",
    "blank.txt": b"  \n\n \t\n",
    "blank.jsonl": b"\n  \n",
}


@pytest.fixture
def window(open_window, store_factory):
    return open_window(store_factory([("Saved", SAVED, [])]))


def run_import(window, qtbot, paths) -> None:
    window.import_files([str(p) for p in paths])
    qtbot.waitUntil(lambda: not window.import_run.job.running(), timeout=120_000)
    qtbot.wait(10)  # deliver the job's queued signals
    TALLY["inputs"] += len(paths)


def press_cancel(run) -> None:
    from PySide6.QtWidgets import QPushButton

    button = run.progress.findChild(QPushButton)
    assert button.text() == "Cancel"
    button.click()
    assert run.job.cancelled()


def db_state(store) -> list:
    return [(s.id, s.title, content_hash(store.document(s.id).text)) for s in store.summaries()] + [l.name for l in store.labels()]


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_bad_input_is_refused_with_file_and_line(window, qtbot, tmp_path, name):
    data, problem = REFUSED[name]
    good = tmp_path / "good.txt"
    good.write_text("A fine document that must not be imported alone.")
    bad = tmp_path / name
    bad.write_bytes(data)
    before = db_state(window.store)
    run_import(window, qtbot, [good, bad])
    shown = window.import_run.problems_dialog.list.toPlainText()
    assert f"{bad}" in shown and problem in shown
    assert db_state(window.store) == before  # all or nothing: the good file was not imported either
    assert "Nothing was imported" in window.statusBar().currentMessage()
    TALLY["trials"] += 1


def test_every_problem_is_listed_in_one_dialog(window, qtbot, tmp_path):
    paths = []
    for name, (data, _problem) in REFUSED.items():
        paths.append(tmp_path / name)
        paths[-1].write_bytes(data)
    run_import(window, qtbot, paths)
    dialog = window.import_run.problems_dialog
    shown = dialog.list.toPlainText()
    for name, (_data, problem) in REFUSED.items():
        assert any(name in line and problem in line for line in shown.splitlines()), name
    assert dialog.list.isReadOnly() and dialog.intro.textFormat().name == "PlainText"
    assert window.store.count_documents() == 1


@pytest.mark.parametrize("name", sorted(SKIPPED))
def test_empty_and_blank_files_are_skipped_with_a_warning(window, qtbot, tmp_path, name):
    path = tmp_path / name
    path.write_bytes(SKIPPED[name])
    run_import(window, qtbot, [path])
    assert window.store.count_documents() == 1
    shown = window.import_run.problems_dialog.list.toPlainText()
    assert f"{path}: empty or blank file, skipped" in shown


def test_bom_is_dropped_and_unknown_labels_are_created_and_named(window, qtbot, tmp_path):
    (tmp_path / "bom.txt").write_bytes("\ufeffHello BOM world\n".encode())
    (tmp_path / "bom.jsonl").write_bytes(b"\xef\xbb\xbf" + jsonl({"text": "Excalibur shines", "spans": [{"start": 0, "end": 9, "label": "WEAPON"}]}))
    from annotator.transfer.validating import validate_paths

    known = [label.name for label in window.store.labels()]
    checked = validate_paths([tmp_path / "bom.jsonl"], known_labels=known)  # validate reports it...
    assert any("WEAPON" in str(problem) and "bom.jsonl:1" in str(problem) for problem in checked.problems)
    run_import(window, qtbot, [tmp_path / "bom.txt", tmp_path / "bom.jsonl"])
    texts = {window.store.document(s.id).text for s in window.store.summaries()}
    assert {"Hello BOM world\n", "Excalibur shines"} <= texts or {"Hello BOM world", "Excalibur shines"} <= texts
    assert not any(t.startswith("\ufeff") for t in texts)
    # An import creates labels it does not know (validate would report them) and says which.
    assert "new labels: WEAPON" in window.statusBar().currentMessage()
    assert "WEAPON" in window.palette.buttons
    assert window.documents.model.rowCount() == 3  # the list shows the new documents


def test_one_megabyte_single_line(window, qtbot, tmp_path):
    line = ("word " * 210_000)[:1_048_576]
    (tmp_path / "long.jsonl").write_text(json.dumps({"text": line, "spans": [{"start": 0, "end": 4, "label": "ORG"}]}) + "\n")
    run_import(window, qtbot, [tmp_path / "long.jsonl"])
    (doc_id,) = [s.id for s in window.store.summaries() if s.id != 1]
    assert window.store.document(doc_id).text == line
    assert [(s.start, s.end) for s in window.store.spans(doc_id)] == [(0, 4)]


def test_fifty_megabyte_file_keeps_the_window_responsive(window, qtbot, tmp_path):
    big = tmp_path / "big.txt"
    paragraph = "Researchers annotate news articles about Angela Merkel in Berlin. " * 15 + "\n"
    with big.open("w", encoding="utf-8") as out:
        while out.tell() < 50 * 1024 * 1024:
            out.write(paragraph * 100)
    size = big.stat().st_size
    beats_while_running = []
    heartbeat = QTimer(interval=20)
    heartbeat.timeout.connect(lambda: beats_while_running.append(window.import_run.job.running()))
    heartbeat.start()
    run_import(window, qtbot, [big])
    heartbeat.stop()
    assert any(beats_while_running)  # the event loop kept turning while the worker ran
    (doc_id,) = [s.id for s in window.store.summaries() if s.id != 1]
    assert len(window.store.document(doc_id).text.encode()) == size
    TALLY["trials"] += 1


def test_cancel_mid_write_rolls_back(window, qtbot, tmp_path, monkeypatch):
    records = [{"text": f"Document {i}: Angela Merkel met Emmanuel Macron.", "spans": [{"start": 0, "end": 8, "label": "NEWLABEL"}]} for i in range(2_000)]
    (tmp_path / "many.jsonl").write_bytes(jsonl(*records))
    before = db_state(window.store)
    reached, released = threading.Event(), threading.Event()
    flush = BulkWriter._flush_batch  # each full batch goes through it (flush() only ends the import)

    def held_half_way(writer):
        flush(writer)
        if len(writer.result.added) == 1_000 and not reached.is_set():  # half written inside the transaction
            reached.set()
            released.wait(30)

    monkeypatch.setattr(BulkWriter, "_flush_batch", held_half_way)
    window.import_files([str(tmp_path / "many.jsonl")])
    run = window.import_run
    qtbot.waitUntil(reached.is_set, timeout=60_000)
    press_cancel(run)
    released.set()
    qtbot.waitUntil(lambda: not run.job.running(), timeout=60_000)
    qtbot.wait(10)
    TALLY["faults"] += 1
    TALLY["inputs"] += 1
    assert db_state(window.store) == before  # no document, no span, not even the new label
    assert window.statusBar().currentMessage() == "Import cancelled: nothing was imported."
    monkeypatch.undo()
    run_import(window, qtbot, [tmp_path / "many.jsonl"])  # a re-run completes it
    assert window.store.count_documents() == 2_001
    TALLY["trials"] += 1


def test_cancel_while_reading_writes_nothing(window, qtbot, tmp_path, monkeypatch):
    import annotator.gui.import_dialog as import_dialog

    (tmp_path / "one.txt").write_text("Just one document.")
    before = db_state(window.store)
    reading, released = threading.Event(), threading.Event()
    real_import = import_dialog.import_paths

    def slow_reading(*args, **kwargs):
        reading.set()
        released.wait(30)
        return real_import(*args, **kwargs)

    monkeypatch.setattr(import_dialog, "import_paths", slow_reading)
    window.import_files([str(tmp_path / "one.txt")])
    qtbot.waitUntil(reading.is_set, timeout=60_000)
    press_cancel(window.import_run)
    released.set()
    qtbot.waitUntil(lambda: not window.import_run.job.running(), timeout=60_000)
    qtbot.wait(10)
    TALLY["faults"] += 1
    assert db_state(window.store) == before
    assert not window.import_run.progress.isVisible()
