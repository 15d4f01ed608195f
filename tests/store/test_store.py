import sqlite3

import pytest
from sqlalchemy import exc
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from annotator.core.model import AnnotationError, Document, Label, Source, Span, State, Status
from annotator.core.text import content_hash
from annotator.store import NewerDatabaseError, Store
from annotator.store import migrations
from annotator.store.database import HEAD_REVISION
from annotator.store.schema import Base


def add_doc(store, text="Marie Curie met Pierre Curie in Paris.", spans=()):
    doc = Document(None, "t", text, content_hash=content_hash(text))
    return store.add_documents([(doc, list(spans))]).added[0]


def test_fresh_db_is_migrated_to_head_with_default_labels(tmp_path):
    with Store(tmp_path / "a.db") as store:
        assert store.created
        assert len(store.labels()) == 18
    con = sqlite3.connect(tmp_path / "a.db")
    assert con.execute("select version_num from alembic_version").fetchone()[0] == HEAD_REVISION
    assert con.execute("pragma journal_mode").fetchone()[0] == "wal"


def test_head_constant_is_alembic_head():
    assert migrations.head() == HEAD_REVISION


def test_migrated_schema_matches_the_orm_models(store):
    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_newer_database_is_refused_and_left_untouched(tmp_path):
    path = tmp_path / "a.db"
    Store(path).close()
    con = sqlite3.connect(path)
    con.execute("update alembic_version set version_num = '9999_future'")
    con.commit()
    con.close()
    before = path.read_bytes()
    with pytest.raises(NewerDatabaseError, match="newer version"):
        Store(path)
    assert path.read_bytes() == before
    assert not list(tmp_path.glob("a.db.backup-*"))


def test_foreign_sqlite_file_is_refused(tmp_path):
    path = tmp_path / "other.db"
    con = sqlite3.connect(path)
    con.execute("create table x (y)")
    con.commit()
    con.close()
    with pytest.raises(Exception, match="not an annotator database"):
        Store(path)


@pytest.mark.parametrize(
    "sql",
    [
        "insert into spans (document_id,start,\"end\",label_id,source,state,note,annotator,created_at,updated_at) values (1,5,5,1,'human','accepted','','','','')",
        "insert into spans (document_id,start,\"end\",label_id,source,state,note,annotator,created_at,updated_at) values (1,-1,3,1,'human','accepted','','','','')",
        "insert into spans (document_id,start,\"end\",label_id,source,state,note,annotator,created_at,updated_at) values (1,0,999,1,'human','accepted','','','','')",
        "insert into spans (document_id,start,\"end\",label_id,source,state,note,annotator,created_at,updated_at) values (1,0,3,1,'robot','accepted','','','','')",
        "insert into spans (document_id,start,\"end\",label_id,source,state,note,annotator,created_at,updated_at) values (77,0,3,1,'human','accepted','','','','')",
        "insert into document_states (document_id, annotator, status, note, updated_at) values (1, 'default', 'finished', '', '')",
        "insert into document_states (document_id, annotator, status, note, updated_at) values (1, 'nobody', 'done', '', '')",
        "insert into labels (name,color,hotkey,description,position) values ('X','red',null,'',0)",
    ],
)
def test_database_constraints_refuse_broken_rows(store, sql):
    add_doc(store)
    with store.engine.connect() as con, pytest.raises(exc.IntegrityError):
        con.exec_driver_sql(sql)


def test_span_end_trigger_counts_code_points_like_python(store):
    text = "👩‍🔬 Marie"
    doc_id = add_doc(store, text)
    stored = store.add_span(doc_id, Span(0, len(text), "PERSON"))
    assert (stored.start, stored.end) == (0, len(text))
    with pytest.raises(AnnotationError):
        store.add_span(doc_id, Span(0, len(text) + 1, "PERSON"))


