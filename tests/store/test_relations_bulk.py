"""Relations through bulk import (Document.relations -> rows) and back out through the export reads."""

import pytest

from annotator.core.model import AnnotationError, Document, Relation, RelationLabel, Source, Span, State
from annotator.core.text import content_hash
from annotator.store import Store

TEXT = "Pompeo met Putin in Sochi. Turkey bought the S-400."


def _at(name: str, label: str, annotator: str = "") -> Span:
    start = TEXT.index(name)
    return Span(start, start + len(name), label, annotator=annotator)


def _record(text: str = TEXT, annotator: str = "") -> tuple[Document, list[Span]]:
    spans = [_at("Pompeo", "PERSON", annotator), _at("Putin", "PERSON", annotator), _at("Sochi", "GPE", annotator),
             _at("Turkey", "GPE", annotator), _at("S-400", "PRODUCT", annotator)]
    pompeo, putin, sochi, turkey, s400 = spans
    doc = Document(None, "summit", text, content_hash=content_hash(text), source_path="in.jsonl")
    doc.relations = [Relation(pompeo, putin, "met", note="talks"), Relation(putin, sochi, "located_in", Source.MODEL, State.SUGGESTED),
                     Relation(turkey, s400, "bought")]
    return doc, spans


def test_import_stores_relations_onto_the_new_span_ids_and_creates_their_labels(store):
    result = store.add_documents([_record()])
    assert (result.relations, result.present_relations, result.relation_labels_created) == (3, 0, ["met", "located_in", "bought"])
    found = store.relations(1)
    assert [(TEXT[r.head.start : r.head.end], TEXT[r.tail.start : r.tail.end], r.label, r.note, str(r.state)) for r in found] == [
        ("Pompeo", "Putin", "met", "talks", "accepted"), ("Putin", "Sochi", "located_in", "", "suggested"), ("Turkey", "S-400", "bought", "", "accepted"),
    ]
    assert [l.name for l in store.relation_labels()] == ["met", "located_in", "bought"]


def test_a_rerun_writes_nothing_and_a_new_relation_on_stored_spans_is_added(store):
    store.add_documents([_record()])
    again = store.add_documents([_record()])
    assert (again.relations, again.present_relations, again.relation_labels_created) == (0, 3, [])
    doc, spans = _record()
    doc.relations = [Relation(spans[3], spans[2], "located_in")]  # Turkey -> Sochi, new, on spans already stored
    assert store.add_documents([(doc, spans)]).relations == 1
    assert len(store.relations(1)) == 4


def test_relations_go_to_their_ends_layer(store):
    result = store.add_documents([_record(annotator="alice")])
    assert result.relations == 3 and store.relations(1) == []
    assert {r.annotator for r in store.relations(1, annotator="alice")} == {"alice"}


def test_travelled_relation_scheme_gives_new_labels_their_look_and_a_stored_one_keeps_its_own(store):
    store.save_relation_labels([RelationLabel("met", "#111111", "m")])
    with store.bulk_import() as writer:
        writer.add_relation_scheme([RelationLabel("met", "#222222"), RelationLabel("bought", "#333333", "m", heads=("GPE", "ORG"), tails=("PRODUCT", "WEAPON"))])
        writer.add(*_record())
    labels = {l.name: l for l in store.relation_labels()}
    assert labels["met"].color == "#111111" and labels["bought"].color == "#333333"
    assert labels["bought"].hotkey is None and labels["bought"].tails == ("PRODUCT", "WEAPON")  # "m" was met's; WEAPON made as an entity label
    assert "WEAPON" in {l.name for l in store.labels()} and writer.result.relation_labels_created == ["bought", "located_in"]


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda doc, spans: doc.relations.append(Relation(spans[0], Span(0, 6, "PERSON"), "met")), "relation 4 .met.: an end is not one of the record's spans"),
        (lambda doc, spans: doc.relations.append(Relation(spans[0], spans[0], "met")), "relation 4 .met.: .*related to itself"),
        (lambda doc, spans: setattr(spans[1], "annotator", "bob"), "relation 1 .met.: its ends are in two layers"),
        (lambda doc, spans: doc.relations.append(Relation(spans[4], spans[3], "bought")), "relation 4 .bought.: relation 'bought' needs a head labelled GPE, not PRODUCT"),
    ],
)
def test_a_bad_relation_refuses_the_import_naming_input_and_record_and_nothing_is_written(store, change, message):
    store.save_relation_labels([RelationLabel("bought", heads=("GPE",))])
    doc, spans = _record()
    change(doc, spans)
    with pytest.raises(AnnotationError, match=f"in.jsonl: 'summit': {message}"):
        store.add_documents([_record(TEXT + " Later."), (doc, spans)])
    assert store.document_ids() == [] and [l.name for l in store.relation_labels()] == ["bought"]


def test_spans_of_one_place_merged_into_one_make_a_self_loop_refused(store):
    doc, spans = _record()
    twin = Span(spans[0].start, spans[0].end, "PERSON")
    doc.relations = [Relation(spans[0], twin, "met")]
    with pytest.raises(AnnotationError, match="both ends are the same span once merged"):
        store.add_documents([(doc, [*spans, twin])])


def test_export_fills_relations_with_the_exported_span_objects_and_leaves_out_half_exported_ones(store):
    store.add_documents([_record()])
    ((doc, spans),) = store.iter_export(relations=True)
    assert [(r.label, r.head in spans, r.tail in spans) for r in doc.relations] == [("met", True, True), ("bought", True, True)]  # accepted only
    assert all(any(r.head is sp for sp in spans) for r in doc.relations)
    ((doc, spans),) = store.iter_export(labels=["PERSON", "GPE"], states=list(State), relations=True)
    assert [r.label for r in doc.relations] == ["met", "located_in"]  # bought's tail (PRODUCT) is not exported
    ((doc, _),) = store.iter_export()
    assert doc.relations == []


def test_export_of_some_documents_and_of_every_layer_carries_each_layers_relations(store):
    store.add_documents([_record(), _record(TEXT + " Again.", "alice")])
    assert [len(d.relations) for d, _ in store.iter_export(documents=[2], relations=True)] == [0]
    (_, (doc, layers)) = store.iter_layers(["default", "alice"], relations=True)
    assert {r.annotator for r in doc.relations} == {"alice"} and layers["alice"] and not layers["default"]
    ((doc, layers), _) = store.iter_layers(["default", "alice"], relations=True)
    assert [r.label for r in doc.relations] == ["met", "bought"] and all(any(r.head is sp for sp in layers["default"]) for r in doc.relations)


def test_relation_counts_per_label_and_layer(store):
    store.add_documents([_record(), _record(TEXT + " Again.", "alice")])
    assert store.relation_counts() == {"met": 1, "bought": 1}
    assert store.relation_counts(None, annotator="alice") == {"met": 1, "located_in": 1, "bought": 1}
