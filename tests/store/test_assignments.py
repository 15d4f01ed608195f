"""Assignments and progress per annotator (issue 15, team features)."""

import pytest

from annotator.core.model import AnnotationError, Document, Span
from annotator.core.text import content_hash
from annotator.store import Store


@pytest.fixture
def corpus(new_db):
    with Store(new_db("team"), annotator="lead") as store:
        texts = [f"Article number {i} about Paris." for i in range(6)]
        ids = store.add_documents([(Document(None, f"t{i}", t, content_hash=content_hash(t)), []) for i, t in enumerate(texts)]).added
        yield store, ids


def test_count_picks_unassigned_documents_in_the_status_in_id_order(corpus):
    store, ids = corpus
    with Store(store.location, annotator="alice") as alice:
        alice.set_status(ids[0], "done")
    first = store.assign("alice", count=2)
    assert first.assigned == [ids[1], ids[2]] and first.annotator == "alice"  # ids[0] is done for alice
    second = store.assign("Bob", count=2)
    assert second.assigned == [ids[0], ids[3]]  # bob's status of ids[0] is new; 1 and 2 are alice's
    assert store.assign("carol", count=5).assigned == [ids[4], ids[5]]  # what is left
    assert store.assigned_ids("alice") == [ids[1], ids[2]]
    assert store.assign("alice", count=1, status="done").assigned == []  # her done one is bob's


def test_ids_assign_those_documents_and_report_the_ones_already_given(corpus):
    store, ids = corpus
    store.assign("alice", ids=[ids[0]])
    again = store.assign("alice", ids=[ids[0], ids[1]])
    assert again.assigned == [ids[1]] and again.already == [ids[0]]
    assert store.assign("bob", ids=[ids[0]]).assigned == [ids[0]]  # double annotation is allowed by id
    with pytest.raises(AnnotationError, match=r"no document 999; nothing was assigned"):
        store.assign("alice", ids=[ids[2], 999])
    assert store.assigned_ids("alice") == [ids[0], ids[1]]


def test_my_documents_filter_lists_the_documents_assigned_to_the_store_annotator(corpus):
    store, ids = corpus
    store.assign("alice", ids=[ids[1], ids[4]])
    with Store(store.location, annotator="Alice") as alice:
        assert [s.id for s in alice.summaries(limit=10, mine=True)] == [ids[1], ids[4]]
        assert alice.count_documents(mine=True) == 2
        assert alice.document_row(ids[4], mine=True) == 1 and alice.document_row(ids[0], mine=True) is None
        assert alice.count_documents() == 6


def test_progress_per_annotator(corpus):
    store, ids = corpus
    store.assign("alice", ids=ids[:3])
    with Store(store.location, annotator="alice") as alice:
        alice.set_status(ids[0], "done")
        alice.set_status(ids[1], "in_progress")
        alice.add_span(ids[1], Span(0, 7, "MISC"))
    by_name = {p.annotator: p for p in store.progress()}
    assert (by_name["alice"].assigned, by_name["alice"].in_progress, by_name["alice"].done, by_name["alice"].spans) == (3, 1, 1, 1)
    assert by_name["lead"].assigned == 0
