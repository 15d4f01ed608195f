"""Merging another researcher's database (issue 12, merge): what comes in, what is kept, what is refused."""

import os
import shutil
import sqlite3
from pathlib import Path

import pytest

from annotator.core.labels import default_labels
from annotator.core.model import AnnotationError, Document, Label, Span, State, Status
from annotator.core.text import content_hash
from annotator.store import Store
from annotator.store.database import DatabaseError, NewerDatabaseError
from annotator.store.merge import merge_database

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
PARIS = "Paris is the capital of France."
CURIE = "Marie Curie met Pierre Curie in Paris."
TABLES = {
    "documents": "id, title, text, source_path, copies_indexed, content_hash, meta",
    "spans": 'document_id, annotator, start, "end", label_id, source, state, note, provenance',
    "document_states": "document_id, annotator, status, note",
    "labels": "id, name, color, hotkey, description, position",
    "annotators": "name, key",
}


def doc(text, title="t", **fields):
    return Document(None, title, text, content_hash=content_hash(text), **fields)


def dump(path):
    """Every row that a merge may write, in a stable order."""
    with sqlite3.connect(path) as con:
        return {table: sorted(con.execute(f"SELECT {columns} FROM {table}").fetchall(), key=repr) for table, columns in TABLES.items()}


def untouched(path):
    """The file's bytes and modification time, to check OTHER is never written."""
    return path.read_bytes(), path.stat().st_mtime_ns


@pytest.fixture
def theirs(tmp_path):
    """Bob's database: two documents, his spans and statuses, and one span of Carol's."""
    path = tmp_path / "bob.db"
    with Store(path, annotator="Bob") as bob:
        curie, paris = bob.add_documents([(doc(CURIE, "curie", meta={"source": "wire"}, source_path="in/curie.txt"), []), (doc(PARIS, "paris"), [])]).added
        bob.add_span(curie, Span(0, 11, "PERSON", note="physicist"))
        bob.add_span(paris, Span(0, 5, "GPE"))
        bob.add_span(paris, Span(24, 30, "GPE", annotator="Carol"))
        bob.set_status(curie, "done")
        bob.set_document_note(paris, "check the capital")
    return path


@pytest.fixture
def ours(tmp_path):
    """Alice's database: the Paris document only, with her span on it."""
    path = tmp_path / "alice.db"
    with Store(path, annotator="Alice") as alice:
        paris = alice.add_documents([(doc(PARIS, "our paris"), [])]).added[0]
        alice.add_span(paris, Span(0, 5, "GPE"))
        alice.set_status(paris, "in_progress")
    return path


def merged(path, other, annotator="Alice"):
    with Store(path, annotator=annotator) as store:
        return merge_database(store, other)


def test_documents_are_matched_by_content_and_new_ones_added_pending_the_copy_index(ours, theirs):
    before = untouched(theirs)
    report = merged(ours, theirs)
    assert (report.documents_added, report.documents_matched) == (1, 1)
    rows = dump(ours)["documents"]
    assert [(r[0], r[1], r[4]) for r in rows] == [(1, "our paris", 1), (2, "curie", 0)]  # ours keeps its title; the new one waits for the index
    assert rows[1][2] == CURIE and rows[1][3] == "in/curie.txt" and rows[1][5] == content_hash(CURIE) and '"wire"' in rows[1][6]
    with Store(ours) as store:
        assert store.pending_copy_index() == 1 and store.build_copy_index() == 1
    assert untouched(theirs) == before


def test_spans_and_statuses_keep_their_annotator_and_nothing_is_duplicated(ours, theirs):
    report = merged(ours, theirs)
    assert (report.spans_added, report.spans_present, report.spans_conflicting) == (3, 0, 0)
    assert (report.states_added, report.states_present, report.states_conflicting) == (2, 0, 0)
    assert report.annotators_added == ["Bob", "Carol"] and report.conflicts == []
    with Store(ours, annotator="Bob") as store:
        curie, paris = store.document_ids()[::-1]
        assert [(s.start, s.end, s.label, s.note) for s in store.spans(curie)] == [(0, 11, "PERSON", "physicist")]
        assert [(s.start, s.annotator) for s in store.spans(paris)] == [(0, "Bob")]
        assert [(s.start, s.annotator) for s in store.spans(paris, annotator="Carol")] == [(24, "Carol")]
        assert [(s.start, s.annotator) for s in store.spans(paris, annotator="Alice")] == [(0, "Alice")]  # the same span in two layers
        assert store.document(curie).status == Status.DONE and store.document(paris).note == "check the capital"
        assert store.layer_statuses() == {paris: {"Alice": Status.IN_PROGRESS, "Bob": Status.NEW}, curie: {"Bob": Status.DONE}}