def test_span_edit_cycle_and_undo_by_restoring(store):
    doc_id = add_doc(store)
    span = store.add_span(doc_id, Span(0, 11, "PERSON", note="physicist"))
    with pytest.raises(AnnotationError, match="already exists"):
        store.add_span(doc_id, Span(0, 11, "PERSON"))
    before, after = store.update_span(span.id, label="ORG", note="")
    assert (before.label, after.label, after.note) == ("PERSON", "ORG", "")
    removed = store.delete_span(span.id)
    assert store.spans(doc_id) == []
    restored = store.add_span(doc_id, removed)
    assert restored.id == span.id and restored.label == "ORG"


def test_overlapping_spans_are_allowed(store):
    doc_id = add_doc(store)
    store.add_span(doc_id, Span(0, 11, "PERSON"))
    store.add_span(doc_id, Span(6, 11, "PERSON"))
    store.add_span(doc_id, Span(0, 11, "ORG"))
    assert len(store.spans(doc_id)) == 3


def test_document_status_and_note_return_previous_values(store):
    doc_id = add_doc(store)
    assert store.set_status(doc_id, "done") == Status.NEW
    assert store.set_document_note(doc_id, "check dates") == ""
    doc = store.document(doc_id)
    assert (doc.status, doc.note) == (Status.DONE, "check dates")
    assert store.status_counts()[Status.DONE] == 1


def test_labels_rename_keeps_spans_and_hotkeys_move(store):
    doc_id = add_doc(store)
    store.add_span(doc_id, Span(0, 11, "PERSON"))
    store.save_label(Label("PER", "#aa9cfc", "p"), old_name="PERSON")
    assert store.spans(doc_id)[0].label == "PER"
    store.save_label(Label("MISC", "#cccccc", "p"))
    hotkeys = {l.name: l.hotkey for l in store.labels()}
    assert hotkeys["MISC"] == "p" and hotkeys["PER"] is None
    with pytest.raises(AnnotationError, match="used by 1"):
        store.delete_label("PER")
    store.delete_label("MISC")
    assert "MISC" not in {l.name for l in store.labels()}


def test_add_documents_skips_known_hashes_and_is_all_or_nothing(store):
    docs = [(Document(None, "t", t, content_hash=content_hash(t)), []) for t in ("one", "two", "one")]
    result = store.add_documents(docs)
    assert (len(result.added), result.duplicates) == (2, 1)
    bad = Document(None, "t", "three", content_hash=content_hash("three"))
    with pytest.raises(AnnotationError):
        store.add_documents([(bad, [Span(0, 99, "PERSON")])])  # refused by the trigger
    assert store.count_documents() == 2


def test_iter_export_filters_and_keeps_order(store):
    a = add_doc(store, "Alice and Bob")
    b = add_doc(store, "Carol")
    store.add_span(a, Span(10, 13, "PERSON"))
    store.add_span(a, Span(0, 5, "PERSON", source=Source.MODEL, state=State.SUGGESTED))
    store.add_span(b, Span(0, 5, "ORG"))
    store.set_status(b, "done")
    got = [(d.id, [(s.start, s.label) for s in spans]) for d, spans in store.iter_export()]
    assert got == [(a, [(10, "PERSON")]), (b, [(0, "ORG")])]
    got = [(d.id, len(spans)) for d, spans in store.iter_export(states=(State.ACCEPTED, State.SUGGESTED), labels=["PERSON"])]
    assert got == [(a, 2), (b, 0)]
    assert [d.id for d, _ in store.iter_export(statuses=["done"])] == [b]


def test_summaries_page_and_filter(store):
    for i in range(30):
        add_doc(store, f"Document number {i} about Paris" if i % 2 else f"Document number {i}")
    assert store.count_documents() == 30
    assert store.count_documents(text="paris") == 15  # case-insensitive
    assert store.count_documents(text="100%") == 0  # % is literal
    page = store.summaries(offset=10, limit=5)
    assert [s.id for s in page] == [11, 12, 13, 14, 15]
