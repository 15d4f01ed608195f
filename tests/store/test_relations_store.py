"""Relations in the store: labels, the rules with their messages, the span-delete cascade and its undo."""

import pytest
from sqlalchemy import text

from annotator.core.model import AnnotationError, Document, Label, RelationLabel, Source, Span, State
from annotator.core.text import content_hash

TEXT = "Pompeo met Putin in Sochi. Turkey bought the S-400."
SECOND = "Erdogan visited Moscow."


def _doc(text: str) -> tuple[Document, list]:
    return Document(None, text[:10], text, content_hash=content_hash(text)), []


@pytest.fixture
def world(store):
    store.add_documents([_doc(TEXT), _doc(SECOND)])
    spans = {name: store.add_span(1, Span(TEXT.index(name), TEXT.index(name) + len(name), label))
             for name, label in [("Pompeo", "PERSON"), ("Putin", "PERSON"), ("Sochi", "GPE"), ("Turkey", "GPE"), ("S-400", "PRODUCT")]}
    spans["Erdogan"] = store.add_span(2, Span(0, 7, "PERSON"))
    store.save_relation_labels([
        RelationLabel("met", "#1f78b4", "m", directed=False, heads=("PERSON",), tails=("PERSON",)),
        RelationLabel("located_in", tails=("GPE",)),
        RelationLabel("bought", heads=("GPE", "ORG"), tails=("PRODUCT",)),
    ])
    return spans


def test_relation_labels_round_trip_in_order_with_their_ends(store):
    labels = [RelationLabel("met", "#1f78b4", "m", "two people meet", False, ("PERSON",), ("PERSON",)), RelationLabel("about")]
    store.save_relation_labels(labels)
    assert store.relation_labels() == labels
    store.save_relation_label(RelationLabel("talked_with", hotkey="m", heads=("PERSON", "NORP")), old_name="met")
    assert [(l.name, l.hotkey, l.heads, l.tails) for l in store.relation_labels()] == [("talked_with", "m", ("PERSON", "NORP"), ()), ("about", None, (), ())]  # ends in scheme order
    store.save_relation_label(RelationLabel("about", hotkey="m"))  # the hotkey moves to the label that claims it last
    assert [l.hotkey for l in store.relation_labels()] == [None, "m"]
    with pytest.raises(AnnotationError, match="no relation label 'gone'"):
        store.save_relation_label(RelationLabel("x"), old_name="gone")
    with pytest.raises(AnnotationError, match="'about' already exists"):
        store.save_relation_label(RelationLabel("about"), old_name="talked_with")


def test_an_entity_label_at_an_end_follows_its_rename_and_cannot_be_deleted(store):
    store.save_labels([Label("WEAPON", "#aabbcc")])
    store.save_relation_labels([RelationLabel("bought", tails=("WEAPON",))])
    store.save_label(Label("ARMS", "#aabbcc"), old_name="WEAPON")
    assert store.relation_labels()[0].tails == ("ARMS",)
    with pytest.raises(AnnotationError, match="allowed at an end of the relation label.s. bought"):
        store.delete_label("ARMS")


def test_unknown_entity_labels_named_at_an_end_are_created(store):
    store.save_relation_labels([RelationLabel("owns", heads=("COMPANY",))])
    assert "COMPANY" in [label.name for label in store.labels()]


def test_add_relation_returns_it_with_full_ends_and_reads_back_in_one_list(store, world):
    rel = store.add_relation(world["Pompeo"].id, world["Putin"].id, "met", note="in Sochi")
    store.add_relation(world["Putin"].id, world["Sochi"].id, "located_in", source=Source.MODEL, state=State.SUGGESTED)
    assert (rel.head.start, rel.tail.label, rel.label, rel.note, rel.annotator, rel.document_id) == (0, "PERSON", "met", "in Sochi", "default", 1)
    found = store.relations(1)
    assert [(r.head.id, r.tail.id, r.label) for r in found] == [(world["Pompeo"].id, world["Putin"].id, "met"), (world["Putin"].id, world["Sochi"].id, "located_in")]
    assert found[0].tail is found[1].head  # one span, one object
    assert store.relations(2) == [] and [r.id for r in store.relations_of_span(world["Putin"].id)] == [r.id for r in found]
    assert store.relation_counts() == {"met": 1} and store.relation_counts(None) == {"met": 1, "located_in": 1}


