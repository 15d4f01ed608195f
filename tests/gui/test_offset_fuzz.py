"""Offset fuzz through the real window: import a hostile text, select in the article view,
press a label key, export JSONL, import it into a second DB: the same spans, and
``text[start:end]`` is exactly what the view had selected.

A case is one selection tagged in the view (set with QTextCursor in Qt positions, or dragged
with the mouse); ANNOTATOR_FUZZ_EXAMPLES sets how many (default
2,000), SELECTIONS of them per drawn text, and each drawn text makes one export/import round
trip. One window and two stores serve the whole run, so CI time stays bounded.
"""

from __future__ import annotations

import itertools
import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtTest import QTest

from annotator.core.model import State, Status
from annotator.store import Store
from annotator.transfer.exporting import export
from annotator.transfer.importing import import_paths
from tests.gui.helpers import drag
from tests.reliability.tally import TALLY

CASES = int(os.environ.get("ANNOTATOR_FUZZ_EXAMPLES", "2000"))
SELECTIONS = 6  # per drawn text: 5 made with QTextCursor, 1 dragged with the mouse
TEXTS = -(-CASES // SELECTIONS)
NO_FSYNC = {"synchronous": 0}  # offsets are on trial here, not durability: ~3x faster

PIECES = [
    "👩‍🔬", "👨‍👩‍👧‍👦", "🏳️‍🌈", "🇫🇷", "🇯🇵", "👍🏽", "👋🏿", "😀", "𝔘",  # ZWJ, flags, skin tones, astral
    "e\u0301", "n\u0303\u0323", "\u0300",  # combining marks (one stray)
    "東京", "北京市", "한국어", "かな",  # CJK
    "\u200f", "\u200e", "שלום", "مرحبا", "\u202b",  # RTL marks and scripts
    "\u2028", "\u2029", "\xa0", "\t", " ", "  ",
    "\r\n", "\r", "\n", "\n\n", "\r\r\n",  # CR/LF mixes: normalized at import
    "Marie", "Curie", "Paris", "-", ".", "&", "<b>", "x",
]
texts = st.lists(st.sampled_from(PIECES) | st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), min_size=1, max_size=3), min_size=1, max_size=30).map("".join)


def utf16_starts(text: str) -> list[int]:
    """Qt position of each code point boundary, computed apart from annotator.gui.offsets."""
    starts = [0]
    for ch in text:
        starts.append(starts[-1] + (2 if ord(ch) > 0xFFFF else 1))
    return starts


def trimmed(text: str, start: int, end: int) -> tuple[int, int] | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if start < end else None


def as_seen(text: str) -> str:
    # QTextCursor.selectedText() gives every block break (\n or U+2029) as U+2029.
    return text.replace("\n", "\u2029")


