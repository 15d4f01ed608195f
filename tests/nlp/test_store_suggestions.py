"""Store.add_suggestions: the rules every suggester relies on, without a model."""

from annotator.core.model import Source, Span, State
from annotator.store import Store

TEXT = "Vladimir Putin met Mike Pompeo in Sochi."


def suggestion(start, end, label="PERSON", source=Source.MODEL):
    return Span(start, end, label, source, State.SUGGESTED)


def test_stores_suggestions_and_reports_ids_and_documents(tmp_path, add_texts):
    with Store(tmp_path / "t.db") as store:
        doc, other = add_texts(store, [TEXT, TEXT + " Again."])
        result = store.add_suggestions([(doc, [suggestion(0, 14), suggestion(34, 39, "GPE")]), (other, [])])
        assert result.stored == 2 and result.documents == {doc}
        stored = store.spans(doc)
        assert [(s.start, s.end, s.label, s.source, s.state) for s in stored] == [
            (0, 14, "PERSON", Source.MODEL, State.SUGGESTED),
            (34, 39, "GPE", Source.MODEL, State.SUGGESTED),
        ]
        assert sorted(result.ids) == sorted(s.id for s in stored)


def test_never_duplicates_nor_overrides_a_decision(tmp_path, add_texts):
    with Store(tmp_path / "t.db") as store:
        (doc,) = add_texts(store, [TEXT])
        store.add_span(doc, Span(19, 30, "PERSON"))  # human, accepted: "Mike Pompeo"
        rejected = store.add_span(doc, suggestion(34, 39, "GPE"))
        store.update_span(rejected.id, state=State.REJECTED)
        store.add_suggestions([(doc, [suggestion(0, 14)])])
        result = store.add_suggestions(
            [(doc, [suggestion(0, 14), suggestion(24, 30), suggestion(34, 39, "GPE"), suggestion(9, 18), suggestion(34, 39, "LOC")])]
        )
        assert (result.duplicates, result.overlaps_decided, result.rejected, result.overlaps_suggestion) == (1, 1, 1, 1)
        assert result.stored == 1  # Sochi as LOC: a different label than the rejected GPE
        assert len(store.spans(doc)) == 4


def test_a_suggested_human_span_blocks_but_a_rejected_one_does_not(tmp_path, add_texts):
    with Store(tmp_path / "t.db") as store:
        (doc,) = add_texts(store, [TEXT])
        store.add_span(doc, Span(0, 8, "PERSON", Source.HUMAN, State.REJECTED))
        result = store.add_suggestions([(doc, [suggestion(0, 14)])])
        assert result.stored == 1


def test_offsets_outside_the_text_or_unknown_documents_are_counted_not_stored(tmp_path, add_texts):
    with Store(tmp_path / "t.db") as store:
        (doc,) = add_texts(store, [TEXT])
        result = store.add_suggestions([(doc, [suggestion(35, 99)]), (doc + 7, [suggestion(0, 5)])])
        assert (result.stored, result.invalid) == (0, 2)


def test_new_labels_are_created(tmp_path, add_texts):
    with Store(tmp_path / "t.db") as store:
        (doc,) = add_texts(store, [TEXT])
        store.add_suggestions([(doc, [suggestion(0, 14, "POLITICIAN")])])
        assert "POLITICIAN" in [label.name for label in store.labels()]


def test_many_documents_in_one_call_and_a_document_named_twice(tmp_path, add_texts):
    with Store(tmp_path / "t.db") as store:
        texts = [f"{i}: Sochi" for i in range(1200)]
        ids = add_texts(store, texts)
        items = [(doc_id, [suggestion(len(t) - 5, len(t), "GPE")]) for doc_id, t in zip(ids, texts)]
        result = store.add_suggestions(items + items[:1])
        assert result.stored == 1200 and result.duplicates == 1 and len(result.documents) == 1200