def test_a_rerun_is_a_no_op(ours, theirs):
    first = merged(ours, theirs)
    state = dump(ours)
    again = merged(ours, theirs)
    assert first.changed and not again.changed
    assert dump(ours) == state
    assert (again.documents_added, again.documents_matched, again.spans_added, again.spans_present, again.states_present) == (0, 2, 0, 3, 2)


def test_a_span_or_status_held_otherwise_keeps_ours_and_is_reported(tmp_path, theirs):
    path = tmp_path / "copy.db"
    shutil.copy(theirs, path)  # Bob's own database, then changed here
    with Store(path, annotator="Bob") as bob:
        curie, paris = bob.document_ids()
        span = bob.spans(curie)[0]
        bob.update_span(span.id, state=State.REJECTED, note="not him")
        bob.set_status(curie, "skipped")
    state = dump(path)
    report = merged(path, theirs, annotator="Bob")
    assert (report.spans_conflicting, report.spans_present, report.spans_added) == (1, 2, 0)
    assert (report.states_conflicting, report.states_present, report.states_added) == (1, 1, 0)
    assert not report.changed and dump(path) == state
    messages = sorted(str(c) for c in report.conflicts)
    assert messages == [
        "document 1: Bob's PERSON span 0-11 'Marie Curie': state 'rejected' here, 'accepted' in bob.db; "
        "note 'not him' here, 'physicist' in bob.db; ours kept",
        "document 1: Bob's status 'skipped' here, 'done' in bob.db; ours kept",
    ]
    assert [(c.kind, c.document_id, c.annotator) for c in report.conflicts] == [("span", 1, "Bob"), ("status", 1, "Bob")]


def test_labels_are_merged_by_name_with_their_colour_and_a_free_hotkey(ours, theirs):
    with Store(theirs) as bob:
        bob.save_labels([Label("PERSON", "#123456", "p"), Label("SHIP", "#00ff00", "s", "vessels"), Label("AIRLINE", "#0000ff", "p")])
    report = merged(ours, theirs)
    assert report.labels_added == ["SHIP", "AIRLINE"]
    [conflict] = report.conflicts
    assert conflict.kind == "label" and str(conflict) == f"label PERSON: colour {default_labels()[0].color} here, #123456 in bob.db; ours kept"
    with Store(ours) as store:
        labels = {label.name: label for label in store.labels()}
    assert labels["SHIP"] == Label("SHIP", "#00ff00", "s", "vessels")
    assert labels["AIRLINE"].hotkey is None  # "p" was PERSON's here: not taken over
    assert labels["PERSON"] == default_labels()[0] and list(labels)[-2:] == ["SHIP", "AIRLINE"]


def test_annotators_are_matched_without_case_and_our_spelling_wins(ours, tmp_path):
    other = tmp_path / "lower.db"
    with Store(other, annotator="  alice ") as store:
        paris = store.add_documents([(doc(PARIS), [])]).added[0]
        store.add_span(paris, Span(24, 30, "GPE"))
    report = merged(ours, other)
    assert report.annotators_added == [] and report.annotators_matched == {"alice": "Alice"}
    assert [r[1] for r in dump(ours)["spans"]] == ["Alice", "Alice"]
    assert [r[0] for r in dump(ours)["annotators"]] == ["Alice", "default"]


def test_an_older_schema_is_merged_from_a_migrated_copy_and_left_as_it_was(ours, tmp_path):
    other = tmp_path / "old.db"
    shutil.copy(FIXTURES / "schema_0003_copy_index.db", other)
    before = untouched(other)
    report = merged(ours, other)
    assert report.migrated_from == "0003_copy_index" and report.documents_added == 2
    assert (report.spans_added, report.states_added) == (2, 2)  # the old spans and statuses belong to "default"
    assert untouched(other) == before and sorted(p.name for p in tmp_path.iterdir()) == ["alice.db", "old.db"]  # no backup, no -wal beside it
    with Store(ours, annotator="default") as store:
        statuses = [store.document(i).status for i in store.document_ids()]
        assert statuses == [Status.NEW, Status.IN_PROGRESS, Status.NEW]


