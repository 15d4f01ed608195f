"""Merging another database carries its relation labels and relations, mapped onto our spans, once."""

import shutil
import sqlite3
from pathlib import Path

from annotator.core.model import Document, RelationLabel, Span
from annotator.core.text import content_hash
from annotator.store import Store
from annotator.store.merge import merge_database

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
TEXT = "Pompeo met Putin in Sochi."
OTHER_TEXT = "Erdogan visited Moscow."


def _doc(text: str) -> tuple[Document, list]:
    return Document(None, text[:8], text, content_hash=content_hash(text)), []


def _bob(path: Path) -> None:
    """Bob: the shared text (his spans, a relation with a note) and a text only he has."""
    with Store(path, annotator="Bob") as bob:
        bob.save_relation_labels([RelationLabel("met", "#1f78b4", "m", directed=False, heads=("PERSON",), tails=("PERSON",)),
                                  RelationLabel("visited", "#33a02c", "v")])
        shared, only = bob.add_documents([_doc(OTHER_TEXT), _doc(TEXT)]).added[::-1]
        pompeo, putin = bob.add_span(shared, Span(0, 6, "PERSON")), bob.add_span(shared, Span(11, 16, "PERSON"))
        bob.add_relation(pompeo.id, putin.id, "met", note="summit")
        erdogan, moscow = bob.add_span(only, Span(0, 7, "PERSON")), bob.add_span(only, Span(16, 22, "GPE"))
        bob.add_relation(erdogan.id, moscow.id, "visited")


def _texts(store: Store, layer: str) -> list[tuple]:
    found = []
    for doc_id in store.document_ids():
        text = store.document(doc_id).text
        found += [(text[r.head.start : r.head.end], text[r.tail.start : r.tail.end], r.label, r.note) for r in store.relations(doc_id, annotator=layer)]
    return sorted(found)


def test_relations_come_in_mapped_onto_our_spans_and_a_rerun_adds_nothing(tmp_path):
    _bob(tmp_path / "bob.db")
    with Store(tmp_path / "ours.db", annotator="alice") as ours:
        ours.save_relation_labels([RelationLabel("visited", "#000000", "m")])  # ours keeps its colour; met loses the taken hotkey
        ours.add_documents([_doc(TEXT)])
        ours.add_span(1, Span(0, 6, "PERSON", annotator="bob"))  # Bob's span already here under our spelling of him
        report = merge_database(ours, tmp_path / "bob.db")
        assert (report.relations_added, report.relations_present, report.relation_labels_added) == (2, 0, ["met"])
        assert [c.message for c in report.conflicts] == ["relation label visited: colour #000000 here, #33a02c in bob.db; ours kept"]
        assert _texts(ours, "bob") == [("Erdogan", "Moscow", "visited", ""), ("Pompeo", "Putin", "met", "summit")]
        labels = {l.name: l for l in ours.relation_labels()}
        assert (labels["met"].hotkey, labels["met"].directed, labels["met"].heads, labels["visited"].color) == (None, False, ("PERSON",), "#000000")
        again = merge_database(ours, tmp_path / "bob.db")
        assert (again.relations_added, again.relations_present, again.relations_conflicting, again.changed) == (0, 2, 0, False)
        assert len(_texts(ours, "bob")) == 2


def test_a_relation_here_with_another_note_is_kept_and_reported_and_a_missing_one_added(tmp_path):
    _bob(tmp_path / "bob.db")
    shutil.copy(tmp_path / "bob.db", tmp_path / "ours.db")
    with Store(tmp_path / "ours.db", annotator="Bob") as ours:
        (met,) = ours.relations(2)
        ours.set_relation_note(met.id, "lunch")
        (visited,) = ours.relations(1)
        ours.delete_relation(visited.id)
        report = merge_database(ours, tmp_path / "bob.db")
        assert (report.relations_added, report.relations_present, report.relations_conflicting) == (1, 0, 1)
        assert report.conflicts[0].kind == "relation" and "note 'lunch' here, 'summit' in bob.db; ours kept" in report.conflicts[0].message
        assert [r.note for r in ours.relations(2)] == ["lunch"]


def test_an_undirected_relation_here_the_other_way_round_is_not_copied_again(tmp_path):
    _bob(tmp_path / "bob.db")
    shutil.copy(tmp_path / "bob.db", tmp_path / "ours.db")
    with Store(tmp_path / "ours.db", annotator="Bob") as ours:
        (met,) = ours.relations(2)
        ours.delete_relation(met.id)
        ours.add_relation(met.tail.id, met.head.id, "met", note="summit")
        report = merge_database(ours, tmp_path / "bob.db")
        assert (report.relations_added, report.relations_present) == (0, 2)
        assert len(ours.relations(2)) == 1


def test_merging_an_older_schema_without_relations_still_works(tmp_path):
    shutil.copy(FIXTURES / "schema_0004_annotators.db", tmp_path / "old.db")
    _bob(tmp_path / "ours.db")
    with Store(tmp_path / "ours.db") as ours:
        report = merge_database(ours, tmp_path / "old.db")
    assert report.documents_added == 2 and report.relations_added == 0 and report.relation_labels_added == []
    with sqlite3.connect(tmp_path / "ours.db") as con:
        assert con.execute("select count(*) from relations").fetchone()[0] == 2
