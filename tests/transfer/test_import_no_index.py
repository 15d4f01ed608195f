"""`import --no-index` (import_paths(index=False)): the documents land with their spans, their
copy index is left pending (documents.copies_indexed = 0) and the summary says how to build it;
built later, the index holds the same groups as an import that indexed inline. Both engines."""

from __future__ import annotations

from annotator.store import Store
from annotator.transfer.importing import import_paths
from tests.conftest import SEEDS
from tests.test_cli import run


def groups(store: Store) -> list[tuple[str, list[tuple[int, int, int]]]]:
    return sorted((g.kind, [(x.doc_id, x.start, x.end) for x in g.sentences]) for g in store.copy_groups())


def test_no_index_leaves_the_index_pending_and_a_later_build_finds_the_same_groups(new_db):
    with Store(new_db("inline")) as inline:
        import_paths(inline, [SEEDS])
        expected = groups(inline)
    with Store(new_db("deferred")) as store:
        report = import_paths(store, [SEEDS], index=False)
        assert report.added == 2 and report.pending_index == 2
        assert "2 document(s) wait for the copy index: `annotator index` or the window builds it" in report.summary()
        assert store.pending_copy_index() == 2 and groups(store) == []
        assert store.build_copy_index() == 2
        assert store.pending_copy_index() == 0 and groups(store) == expected
    assert len(expected) == 3  # the seeds' two exact groups and one near group


def test_an_indexing_import_says_nothing_of_the_index(new_db):
    with Store(new_db()) as store:
        report = import_paths(store, [SEEDS])
        assert report.pending_index == 0 and "copy index" not in report.summary()
        assert store.pending_copy_index() == 0


def test_cli_import_no_index_then_index(cli_env):
    out = run(cli_env, "import", "--no-index", SEEDS).stdout
    assert "2 document(s) wait for the copy index: `annotator index` or the window builds it" in out
    assert "indexed 2 document(s); the index is up to date" in run(cli_env, "index").stdout
    assert run(cli_env, "duplicates").stdout.strip().endswith("3 group(s) of copies, 6 sentence(s)")
