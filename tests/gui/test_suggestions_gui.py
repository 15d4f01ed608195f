"""Suggestions in the window: pre-annotation in the background, review keys, learned string matches.

The spaCy model loads once per test session; tests skip when none is installed.
"""

from __future__ import annotations

import random
from collections import Counter

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QRadioButton

from annotator.core.model import Source, State, Status
from annotator.gui.suggestions import FIRST_RUN_KEY
from annotator.paths import seeds_dir
from annotator.workspace import seed
from tests.gui.helpers import drag, keys
from tests.gui.test_highlighter import Underline, drawn

Key, Mod = Qt.Key, Qt.KeyboardModifier
CTRL_SHIFT = Mod.ControlModifier | Mod.ShiftModifier


@pytest.fixture(scope="session")
def pipeline():
    from annotator.nlp.pipeline import NoModelError, load_pipeline

    try:
        return load_pipeline()
    except NoModelError as error:
        pytest.skip(str(error))


@pytest.fixture
def seeded(store_factory):
    store = store_factory([])
    assert seed(store) == 2
    return store


@pytest.fixture
def window_with_model(open_window, pipeline):
    """The window, with the session's pipeline already loaded and chosen."""

    def opener(store):
        window = open_window(store)
        window.suggestions.pipelines[pipeline.spec] = pipeline
        window.settings.setValue("preannotate/model", pipeline.spec)
        return window

    return opener


def activate(qtbot, window) -> None:
    """Shortcuts reach only the active window; offscreen, a closed dialog does not give it back."""
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)


def preannotate_by_keys(qtbot, window, scope: str = "all") -> None:
    """Ctrl+Shift+P, pick the scope, click Pre-annotate, wait for the run to end."""
    activate(qtbot, window)
    keys(window.view, (Key.Key_P, CTRL_SHIFT))
    dialog = window.suggestions.dialog
    qtbot.waitUntil(dialog.isVisible)
    (button,) = [b for b in dialog.findChildren(QRadioButton) if b.property("scope") == scope]
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    ok = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.suggestions.running(), timeout=60000)


def stored(store, doc_id: int):
    text = store.document(doc_id).text
    return {(text[s.start : s.end], s.label, s.source, s.state) for s in store.spans(doc_id)}


def seed_id(store, name_start: str) -> int:
    """The id of the seed article whose file name starts with ``name_start``."""
    (path,) = sorted(seeds_dir().glob(f"{name_start}*.txt"))
    head = path.read_text(encoding="utf-8")[:200]
    return next(doc_id for doc_id, text in store.texts(store.document_ids()) if text.startswith(head[:60]))


def test_preannotate_action_stores_and_draws_model_suggestions(qtbot, window_with_model, seeded):
    window = window_with_model(seeded)
    preannotate_by_keys(qtbot, window)
    first = stored(seeded, window.editor.document.id)
    for entity in (("Vladimir Putin", "PERSON"), ("Sochi", "GPE"), ("Kremlin", "ORG")):
        assert (*entity, Source.MODEL, State.SUGGESTED) in first
    assert "pre-annotated 2/2" in window.statusBar().currentMessage().lower()
    assert not window.busy.isVisible() and not window.suggestions.cancel_button.isVisible()
    putin = window.editor.document.text.index("Vladimir Putin")
    fmt = drawn(window.view)[window.view._offsets.to_qt(putin)]
    assert fmt.underlineStyle() == Underline.DashUnderline  # a suggestion's look, not an accepted fill
    preannotate_by_keys(qtbot, window)  # a re-run stores nothing twice
    assert stored(seeded, window.editor.document.id) == first
    assert not any(n > 1 for n in Counter((s.start, s.end, s.label) for s in seeded.spans(window.editor.document.id)).values())


