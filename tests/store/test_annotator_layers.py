"""Each annotator has their own layer: spans, statuses and notes (issue 12, identity)."""

import shutil
import sqlite3
from pathlib import Path

import pytest

from annotator.core.model import AnnotationError, Document, Source, Span, State, Status
from annotator.core.text import content_hash
from annotator.store import Store

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
TEXT = "Marie Curie met Pierre Curie in Paris."


def doc(text=TEXT, **fields):
    return Document(None, "t", text, content_hash=content_hash(text), **fields)


def test_two_annotators_may_mark_the_same_span_and_each_sees_only_their_own(tmp_path):
    path = tmp_path / "a.db"
    with Store(path, annotator="alice") as alice:
        doc_id = alice.add_documents([(doc(), [])]).added[0]
        alice.add_span(doc_id, Span(0, 11, "PERSON"))
        with pytest.raises(AnnotationError, match="already exists"):
            alice.add_span(doc_id, Span(0, 11, "PERSON"))
    with Store(path, annotator="bob") as bob:
        assert bob.spans(doc_id) == []
        bob.add_span(doc_id, Span(0, 11, "PERSON"))
        bob.add_span(doc_id, Span(32, 37, "GPE"))
        assert [(s.start, s.annotator) for s in bob.spans(doc_id)] == [(0, "bob"), (32, "bob")]
        assert [s.annotator for s in bob.spans(doc_id, annotator="alice")] == ["alice"]
        assert {layer.name: layer.spans for layer in bob.annotators()} == {"alice": 1, "bob": 2, "default": 0}
    rows = sqlite3.connect(path).execute("select annotator, start from spans order by annotator, start").fetchall()
    assert rows == [("alice", 0), ("bob", 0), ("bob", 32)]


def test_status_and_note_are_each_annotators_own(tmp_path):
    path = tmp_path / "a.db"
    with Store(path, annotator="alice") as alice:
        first, second = alice.add_documents([(doc(), []), (doc("Another text here."), [])]).added
        assert alice.set_status(first, "done") == Status.NEW
        alice.set_document_note(first, "checked twice")
        assert alice.document(first).status == Status.DONE and alice.document(first).note == "checked twice"
    with Store(path, annotator="bob") as bob:
        assert bob.document(first).status == Status.NEW and bob.document(first).note == ""
        bob.set_status(second, "in_progress")
        assert bob.status_counts() == {Status.NEW: 1, Status.IN_PROGRESS: 1, Status.DONE: 0, Status.SKIPPED: 0}
        assert bob.document_ids("new") == [first]
        assert [s.status for s in bob.summaries()] == [Status.NEW, Status.IN_PROGRESS]
        assert bob.layer_statuses() == {first: {"alice": Status.DONE}, second: {"bob": Status.IN_PROGRESS}}
        assert bob.layer_statuses(["bob"]) == {second: {"bob": Status.IN_PROGRESS}}
        done = {layer.name: layer.done for layer in bob.annotators()}
        assert done["alice"] == 1 and done["bob"] == 0


def test_names_differing_in_case_or_white_space_are_one_annotator(tmp_path):
    path = tmp_path / "a.db"
    with Store(path, annotator="Alice Smith") as first:
        doc_id = first.add_documents([(doc(), [Span(0, 11, "PERSON")])]).added[0]
    with Store(path, annotator="  alice   SMITH ") as again:
        assert again.annotator == "Alice Smith"
        assert [s.label for s in again.spans(doc_id)] == ["PERSON"]
        assert again.add_annotator("ALICE smith") == "Alice Smith"
        assert [layer.name for layer in again.annotators()] == ["Alice Smith", "default"]
    for bad in ("", "   ", "a\x00b"):
        with pytest.raises(AnnotationError, match="annotator name"):
            Store(path, annotator=bad)


def test_imported_spans_go_to_the_layer_they_name_and_new_annotators_are_reported(tmp_path):
    with Store(tmp_path / "a.db", annotator="carol") as store:
        spans = [Span(0, 11, "PERSON", annotator="alice"), Span(0, 11, "PERSON", annotator="Bob"), Span(32, 37, "GPE")]
        result = store.add_documents([(doc(status=Status.DONE, annotator="bob"), spans)])
        doc_id = result.added[0]
        assert sorted(result.annotators) == ["Bob", "alice", "carol"]
        assert sorted(store.created_annotators) == ["Bob", "alice", "carol"]
        assert [s.start for s in store.spans(doc_id)] == [32]  # carol's own: the span naming nobody
        assert [s.annotator for s in store.spans(doc_id, annotator="Bob")] == ["Bob"]
        assert store.layer_statuses() == {doc_id: {"Bob": Status.DONE}}  # "bob" is Bob, as first written
        again = store.add_documents([(doc(status=Status.DONE, annotator="bob"), spans)])
        assert again.spans == 0 and again.duplicates == 1 and again.conflicts == []


def test_a_record_disagreeing_with_the_status_an_annotator_gave_is_reported(tmp_path):
    with Store(tmp_path / "a.db", annotator="alice") as store:
        doc_id = store.add_documents([(doc(status=Status.DONE), [])]).added[0]
        result = store.add_documents([(doc(status=Status.SKIPPED), [])])
        assert store.document(doc_id).status == Status.DONE
        assert [c.message for c in result.conflicts] == ["records of this text disagree on status; kept status done"]
        other = store.add_documents([(doc(status=Status.SKIPPED, annotator="bob"), [])])  # bob had none: taken
        assert other.conflicts == [] and store.layer_statuses()[doc_id] == {"alice": Status.DONE, "bob": Status.SKIPPED}