@pytest.mark.parametrize(
    "head, tail, label, message",
    [
        ("Pompeo", "Pompeo", "met", "cannot be related to itself"),
        ("Pompeo", "Erdogan", "met", "span 1 is in document 1 and span 6 in document 2"),
        ("Pompeo", "Sochi", "met", "relation 'met' needs a tail labelled PERSON, not GPE"),
        ("S-400", "Turkey", "bought", "needs a head labelled ORG or GPE, not PRODUCT"),
        ("Pompeo", "Putin", "visited", "no relation label 'visited'; add it to the label scheme first"),
    ],
)
def test_add_relation_refuses_with_a_clear_message(store, world, head, tail, label, message):
    with pytest.raises(AnnotationError, match=message):
        store.add_relation(world[head].id, world[tail].id, label)
    assert store.relations(1) == [] and store.relation_labels()[0].name == "met"  # nothing written, no label made


def test_a_repeat_is_refused_and_an_undirected_one_read_the_other_way_too(store, world):
    first = store.add_relation(world["Pompeo"].id, world["Putin"].id, "met")
    for head, tail in [("Pompeo", "Putin"), ("Putin", "Pompeo")]:
        with pytest.raises(AnnotationError, match=f"already exists .relation {first.id}."):
            store.add_relation(world[head].id, world[tail].id, "met")
    store.add_relation(world["Turkey"].id, world["S-400"].id, "bought")
    store.add_relation(world["Sochi"].id, world["Turkey"].id, "located_in")
    store.add_relation(world["Turkey"].id, world["Sochi"].id, "located_in")  # directed: the other way is another relation
    assert len(store.relations(1)) == 4


def test_ends_must_be_in_the_relation_layer(world, store):
    store.use_annotator("bob")
    theirs = store.add_span(1, Span(0, 6, "PERSON"))
    with pytest.raises(AnnotationError, match=f"span {world['Putin'].id} is in default's layer, not bob's"):
        store.add_relation(theirs.id, world["Putin"].id, "met")
    with pytest.raises(AnnotationError, match="not bob's"):
        store.add_relation(world["Pompeo"].id, world["Putin"].id, "met")
    rel = store.add_relation(theirs.id, store.add_span(1, Span(11, 16, "PERSON")).id, "met")
    store.use_annotator("default")
    assert store.relations(1) == [] and [r.id for r in store.relations(1, annotator="Bob")] == [rel.id]
    with pytest.raises(AnnotationError, match="not default's"):  # an annotator= names the layer
        store.add_relation(theirs.id, world["Putin"].id, "met", annotator="default")


def test_relabel_note_delete_and_restore(store, world):
    rel = store.add_relation(world["Putin"].id, world["Sochi"].id, "located_in")
    with pytest.raises(AnnotationError, match="needs a tail labelled PERSON"):
        store.relabel_relation(rel.id, "met")
    store.save_relation_labels([RelationLabel("visited")])
    assert store.relabel_relation(rel.id, "visited").label == "visited"
    noted = store.set_relation_note(rel.id, "summit\r\nday two")
    assert noted.note == "summit\nday two" and noted.label == "visited"
    with pytest.raises(AnnotationError, match="no relation 999"):
        store.set_relation_note(999, "x")
    with pytest.raises(AnnotationError, match="relation label 'visited' is used by 1 relations"):
        store.delete_relation_label("visited")
    gone = store.delete_relation(rel.id)
    assert store.relations(1) == [] and gone.note == "summit\nday two"
    (back,) = store.restore_relations([gone])
    assert (back.id, back.label, back.note, back.created_at) == (rel.id, "visited", "summit\nday two", rel.created_at)
    store.delete_relation(rel.id)
    store.delete_relation_label("visited")
    with pytest.raises(AnnotationError, match="no relation label 'visited' any more"):
        store.restore_relations([gone])


def test_deleting_a_span_deletes_its_relations_and_restore_span_brings_them_back(store, world):
    met = store.add_relation(world["Pompeo"].id, world["Putin"].id, "met", note="talks")
    located = store.add_relation(world["Putin"].id, world["Sochi"].id, "located_in")
    kept = store.add_relation(world["Turkey"].id, world["S-400"].id, "bought")
    span, relations = store.delete_span_with_relations(world["Putin"].id)
    assert sorted(r.id for r in relations) == sorted([met.id, located.id])
    assert [r.id for r in store.relations(1)] == [kept.id]
    restored, back = store.restore_span(span, relations)
    assert restored.id == span.id and sorted(r.id for r in back) == sorted([met.id, located.id])
    assert [(r.id, r.note) for r in store.relations(1)] == [(met.id, "talks"), (located.id, ""), (kept.id, "")]


def test_plain_delete_span_cascades_too(store, world):
    store.add_relation(world["Pompeo"].id, world["Putin"].id, "met")
    store.delete_span(world["Pompeo"].id)
    assert store.relations(1) == [] and store.relations_of_span(world["Putin"].id) == []


