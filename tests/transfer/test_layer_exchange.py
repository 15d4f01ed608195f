"""Exchange keeps the annotator of every span (issue 12): two annotators' layers go out with
--all-annotators and come back into a fresh database as the same layers, spans, statuses and
notes; a plain export of several layers is refused; --annotator picks one layer."""

from __future__ import annotations

import json

import pytest

from annotator.cli import main
from annotator.core.model import Document, Span, Status
from annotator.core.problems import ExportError
from annotator.core.text import content_hash
from annotator.store import Store
from annotator.transfer.exporting import export
from annotator.transfer.importing import import_paths

CURIE = "Marie Curie met Pierre Curie in Paris."
MERKEL = "Angela Merkel spoke in Berlin on Monday."
QUIET = "Nothing happened here at all."


def _doc(text):
    return Document(None, "t", text, source_path=f"{text.split()[0].lower()}.txt", content_hash=content_hash(text))


def two_layers(path):
    """alice and bob annotated the same articles, disagreeing; nobody touched QUIET."""
    with Store(path, annotator="alice") as alice:
        curie, merkel, _ = alice.add_documents([(_doc(CURIE), []), (_doc(MERKEL), []), (_doc(QUIET), [])]).added
        alice.add_span(curie, Span(0, 11, "PERSON"))
        alice.add_span(merkel, Span(0, 13, "PERSON", note="chancellor"))
        alice.set_status(curie, "done")
        alice.set_document_note(curie, "checked twice")
    with Store(path, annotator="bob") as bob:
        bob.add_span(curie, Span(0, 11, "PERSON"))
        bob.add_span(curie, Span(32, 37, "GPE"))
        bob.add_span(merkel, Span(23, 29, "GPE"))
        bob.set_status(merkel, "skipped")
    return path


def layers(path, statuses=True):
    """Each annotator with something in their layer -> (spans, statuses, notes), by text."""
    with Store(path, annotator="someone reading") as store:
        names = [layer.name for layer in store.annotators() if layer.documents]
        found = {}
        for name in names:
            spans, states, notes = [], {}, {}
            for doc, doc_spans in store.iter_export(annotators=[name]):
                spans += [(doc.text, s.start, s.end, s.label, s.note, s.annotator) for s in doc_spans]
                if doc.status != Status.NEW and statuses:
                    states[doc.text] = doc.status
                if doc.note and statuses:
                    notes[doc.text] = doc.note
            found[name] = (sorted(spans), states, notes)
    return found


ROUND_TRIPS = [  # format, output name, import options
    ("jsonl", "all.jsonl", {}),
    ("prodigy", "all.jsonl", {}),
    ("doccano", "doccano-out", {}),
    ("brat", "brat-out", {"annotator_per_folder": True}),
]


@pytest.mark.parametrize("fmt, name, options", ROUND_TRIPS, ids=[r[0] for r in ROUND_TRIPS])
def test_every_layer_round_trips_into_a_fresh_database(tmp_path, fmt, name, options):
    source = two_layers(tmp_path / "source.db")
    with Store(source, annotator="alice") as store:
        log = export(store, tmp_path / name, fmt, annotators=["alice", "bob"])
    assert log.spans == 5 and not [p for p in log.problems if not p.warning]
    with Store(tmp_path / "fresh.db", annotator="carol") as fresh:
        report = import_paths(fresh, [tmp_path / name], **options)
    assert report.annotators_created == ["alice", "bob"]
    carried = fmt != "brat"  # brat has no place for statuses or document notes
    expected = layers(source, statuses=carried)
    assert layers(tmp_path / "fresh.db", statuses=carried) == expected
    assert expected["alice"][1] == ({CURIE: Status.DONE} if carried else {})
    assert sorted(expected) == ["alice", "bob"]  # carol, who imported, got nothing


def test_prodigy_writes_one_record_per_document_and_annotator(tmp_path):
    with Store(two_layers(tmp_path / "a.db"), annotator="alice") as store:
        export(store, tmp_path / "ner_news.jsonl", "prodigy", annotators=["alice", "bob"])
    records = [json.loads(line) for line in (tmp_path / "ner_news.jsonl").read_text(encoding="utf-8").splitlines()]
    shape = [(r["text"][:6], r.get("_annotator_id"), r.get("_session_id"), r["meta"].get("annotator"), r["meta"]["status"]) for r in records]
    assert shape == [
        ("Marie ", "ner_news-alice", "ner_news-alice", "alice", "done"),
        ("Marie ", "ner_news-bob", "ner_news-bob", "bob", "new"),
        ("Angela", "ner_news-alice", "ner_news-alice", "alice", "new"),
        ("Angela", "ner_news-bob", "ner_news-bob", "bob", "skipped"),
        ("Nothin", None, None, None, "new"),  # nobody touched it: one record naming no one
    ]
    assert {s["annotator"] for s in records[1]["spans"]} == {"bob"}


