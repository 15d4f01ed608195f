"""Copies whose accepted spans disagree (annotator.copies.consistency), on the seeds and on
made-up copies; the comparison of identical copies against a brute-force reading."""

from __future__ import annotations

import random
import sqlite3

from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import event

from annotator.copies.consistency import AcceptedSpans, alike_plan, differences, disagreement_counts, disagreements
from annotator.core.model import Document, Source, Span, State, Status
from annotator.core.text import content_hash, title_of
from annotator.sentences.groups import SentenceCopy
from annotator.store.copy_reads import _GROUP_SPANS
from conftest import SEEDS

TRUMP = "Trump said on Monday"
WASHINGTON = "Washington previous year pulled out"
HEADLINE = "Russian Federation tells Pompeo"
VOCABULARY = ("minister talks summit trade deal sanctions border election court budget army navy port oil gas grain "
              "vote rally strike union bank market price rate tax reform law police fire storm flood drought harvest").split()


def add(store, *texts: str) -> list[int]:
    return store.add_documents([(Document(None, title_of(t), t, content_hash=content_hash(t)), []) for t in texts]).added


def seeds(store) -> tuple[int, int]:
    ids = add(store, *(p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))))
    return ids[0], ids[1]


def tag(store, doc_id: int, phrase: str, label: str, after: str = "", length: int | None = None, **fields) -> Span:
    """An accepted span on ``phrase`` (its first ``length`` characters), found after ``after``."""
    text = store.document(doc_id).text
    start = text.index(phrase, text.index(after) if after else 0)
    return store.add_span(doc_id, Span(start, start + (length or len(phrase)), label, **fields))


def spans_in(store, copy: SentenceCopy) -> set[tuple[str, str]]:
    text = store.document(copy.doc_id).text
    return {(text[s.start:s.end], s.label) for s in AcceptedSpans(store).inside(copy)}


def group_of(store, phrase: str):
    (group,) = [g for g in store.copy_groups() if g.sentences[0].text.startswith(phrase)]
    return group


def test_person_on_trump_in_one_near_copy_only_is_a_difference_until_the_other_is_made_alike(store):
    a, b = seeds(store)
    tagged = tag(store, a, TRUMP, "PERSON", length=5)
    (found,) = disagreements(store)
    assert found.group.kind == "near" and [x.doc_id for x in found.group.sentences] == [a, b]
    (difference,) = found.differences
    assert (difference.span.doc_id, difference.span.start, difference.span.end, difference.span.label) == (a, tagged.start, tagged.end, "PERSON")
    (missing,) = difference.missing
    assert missing.doc_id == b and store.document(b).text[missing.start:missing.end] == "Trump" == missing.text
    assert not difference.labels and not difference.other
    assert disagreement_counts(store) == {a: 1, b: 1}

    plan = alike_plan(store, found.group.sentences[1], found.group.sentences[0])
    assert not plan.remove and not plan.accept and plan.unplaced == plan.other_text == 0
    for span in plan.add:
        store.add_span(b, span)
    assert spans_in(store, found.group.sentences[1]) == {("Trump", "PERSON")}
    assert list(disagreements(store)) == [] and disagreement_counts(store) == {}


def test_another_label_and_other_boundaries_are_told_once_each(store):
    a, b = seeds(store)
    tag(store, a, WASHINGTON, "GPE", length=10)
    tag(store, b, WASHINGTON, "ORG", length=10)
    tag(store, a, "Europe", "LOC", after=WASHINGTON)
    tag(store, b, "Europe, Russia", "LOC", after=WASHINGTON)
    (found,) = disagreements(store)
    assert found.group.kind == "exact"
    washington, europe = found.differences
    assert (washington.span.doc_id, washington.span.text, washington.span.label) == (a, "Washington", "GPE")
    assert [(p.doc_id, p.text, p.label) for p in washington.labels] == [(b, "Washington", "ORG")]
    assert not washington.missing and not washington.other
    assert (europe.span.doc_id, europe.span.text) == (a, "Europe")
    assert [(p.doc_id, p.text, p.label) for p in europe.other] == [(b, "Europe, Russia", "LOC")]
    record = found.as_json()
    assert set(record) == {"group", "kind", "sentences", "differences"}
    assert record["differences"][0] | {} == {
        "doc_id": a, "start": washington.span.start, "end": washington.span.end, "label": "GPE", "text": "Washington",
        "in": [a], "missing_in": [], "missing_at": [],
        "labels": [{"doc_id": b, "start": washington.labels[0].start, "end": washington.labels[0].end, "text": "Washington", "label": "ORG"}],
        "other": [],
    }
    for x in record["sentences"]:  # offsets are code points into the stored text
        assert store.document(x["doc_id"]).text[x["start"]:x["end"]] == x["text"]