class Fuzz:
    """The window, the stores and the files of one run."""

    def __init__(self, window, tmp) -> None:
        self.window, self.tmp, self.counter = window, tmp, itertools.count()
        self.copy = Store(tmp / "reimported.db", pragmas=NO_FSYNC)

    def import_text(self, text: str) -> int:
        for status in (Status.NEW, Status.IN_PROGRESS):  # a failed example's article leaves the export
            for left in self.window.store.document_ids(status):
                self.window.store.set_status(left, Status.DONE)
        number = next(self.counter)
        path = self.tmp / "article.txt"
        path.write_bytes((text + f"\n#{number:06d}").encode())
        assert import_paths(self.window.store, [path]).added == 1
        return max(self.window.store.document_ids())

    def select_and_tag(self, text: str, start: int, end: int, qt: list[int]) -> tuple[int, int] | None:
        """Select code points start..end in Qt positions, check what the view shows, press P;
        returns the span the editor should store (the selection without outer spaces)."""
        view = self.window.view
        cursor = view.textCursor()
        cursor.setPosition(qt[start])
        cursor.setPosition(qt[end], QTextCursor.MoveMode.KeepAnchor)
        view.setTextCursor(cursor)
        low, high = min(start, end), max(start, end)
        seen = view.textCursor().selectedText()
        assert seen == as_seen(text[low:high])  # what the user saw is what the offsets index
        QTest.keyClick(view, Qt.Key.Key_P, Qt.KeyboardModifier.NoModifier, -1)
        TALLY["inputs"] += 1
        return trimmed(text, low, high)

    def drag_and_tag(self, text: str, start: int, end: int, qt: list[int]) -> tuple[int, int] | None:
        """The same with a real mouse drag (Alt: exact, no token snapping); Qt picks the positions."""
        view = self.window.view
        drag(view, start, end, Qt.KeyboardModifier.AltModifier)
        cursor = view.textCursor()
        cp_at = {position: index for index, position in enumerate(qt)}
        assert cursor.selectionStart() in cp_at and cursor.selectionEnd() in cp_at  # never inside a surrogate pair
        low, high = cp_at[cursor.selectionStart()], cp_at[cursor.selectionEnd()]
        assert cursor.selectedText() == as_seen(text[low:high])
        QTest.keyClick(view, Qt.Key.Key_P, Qt.KeyboardModifier.NoModifier, -1)
        TALLY["inputs"] += 1
        return trimmed(text, low, high)

    def round_trip(self, doc_id: int) -> None:
        store = self.window.store
        out = self.tmp / "export.jsonl"
        export(store, out, "jsonl", statuses=[Status.NEW.value, Status.IN_PROGRESS.value])  # the current article only
        assert import_paths(self.copy, [out]).added == 1
        copy_id = max(self.copy.document_ids())
        original = store.document(doc_id).text
        assert self.copy.document(copy_id).text == original
        mine = sorted((s.start, s.end, s.label) for s in store.spans(doc_id) if s.state == State.ACCEPTED)
        theirs = sorted((s.start, s.end, s.label) for s in self.copy.spans(copy_id))
        TALLY["lost"] += len(set(mine) - set(theirs))
        assert mine == theirs
        store.set_status(doc_id, Status.DONE)  # out of the next export


@pytest.fixture
def fast_dir(tmp_path):
    """tmpfs when there is one: the export's fsyncs and renames cost more than the rest on a disk."""
    shm = Path("/dev/shm")
    if not (shm.is_dir() and os.access(shm, os.W_OK)):
        yield tmp_path
        return
    with tempfile.TemporaryDirectory(dir=shm, prefix="annotator-fuzz-") as folder:
        yield Path(folder)


def test_selections_in_the_view_survive_export_and_import(qtbot, fast_dir):
    from annotator.gui.main_window import MainWindow

    tmp_path = fast_dir

    window = MainWindow(Store(tmp_path / "fuzz.db", pragmas=NO_FSYNC), QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    window.show()
    window.editor.learn_matches = False  # no pattern suggestions across the whole fuzz DB
    fuzz = Fuzz(window, tmp_path)

    @settings(max_examples=TEXTS, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(text=texts, data=st.data())
    def check(text, data):
        doc_id = fuzz.import_text(text)
        window.open_document(doc_id)
        stored = window.store.document(doc_id).text
        assert "\r" not in stored
        qt = utf16_starts(stored)
        assert window.view.document().characterCount() - 1 == qt[-1]
        expected = set()
        for _ in range(SELECTIONS):
            # Drawn apart from the stored text, so that a shrinking re-run draws the same way.
            start, end = (data.draw(st.integers(0, 1 << 16)) % (len(stored) + 1) for _ in "ab")
            expected.add(fuzz.select_and_tag(stored, start, end, qt))
        start, end = (data.draw(st.integers(0, 1 << 16)) % (len(stored) + 1) for _ in "ab")
        expected.add(fuzz.drag_and_tag(stored, start, end, qt))
        spans = window.store.spans(doc_id)
        assert {(s.start, s.end) for s in spans} == expected - {None}  # one span per selection, none else
        assert all(as_seen(stored[s.start : s.end]).strip() for s in spans)
        fuzz.round_trip(doc_id)
        TALLY["trials"] += 1

    check()
    fuzz.copy.close()
    window.close()
    window.store.close()
