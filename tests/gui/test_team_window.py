"""Two writers on one database in the window (issue 15): others' changes appear within the poll
without moving the caret; a conflicting edit is refused with a message naming who and what,
and the view shows what is stored; refused writes stay queued; the "My documents" filter."""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt
from sqlalchemy import create_engine, exc

from annotator.core.model import Span, State, Status
from annotator.gui.team_sync import POLL_MS
from annotator.store import Store
from tests.gui.helpers import click, drag, keys

TEXT = "Russian President Vladimir Putin met Mike Pompeo in Sochi on Tuesday."
OTHER = "Angela Merkel spoke in Berlin on Monday."
Key, Mod = Qt.Key, Qt.KeyboardModifier
WITHIN = 2 * POLL_MS + 1000  # the "within about 2 s", with room for a loaded machine


def shown(window):
    return [(TEXT[s.start : s.end], s.label) for s in window.view.spans()]


def test_another_writers_span_appears_within_the_poll_and_the_caret_and_selection_stay(open_window, store_factory, qtbot):
    store = store_factory([("Putin", TEXT, [Span(18, 32, "PERSON")])])
    window = open_window(store)
    view = window.view
    drag(view, TEXT.index("Mike"), TEXT.index("Pompeo") + 6)
    selection, caret = view.selection(), view.caret()
    with Store(store.location, annotator="bob") as bob:  # another annotator adjudicating this layer
        span = store.spans(1)[0]
        bob.update_span(span.id, version=span.version, label="ORG")
        bob.add_span(1, Span(TEXT.index("Sochi"), TEXT.index("Sochi") + 5, "GPE", annotator=store.annotator))
    qtbot.waitUntil(lambda: shown(window) == [("Vladimir Putin", "ORG"), ("Sochi", "GPE")], timeout=WITHIN)
    assert view.selection() == selection and view.caret() == caret
    keys(view, "p")  # the selection is still the user's: tagging it works on the fresh view
    assert ("Mike Pompeo", "PERSON") in [(TEXT[s.start : s.end], s.label) for s in store.spans(1)]


def test_a_conflicting_relabel_says_who_changed_what_and_shows_the_stored_span(open_window, store_factory, qtbot):
    store = store_factory([("Putin", TEXT, [Span(18, 32, "PERSON")])])
    window = open_window(store)
    window.team.timer.stop()  # the other writer is faster than the next poll
    view = window.view
    span = store.spans(1)[0]
    with Store(store.location, annotator="bob") as bob:
        bob.update_span(span.id, version=span.version, label="ORG")
    click(view, TEXT.index("Putin") + 1)
    assert view.current is not None and view.current.label == "PERSON"  # what this window still shows
    keys(view, "g")  # relabel as GPE
    message = window.statusBar().currentMessage()
    assert message.startswith("bob changed this span's label to ORG at ") and message.endswith("; your change was not applied")
    assert [s.label for s in store.spans(1)] == ["ORG"]  # nothing overwritten
    assert shown(window) == [("Vladimir Putin", "ORG")]  # the view shows what is stored
    keys(view, "g")  # on the fresh view the same edit goes through
    assert [s.label for s in store.spans(1)] == ["GPE"]


def test_undo_never_takes_back_what_another_writer_changed_since(open_window, store_factory, qtbot):
    store = store_factory([("Putin", TEXT, [Span(18, 32, "PERSON")])])
    window = open_window(store)
    view = window.view
    click(view, TEXT.index("Putin") + 1)
    keys(view, "g")  # PERSON -> GPE, one undo step
    with Store(store.location, annotator="bob") as bob:
        span = bob.spans(1, annotator=store.annotator)[0]
        bob.update_span(span.id, version=span.version, label="ORG")
    qtbot.waitUntil(lambda: shown(window) == [("Vladimir Putin", "ORG")], timeout=WITHIN)
    keys(view, (Key.Key_Z, Mod.ControlModifier))
    assert "failed, nothing changed: bob changed this span (now ORG) at " in window.statusBar().currentMessage()
    assert [s.label for s in store.spans(1)] == ["ORG"]  # bob's label stands
    with Store(store.location, annotator="bob") as bob:
        span = bob.spans(1, annotator=store.annotator)[0]
        bob.update_span(span.id, version=span.version, note="checked")  # another field: undo of the label still applies
    qtbot.waitUntil(lambda: view.spans()[0].note == "checked", timeout=WITHIN)
    keys(view, "g")
    keys(view, (Key.Key_Z, Mod.ControlModifier))
    assert [(s.label, s.note) for s in store.spans(1)] == [("ORG", "checked")]