def test_suggestions_are_weighed_against_the_annotators_own_layer(tmp_path):
    path = tmp_path / "a.db"
    with Store(path, annotator="alice") as alice:
        doc_id = alice.add_documents([(doc(), [])]).added[0]
        alice.add_span(doc_id, Span(0, 11, "PERSON"))
        assert alice.add_suggestions([(doc_id, [Span(0, 11, "PERSON", Source.MODEL, State.SUGGESTED)])]).ids == []
    with Store(path, annotator="bob") as bob:
        stored = bob.add_suggestions([(doc_id, [Span(0, 11, "PERSON", Source.MODEL, State.SUGGESTED)])])
        assert len(stored.ids) == 1
        assert [(s.annotator, s.state) for s in bob.spans(doc_id)] == [("bob", State.SUGGESTED)]


def test_rename_moves_a_layer_and_refuses_to_mix_two(tmp_path):
    path = tmp_path / "a.db"
    with Store(path) as store:  # the default layer: a database used before names were recorded
        doc_id = store.add_documents([(doc(), [Span(0, 11, "PERSON")])]).added[0]
        store.set_status(doc_id, "done")
        store.add_annotator("bob")
        with pytest.raises(AnnotationError, match="would mix"):
            store.rename_annotator("default", "BOB")
        assert store.rename_annotator("default", "Alice") == "Alice"
        assert store.annotator == "Alice"
        assert [s.annotator for s in store.spans(doc_id)] == ["Alice"]
        assert store.document(doc_id).status == Status.DONE
        with pytest.raises(AnnotationError, match="no annotator"):
            store.rename_annotator("nobody", "x")


def test_iter_layers_streams_every_document_with_each_annotators_spans(tmp_path):
    with Store(tmp_path / "a.db") as store:
        spans = [Span(0, 11, "PERSON", annotator="a"), Span(16, 28, "PERSON", annotator="b"), Span(32, 37, "GPE", annotator="c")]
        ids = store.add_documents([(doc(), spans), (doc("Nothing at all here."), [])]).added
        got = [(d.id, {name: [s.start for s in found] for name, found in layers.items()}) for d, layers in store.iter_layers(["a", "b"])]
        assert got == [(ids[0], {"a": [0], "b": [16]}), (ids[1], {"a": [], "b": []})]
        assert [d.id for d, _ in store.iter_layers(["a"], documents=[ids[1]])] == [ids[1]]
        assert store.resolve_annotators(["A", "b"]) == ["a", "b"]
        with pytest.raises(AnnotationError, match=r"no annotator 'zed' in a.db \(known: a, b, c, default\)"):
            store.resolve_annotators(["zed"])


def test_export_reads_the_store_annotators_layer_or_those_named(tmp_path):
    with Store(tmp_path / "a.db", annotator="a") as store:
        store.add_documents([(doc(status=Status.DONE), [Span(0, 11, "PERSON"), Span(16, 28, "PERSON", annotator="b")])])
        assert [[s.annotator for s in spans] for _, spans in store.iter_export()] == [["a"]]
        assert [[s.annotator for s in spans] for _, spans in store.iter_export(annotators=["a", "b"])] == [["a", "b"]]
        assert [d.status for d, _ in store.iter_export(statuses=["done"])] == [Status.DONE]
        assert list(store.iter_export(statuses=["done"], annotators=["b"])) == []  # b's status: new


def test_the_migration_puts_every_span_and_status_in_the_default_layer(tmp_path):
    path = tmp_path / "old.db"
    shutil.copy(FIXTURES / "schema_0003_copy_index.db", path)
    with sqlite3.connect(path) as con:  # an older import kept a doccano user here
        con.execute("update spans set annotator = 'olduser' where note = 'President'")
    with Store(path, annotator="default") as store:
        spans = store.spans(1)
        assert [(s.annotator, s.provenance) for s in spans] == [("default", "annotator olduser"), ("default", "")]
        assert store.document(1).status == Status.IN_PROGRESS and store.document(2).note == "second seed"
        assert [layer.name for layer in store.annotators()] == ["default"]
    con = sqlite3.connect(path)
    con.execute("pragma foreign_keys=on")
    assert con.execute("pragma foreign_key_check").fetchall() == []
    con.execute("delete from documents where id = 1")
    assert con.execute("select count(*) from spans where document_id = 1").fetchone()[0] == 0  # the foreign keys hold again
    assert con.execute("select count(*) from document_states where document_id = 1").fetchone()[0] == 0


def test_a_store_can_change_whose_layer_it_reads(tmp_path):
    with Store(tmp_path / "a.db", annotator="Alice") as store:
        doc_id = store.add_documents([(doc(), [Span(0, 11, "PERSON")])]).added[0]
        assert store.use_annotator(" bob ") == "bob" and store.spans(doc_id) == []
        store.set_status(doc_id, "done")
        assert store.use_annotator("ALICE") == "Alice" and len(store.spans(doc_id)) == 1
        assert store.document(doc_id).status == Status.NEW
