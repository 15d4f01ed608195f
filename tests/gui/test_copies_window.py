"""Copies of sentences in the window (issue 11, item 4): marks on the article, the Copies
box and its jumps (mouse and keys), the list's Copies column (the index build of older
databases and reads off the UI thread: test_copies_in_background.py)."""

from __future__ import annotations

import sys
from collections import Counter

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor
from PySide6.QtTest import QTest

from annotator.copies import consistency
from annotator.sentences.normalize import normalize
from annotator.store import Store
from annotator.transfer.importing import import_paths
from tests.conftest import ROOT, SEEDS
from tests.gui.helpers import click, drag, keys

Key, Mod = Qt.Key, Qt.KeyboardModifier
FIXTURE = ROOT / "tests" / "fixtures" / "schema_0002_provenance_text_length.db"
HEADLINE = "Russian Federation tells Pompeo: Enough mistrust, let's reboot our ties"
SHARED = "Washington previous year pulled out of a nuclear deal backed by Europe"  # word for word in both seeds
NEAR = ("Trump said on Monday he will meet with Putin", "Trump said on Monday that he will meet with Putin")  # seed 000, seed 003


@pytest.fixture
def seeds(tmp_path):
    with Store(tmp_path / "seeds.db") as store:
        import_paths(store, [SEEDS])
        yield store


@pytest.fixture
def window_on(open_window, qtbot):
    """The real window on a store, once the open document's copies are read (off the UI thread)."""

    def opener(store):
        window = open_window(store)
        settle(window, qtbot)
        return window

    return opener


def settle(window, qtbot) -> None:
    qtbot.waitUntil(lambda: not window.copies.loading())


def jump(window, qtbot, back: bool = False) -> None:
    """Ctrl+J (Ctrl+Shift+J back), then wait for the copies of the document it opens."""
    keys(window.view, (Key.Key_J, Mod.ControlModifier | (Mod.ShiftModifier if back else Mod.NoModifier)))
    settle(window, qtbot)


def texts(store: Store) -> tuple[str, str]:
    return store.document(1).text, store.document(2).text


def sentence_at(text: str, phrase: str, nth: int = 0) -> tuple[int, int]:
    """The line-free sentence that starts with ``phrase`` (its ``nth`` occurrence): up to its stop."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(phrase, start + 1)
    stops = [i for i in (text.find(". ", start), text.find(".\n", start), text.find("\n", start)) if i >= 0]
    end = min(stops, default=len(text) - 1)
    return start, end + 1 if text[end] == "." else end


def gutter_color(window, pos: int) -> QColor:
    """The colour painted in the article's left margin beside code point ``pos``."""
    view = window.view
    image = view.viewport().grab().toImage()
    x = int(view.document().documentMargin() / 2 + view.contentOffset().x())
    return QColor(image.pixel(x, view.point_of(pos).y()))


def is_mark(color: QColor) -> bool:
    """The mark's dark cyan over white (any opacity the view paints it with), not white or grey."""
    return color.blue() - color.red() > 60 and color.green() - color.red() > 40


def panel_rows(window) -> list[tuple[str, str, str]]:
    return [(row.title.full_text(), row.kind.text(), row.text.full_text()) for row in window.copies_panel.rows]


def indel_similarity(a: str, b: str) -> float:
    """1 - Indel distance / (len a + len b), the distance through a plain LCS table (not rapidfuzz)."""
    previous = [0] * (len(b) + 1)
    for x in a:
        row = [0]
        for j, y in enumerate(b):
            row.append(previous[j] + 1 if x == y else max(previous[j + 1], row[j]))
        previous = row
    return 2 * previous[-1] / (len(a) + len(b))


# -- marks on the article ---------------------------------------------------------------


def test_sentences_with_copies_are_marked_beside_their_lines(window_on, seeds, monkeypatch, qtbot):
    first, _ = texts(seeds)
    reads = []
    real = seeds.document_copies
    monkeypatch.setattr(seeds, "document_copies", lambda doc_id: reads.append(doc_id) or real(doc_id))
    window = window_on(seeds)
    assert window.editor.document.id == 1 and reads == [1]
    marked = [(s.start, s.end, s.kind) for s in window.view.copy_marks.sentences()]
    headline = [first.index(HEADLINE), first.index(HEADLINE, 20)]
    assert marked == [
        (headline[0], headline[0] + len(HEADLINE), "exact"),
        (headline[1], headline[1] + len(HEADLINE), "exact"),
        (*sentence_at(first, SHARED), "exact"),
        (*sentence_at(first, NEAR[0]), "near"),
    ]
    assert is_mark(gutter_color(window, headline[0] + 5))
    assert not is_mark(gutter_color(window, first.index("Russian President")))  # a sentence without copies
    for _ in range(3):  # moving the caret and painting read nothing more
        click(window.view, first.index("Pompeo's trip"))
        window.view.viewport().repaint()
    assert reads == [1]
    keys(window.view, (Key.Key_PageDown, Mod.ControlModifier))
    settle(window, qtbot)
    assert window.editor.document.id == 2 and reads == [1, 2]


