"""Files in the shapes other tools really write (Prodigy datasets, doccano 1.x, brat corpora).

The records are written here, in the shapes seen in published files: Prodigy's one record
per answer with free-text ``source`` and ``_view_id``; doccano 1.x's ``annotations`` with
``user`` and numeric label ids; brat comments of any type.
"""

from __future__ import annotations

import json
import random
import sqlite3

import pytest

from format_helpers import jsonl, refused, write

from annotator.core.model import Source, State, Status
from annotator.transfer.exporting import export
from annotator.transfer.importing import import_paths

TEXT = "Trump said on Monday he will meet with Putin on the sidelines of the G-20 summit."
TRUMP, PUTIN, G20 = (0, 5), (39, 44), (69, 73)


def span(where, label, **extra):
    start, end = where
    return {"start": start, "end": end, "label": label, "text": TEXT[start:end], **extra}


def answer(spans, view="ner_manual", result="accept", annotator="alice", **extra):
    """One Prodigy answer as ``db-out`` writes it (hashes, view, session and annotator ids:
    Prodigy names the session ``/?session=alice`` on the dataset ``ner_news`` "ner_news-alice")."""
    return {
        "text": TEXT, "_input_hash": -1402537870, "_task_hash": 1290472953, "spans": spans,
        "_view_id": view, "answer": result, "_timestamp": 1686123456,
        "_annotator_id": f"ner_news-{annotator}", "_session_id": f"ner_news-{annotator}", **extra,
    }


def rows(store):
    """Every stored span as (start, end, label, source, provenance, state, annotator)."""
    out = []
    for _, spans in store.iter_export(states=tuple(State), annotators=[layer.name for layer in store.annotators()]):
        out += [(s.start, s.end, s.label, s.source, s.provenance, s.state, s.annotator) for s in spans]
    return sorted(out)


def db_state(store):
    con = sqlite3.connect(store.path)
    try:
        return [con.execute(f"select * from {table} order by id").fetchall() for table in ("documents", "spans", "labels")]
    finally:
        con.close()


# -- Prodigy --------------------------------------------------------------------


def test_prodigy_free_text_source_is_kept_as_provenance_and_exported_back(store, tmp_path):
    src = jsonl(tmp_path / "ner_news.jsonl", answer([
        span(TRUMP, "PERSON", source="en_core_web_lg", input_hash=-1402537870, token_start=0, token_end=0),
        span(PUTIN, "PERSON", source="patterns.jsonl", pattern=3),
        span(G20, "EVENT"),
    ]))
    report = import_paths(store, [src])
    assert report.added == 1 and report.warnings == []
    assert rows(store) == [
        (*TRUMP, "PERSON", Source.MODEL, "en_core_web_lg", State.ACCEPTED, "alice"),
        (*PUTIN, "PERSON", Source.PATTERN, "patterns.jsonl", State.ACCEPTED, "alice"),
        (*G20, "EVENT", Source.HUMAN, "", State.ACCEPTED, "alice"),
    ]
    out = tmp_path / "out.jsonl"
    export(store, out, "jsonl", annotators=["alice"])
    (line,) = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert [s["source"] for s in line["spans"]] == ["en_core_web_lg", "patterns.jsonl", "human"]


def test_records_of_one_text_merge_into_one_document_and_a_rerun_is_a_no_op(store, tmp_path):
    src = jsonl(
        tmp_path / "dataset.jsonl",
        answer([span(TRUMP, "PERSON"), span(PUTIN, "PERSON")]),  # alice's answers in three sessions
        answer([span(TRUMP, "PERSON"), span(G20, "EVENT")]),  # Trump again: a repeat
        answer([span(TRUMP, "PERSON"), span(TRUMP, "PERSON")]),  # twice in one record
    )
    report = import_paths(store, [src])
    assert (report.added, report.merged, report.duplicates, report.spans, report.repeated_spans) == (1, 1, 1, 3, 3)
    assert [(s, e, label) for s, e, label, *_ in rows(store)] == [(*TRUMP, "PERSON"), (*PUTIN, "PERSON"), (*G20, "EVENT")]
    assert report.conflicts == 0 and report.warnings == []
    before = db_state(store)
    again = import_paths(store, [src])
    assert (again.added, again.merged, again.spans, again.duplicates, again.present_spans) == (0, 0, 0, 3, 6)
    assert db_state(store) == before


