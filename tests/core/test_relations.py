"""Relation labels, relations and the rule on their ends (core only, no store)."""

import pytest

from annotator.core.model import AnnotationError, Document, Relation, RelationLabel, Span, check_relation_ends


def test_relation_label_defaults_and_normalized_fields():
    label = RelationLabel("met", "#AABBCC", heads=["PERSON", "PERSON", "ORG"])
    assert label.color == "#aabbcc" and label.directed and label.hotkey is None
    assert label.heads == ("PERSON", "ORG") and label.tails == ()  # a list becomes a tuple, repeats dropped


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"name": " met"}, "whitespace"),
        ({"color": "grey"}, "colour"),
        ({"hotkey": "mt"}, "one character"),
        ({"directed": "yes"}, "true or false"),
        ({"heads": "PERSON"}, "list of entity label names"),
        ({"tails": ["ORG", 3]}, "list of entity label names"),
        ({"tails": [""]}, "non-empty"),
    ],
)
def test_relation_label_rules(kwargs, message):
    with pytest.raises(AnnotationError, match=message):
        RelationLabel(**{"name": "met", **kwargs})


def test_ends_are_checked_against_the_allowed_labels_with_a_clear_message():
    delivered = RelationLabel("delivered_to", heads=("ORG", "PERSON"), tails=("GPE",))
    check_relation_ends(delivered, "ORG", "GPE")
    with pytest.raises(AnnotationError, match="relation 'delivered_to' needs a head labelled ORG or PERSON, not GPE"):
        check_relation_ends(delivered, "GPE", "GPE")
    with pytest.raises(AnnotationError, match="needs a tail labelled GPE, not DATE"):
        check_relation_ends(delivered, "PERSON", "DATE")
    three = RelationLabel("x", heads=("A", "B", "C"))
    with pytest.raises(AnnotationError, match="labelled A, B or C, not D"):
        check_relation_ends(three, "D", "A")


def test_any_label_passes_an_open_end_and_an_undirected_relation_passes_swapped():
    check_relation_ends(RelationLabel("about"), "DATE", "CARDINAL")
    allied = RelationLabel("allied_with", directed=False, heads=("GPE",), tails=("ORG",))
    check_relation_ends(allied, "ORG", "GPE")  # read the other way round
    directed = RelationLabel("member_of", heads=("GPE",), tails=("ORG",))
    with pytest.raises(AnnotationError, match="head labelled GPE, not ORG"):
        check_relation_ends(directed, "ORG", "GPE")


def test_relation_keeps_its_span_objects_and_compares_by_identity():
    head, tail = Span(0, 6, "PERSON"), Span(11, 16, "PERSON")
    doc = Document(None, "t", "Pompeo met Putin.")
    doc.relations.append(Relation(head, tail, "met"))
    assert doc.relations[0].head is head and doc.relations[0].tail is tail
    assert Relation(head, tail, "met") != Relation(head, tail, "met")  # two records, two relations
    assert Document(None, "u", "x").relations == []  # not shared between documents


def test_relation_check_refuses_a_self_loop_and_bad_fields():
    span = Span(0, 6, "PERSON")
    with pytest.raises(AnnotationError, match="itself"):
        Relation(span, span, "met").check()
    with pytest.raises(AnnotationError, match="itself"):
        Relation(Span(0, 6, "PERSON", id=4), Span(0, 6, "PERSON", id=4), "met").check()
    with pytest.raises(ValueError):
        Relation(span, Span(7, 9, "GPE"), "met", state="maybe").check()
    with pytest.raises(AnnotationError, match="control character"):
        Relation(span, Span(7, 9, "GPE"), "met", note="a\x00b").check()
    Relation(span, Span(7, 9, "GPE"), "met", note="line one\nline two").check()