def test_copies_with_the_same_spans_agree_and_crossing_spans_are_not_compared(store):
    a, b = seeds(store)
    for doc in (a, b):
        tag(store, doc, TRUMP, "PERSON", length=5)
        tag(store, doc, "Putin", "PERSON", after=TRUMP)
    text = store.document(a).text
    start = text.index(WASHINGTON)
    store.add_span(a, Span(start - 3, start + 10, "GPE"))  # crosses into the sentence before
    assert list(disagreements(store)) == []


def test_the_repeated_headline_of_one_document_is_compared_copy_by_copy(store):
    a, _ = seeds(store)
    first = tag(store, a, HEADLINE, "GPE", length=18)
    (found,) = disagreements(store)
    (difference,) = found.differences
    assert difference.span.start == first.start
    (missing,) = difference.missing
    assert missing.doc_id == a and missing.start > first.start and missing.text == "Russian Federation"
    assert found.as_json()["differences"][0]["missing_in"] == [a]
    assert disagreement_counts(store) == {a: 2}


def test_a_span_on_words_only_one_near_copy_has_is_not_a_difference(store):
    a, b = add(store, "The talks in Sochi on Tuesday were described as productive by officials on both sides.\n",
               "The talks in Sochi on Tuesday were described as productive by Kremlin officials on both sides.\n")
    tag(store, b, "Kremlin", "ORG")
    tag(store, a, "Sochi", "GPE")
    tag(store, b, "Sochi", "GPE")
    assert list(disagreements(store)) == []
    tag(store, b, "Tuesday", "DATE")
    (found,) = disagreements(store)
    (difference,) = found.differences
    assert (difference.span.doc_id, difference.span.text) == (b, "Tuesday")
    assert [(p.doc_id, p.text) for p in difference.missing] == [(a, "Tuesday")]


def test_status_filter_compares_only_those_documents(store):
    a, b = seeds(store)
    tag(store, a, TRUMP, "PERSON", length=5)
    assert len(list(disagreements(store, ["new"]))) == 1
    store.set_status(b, Status.DONE)
    assert list(disagreements(store, ["done"])) == []  # one copy left: nothing to compare
    assert list(disagreements(store, ["new"])) == []
    assert len(list(disagreements(store, ["new", "done"]))) == 1