def test_status_filter_applies_to_each_annotators_own_status(tmp_path):
    with Store(two_layers(tmp_path / "a.db"), annotator="alice") as store:
        export(store, tmp_path / "done.jsonl", "jsonl", annotators=["alice", "bob"], statuses=["done", "skipped"])
    records = [json.loads(line) for line in (tmp_path / "done.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [(r["text"][:6], r["meta"]["annotator"], r["meta"]["status"]) for r in records] == [("Marie ", "alice", "done"), ("Angela", "bob", "skipped")]


def test_doccano_and_brat_write_one_file_or_folder_per_annotator(tmp_path):
    with Store(two_layers(tmp_path / "a.db"), annotator="alice") as store:
        export(store, tmp_path / "d", "doccano", annotators=["alice", "bob"])
        export(store, tmp_path / "b", "brat", annotators=["alice", "bob"])
    assert sorted(p.name for p in (tmp_path / "d").glob("*.jsonl")) == ["alice.jsonl", "bob.jsonl"]
    bob = [json.loads(line) for line in (tmp_path / "d" / "bob.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["label"] for r in bob] == [[[0, 11, "PERSON"], [32, 37, "GPE"]], [[23, 29, "GPE"]], []]  # every document, as doccano does
    assert sorted(p.name for p in (tmp_path / "b").iterdir()) == ["alice", "bob"]
    assert (tmp_path / "b" / "bob" / "marie.ann").read_text(encoding="utf-8") == "T1\tPERSON 0 11\tMarie Curie\nT2\tGPE 32 37\tParis\n"


@pytest.mark.parametrize("fmt, name", [("spacy", "x.spacy"), ("conll", "x.conll")])
def test_one_layer_formats_refuse_several_layers(tmp_path, fmt, name):
    with Store(two_layers(tmp_path / "a.db"), annotator="alice") as store:
        with pytest.raises(ExportError, match="holds one annotator's spans; export each annotator with --annotator NAME"):
            export(store, tmp_path / name, fmt, annotators=["alice", "bob"])
    assert not (tmp_path / name).exists()


# -- the command line ---------------------------------------------------------------


def cli(capsys, *args):
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def test_plain_export_of_several_layers_is_refused_listing_them(tmp_path, capsys, monkeypatch):
    db = two_layers(tmp_path / "a.db")
    monkeypatch.setenv("ANNOTATOR_NAME", "alice")  # who the user is; --annotator would pick a layer
    code, out, err = cli(capsys, "--db", db, "export", tmp_path / "out.jsonl")
    assert code == 1 and out == "" and not (tmp_path / "out.jsonl").exists()
    assert err == (
        "annotator: error: a.db holds the spans of 2 annotators: alice (2 accepted span(s)), bob (3 accepted span(s)); "
        "a plain export would mix them, so nothing was exported. Export one annotator's layer with --annotator NAME, "
        "or every layer with --all-annotators (each span keeps its annotator)\n"
    )


def test_export_annotator_option_picks_a_layer_and_refuses_an_unknown_name(tmp_path, capsys):
    db = two_layers(tmp_path / "a.db")
    code, out, _ = cli(capsys, "--db", db, "export", tmp_path / "bob.jsonl", "--annotator", "BOB")
    assert code == 0 and out.startswith("exported 3 document(s) with 3 span(s)")
    records = [json.loads(line) for line in (tmp_path / "bob.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["meta"]["status"] for r in records] == ["new", "skipped", "new"]
    assert {s["annotator"] for r in records for s in r["spans"]} == {"bob"}
    code, _, err = cli(capsys, "--db", db, "export", tmp_path / "x.jsonl", "--annotator", "dave")
    assert code == 1 and "no annotator 'dave' in a.db (known: alice, bob, default)" in err


def test_the_only_layer_with_spans_is_exported_with_a_note_when_it_is_not_yours(tmp_path, capsys, monkeypatch):
    """A database from before annotators were recorded: its spans are in 'default', the user is alice now."""
    db = tmp_path / "old.db"
    with Store(db) as store:
        doc_id = store.add_documents([(_doc(CURIE), [Span(0, 11, "PERSON")])]).added[0]
        store.set_status(doc_id, "done")
    monkeypatch.setenv("ANNOTATOR_NAME", "alice")
    code, out, err = cli(capsys, "--db", db, "export", tmp_path / "out.jsonl", "--status", "done")
    assert code == 0 and out.startswith("exported 1 document(s) with 1 span(s)")
    assert "annotator: note: exported the layer of 'default', the only annotator with spans" in err
    assert "you are 'alice', whose layer has none: --annotator 'alice' exports yours" in err


def test_all_annotators_from_the_command_line_and_back(tmp_path, capsys):
    db = two_layers(tmp_path / "a.db")
    code, out, _ = cli(capsys, "--db", db, "export", tmp_path / "all.jsonl", "--all-annotators")
    assert code == 0 and out.startswith("exported 5 record(s) of alice, bob with 5 span(s)")
    code, out, _ = cli(capsys, "--db", tmp_path / "b.db", "--annotator", "carol", "import", tmp_path / "all.jsonl")
    assert code == 0 and out.rstrip().endswith("annotators: alice, bob, carol; new annotators: alice, bob")
    assert layers(tmp_path / "b.db") == layers(db)