def test_disagreeing_records_are_reported_and_everything_kept(store, tmp_path):
    src = jsonl(
        tmp_path / "dataset.jsonl",
        answer([span((0, 5), "PERSON"), span(PUTIN, "PERSON")]),  # alice, then alice again
        answer([span((0, 5), "ORG"), span((39, 47), "PERSON")]),
    )
    report = import_paths(store, [src])
    assert report.added == 1 and report.spans == 4 and report.conflicts == 1
    (warning,) = report.warnings
    assert warning.path == str(src) and warning.warning
    assert "records disagree on accepted spans: PERSON 0-5 vs ORG 0-5; PERSON 39-44 vs PERSON 39-47; all kept" in warning.message


def test_binary_answers_decide_their_span_not_the_document(store, tmp_path):
    teach = [  # ner.teach: one suggested span per record, the answer is about that span
        answer([span(TRUMP, "PERSON", score=0.91, source="en_core_web_sm", rank=0)], view="ner", result="accept"),
        answer([span((34, 44), "PERSON", score=0.41, source="en_core_web_sm", rank=1)], view="ner", result="reject"),
        answer([span(G20, "ORG", score=0.35, source="en_core_web_sm", rank=2)], view="ner", result="ignore"),
        {"text": TEXT, "spans": [span(PUTIN, "NORP", score=0.2)], "answer": "reject"},  # no _view_id: one scored span
    ]
    report = import_paths(store, [jsonl(tmp_path / "teach.jsonl", *teach)])
    assert report.added == 1 and report.merged == 3
    (doc,) = [store.document(i) for i in store.document_ids()]
    assert doc.status == Status.NEW and "prodigy_answer" not in doc.meta
    assert [(s, e, label, state) for s, e, label, _, _, state, _ in rows(store)] == [
        (*TRUMP, "PERSON", State.ACCEPTED),
        (34, 44, "PERSON", State.REJECTED),
        (*PUTIN, "NORP", State.REJECTED),
        (*G20, "ORG", State.SUGGESTED),
    ]


def test_manual_records_answered_reject_still_skip_the_document(store, tmp_path):
    import_paths(store, [jsonl(tmp_path / "m.jsonl", answer([span(TRUMP, "PERSON")], result="reject"))])
    (doc_id,) = store.document_ids()
    assert store.layer_statuses() == {doc_id: {"alice": Status.SKIPPED}}  # the answer is alice's
    assert [state for *_, state, _ in rows(store)] == [State.ACCEPTED]


def test_a_later_decision_takes_a_suggestion_and_a_contrary_one_is_reported(store, tmp_path):
    first = jsonl(tmp_path / "a.jsonl", answer([span(TRUMP, "PERSON", score=0.9)], view="ner", result="ignore"))
    import_paths(store, [first])
    second = jsonl(
        tmp_path / "b.jsonl",
        answer([span(TRUMP, "PERSON", score=0.9)], view="ner", result="accept"),
        answer([span(TRUMP, "PERSON", score=0.9)], view="ner", result="reject"),
    )
    report = import_paths(store, [second])
    assert [state for *_, state, _ in rows(store)] == [State.ACCEPTED]
    assert report.conflicts == 1
    assert "PERSON span 0-5 is accepted in one record and rejected in another; kept accepted" in report.warnings[0].message