def test_two_default_layers_are_not_mixed_silently(tmp_path):
    ours, other = tmp_path / "ours.db", tmp_path / "old.db"
    shutil.copy(FIXTURES / "schema_0003_copy_index.db", other)
    with Store(ours) as store:  # our own work from before annotators were recorded, on the same article
        first = store.add_documents([(doc(sqlite3.connect(other).execute("SELECT text FROM documents WHERE id = 1").fetchone()[0]), [])]).added[0]
        store.add_span(first, Span(0, 5, "ORG"))
    report = merged(ours, other, annotator="default")
    assert report.warnings == [
        "both databases hold work in the layer 'default' (made before annotators were recorded): it was merged into one layer; "
        "to keep old.db's apart, merge with --default-as NAME"
    ]
    apart = tmp_path / "apart.db"
    with Store(apart) as store:
        store.add_documents([(doc(PARIS), [Span(0, 5, "GPE")])])
        report = merge_database(store, other, default_as="Bob")
    assert report.warnings == [] and report.annotators_added == ["Bob"]
    with Store(apart, annotator="Bob") as bob:
        assert {layer.name: layer.spans for layer in bob.annotators()} == {"Bob": 1, "default": 1}  # the old accepted span is Bob's
        assert [(d.status, d.note) for d in map(bob.document, bob.document_ids()[1:])] == [(Status.IN_PROGRESS, ""), (Status.NEW, "second seed")]


def test_a_newer_schema_is_refused_and_nothing_written(ours, theirs):
    with sqlite3.connect(theirs) as con:
        con.execute("UPDATE alembic_version SET version_num = '0099_future'")
    before, state = untouched(theirs), dump(ours)
    with pytest.raises(NewerDatabaseError, match=r"bob\.db was written by a newer version of the annotator \(schema 0099_future\)"):
        merged(ours, theirs)
    assert untouched(theirs) == before and dump(ours) == state


@pytest.mark.parametrize(
    "make, refusal",
    [
        (lambda p: sqlite3.connect(p).execute("CREATE TABLE notes (x)"), r"not an annotator database \(tables: notes\)"),
        (lambda p: p.write_bytes(b""), r"not an annotator database \(it is empty\)"),
        (lambda p: p.write_bytes(os.urandom(8192)), "cannot read the database"),
        (lambda p: p.mkdir(), "not a database file"),
        (lambda p: None, "no such file"),
    ],
    ids=["foreign tables", "empty file", "random bytes", "a folder", "missing"],
)
def test_what_is_no_annotator_database_is_refused_naming_it(ours, tmp_path, make, refusal):
    other = tmp_path / "other.db"
    make(other)
    state = dump(ours)
    with pytest.raises(DatabaseError, match=refusal) as caught:
        merged(ours, other)
    assert str(other) in str(caught.value) and dump(ours) == state


def _truncate(path):
    with open(path, "r+b") as handle:
        handle.truncate(path.stat().st_size // 2)


def _overwrite_documents_root(path):
    with sqlite3.connect(path) as con:
        page = con.execute("SELECT rootpage FROM sqlite_master WHERE name = 'documents'").fetchone()[0]
        size = con.execute("PRAGMA page_size").fetchone()[0]
    with open(path, "r+b") as handle:
        handle.seek((page - 1) * size)
        handle.write(b"\x0d" + bytes(range(256)) * (size // 256 - 1))


@pytest.mark.parametrize(
    "damage, refusal",
    [(_truncate, "cannot read the database .*malformed"), (_overwrite_documents_root, r"the database file is damaged .*\.recover")],
    ids=["half cut off (found on opening)", "a page overwritten (found midway)"],
)
def test_a_damaged_database_is_refused_naming_it(ours, tmp_path, damage, refusal):
    other = tmp_path / "damaged.db"
    with Store(other, annotator="Bob") as bob:
        bob.add_documents([(doc(f"Article {i}: " + PARIS * 150), []) for i in range(60)])
    damage(other)
    state = dump(ours)
    with pytest.raises(DatabaseError, match=refusal) as caught:
        merged(ours, other)
    assert str(caught.value).startswith(f"{other}: ") and dump(ours) == state


def test_a_failure_midway_leaves_the_database_as_it_was(ours, theirs):
    with sqlite3.connect(ours) as con:  # the last step fails, after documents, labels and spans were written
        con.execute("CREATE TRIGGER refuse BEFORE INSERT ON document_states WHEN NEW.annotator = 'Bob' BEGIN SELECT RAISE(ABORT, 'no statuses of Bob'); END")
    state = dump(ours)
    with pytest.raises(AnnotationError, match=r"bob\.db: a row was refused by .*alice\.db \(no statuses of Bob\); nothing was merged"):
        merged(ours, theirs)
    assert dump(ours) == state


def test_merging_a_database_into_itself_is_refused(ours):
    with pytest.raises(DatabaseError, match="is the database being merged into"):
        merged(ours, ours)
