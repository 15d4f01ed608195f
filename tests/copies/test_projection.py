"""Projection (annotator.copies.projection): a decision on a span proposed in every copy of
its sentence, on the seeds and on made-up copies, checked against what the store holds; the
place in a copy against places known by construction."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.copies.projection import OFF_TOKENS, TEXT_DIFFERS, Change, Outcome, place_in_copy, project, project_accepted
from annotator.core.model import AnnotationError, Document, Source, Span, State
from annotator.core.text import content_hash
from annotator.store.projections import Place
from conftest import SEEDS

DEAL = "Washington pulled out of a nuclear deal backed by Europe, {} and China, officials said on Monday."
TALKS = "Putin said on Monday in Moscow that the talks with Pompeo went well and would go on next week."


def add(store, *texts: str) -> list[int]:
    return store.add_documents([(Document(None, f"doc {i}", t, content_hash=content_hash(t)), []) for i, t in enumerate(texts)]).added


def at(text: str, phrase: str, after: str = "") -> tuple[int, int]:
    start = text.index(phrase, text.index(after) if after else 0)
    return start, start + len(phrase)


def rows(store, doc_id: int) -> set[tuple]:
    text = store.document(doc_id).text
    return {(text[s.start : s.end], s.start, s.end, s.label, s.source, s.state, s.provenance) for s in store.spans(doc_id)}


def decide(store, doc_id: int, phrase: str, label: str, after: str = "", **fields) -> Span:
    return store.add_span(doc_id, Span(*at(store.document(doc_id).text, phrase, after), label, **fields))


def seeds(store) -> tuple[int, int]:
    first, second = add(store, *(p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))))
    return first, second


# -- proposing --------------------------------------------------------------------------


def test_a_tag_in_seed_000s_headline_is_proposed_in_its_repeat(store):
    doc, _ = seeds(store)
    text = store.document(doc).text
    span = decide(store, doc, "Russian Federation", "GPE")
    result = project(store, doc, [Change(span.start, span.end, "GPE")])
    repeat = at(text, "Russian Federation", after="ties")  # the second headline
    provenance = f"doc {doc} {span.start}-{span.end}"
    assert rows(store, doc) == {
        ("Russian Federation", span.start, span.end, "GPE", Source.HUMAN, State.ACCEPTED, ""),
        ("Russian Federation", *repeat, "GPE", Source.PROJECTION, State.SUGGESTED, provenance),
    }
    assert [(c.doc_id, c.start, c.end, c.outcome) for c in result.copies] == [(doc, *repeat, Outcome.PROPOSED)]
    assert [(s.start, s.end, s.id is not None) for s in result.added] == [(*repeat, True)]
    again = project(store, doc, [Change(span.start, span.end, "GPE")])
    assert again.counts() == {Outcome.ALREADY: 1} and not again.added
    assert len(store.spans(doc)) == 2


def test_a_near_copy_with_other_edits_gets_the_right_places(store):
    first, second = seeds(store)
    source, copy = store.document(first).text, store.document(second).text
    changes = [Change(*at(source, word, after="Trump said on Monday he"), label)
               for word, label in (("Trump", "PERSON"), ("he", "PERSON"), ("Putin", "PERSON"), ("the G-20", "EVENT"))]
    result = project(store, first, changes)
    placed = {(copy[c.start : c.end], c.label, c.outcome, c.marks) for c in result.copies}
    assert placed == {
        ("Trump", "PERSON", Outcome.PROPOSED, ()),
        ("he", "PERSON", Outcome.PROPOSED, ()),  # "that he" in the copy: not "hat he"
        ("Putin", "PERSON", Outcome.PROPOSED, ()),
        ("G-20", "EVENT", Outcome.MARKED, (TEXT_DIFFERS,)),  # the copy says "of G-20 summit"
    }
    g20 = next(s for s in store.spans(second) if s.label == "EVENT")
    assert g20.provenance == f"doc {first} {changes[3].start}-{changes[3].end}; text differs"


def test_russia_over_russian_federation_is_stored_and_marked(store):
    source, same_word, other_word = DEAL.format("Russia"), DEAL.format("Russian Federation"), DEAL.format("Moscow")
    doc, longer, replaced = add(store, source, same_word, other_word)
    result = project(store, doc, [Change(*at(source, "Russia"), "GPE")])
    outcomes = {c.doc_id: (c.outcome, c.marks) for c in result.copies}
    assert outcomes == {longer: (Outcome.MARKED, (OFF_TOKENS,)), replaced: (Outcome.MARKED, (TEXT_DIFFERS,))}
    origin = "doc {} {}-{}".format(doc, *at(source, "Russia"))
    # map_span keeps "Russia" of "Russian": the end falls inside a word
    assert rows(store, longer) == {("Russia", *at(same_word, "Russia"), "GPE", Source.PROJECTION, State.SUGGESTED, f"{origin}; off token boundaries")}
    assert rows(store, replaced) == {("Moscow", *at(other_word, "Moscow"), "GPE", Source.PROJECTION, State.SUGGESTED, f"{origin}; text differs")}


def test_a_copy_that_lacks_the_part_is_reported_not_dropped(store):
    shorter = TALKS.replace(" in Moscow", "")
    doc, copy = add(store, TALKS, shorter)
    result = project(store, doc, [Change(*at(TALKS, "Moscow"), "GPE"), Change(*at(TALKS, "Pompeo"), "PERSON")])
    assert {(c.doc_id, TALKS[c.origin[1] : c.origin[2]], c.outcome) for c in result.copies} == {
        (copy, "Moscow", Outcome.UNPLACED), (copy, "Pompeo", Outcome.PROPOSED),
    }
    assert {r[0] for r in rows(store, copy)} == {"Pompeo"}


def test_offsets_are_code_points_with_emoji_and_flags_before_the_span(store):
    copy_text = "🇺🇦 👩‍🔬 e\u0301 on a line of their own.\n" + TALKS.replace("Monday", "Tuesday 🇺🇦")
    doc, copy = add(store, TALKS, copy_text)
    project(store, doc, [Change(*at(TALKS, "Pompeo"), "PERSON")])
    (stored,) = rows(store, copy)
    assert stored[:3] == ("Pompeo", *at(copy_text, "Pompeo"))


def test_changes_outside_sentences_with_copies_do_nothing(store):
    doc, _ = add(store, TALKS + "\nA line of its own that no other document has, about grain.", TALKS)
    text = store.document(doc).text
    result = project(store, doc, [Change(*at(text, "grain"), "PRODUCT"), Change(0, len(text), "EVENT")])
    assert result.copies == [] and result.added == []


# -- human decisions in the copy ----------------------------------------------------------


def test_a_projection_never_overrides_a_human_decision(store):
    texts = [TALKS, TALKS.replace("Monday", "Sunday"), TALKS.replace("Monday", "Friday"), TALKS.replace("next week", "soon"),
             TALKS.replace("Monday", "Tuesday")]
    doc, overlapped, rejected, agrees, pending = add(store, *texts)
    decide(store, overlapped, "Pompeo went", "ORG")  # a human span over the place
    decide(store, rejected, "Pompeo", "PERSON", source=Source.MODEL, state=State.REJECTED)
    decide(store, agrees, "Pompeo", "PERSON")
    decide(store, pending, "talks with Pompeo", "EVENT", source=Source.MODEL, state=State.SUGGESTED)
    before = {d: rows(store, d) for d in (overlapped, rejected, agrees, pending)}
    result = project(store, doc, [Change(*at(TALKS, "Pompeo"), "PERSON")])
    assert {c.doc_id: c.outcome for c in result.copies} == {
        overlapped: Outcome.SKIPPED, rejected: Outcome.SKIPPED, agrees: Outcome.ALREADY, pending: Outcome.PROPOSED,
    }
    for d in (overlapped, rejected, agrees):
        assert rows(store, d) == before[d]
    assert {r[:6] for r in rows(store, pending) - before[pending]} == {
        ("Pompeo", *at(texts[4], "Pompeo"), "PERSON", Source.PROJECTION, State.SUGGESTED)  # beside the model's guess
    }


# -- withdrawing: reject, delete, relabel --------------------------------------------------


def test_reject_or_delete_removes_the_copies_pending_suggestions_and_undo_puts_them_back(store):
    texts = [TALKS, TALKS.replace("Monday", "Sunday"), TALKS.replace("Monday", "Friday"), TALKS.replace("next week", "soon")]
    doc, by_model, by_projection, decided = add(store, *texts)
    decide(store, by_model, "Moscow", "GPE", source=Source.MODEL, state=State.SUGGESTED)
    decide(store, by_model, "Putin", "PERSON", source=Source.MODEL, state=State.SUGGESTED)  # another place: stays
    project(store, doc, [Change(*at(TALKS, "Moscow"), "GPE")])  # proposed in two copies (the model's is there already)...
    store.update_span(next(s.id for s in store.spans(decided)), state=State.ACCEPTED)  # ...accepted in one of them
    before = {d: rows(store, d) for d in (by_model, by_projection, decided)}
    result = project(store, doc, [Change(*at(TALKS, "Moscow"), None, was="GPE")])
    assert {c.doc_id: c.outcome for c in result.copies} == {
        by_model: Outcome.REMOVED, by_projection: Outcome.REMOVED, decided: Outcome.SKIPPED,
    }
    assert {r[0] for r in rows(store, by_model)} == {"Putin"}
    assert rows(store, by_projection) == set() and rows(store, decided) == before[decided]
    deleted, restored = store.undo_projection([], result.removed)
    assert deleted == [] and {s.id for s in restored} == {s.id for s in result.removed}
    assert {d: rows(store, d) for d in before} == before


def test_relabel_withdraws_the_old_label_and_proposes_the_new(store):
    doc, copy = add(store, TALKS, TALKS.replace("Monday", "Sunday"))
    place = at(TALKS, "Pompeo")
    project(store, doc, [Change(*place, "ORG")])
    result = project(store, doc, [Change(*place, "PERSON", was="ORG")])
    assert sorted(c.outcome for c in result.copies) == sorted([Outcome.REMOVED, Outcome.PROPOSED])
    assert {(r[0], r[3], r[4]) for r in rows(store, copy)} == {("Pompeo", "PERSON", Source.PROJECTION)}


def test_the_write_is_one_transaction(store):
    doc, copy = add(store, TALKS, TALKS.replace("Monday", "Sunday"))
    decide(store, copy, "Moscow", "GPE", source=Source.MODEL, state=State.SUGGESTED)
    before = rows(store, copy)
    good = Place(copy, *at(TALKS, "Pompeo"), "PERSON", "doc 1 0-1")
    try:
        store.write_projection([good, Place(999, 0, 5, "PERSON")], [Place(copy, *at(TALKS, "Moscow"), "GPE")])
    except AnnotationError as error:
        assert "FOREIGN KEY" in str(error)
    else:
        raise AssertionError("a proposal into a missing document was stored")
    assert rows(store, copy) == before


def test_undo_keeps_a_proposal_the_user_decided_on_since(store):
    doc, copy, other = add(store, TALKS, TALKS.replace("Monday", "Sunday"), TALKS.replace("Monday", "Friday"))
    result = project(store, doc, [Change(*at(TALKS, "Pompeo"), "PERSON")])
    kept = next(s for s in result.added if s.document_id == copy)
    store.update_span(kept.id, state=State.ACCEPTED)
    deleted, restored = store.undo_projection([s.id for s in result.added], [])
    assert [d for d, _ in deleted] == [other] and restored == []
    assert {(r[0], r[5]) for r in rows(store, copy)} == {("Pompeo", State.ACCEPTED)} and rows(store, other) == set()


def test_sentence_copies_agree_with_document_copies_on_the_seeds(store):
    """The projection's own read of a sentence's copies (only its groups) against the copy
    index's reading of the whole document."""
    for doc in seeds(store):
        for sentence in store.document_copies(doc):
            (own,) = store.sentence_copies(doc, [(sentence.start + 1, sentence.end - 1)])
            assert (own.start, own.end, own.text) == (sentence.start, sentence.end, store.document(doc).text[sentence.start : sentence.end])
            assert sorted(own.copies) == sorted((c.doc_id, c.start, c.end, c.text) for c in sentence.copies)
            assert not store.sentence_copies(doc, [(sentence.start, sentence.end + 1)])  # past its end: no sentence holds it