def test_prodigy_relations_are_imported_without_warnings(store, tmp_path):
    rel = {"head": 0, "child": 7, "label": "MEETS", "head_span": {"start": 0, "end": 5, "token_start": 0, "token_end": 0, "label": "PERSON"},
           "child_span": {"start": 39, "end": 44, "token_start": 7, "token_end": 7, "label": "PERSON"}}
    src = jsonl(tmp_path / "rel.jsonl", answer([span(TRUMP, "PERSON"), span(PUTIN, "PERSON")], view="relations", relations=[rel]))
    report = import_paths(store, [src])
    assert report.warnings == []
    assert store.count_documents() == 1


# -- doccano 1.x ------------------------------------------------------------------


def test_doccano_1x_annotations_import_with_their_user(store, tmp_path):
    record = {"id": 41, "text": TEXT, "meta": {}, "annotation_approver": None, "annotations": [
        {"label": "PERSON", "start_offset": 0, "end_offset": 5, "user": "alice", "prob": 0.0},
        {"label": "PERSON", "start_offset": 39, "end_offset": 44, "user": 2, "prob": 0.0},
    ]}
    numbered = {"id": 42, "text": "Moscow hosted the talks.", "meta": {}, "annotation_approver": None,
                "annotations": [{"label": 7, "start_offset": 0, "end_offset": 6, "user": 1}]}
    src = jsonl(tmp_path / "project_1_dataset.jsonl", record, numbered)
    report = import_paths(store, [src])
    assert (report.added, report.spans) == (2, 3)
    assert [(s, e, label, who) for s, e, label, *_, who in rows(store)] == [(0, 5, "PERSON", "alice"), (0, 6, "7", "1"), (39, 44, "PERSON", "2")]
    assert [p.message for p in report.warnings] == ["labels given as doccano label ids (7), imported under those numbers; rename them in Labels"]


def test_validate_counts_doccano_1x_spans(tmp_path):
    from annotator.transfer.validating import validate_paths

    src = jsonl(tmp_path / "d.jsonl", {"text": TEXT, "annotations": [{"label": "PERSON", "start_offset": 0, "end_offset": 500, "user": 1}]})
    result = validate_paths([src], existing_labels={"PERSON"})
    assert [str(p) for p in result.problems] == [f"{src}:1: span #1: span end 500 is beyond the text ({len(TEXT)} characters)"]


# -- brat -------------------------------------------------------------------------


def test_brat_comments_of_any_type_become_notes_and_go_back_as_that_type(store, tmp_path):
    write(tmp_path / "in" / "PMID-10438843.txt", TEXT)
    write(tmp_path / "in" / "PMID-10438843.ann", "T1\tPERSON 0 5\tTrump\nT2\tPERSON 39 44\tPutin\nR1\tMeets Arg1:T1 Arg2:T2\n"
          "#1\tLemma T1\ttrump\n#2\tAnnotatorNotes T1\tUS president\n#3\tAnnotatorNotes R1\tsummit\n")
    report = import_paths(store, [tmp_path / "in"])
    assert report.warnings == []  # R1 is a relation, its comment the relation's note
    notes = [s.note for _, spans in store.iter_export() for s in spans]
    assert notes == ["[Lemma] trump\nUS president", ""]
    export(store, tmp_path / "out", "brat")
    assert (tmp_path / "out" / "PMID-10438843.ann").read_text(encoding="utf-8") == (
        "T1\tPERSON 0 5\tTrump\n#1\tAnnotatorNotes T1\tUS president\n#2\tLemma T1\ttrump\nT2\tPERSON 39 44\tPutin\n"
        "R1\tMeets Arg1:T1 Arg2:T2\n#3\tAnnotatorNotes R1\tsummit\n")


def test_brat_export_names_documents_after_their_sources_safely_and_uniquely(store, tmp_path):
    for name in ("a b?.txt", "CON.txt", "same.txt"):
        write(tmp_path / "one" / name, f"Article {name}")
    write(tmp_path / "two" / "same.txt", "Another article with the same file name.")
    import_paths(store, [tmp_path / "one", tmp_path / "two"])
    export(store, tmp_path / "out", "brat")
    names = sorted(p.stem for p in (tmp_path / "out").glob("*.txt"))
    assert names == ["CON_", "a_b", "same", "same-4"]