def test_marks_leave_label_colours_as_they_are(window_on, seeds):
    first, _ = texts(seeds)
    window = window_on(seeds)
    start = first.index(HEADLINE)
    drag(window.view, start, start + len("Russian Federation"))
    keys(window.view, "g", Key.Key_Escape)
    click(window.view, first.index("Russian President"))  # the caret elsewhere: the span is drawn in its own colour
    gpe = next(label.color for label in seeds.labels() if label.name == "GPE")
    view = window.view
    image = view.viewport().grab().toImage()
    left, right, y = view.point_of(start).x(), view.point_of(start + len("Russian Federation")).x(), view.point_of(start).y()
    colors = Counter(QColor(image.pixel(x, y)).name() for x in range(left + 1, right - 1))
    assert colors.most_common(1)[0][0] == QColor(gpe).name()  # the fill, between the letters
    assert is_mark(gutter_color(window, start + 4))


# -- the Copies box ---------------------------------------------------------------------


def test_the_caret_in_a_sentence_lists_its_copies_and_a_click_goes_there(window_on, seeds, qtbot):
    first, second = texts(seeds)
    window = window_on(seeds)
    assert window.copies_panel.rows == []
    click(window.view, first.index(SHARED) + 12)
    title = seeds.document(2).title
    assert panel_rows(window) == [(title, "exact", "“" + " ".join(second[slice(*sentence_at(second, SHARED))][:120].split()))]
    row = window.copies_panel.rows[0]
    QTest.mouseClick(row, Qt.MouseButton.LeftButton, Mod.NoModifier, QPoint(10, 10))
    settle(window, qtbot)
    assert window.editor.document.id == 2
    assert window.documents.current_id() == 2
    assert window.view.selection() == sentence_at(second, SHARED)
    assert window.view.hasFocus()
    assert panel_rows(window)[0][:2] == (seeds.document(1).title, "exact")  # and back from there


def test_a_repeated_headline_lists_its_twin_in_this_document(window_on, seeds, qtbot):
    first, _ = texts(seeds)
    window = window_on(seeds)
    click(window.view, first.index(HEADLINE) + 3)
    assert panel_rows(window) == [("This document", "exact", f"“{HEADLINE}")]
    jump(window, qtbot)
    twin = first.index(HEADLINE, 20)
    assert window.editor.document.id == 1 and window.view.selection() == (twin, twin + len(HEADLINE))


def test_a_near_copy_shows_its_similarity(window_on, seeds):
    first, second = texts(seeds)
    window = window_on(seeds)
    click(window.view, first.index(NEAR[0]) + 3)
    mine, theirs = (text[slice(*sentence_at(text, phrase))] for text, phrase in ((first, NEAR[0]), (second, NEAR[1])))
    expected = int(indel_similarity(normalize(mine), normalize(theirs)) * 100)
    assert 80 <= expected < 100
    assert panel_rows(window)[0][1] == f"{expected}%"
    assert window.view.copy_marks.current.kind == "near"


def test_the_next_copy_key_walks_the_group_and_back(window_on, seeds, qtbot):
    first, second = texts(seeds)
    window = window_on(seeds)
    click(window.view, first.index(SHARED) + 3)
    jump(window, qtbot)
    assert window.editor.document.id == 2 and window.view.selection() == sentence_at(second, SHARED)
    jump(window, qtbot)
    assert window.editor.document.id == 1 and window.view.selection() == sentence_at(first, SHARED)
    jump(window, qtbot, back=True)
    assert window.editor.document.id == 2
    click(window.view, second.index("Putin"))  # a sentence without copies: the key says so and stays
    jump(window, qtbot)
    assert window.editor.document.id == 2 and "not in a sentence with copies" in window.statusBar().currentMessage()
    assert "sentence(s) here have copies" in window.copies_panel.summary.text()


def test_copies_beyond_the_rows_shown_are_counted_and_reached_by_key(window_on, store_factory, qtbot):
    sentence = "The ministers agreed on Tuesday to meet again in Geneva next month."
    store = store_factory([(f"Report {i}", f"Report number {i} from the wires.\n{sentence}", []) for i in range(10)])
    window = window_on(store)
    click(window.view, len("Report number 0 from the wires.\n") + 4)
    panel = window.copies_panel
    assert len(panel.rows) == 6 and panel.more.isVisibleTo(panel) and "3 more" in panel.more.text()
    assert [row.title.full_text() for row in panel.rows] == [f"Report {i}" for i in range(1, 7)]
    for doc_id in [*range(2, 11), 1]:
        jump(window, qtbot)
        assert window.editor.document.id == doc_id
        assert window.editor.document.text[slice(*window.view.selection())] == sentence