def test_a_conflicting_status_change_is_refused_with_the_new_status(open_window, store_factory, qtbot):
    store = store_factory([("Putin", TEXT, [])])
    window = open_window(store)
    window.team.timer.stop()
    with Store(store.location, annotator=store.annotator) as other_window:
        other_window.set_status(1, Status.SKIPPED)
    keys(window.view, (Key.Key_D, Mod.ControlModifier))  # mark done
    assert "changed this document's status to skipped" in window.statusBar().currentMessage()
    assert store.document(1).status == Status.SKIPPED and window.editor.document.status == Status.SKIPPED
    keys(window.view, (Key.Key_D, Mod.ControlModifier))
    assert store.document(1).status == Status.DONE


def test_an_edit_refused_by_a_connection_error_is_queued_and_saved_on_retry(open_window, store_factory, qtbot):
    store = store_factory([("Putin", TEXT, [])])
    window = open_window(store)
    writer = store._writer

    def unreachable():
        raise exc.OperationalError("connect", {}, ConnectionRefusedError("server closed the connection unexpectedly"))

    store._writer = create_engine("sqlite+pysqlite://", creator=unreachable)  # the server went away
    drag(window.view, TEXT.index("Sochi"), TEXT.index("Sochi") + 5)
    keys(window.view, "g")
    assert window.editor.unsaved and window.unsaved_banner.isVisible()
    assert "server closed the connection" in window.unsaved_banner.text.text()
    assert store.spans(1) == []
    store._writer = writer  # back
    keys(window.view, (Key.Key_Z, Mod.ControlModifier | Mod.ShiftModifier))  # Retry
    assert [(TEXT[s.start : s.end], s.label, s.state) for s in store.spans(1)] == [("Sochi", "GPE", State.ACCEPTED)]
    assert not window.editor.unsaved


def test_my_documents_lists_the_assigned_ones_and_is_remembered(open_window, store_factory, qtbot, tmp_path):
    store = store_factory([("Putin", TEXT, []), ("Merkel", OTHER, [])])
    store.assign(store.annotator, ids=[2])
    window = open_window(store)
    assert window.documents.model.rowCount() == 2
    qtbot.mouseClick(window.documents.mine, Qt.MouseButton.LeftButton)
    assert window.documents.model.rowCount() == 1 and window.documents.model.summary(0).id == 2
    window.close()
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    assert settings.value("documents/mine", type=bool) is True
    again = open_window(store)
    assert again.documents.mine.isChecked() and again.documents.model.rowCount() == 1
    with Store(store.location, annotator="lead") as lead:  # the lead assigns one more: it shows at the next poll
        lead.assign(store.annotator, ids=[1])
    qtbot.waitUntil(lambda: again.documents.model.rowCount() == 2, timeout=WITHIN)


def test_a_shared_database_asks_the_name_while_it_is_default(open_window, new_pg_database, qtbot):
    with Store(new_pg_database()) as store:  # ANNOTATOR_NAME=default (tests/gui/conftest.py)
        window = open_window(store)
        ran = []
        assert window.annotator_name.first_start(then=lambda: ran.append(True)) is True
        dialog = window.annotator_name.dialog
        qtbot.waitUntil(dialog.isVisible)
        dialog.edit.clear()
        qtbot.keyClicks(dialog.edit, "Alice")
        qtbot.keyClick(dialog.edit, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: ran == [True])
        assert store.annotator == "Alice"
        window.close()


def test_a_note_on_a_relation_another_writer_changed_is_refused_and_the_arcs_are_read_again(open_window, store_factory, qtbot):
    from PySide6.QtTest import QTest

    from annotator.core.model import RelationLabel

    store = store_factory([("Putin", TEXT, [Span(37, 48, "PERSON"), Span(52, 57, "GPE")])])
    store.save_relation_labels([RelationLabel("visited", "#2f9e44", "v"), RelationLabel("met", "#1971c2", "m", directed=False)])
    pompeo, sochi = store.spans(1)
    relation = store.add_relation(pompeo.id, sochi.id, "visited")
    window = open_window(store)
    window.team.timer.stop()
    with Store(store.location, annotator="bob") as bob:
        bob.relabel_relation(relation.id, "met", version=relation.version)
    click(window.view, TEXT.index("Sochi") + 1)
    box = window.relations.panel
    box.note.setFocus()
    QTest.keyClicks(box.note, "x")
    assert window.statusBar().currentMessage().startswith("bob changed this relation (now met) at ")
    assert [(r.label, r.note) for r in store.relations(1)] == [("met", "")]
    assert [r.label for r in window.relations.layer.all()] == ["met"]  # read again with the document