def test_a_restored_span_whose_id_was_taken_gets_a_new_one_and_its_relations_follow(store, world):
    rel = store.add_relation(world["Turkey"].id, world["S-400"].id, "bought")
    span, relations = store.delete_span_with_relations(world["S-400"].id)
    with store.engine.begin() as con:  # another writer reuses the freed id (SQLite gives the max id + 1 again)
        con.execute(text("insert into spans (id, document_id, start, \"end\", label_id, source, state, note, annotator, provenance, created_at, updated_at)"
                         " select :id, 2, 8, 14, label_id, 'human', 'accepted', '', 'default', '', '', '' from spans where id = :like"),
                    {"id": span.id, "like": world["Erdogan"].id})
    restored, (back,) = store.restore_span(span, relations)
    assert restored.id != span.id and (restored.start, restored.end, restored.label) == (span.start, span.end, "PRODUCT")
    assert (back.id, back.head.id, back.tail.id) == (rel.id, world["Turkey"].id, restored.id)


def test_restore_refuses_when_an_end_is_gone(store, world):
    rel = store.delete_relation(store.add_relation(world["Pompeo"].id, world["Putin"].id, "met").id)
    store.delete_span(world["Putin"].id)
    with pytest.raises(AnnotationError, match=f"span {world['Putin'].id} is no longer there"):
        store.restore_relations([rel])


def test_changing_the_layer_of_a_related_span_is_refused(store, world):
    store.add_relation(world["Pompeo"].id, world["Putin"].id, "met")
    with pytest.raises(AnnotationError):
        store.update_span(world["Pompeo"].id, annotator="bob")
    assert store.span(world["Pompeo"].id).annotator == "default"


def test_renaming_a_layer_carries_its_relations(store, world):
    store.use_annotator("bob")
    a, b = store.add_span(1, Span(0, 6, "PERSON")), store.add_span(1, Span(11, 16, "PERSON"))
    rel = store.add_relation(a.id, b.id, "met")
    store.rename_annotator("bob", "Robert")
    assert [(r.id, r.annotator, r.head.annotator, r.tail.annotator) for r in store.relations(1)] == [(rel.id, "Robert", "Robert", "Robert")]


def test_deleting_a_document_deletes_its_relations(store, world):
    store.add_relation(world["Pompeo"].id, world["Putin"].id, "met")
    with store.engine.begin() as con:  # the database's own cascade (any writer), not the store's code
        con.execute(text("delete from documents where id = 1"))
        assert con.execute(text("select count(*) from relations")).scalar_one() == 0


def test_a_scheme_is_saved_whole_or_not_at_all(store, monkeypatch):
    store.save_scheme([Label("WEAPON", "#aabbcc", "w")], [RelationLabel("bought", heads=("GPE",), tails=("WEAPON",))])
    assert store.relation_labels()[0].tails == ("WEAPON",) and "WEAPON" in {l.name for l in store.labels()}

    def fail(*_args):  # the relation part fails after the entity labels were written in the transaction
        raise AnnotationError("disk full")

    monkeypatch.setattr(store, "_upsert_relation_label", fail)
    with pytest.raises(AnnotationError, match="disk full"):
        store.save_scheme([Label("ARMS", "#aabbcc")], [RelationLabel("sold")])
    assert "ARMS" not in {l.name for l in store.labels()}


def test_relations_onto_ends_are_the_callers_spans_and_match_the_full_read(store, world):
    store.add_relation(world["Putin"].id, world["Sochi"].id, "located_in", note="summit")
    store.add_relation(world["Pompeo"].id, world["Putin"].id, "met")
    store.use_annotator("bob")
    store.add_relation(store.add_span(1, Span(0, 6, "PERSON")).id, store.add_span(1, Span(11, 16, "PERSON")).id, "met")
    store.use_annotator("default")
    held = store.spans(1)
    onto = store.relations_onto(1, held)
    full = store.relations(1)
    assert [(r.id, r.head.id, r.tail.id, r.label, r.note, r.version) for r in onto] == [(r.id, r.head.id, r.tail.id, r.label, r.note, r.version) for r in full]
    assert onto[0].head is held[0] and onto[0].tail is onto[1].head  # the caller's objects, by id (bob's layer left out)
    without_sochi = [span for span in held if span.id != world["Sochi"].id]
    assert [r.label for r in store.relations_onto(1, without_sochi)] == ["met"]  # an end the caller lacks: left out
    assert [r.annotator for r in store.relations_onto(1, store.spans(1, annotator="bob"), annotator="bob")] == ["bob"]