def test_offsets_hold_in_a_long_paragraph_after_emoji(window_on, store_factory, qtbot):
    """The copied sentence sits after astral characters and past a display cut of a long paragraph."""
    sentence = "The 🇺🇳 ministers agreed on Tuesday to meet again in Geneva next month."
    filler = "👩‍🔬 " * 20 + " ".join(f"w{i}" for i in range(5000))  # one paragraph of ~30,000 code points
    long_text = f"{filler}. {sentence} More words follow here."
    store = store_factory([("Long", long_text, []), ("Short", f"Intro line.\n{sentence}", [])])
    window = window_on(store)
    assert window.view.document().blockCount() > 1  # the paragraph is shown in several blocks
    start = long_text.index(sentence)
    window.view.move_caret(start + 10)
    assert panel_rows(window)[0][:2] == ("Short", "exact")
    assert is_mark(gutter_color(window, start + 10))
    jump(window, qtbot)
    jump(window, qtbot)
    assert window.editor.document.id == 1 and window.view.selection() == (start, start + len(sentence))


def test_a_sentence_repeated_a_thousand_times_in_one_document(window_on, store_factory, qtbot):
    """Every repeat is marked and counted; the store lists 50 copies per sentence, the panel 6."""
    sentence = "Angela Merkel met Emmanuel Macron in Berlin on Monday. "
    store = store_factory([("Many", "Intro line.\n" + sentence * 1_000, [])])
    window = window_on(store)
    marks = window.view.copy_marks.sentences()
    assert len(marks) == 1_000 and all(m.count == 999 for m in marks)
    start = len("Intro line.\n") + len(sentence) * 500
    click(window.view, start + 3)
    panel = window.copies_panel
    assert "This sentence has 999 copies" in panel.summary.text() and len(panel.rows) == 6
    assert "993 more" in panel.more.text() and "the first 50" in panel.more.text()
    jump(window, qtbot)  # to a listed copy: the first listed after this one, or back to the first
    selected = window.view.selection()
    assert selected != (start, start + len(sentence) - 1)
    assert window.editor.document.text[slice(*selected)] == sentence.strip()


# -- the document list ----------------------------------------------------------------------


def test_the_list_counts_copied_and_disagreeing_sentences(window_on, seeds, qtbot):
    first, _ = texts(seeds)
    window = window_on(seeds)
    model = window.documents.model

    def column():
        return [model.data(model.index(row, 3)) for row in (0, 1)]

    qtbot.waitUntil(lambda: column() == ["4", "2"])  # two headlines, one shared sentence, one near copy; no spans: agreeing
    qtbot.waitUntil(lambda: "all agree" in model.data(model.index(0, 3), Qt.ItemDataRole.ToolTipRole))  # checked in the background
    start = first.index(HEADLINE)
    drag(window.view, start, start + len("Russian Federation"))
    keys(window.view, "g")  # the first headline gets a GPE its twin lacks: both now disagree
    qtbot.waitUntil(lambda: column() == ["4 ≠2", "2"])
    assert model.data(model.index(0, 3), Qt.ItemDataRole.ForegroundRole).color().name() == "#b91c1c"
    assert "2 of them disagree" in model.data(model.index(0, 3), Qt.ItemDataRole.ToolTipRole)
    second = seeds.document(2).text
    keys(window.view, (Key.Key_PageDown, Mod.ControlModifier))  # in the other seed, a LOC on "Europe" its copy has not
    settle(window, qtbot)
    at = second.index(SHARED) + SHARED.index("Europe")
    drag(window.view, at, at + len("Europe"))
    keys(window.view, "l")
    qtbot.waitUntil(lambda: column() == ["4 ≠3", "2 ≠1"])
    keys(window.view, (Key.Key_Z, Mod.ControlModifier))
    qtbot.waitUntil(lambda: column() == ["4 ≠2", "2"])


def test_without_the_consistency_check_the_list_still_counts_copies(window_on, seeds, monkeypatch, qtbot):
    monkeypatch.setitem(sys.modules, "annotator.copies.consistency", None)  # import fails as if the module were missing
    window = window_on(seeds)
    model = window.documents.model
    qtbot.waitUntil(lambda: model.data(model.index(0, 3)) == "4")
    assert "not available" in model.data(model.index(0, 3), Qt.ItemDataRole.ToolTipRole)


def test_paging_through_the_list_counts_once(window_on, store_factory, monkeypatch, qtbot):
    store = store_factory([(f"Doc {i}", f"Doc {i} says the talks on the treaty resume in Geneva soon.", []) for i in range(1000)])
    calls, checks = [], []
    real, check = store.copy_counts, consistency.disagreements
    monkeypatch.setattr(store, "copy_counts", lambda: calls.append(1) or real())
    monkeypatch.setattr(consistency, "disagreements", lambda *args, **kwargs: checks.append(1) or check(*args, **kwargs))
    window = window_on(store)
    table = window.documents.table
    table.setFocus()
    for _ in range(5):
        keys(table, Key.Key_PageDown)
    keys(table, (Key.Key_End, Mod.ControlModifier))
    model = window.documents.model
    qtbot.waitUntil(lambda: model.data(model.index(999, 3)) == "1")
    qtbot.waitUntil(lambda: "agree" in model.data(model.index(999, 3), Qt.ItemDataRole.ToolTipRole))
    assert len(calls) == 1 and len(checks) == 1
