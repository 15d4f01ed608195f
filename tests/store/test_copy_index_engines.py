"""The copy index finds the same groups on both engines, across imports: a sentence of a later
import joins the group of its first stored copy (dialect.join_first: PostgreSQL's lookup goes
through the hash index, never a walk of the primary key)."""

from __future__ import annotations

from annotator.store import Store
from annotator.store import dialect
from tests.store.test_copy_index import WASHINGTON, add, rows, seeds

WHOLE = WASHINGTON + ", Russia and China, which curbed Iran's nuclear ambitions in return for sanctions relief."
LATER = f"A later article about the deal.\n\n{WHOLE}\n\nNothing else in this short article is shared with any other one."


def groups(store: Store) -> list[tuple[str, list[tuple[int, str]]]]:
    return sorted((g.kind, [(x.doc_id, x.text) for x in g.sentences]) for g in store.copy_groups())


def test_a_later_import_joins_the_first_stored_copy_on_either_engine(new_db):
    with Store(new_db()) as store:
        add(store, *seeds())
        add(store, LATER)  # a second import: the Washington sentence's first copy is stored already
        found = groups(store)
        first = rows(store, "SELECT min(id) FROM sentences WHERE document_id = 1")[0][0]
        grouped = rows(store, "SELECT document_id, group_id FROM sentences WHERE group_id IS NOT NULL ORDER BY id")
    washington = next(members for kind, members in found if any(WASHINGTON in text for _, text in members))
    assert [doc for doc, _ in washington] == [1, 2, 3]
    assert [kind for kind, _ in found] == ["exact", "exact", "near"]
    assert all(group >= first for _, group in grouped) and any(doc == 3 for doc, _ in grouped)


def test_the_first_copy_lookup_reads_through_the_hash_index_on_postgresql():
    sql = dialect.render_driver("SELECT h.value, s.id FROM ({ints:?}) AS h {join_first:s sentences text_hash h.value}", "postgresql")
    assert "min(id)" in sql and "GROUP BY text_hash" in sql and "ORDER BY id" not in sql
    assert "ORDER BY id LIMIT 1" in dialect.render_driver("{join_first:s sentences text_hash h.value}", "sqlite")
