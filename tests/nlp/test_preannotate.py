"""Pre-annotation with the real English pipeline over real texts."""

import pytest

from annotator.core.model import Source, Span, State
from annotator.nlp.chunks import chunks
from annotator.nlp.patterns import propagate
from annotator.nlp.pipeline import NoModelError, load_pipeline
from annotator.nlp.preannotate import preannotate
from annotator.store import Store


def found(store, doc_id):
    text = store.document(doc_id).text
    return {(text[s.start : s.end], s.label) for s in store.spans(doc_id)}


def assert_offsets_match(store, doc_id):
    text = store.document(doc_id).text
    for span in store.spans(doc_id):
        piece = text[span.start : span.end]
        assert piece and piece == piece.strip(), (span, piece)


def test_seeds_get_known_entities_as_model_suggestions(seeded, pipeline):
    store, (first, second) = seeded
    summary = preannotate(store, pipeline)
    assert (summary.documents, summary.total, summary.cancelled) == (2, 2, False)
    assert summary.stored == summary.entities > 20
    assert {("Vladimir Putin", "PERSON"), ("Sochi", "GPE"), ("Kremlin", "ORG")} <= found(store, first)
    assert ("Putin", "PERSON") in found(store, second)
    spans = store.spans(first) + store.spans(second)
    assert {(s.source, s.state) for s in spans} == {(Source.MODEL, State.SUGGESTED)}
    assert_offsets_match(store, first)


def test_a_rerun_stores_nothing_new(seeded, pipeline):
    store, ids = seeded
    first = preannotate(store, pipeline)
    before = [store.spans(i) for i in ids]
    again = preannotate(store, pipeline, status=None)
    assert (again.stored, again.duplicates) == (0, first.stored)
    assert [store.spans(i) for i in ids] == before


def test_human_spans_and_rejections_are_respected(seeded, pipeline):
    store, (first, _) = seeded
    text = store.document(first).text
    putin = text.index("Vladimir Putin")
    sochi = text.index("Sochi")
    store.add_span(first, Span(putin, putin + len("Vladimir"), "NORP"))  # a human decision over the model's PERSON
    rejected = store.add_span(first, Span(sochi, sochi + 5, "GPE", Source.MODEL, State.SUGGESTED))
    store.update_span(rejected.id, state=State.REJECTED)
    summary = preannotate(store, pipeline)
    assert summary.overlaps_decided >= 1 and summary.rejected >= 1
    at_putin = [s for s in store.spans(first) if s.start < putin + 14 and putin < s.end]
    assert [(s.label, s.source) for s in at_putin] == [("NORP", Source.HUMAN)]
    assert [s.state for s in store.spans(first) if s.start == sochi] == [State.REJECTED]


def test_status_selects_documents(seeded, pipeline):
    store, (first, second) = seeded
    store.set_status(second, "done")
    assert preannotate(store, pipeline, status="new").documents == 1
    assert store.spans(first) and not store.spans(second)


def test_cancel_leaves_whole_batches_and_a_rerun_completes(tmp_path, pipeline, seed_texts, add_texts):
    with Store(tmp_path / "t.db") as store:
        ids = add_texts(store, [f"{t}\n\nCopy {i}." for i in range(3) for t in seed_texts])
        calls = []
        summary = preannotate(store, pipeline, batch_documents=2, progress=lambda d, t: calls.append((d, t)), cancelled=lambda: bool(calls))
        assert summary.cancelled and summary.documents == 2 and calls == [(2, 6)]
        assert all(store.spans(i) for i in ids[:2]) and not any(store.spans(i) for i in ids[2:])
        done = {i: store.spans(i) for i in ids[:2]}
        rest = preannotate(store, pipeline, batch_documents=2)
        assert rest.documents == 6 and not rest.cancelled
        assert all(store.spans(i) for i in ids) and {i: store.spans(i) for i in ids[:2]} == done


def test_no_model_fails_clearly_before_touching_the_store(seeded):
    store, ids = seeded
    with pytest.raises(NoModelError, match="not_a_pipeline_xx"):
        preannotate(store, "not_a_pipeline_xx")
    with pytest.raises(NoModelError):
        load_pipeline(store.path.parent / "no such folder")
    assert not any(store.spans(i) for i in ids)
    assert propagate(store, "PERSON", "Mike Pompeo").stored == 3  # string matches need no model


def test_texts_longer_than_max_length_are_chunked_with_right_offsets(tmp_path, pipeline, add_texts, monkeypatch):
    paragraph = "Vladimir Putin met Mike Pompeo in Sochi on Tuesday."
    # Paragraphs of uneven length so cuts fall just before or after entities.
    text = "\n\n".join(paragraph + " It rained." * (i % 4) for i in range(30)) + "\n" + paragraph + " " + paragraph
    monkeypatch.setattr(pipeline.nlp, "max_length", 150)
    with Store(tmp_path / "t.db") as store:
        (doc,) = add_texts(store, [text])
        summary = preannotate(store, pipeline)
        assert summary.misaligned == summary.overlapping == 0
        assert_offsets_match(store, doc)
        starts = {s.start for s in store.spans(doc) if text[s.start : s.end] == "Vladimir Putin" and s.label == "PERSON"}
        expected = {i for i in range(len(text)) if text.startswith("Vladimir Putin", i)}
        assert len(expected) == 32 and starts == expected
        cuts = {offset for offset, _ in chunks(text, 150)}
        assert len(cuts) > 10 and len(cuts & expected) > 5  # many pieces begin with the entity


def test_two_processes_store_the_same_as_one(tmp_path, pipeline, seed_texts, add_texts):
    texts = [f"{t}\n\nCopy {i}." for i in range(2) for t in seed_texts]
    results = []
    for processes in (1, 2):
        with Store(tmp_path / f"p{processes}.db") as store:
            ids = add_texts(store, texts)
            summary = preannotate(store, pipeline, processes=processes, batch_documents=1)
            results.append(([[(s.start, s.end, s.label) for s in store.spans(i)] for i in ids], summary.stored))
    assert results[0] == results[1] and results[0][1] > 0


def test_a_long_paragraph_is_cut_at_spaces_and_offsets_stay_right(tmp_path, pipeline, add_texts, monkeypatch):
    text = " ".join(f"Vladimir Putin met Mike Pompeo in Sochi, day {i}." for i in range(12))
    monkeypatch.setattr(pipeline.nlp, "max_length", 100)
    with Store(tmp_path / "t.db") as store:
        (doc,) = add_texts(store, [text])
        assert preannotate(store, pipeline).stored > 12
        assert_offsets_match(store, doc)


def test_cancel_with_worker_processes_started_from_a_thread(tmp_path, pipeline, seed_texts, add_texts):
    """As the GUI runs it: from a worker thread (so workers are spawned, not forked), then cancelled."""
    import threading

    with Store(tmp_path / "t.db") as store:
        ids = add_texts(store, [f"{t}\n\nCopy {i}." for i in range(4) for t in seed_texts])
        calls, out = [], {}

        def work():
            out["summary"] = preannotate(store, pipeline, processes=2, batch_documents=2,
                                         progress=lambda d, t: calls.append(d), cancelled=lambda: len(calls) >= 2)

        thread = threading.Thread(target=work)
        thread.start()
        thread.join(timeout=120)
        assert not thread.is_alive()
        assert out["summary"].cancelled and out["summary"].documents == 4
        assert all(store.spans(i) for i in ids[:4]) and not any(store.spans(i) for i in ids[4:])