def test_review_keys_after_preannotation(qtbot, window_with_model, seeded):
    window = window_with_model(seeded)
    window.suggestions.learn_action.setChecked(False)  # keep this about the review keys
    preannotate_by_keys(qtbot, window, scope="current")
    doc_id, view = window.editor.document.id, window.view
    activate(qtbot, window)
    after_headlines = window.editor.document.text.index("Russian President")  # decisions in the repeated headline are projected
    suggested = sorted(seeded.spans(doc_id, [State.SUGGESTED]), key=lambda s: s.start)
    first = [s.start >= after_headlines for s in suggested].index(True)
    keys(view, Key.Key_Escape)
    view.move_caret(after_headlines)
    keys(view, Key.Key_Return)  # accept the first suggestion
    keys(view, Key.Key_Delete)  # reject the next
    after = {s.id: s for s in seeded.spans(doc_id)}
    assert (after[suggested[first].id].state, after[suggested[first].id].source) == (State.ACCEPTED, Source.MODEL)
    assert after[suggested[first + 1].id].state == State.REJECTED
    keys(view, (Key.Key_A, CTRL_SHIFT))  # accept all the rest, one undo step
    states = Counter(s.state for s in seeded.spans(doc_id) if s.source != Source.PROJECTION)  # accepting proposes in the copies
    assert states == {State.ACCEPTED: len(suggested) - 1, State.REJECTED: 1}
    keys(view, (Key.Key_Z, Mod.ControlModifier))
    assert Counter(s.state for s in seeded.spans(doc_id))[State.SUGGESTED] == len(suggested) - 2


def many_articles(store_factory, count: int):
    from bench.common import article, seed_sentences

    rng = random.Random(4)
    sentences = seed_sentences()
    return store_factory([(f"Article {i}", article(rng, sentences, 1200, i), []) for i in range(count)])


def test_cancel_mid_run_leaves_whole_batches_and_a_rerun_completes(qtbot, window_with_model, store_factory):
    store = many_articles(store_factory, 80)  # 5 batches of 16
    window = window_with_model(store)
    suggestions = window.suggestions
    job = suggestions.run(window.settings.value("preannotate/model"), "new")
    results = []
    job.succeeded.connect(results.append)
    job.progressed.connect(lambda done, total: done > 0 and qtbot.mouseClick(suggestions.cancel_button, Qt.MouseButton.LeftButton))
    qtbot.waitUntil(lambda: not suggestions.running(), timeout=60000)
    (_, summary), = results
    assert summary.cancelled and 0 < summary.documents < 80 and summary.documents % 16 == 0
    ids = store.document_ids()
    with_spans = [d for d in ids if store.spans(d)]
    assert set(with_spans) <= set(ids[: summary.documents])  # whole batches only, in order
    assert "cancelled" in window.statusBar().currentMessage()
    suggestions.run(None, "all")
    qtbot.waitUntil(lambda: not suggestions.running(), timeout=60000)
    spans = [(d, s.start, s.end, s.label) for d in ids for s in store.spans(d)]
    assert len(spans) == len(set(spans)) and all(store.spans(d) for d in ids[-16:])


def pompeo_in(store, doc_id):
    text = store.document(doc_id).text
    return [i for i in range(len(text)) if text.startswith("Mike Pompeo", i)]


def tag_first_pompeo(window):
    text = window.editor.document.text
    start = text.index("Mike Pompeo")
    drag(window.view, start, start + len("Mike Pompeo"))
    keys(window.view, "p")  # PERSON
    return start


def learned(qtbot, window) -> None:
    """Wait for the learned string-match searches (they run off the UI thread) to be shown."""
    qtbot.waitUntil(lambda: not window.suggestions.learning_jobs, timeout=30000)


def test_tagging_a_span_suggests_it_in_the_other_seed_and_undo_removes_them(qtbot, window_with_model, seeded):
    window = window_with_model(seeded)
    this = window.editor.document.id
    (other,) = [d for d in seeded.document_ids() if d != this]
    start = tag_first_pompeo(window)
    learned(qtbot, window)
    assert ("Mike Pompeo", "PERSON", Source.PATTERN, State.SUGGESTED) in stored(seeded, other)
    here = [s for s in seeded.spans(this) if s.source == Source.PATTERN]
    assert [s.start for s in here] == [p for p in pompeo_in(seeded, this) if p != start]
    assert {s.id for s in here} <= {s.id for s in window.view.spans()}  # shown at once
    keys(window.view, (Key.Key_Z, Mod.ControlModifier))  # one step: the tag and what it taught
    assert not seeded.spans(this) and not seeded.spans(other)
    assert not window.view.spans()
    keys(window.view, (Key.Key_Z, CTRL_SHIFT))  # redo finds them again
    learned(qtbot, window)
    assert ("Mike Pompeo", "PERSON", Source.PATTERN, State.SUGGESTED) in stored(seeded, other)