def test_brat_offsets_with_thousands_of_digits_are_named(store, tmp_path):
    write(tmp_path / "x.txt", TEXT)
    ann = write(tmp_path / "x.ann", f"T1\tPERSON 0 {'9' * 5000}\tTrump\n")
    assert refused(store, [ann]) == [f"{ann}:1: span T1 has an offset of more than 18 digits"]


# -- summary of the import ----------------------------------------------------------


def test_skip_invalid_counts_records_not_problems(store, tmp_path):
    src = jsonl(tmp_path / "mixed.jsonl", {"text": TEXT, "spans": [span(TRUMP, "PERSON")]},
                {"text": TEXT + " Again.", "spans": [{"start": 5, "end": 1, "label": "X"}, {"start": 0, "end": 999, "label": "X"}]},
                {"text": 42})
    report = import_paths(store, [src], skip_invalid=True)
    assert len(report.skipped) == 3 and report.skipped_records == 2 and report.added == 1


def test_provenance_survives_every_lossless_format(store, tmp_path):
    import_paths(store, [jsonl(tmp_path / "in.jsonl", answer([
        span(TRUMP, "PERSON", source="en_core_web_lg"), span(PUTIN, "PERSON", source="patterns.jsonl"), span(G20, "EVENT")]))])
    expected = rows(store)
    for fmt, out in (("jsonl", "o.jsonl"), ("prodigy", "p.jsonl"), ("doccano", "d.jsonl"), ("spacy", "s.spacy")):
        (tmp_path / fmt).mkdir()
        export(store, tmp_path / fmt / out, fmt, annotators=["alice"])
        with type(store)(tmp_path / f"{fmt}.db") as again:
            import_paths(again, [tmp_path / fmt / out], fmt=None if fmt != "doccano" else "doccano")
            assert rows(again) == expected, fmt


def _clash_count(message: str) -> int:
    shown = message.split(": ", 1)[1].split("; all kept")[0]
    more = int(shown.split(" and ")[1].split()[0]) if " and " in shown else 0
    return len(shown.split(" and ")[0].split("; ")) + more


@pytest.mark.parametrize("seed", range(20))
def test_overlap_conflicts_match_a_brute_force_count(store, tmp_path, seed):
    """Each record's new accepted spans against every earlier record's, counted pair by pair."""
    rng = random.Random(seed)
    records, seen, expected = [], {}, []
    for number in range(rng.randint(2, 6)):
        spans = {(s, s + rng.randint(1, 12), rng.choice(["PERSON", "ORG"])) for s in (rng.randrange(0, len(TEXT) - 12) for _ in range(rng.randint(1, 5)))}
        fresh = [key for key in sorted(spans) if key not in seen]
        clashes = sum(1 for a in fresh for b, owner in seen.items() if owner != number and a[0] < b[1] and b[0] < a[1])
        if number and fresh:
            expected.append(clashes)
        seen.update({key: number for key in fresh})
        records.append(answer([span((s, e), label) for s, e, label in sorted(spans)]))
    report = import_paths(store, [jsonl(tmp_path / "r.jsonl", *records)])
    assert sorted(_clash_count(p.message) for p in report.warnings) == sorted(n for n in expected if n)


def test_spans_counted_as_stored_or_repeated_across_batches(store):
    """A later batch reads back what an earlier batch of the same import wrote: that is a repeat, not stored before."""
    from annotator.core.model import Document, Span
    from annotator.core.text import content_hash

    def record(*spans):
        return Document(None, "t", TEXT, content_hash=content_hash(TEXT)), [Span(s, e, "PERSON") for s, e in spans]

    store.add_documents([record(TRUMP)])
    with store.bulk_import() as writer:
        writer.batch_size = 1  # every record its own batch
        for doc, spans in (record(TRUMP, PUTIN), record(TRUMP, PUTIN)):
            writer.add(doc, spans)
    assert (writer.result.present_spans, writer.result.repeated_spans, writer.result.spans) == (2, 1, 1)
