"""Optimistic edits (issue 15): an edit naming the version it saw is refused once another writer moved the row on."""

import pytest

from annotator.core.model import AnnotationError, Document, Span, State, Status
from annotator.core.text import content_hash
from annotator.store import Store
from annotator.store.conflicts import ConflictError, span_change

TEXT = "Marie Curie met Pierre Curie in Paris."


@pytest.fixture
def two(new_db):
    """Two stores (two windows) on one database, as the same annotator, with a span in a document."""
    path = new_db("team")
    with Store(path, annotator="alice") as first, Store(path, annotator="alice") as second:
        doc_id = first.add_documents([(Document(None, "t", TEXT, content_hash=content_hash(TEXT)), [])]).added[0]
        span = first.add_span(doc_id, Span(0, 11, "PERSON"))
        yield first, second, doc_id, span


def test_a_stored_row_starts_at_version_1_and_each_write_bumps_it(two):
    first, _, doc_id, span = two
    assert span.version == 1
    _, after = first.update_span(span.id, version=1, note="physicist")
    assert after.version == 2 and first.span(span.id).version == 2
    _, after = first.update_span(span.id, label="ORG")  # no version: written, and still counted
    assert after.version == 3
    assert first.document(doc_id).version == 0  # no status row yet
    first.set_status(doc_id, Status.IN_PROGRESS, version=0)
    assert first.document(doc_id).version == 1


def test_the_second_writer_of_a_span_gets_a_conflict_naming_who_and_nothing_is_overwritten(two):
    first, second, _, span = two
    seen = second.span(span.id)
    first.update_span(span.id, version=span.version, label="ORG")
    with pytest.raises(ConflictError) as caught:
        second.update_span(seen.id, version=seen.version, label="GPE")
    error = caught.value
    assert error.current.label == "ORG" and error.current.version == 2
    assert error.by == "alice"
    assert "alice changed this span's label to ORG at " in error.describe(span_change(seen, error.current))
    assert "your change was not applied" in str(error)
    assert second.span(span.id).label == "ORG"  # the first writer's edit stands


def test_a_conflicting_delete_deletes_nothing_and_an_edit_of_a_deleted_span_is_a_conflict(two):
    first, second, _, span = two
    first.update_span(span.id, version=1, note="checked")
    with pytest.raises(ConflictError):
        second.delete_span(span.id, version=1)
    assert first.span(span.id).note == "checked"
    first.delete_span(span.id, version=2)
    with pytest.raises(ConflictError) as caught:
        second.update_span(span.id, version=2, label="ORG")
    assert caught.value.current is None
    assert str(caught.value).startswith("Someone deleted this span")


def test_the_other_annotator_is_named_when_they_changed_the_span(two):
    first, _, _, span = two
    with Store(first.location, annotator="bob") as bob:  # adjudication: bob edits alice's layer
        bob.update_span(span.id, version=1, state=State.REJECTED)
    with pytest.raises(ConflictError, match=r"^bob changed this span"):
        first.update_span(span.id, version=1, note="late")


def test_status_and_note_of_a_document_are_versioned_too(two):
    first, second, doc_id, _ = two
    seen = second.document(doc_id)
    first.set_status(doc_id, Status.DONE, version=seen.version)
    with pytest.raises(ConflictError) as caught:
        second.set_document_note(doc_id, "mine", version=seen.version)
    assert caught.value.current.status == "done" and caught.value.current.note == ""
    assert "changed this document's status to done" in caught.value.describe("'s status to done")
    assert second.document(doc_id).note == ""
    fresh = second.document(doc_id)
    second.set_document_note(doc_id, "mine", version=fresh.version)
    assert first.document(doc_id).note == "mine" and first.document(doc_id).status == Status.DONE


def test_callers_that_pass_no_version_work_as_before(two):
    first, second, doc_id, span = two
    first.update_span(span.id, label="ORG")
    second.update_span(span.id, label="GPE")
    assert first.span(span.id).label == "GPE"
    with pytest.raises(AnnotationError, match="no span"):
        second.delete_span(span.id + 100)
    second.set_status(doc_id, "done")
    first.set_status(doc_id, "in_progress")
    assert second.document(doc_id).status == Status.IN_PROGRESS


def test_an_upgraded_database_starts_every_row_at_version_1(tmp_path):
    import shutil
    from pathlib import Path

    path = tmp_path / "old.db"
    shutil.copy(Path(__file__).resolve().parents[1] / "fixtures" / "schema_0005_relations.db", path)
    with Store(path) as store:
        spans = store.spans(1)
        assert [s.version for s in spans] == [1, 1]
        assert store.document(1).version == 1 and store.document(2).version == 1  # status row, note row
        assert [r.version for r in store.relations(1)] == [1]
        store.update_span(spans[0].id, version=1, note="edited")
        with pytest.raises(ConflictError):
            store.update_span(spans[0].id, version=1, note="again")
        assert store.assigned_ids() == [] and store.change_token() == 1