def test_the_check_reads_spans_in_one_pass_however_many_groups(store):
    words = random.Random(7).choices(VOCABULARY, k=40 * 10)
    shared = [" ".join(words[10 * n:10 * n + 10]).capitalize() + " in Osaka." for n in range(40)]
    ids = add(store, *("\n".join([f"Article {k}."] + shared) + "\n" for k in range(3)))
    assert sum(1 for _ in store.copy_groups()) == 40
    for n in range(40):
        for doc in ids[: 1 + n % 3]:
            tag(store, doc, "Osaka", "GPE", after=shared[n])
    statements = []

    def count(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    event.listen(store.engine, "before_cursor_execute", count)
    found = list(disagreements(store))
    event.remove(store.engine, "before_cursor_execute", count)
    assert len(found) == 27  # a third of the groups have the span in all three copies
    assert [p.doc_id for p in found[0].differences[0].missing] == ids[1:]
    assert len([s for s in statements if " spans " in s]) == 1  # the groups' spans: one query (copy_groups reads the rest)


def test_the_span_read_is_linear_sentences_in_group_order_each_ones_spans_by_index_range(store):
    """The bound: one index range per sentence and no sort of the whole result (a plan that
    scanned the spans and, per span, the sentences before it took 12 s for one sentence
    repeated 10,000 times; this plan 0.06 s)."""
    seeds(store)
    with sqlite3.connect(store.path) as db:
        plan = [row[3] for row in db.execute("EXPLAIN QUERY PLAN " + str(_GROUP_SPANS), {"annotator": store.annotator})]
    assert plan[0].startswith("SEARCH s USING INDEX ix_sentences_group")
    assert any(step.startswith("SEARCH sp USING INDEX") and "document_id=? AND annotator=? AND start>? AND start<?" in step for step in plan)
    assert not any("TEMP B-TREE" in step for step in plan)


def test_making_alike_removes_relabels_accepts_a_suggestion_and_places_on_other_words(store):
    a, b = add(store, "Officials in Russia and Europe said the talks on trade went well this week.\n",
               "Officials in Russian Federation and Europe said the talks on trade went well this week.\n")
    tag(store, a, "Russia", "GPE")
    tag(store, a, "Europe", "LOC", note="continent")
    tag(store, b, "Officials", "NORP")
    suggestion = tag(store, b, "Europe", "LOC", source=Source.MODEL, state=State.SUGGESTED)
    group = group_of(store, "Officials in")
    target, model = (group.sentences[1], group.sentences[0]) if group.sentences[0].doc_id == a else group.sentences
    plan = alike_plan(store, target, model)
    assert [s.label for s in plan.remove] == ["NORP"]
    assert [s.id for s in plan.accept] == [suggestion.id]
    text = store.document(b).text
    assert [(text[s.start:s.end], s.label, s.source, s.state) for s in plan.add] == [("Russian", "GPE", Source.HUMAN, State.ACCEPTED)]  # widened to the word; flagged below
    assert plan.other_text == 1 and plan.unplaced == 0


def test_a_span_whose_text_the_target_lacks_is_counted_unplaced(store):
    a, b = add(store, "The talks in Sochi on Tuesday were described as productive by Kremlin officials on both sides.\n",
               "The talks in Sochi on Tuesday were described as productive by officials on both sides.\n")
    tag(store, a, "Kremlin", "ORG")
    group = group_of(store, "The talks")
    plan = alike_plan(store, group.sentences[1], group.sentences[0])
    assert plan.empty() and plan.unplaced == 1


# -- identical copies against a brute-force reading ---------------------------------

SENTENCE = "Pompeo met Putin and Lavrov in Sochi on Tuesday."
WORDS = [(0, 6), (11, 16), (21, 27), (31, 36), (40, 47), (7, 16), (21, 36)]
LABELS = ["PERSON", "GPE", "ORG"]
marks = st.sets(st.tuples(st.sampled_from(WORDS), st.sampled_from(LABELS)).map(lambda x: (*x[0], x[1])), max_size=4)


@settings(max_examples=300, deadline=None)
@given(st.lists(marks, min_size=2, max_size=5))
def test_identical_copies_disagree_exactly_when_their_span_sets_differ(copies):
    sentences = [SentenceCopy(k + 1, 100 * k, 100 * k + len(SENTENCE), SENTENCE, 1.0) for k in range(len(copies))]
    found = differences(sentences, [sorted(c) for c in copies])
    assert bool(found) == (len({frozenset(c) for c in copies}) > 1)
    def local(p):  # (copy index, start, end, label) in the sentence
        return p.doc_id - 1, p.start - 100 * (p.doc_id - 1), p.end - 100 * (p.doc_id - 1), p.label

    told = set()
    for d in found:  # every span some copy lacks is told: as a subject, another label or other boundaries
        _, start, end, label = local(d.span)
        assert all((start, end, label) in copies[k] for k, *_ in map(local, d.found_in))
        for k, s, e, other_label in map(local, d.labels):
            assert (s, e) == (start, end) and other_label != label and (s, e, other_label) in copies[k]
        for k, s, e, other_label in map(local, d.other):
            assert (s, e) != (start, end) and s < end and start < e and (s, e, other_label) in copies[k]
        for k, s, e, _ in map(local, d.missing):
            assert (s, e) == (start, end) and not any(m[0] < e and s < m[1] for m in copies[k])
        told.update((k + 1, s, e, lab) for k, s, e, lab in map(local, (*d.found_in, *d.labels, *d.other)))
    everywhere = set.intersection(*map(set, copies))
    lacking = {(k + 1, *m) for k, c in enumerate(copies) for m in c if m not in everywhere}
    assert lacking <= told
