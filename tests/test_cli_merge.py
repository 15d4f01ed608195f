"""`annotator merge OTHER.db` as a researcher runs it: the summary, --json, the copy index, refusals."""

import json

from annotator.cli import main
from annotator.core.model import Document, Span
from annotator.core.text import content_hash
from annotator.store import Store

PARIS = "Paris is the capital of France, and the French government sits there."
ROME = "Rome is the capital of Italy, and the Italian government sits there."


def doc(text):
    return Document(None, text[:4], text, content_hash=content_hash(text))


def make(path, annotator, texts, status=None):
    with Store(path, annotator=annotator) as store:
        ids = store.add_documents([(doc(t), []) for t in texts]).added
        store.add_span(ids[0], Span(0, 5 if texts[0] == PARIS else 4, "GPE"))
        if status:
            store.set_status(ids[0], status)


def merge(capsys, db, other, *options):
    code = main(["--db", str(db), "merge", str(other), *options])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_merge_prints_what_came_in_then_nothing_changed(tmp_path, capsys):
    ours, theirs = tmp_path / "alice.db", tmp_path / "bob.db"
    make(ours, "alice", [PARIS], status="done")
    make(theirs, "bob", [PARIS, ROME], status="skipped")
    code, out, _ = merge(capsys, ours, theirs)
    assert code == 0
    assert "documents: 1 added, 1 already here (same text)" in out
    assert "spans: 1 added, 0 already here, 0 here with another state or note (ours kept)" in out
    assert "statuses and notes: 1 added, 0 already here, 0 differing (ours kept)" in out
    assert "annotators added: bob; labels added: none" in out
    assert "indexed the sentences of 1 document(s) for copies" in out
    code, out, _ = merge(capsys, ours, theirs)
    assert code == 0 and f"nothing changed: everything in {theirs} was already here" in out
    with Store(ours) as store:
        assert store.pending_copy_index() == 0 and [layer.name for layer in store.annotators()] == ["alice", "bob", "default"]


def test_json_and_a_conflict_listed(tmp_path, capsys):
    ours, theirs = tmp_path / "a.db", tmp_path / "b.db"
    make(ours, "sam", [PARIS], status="done")
    make(theirs, "Sam", [PARIS, ROME], status="in_progress")
    code, out, _ = merge(capsys, ours, theirs, "--json", "--no-index")
    result = json.loads(out)
    assert code == 0 and result["changed"] is True
    assert (result["documents_added"], result["documents_matched"], result["spans_present"]) == (1, 1, 1)
    assert result["annotators_matched"] == {"Sam": "sam"} and result["annotators_added"] == []
    assert result["conflicts"] == [
        {"kind": "status", "document_id": 1, "annotator": "sam", "message": "document 1: sam's status 'done' here, 'in_progress' in b.db; ours kept"}
    ]
    assert result["copy_index"] == {"indexed": 0, "pending": 1}
    code, out, _ = merge(capsys, ours, theirs, "--no-index")
    assert "conflict: document 1: sam's status 'done' here, 'in_progress' in b.db; ours kept" in out
    assert "1 document(s) wait for the copy index: `annotator index` or the window builds it" in out


def test_a_missing_or_foreign_file_is_refused_with_exit_1(tmp_path, capsys):
    ours = tmp_path / "a.db"
    make(ours, "sam", [PARIS])
    code, _, err = merge(capsys, ours, tmp_path / "nope.db")
    assert code == 1 and err.strip() == f"annotator: error: {tmp_path / 'nope.db'}: no such file; nothing was merged"
    (tmp_path / "notes.txt").write_text("not a database\n" * 100)
    code, _, err = merge(capsys, ours, tmp_path / "notes.txt")
    assert code == 1 and f"{tmp_path / 'notes.txt'}: cannot read the database (file is not a database)" in err


def test_an_older_database_with_default_work_is_merged_as_someone(tmp_path, capsys):
    import shutil
    from pathlib import Path

    ours, old = tmp_path / "a.db", tmp_path / "old.db"
    shutil.copy(Path(__file__).resolve().parent / "fixtures" / "schema_0003_copy_index.db", old)
    make(ours, "default", [PARIS])
    code, out, err = merge(capsys, ours, old, "--no-index")
    assert code == 0 and "merge with --default-as NAME" in err
    assert f"{old} has an older schema (0003_copy_index): merged from an upgraded copy; the file was not changed" in out
    code, out, err = merge(capsys, tmp_path / "b.db", old, "--default-as", "Bob", "--no-index")
    assert code == 0 and err == "" and "annotators added: Bob; labels added: none" in out