def test_undo_keeps_a_learned_suggestion_decided_meanwhile(qtbot, window_with_model, seeded):
    window = window_with_model(seeded)
    this = window.editor.document.id
    (other,) = [d for d in seeded.document_ids() if d != this]
    tag_first_pompeo(window)
    learned(qtbot, window)
    window.documents.select_id(other)
    keys(window.view, Key.Key_Tab, Key.Key_Return)  # accept the learned suggestion there
    window.documents.select_id(this)
    keys(window.view, (Key.Key_Z, Mod.ControlModifier))
    assert ("Mike Pompeo", "PERSON", Source.PATTERN, State.ACCEPTED) in stored(seeded, other)


def test_undo_while_the_search_runs_takes_back_what_it_stores(qtbot, window_with_model, seeded):
    window = window_with_model(seeded)
    tag_first_pompeo(window)
    keys(window.view, (Key.Key_Z, Mod.ControlModifier))  # at once: the search may still be running
    learned(qtbot, window)
    assert not any(seeded.spans(d) for d in seeded.document_ids())
    assert not window.view.spans()


def test_learning_can_be_switched_off_and_stays_off(qtbot, window_with_model, open_window, seeded):
    window = window_with_model(seeded)
    assert window.suggestions.learn_action in window.review_menu.actions()  # the switch lives in the Review menu
    window.suggestions.learn_action.trigger()
    tag_first_pompeo(window)
    assert not window.suggestions.learning_jobs
    assert not any(s.source == Source.PATTERN for d in seeded.document_ids() for s in seeded.spans(d))
    assert not open_window(seeded).suggestions.learn_action.isChecked()  # remembered in QSettings


def test_a_model_that_is_not_installed_is_reported_once_and_patterns_still_work(qtbot, open_window, seeded):
    window = open_window(seeded)
    window.settings.setValue("preannotate/model", "xx_not_installed_sm")
    preannotate_by_keys(qtbot, window)
    box = window.suggestions.error_box
    assert box.isVisible() and "xx_not_installed_sm" in box.text()
    box.close()
    preannotate_by_keys(qtbot, window)
    assert window.suggestions.error_box is box and not box.isVisible()  # said once
    assert "xx_not_installed_sm" in window.statusBar().currentMessage()
    assert not any(s.source == Source.MODEL for d in seeded.document_ids() for s in seeded.spans(d))
    tag_first_pompeo(window)
    learned(qtbot, window)
    assert any(s.source == Source.PATTERN for d in seeded.document_ids() for s in seeded.spans(d))


def test_first_run_without_any_model_says_so_quietly(qtbot, open_window, seeded, monkeypatch):
    import annotator.nlp.pipeline as pipeline_module

    monkeypatch.setattr(pipeline_module, "installed_pipelines", lambda: [])
    window = open_window(seeded)
    window.suggestions.run(None, "new", quiet=True)
    qtbot.waitUntil(lambda: not window.suggestions.running(), timeout=30000)
    assert window.suggestions.error_box is None  # no dialog at start-up
    assert "No spaCy model is installed" in window.statusBar().currentMessage()


def first_run(qtbot, window, created: bool) -> None:
    window.suggestions.first_run(created)
    window.view.viewport().update()  # the window has painted already: paint once more
    # The run starts after the paint, later on a loaded machine: wait for its end (the key goes
    # when it succeeds), not for "not running", which is also true before it starts.
    qtbot.waitUntil(lambda: window.settings.value(FIRST_RUN_KEY) is None and not window.suggestions.running(), timeout=60000)


def test_first_run_preannotates_the_seeds_after_the_first_paint(qtbot, window_with_model, seeded):
    window = window_with_model(seeded)
    first_run(qtbot, window, created=True)
    assert any(s.source == Source.MODEL for s in window.view.spans())  # drawn, not only stored
    assert all(seeded.spans(d, [State.SUGGESTED]) for d in seeded.document_ids(Status.NEW))
    assert window.settings.value("preannotate/firstRunPending") is None


def test_a_first_run_closed_early_is_taken_up_at_the_next_start(qtbot, window_with_model, seeded):
    window = window_with_model(seeded)
    window.settings.setValue("preannotate/firstRunPending", str(seeded.path))  # as a first start cut short leaves it
    first_run(qtbot, window, created=False)
    assert all(seeded.spans(d, [State.SUGGESTED]) for d in seeded.document_ids(Status.NEW))
    runs = []
    window.suggestions.run = lambda *args, **kwargs: runs.append(args)
    first_run(qtbot, window, created=False)  # done: later starts leave the documents alone
    assert runs == []