# -- the headless verb -------------------------------------------------------------------


def test_project_accepted_counts_and_a_rerun_writes_nothing(store):
    first, second = seeds(store)
    for phrase, label, after in (("Russian Federation", "GPE", ""), ("Putin", "PERSON", "Trump said"), ("the G-20", "EVENT", "Trump said")):
        decide(store, first, phrase, label, after)
    copy = store.document(second).text
    decide(store, second, "Putin", "NORP", after="Trump said")  # a human decided otherwise there
    report = project_accepted(store)
    assert (report.documents, report.spans) == (2, 4)
    assert report.counts == {Outcome.PROPOSED: 1, Outcome.MARKED: 1, Outcome.SKIPPED: 2}
    assert [(copy[c.start : c.end], c.marks) for c in report.marked] == [("G-20", (TEXT_DIFFERS,))]
    count = sum(len(store.spans(d)) for d in (first, second))
    again = project_accepted(store)
    assert again.counts == {Outcome.ALREADY: 2, Outcome.SKIPPED: 2}
    assert sum(len(store.spans(d)) for d in (first, second)) == count
    assert project_accepted(store, ["done"]).spans == 0


# -- the place in a copy, against places known by construction -------------------------------

WORDS = st.lists(st.text("bcdfgklmnprstvz", min_size=2, max_size=7), min_size=8, max_size=16, unique=True)


@settings(max_examples=300, deadline=None)
@given(WORDS, st.data())
def test_the_place_in_a_copy_edited_elsewhere_is_the_span(words, data):
    """A span of whole words; the copy inserts, drops or replaces one word at least one word
    away from it (a word not in the sentence): the place is exactly where construction put it."""
    first = data.draw(st.integers(1, len(words) - 3))
    last = data.draw(st.integers(first, len(words) - 3))
    where = data.draw(st.sampled_from([i for i in range(len(words)) if i < first - 1 or i > last + 1]))
    edit = data.draw(st.sampled_from(["insert", "drop", "replace"]))
    new = data.draw(st.text("aeiouy", min_size=2, max_size=7))
    copy_words = list(words)
    if edit == "insert":
        copy_words.insert(where, new)
    elif edit == "drop":
        del copy_words[where]
    else:
        copy_words[where] = new
    own, copy = " ".join(words), " ".join(copy_words)
    start = len(" ".join(words[:first])) + 1
    end = start + len(" ".join(words[first : last + 1]))
    shift = len(copy) - len(own) if where < first else 0
    mapped = place_in_copy(own, copy, start, end)
    assert (mapped.start, mapped.end, mapped.same_text) == (start + shift, end + shift, True)
