"""Relations through every format (issue 14): export -> import -> export keeps each relation,
its note and its label's look; what a format cannot carry is reported, never dropped silently."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.core.model import RelationLabel, Source, State
from annotator.store import Store
from annotator.transfer.exporting import export
from annotator.transfer.importing import import_paths
from annotator.transfer.relation_stats import relation_stats
from annotator.transfer.validating import validate_paths

from format_corpus import corpus, files_of  # noqa: F401 (corpus is a fixture)
from format_helpers import jsonl

FIXTURES = Path(__file__).parent / "relation_fixtures"
OUTPUTS = {"jsonl": "out.jsonl", "prodigy": "out.jsonl", "doccano": "out.jsonl", "brat": "out", "spacy": "out.spacy", "conll": "out.conll"}
CARRYING = ("jsonl", "prodigy", "doccano", "brat", "spacy")
LOCATED = RelationLabel("located_in", "#1f78b4", "l", "where someone is", heads=("PERSON", "ORG"), tails=("GPE",))
NEAR = RelationLabel("near", "#33a02c", "n", directed=False)
# (document index, head text, relation label, tail text, note)
RELATIONS = [
    (0, "Marie Curie", "located_in", "Paris", "in 1898 🧪"),
    (0, "Cafe\u0301 Noël", "located_in", "Paris", ""),
    (0, "Eiffel Tower", "near", "Paris", ""),
    (1, "Ahmed", "located_in", "Cairo", "quoted"),
    (2, "São Paulo", "near", "北京", ""),
]


@pytest.fixture
def related(corpus):
    """The hard corpus with relations (one a suggestion, which exports leave out like spans)."""
    corpus.save_relation_labels([LOCATED, NEAR])
    docs = list(corpus.iter_export())
    for index, head, label, tail, note in RELATIONS:
        doc, spans = docs[index]
        ends = [next(s for s in spans if doc.text[s.start : s.end] == text) for text in (head, tail)]
        corpus.add_relation(ends[0].id, ends[1].id, label, note=note)
    doc, spans = docs[1]
    ahmed, berlin = (next(s for s in spans if doc.text[s.start : s.end] == t) for t in ("Ahmed", "Berlin"))
    corpus.add_relation(ahmed.id, berlin.id, "located_in", source=Source.MODEL, state=State.SUGGESTED)
    return corpus


def relation_table(store: Store) -> list[tuple]:
    """Every relation as (head text, label, tail text, note); brat brings documents back in file name order."""
    rows = []
    for doc, _ in store.iter_export(relations=True):
        rows += [(doc.text[r.head.start : r.head.end], r.label, doc.text[r.tail.start : r.tail.end], r.note) for r in doc.relations]
    return sorted(rows)


def trip(store: Store, tmp_path, fmt: str, **options):
    first, again = tmp_path / "first" / OUTPUTS[fmt], tmp_path / "again" / OUTPUTS[fmt]
    first.parent.mkdir(), again.parent.mkdir()
    log = export(store, first, fmt, **options)
    other = Store(tmp_path / "b.db")
    report = import_paths(other, [first], fmt={"jsonl": "prodigy"}.get(fmt, fmt))
    export(other, again, fmt)
    return log, report, other, first, again


@pytest.mark.parametrize("fmt", CARRYING)
def test_relations_and_their_notes_survive(related, tmp_path, fmt):
    log, report, other, first, again = trip(related, tmp_path, fmt)
    with other:
        assert relation_table(other) == sorted((h, label, t, note) for _, h, label, t, note in RELATIONS)
        assert (log.relations, report.relations) == (5, 5)
        assert files_of(again) == files_of(first)


@pytest.mark.parametrize("fmt", CARRYING)
def test_relation_labels_travel(related, tmp_path, fmt):
    _, _, other, _, _ = trip(related, tmp_path, fmt)
    with other:
        labels = {label.name: label for label in other.relation_labels()}
    located, near = labels["located_in"], labels["near"]
    assert (located.color, located.heads, located.tails, located.directed) == ("#1f78b4", ("PERSON", "ORG"), ("GPE",), True)
    assert (near.color, near.directed) == ("#33a02c", False)
    if fmt != "brat":  # brat's confs have no place for relation hotkeys or descriptions
        assert (located.hotkey, located.description, near.hotkey) == ("l", "where someone is", "n")


def test_conll_reports_the_relations_it_cannot_carry(related, tmp_path):
    log, report, other, _, _ = trip(related, tmp_path, "conll")
    messages = [p.message for p in log.problems]
    assert sum("relation(s) not carried by CoNLL; not exported" in m for m in messages) == 3  # one per document with relations
    assert any("3 relation(s) not carried by CoNLL" in m for m in messages)
    with other:
        assert relation_table(other) == [] and report.relations == 0


def test_suggested_relations_go_with_include_suggestions(related, tmp_path):
    log = export(related, tmp_path / "out.jsonl", "jsonl", include_suggestions=True)
    assert log.relations == 6
    lines = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    (suggested,) = [r for r in lines[1]["relations"] if r.get("state") == "suggested"]
    assert suggested["source"] == "model" and suggested["child_span"]["label"] == "GPE"


def test_export_labels_keeps_only_relations_whose_ends_are_exported(related, tmp_path):
    log = export(related, tmp_path / "out.jsonl", "jsonl", labels=["PERSON", "GPE"])
    lines = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    kept = [(r["head_span"]["label"], r["label"], r["child_span"]["label"]) for line in lines for r in line.get("relations", [])]
    assert sorted(kept) == [("GPE", "near", "GPE"), ("PERSON", "located_in", "GPE"), ("PERSON", "located_in", "GPE")]
    assert log.relations == 3 and log.problems == []


def test_prodigy_writes_token_indices_as_rel_manual_does(related, tmp_path):
    export(related, tmp_path / "out.jsonl", "prodigy")
    record = json.loads((tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()[1])
    (relation,) = record["relations"]
    tokens = record["tokens"]
    for key, span_key in (("head", "head_span"), ("child", "child_span")):
        end = relation[span_key]
        assert relation[key] == end["token_end"]
        assert (tokens[end["token_start"]]["start"], tokens[end["token_end"]]["end"]) == (end["start"], end["end"])
    assert relation["label"] == "located_in" and relation["note"] == "quoted"


def test_doccano_writes_the_relation_form_only_when_there_are_relations(related, tmp_path, corpus):
    export(related, tmp_path / "rel.jsonl", "doccano")
    first = json.loads((tmp_path / "rel.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert "label" not in first and {e["id"] for e in first["entities"]} >= {r["from_id"] for r in first["relations"]}
    with Store(tmp_path / "plain.db") as plain:
        import_paths(plain, [jsonl(tmp_path / "p.jsonl", {"text": "Paris", "spans": [{"start": 0, "end": 5, "label": "GPE"}]})])
        export(plain, tmp_path / "plain.jsonl", "doccano")
    assert json.loads((tmp_path / "plain.jsonl").read_text())["label"] == [[0, 5, "GPE"]]


def test_brat_writes_r_lines_notes_and_the_relations_conf(related, tmp_path):
    export(related, tmp_path / "out", "brat")
    ann = (tmp_path / "out" / "corpus-source-2.ann").read_text(encoding="utf-8")
    assert "R1\tlocated_in Arg1:T2 Arg2:T1\n#2\tAnnotatorNotes R1\tquoted\n" in ann
    conf = (tmp_path / "out" / "annotation.conf").read_text(encoding="utf-8")
    assert "[relations]\nlocated_in\tArg1:PERSON|ORG, Arg2:GPE\nnear\tArg1:<ENTITY>, Arg2:<ENTITY>, <REL-TYPE>:symmetric\n[events]" in conf
    assert "located_in\tcolor:#1f78b4\n" in (tmp_path / "out" / "visual.conf").read_text(encoding="utf-8")


def test_importing_a_prodigy_rel_manual_file_keeps_every_relation(store, tmp_path):
    report = import_paths(store, [FIXTURES / "rel_manual.jsonl"])
    assert report.relations == 6  # 7 in the file; the one between bare tokens is reported
    assert [p.line for p in report.warnings] == [3]
    store.use_annotator("alice")  # the file's _annotator_id: news_rel-alice
    assert relation_stats(store) == {
        "MET": {"accepted": 2, "suggested": 0, "rejected": 0}, "LOCATED_IN": {"accepted": 1, "suggested": 0, "rejected": 0},
        "DELIVERED": {"accepted": 1, "suggested": 0, "rejected": 0}, "DELIVERED_TO": {"accepted": 1, "suggested": 0, "rejected": 0},
        "LEADS": {"accepted": 1, "suggested": 0, "rejected": 0},
    }


def test_importing_the_brat_and_doccano_fixtures_stores_their_relations(store, tmp_path):
    brat = import_paths(store, [FIXTURES / "brat"])
    assert brat.relations == 7 and len(brat.warnings) == 4
    with Store(tmp_path / "d.db") as other:
        assert import_paths(other, [FIXTURES / "doccano_relations.jsonl"], fmt="doccano").relations == 5
    equiv = next(label for label in store.relation_labels() if label.name == "Equiv")
    assert not equiv.directed


def test_validate_checks_relations_against_a_scheme(tmp_path):
    spans = [{"start": 0, "end": 6, "label": "PERSON"}, {"start": 11, "end": 16, "label": "PERSON"}]
    rels = [{"head_span": spans[0], "child_span": spans[1], "label": "located_in"}, {"head_span": spans[0], "child_span": spans[1], "label": "met"}]
    src = jsonl(tmp_path / "v.jsonl", {"text": "Pompeo met Putin", "spans": spans, "relations": rels})
    result = validate_paths([src], known_labels={"PERSON"}, known_relations={"located_in"}, relation_labels=[LOCATED])
    assert [str(p) for p in result.problems] == [
        f"{src}:1: relation #1: relation 'located_in' needs a tail labelled GPE, not PERSON",
        f"{src}:1: relation #2: unknown relation label 'met' (not in the label scheme)",
    ]
    loose = validate_paths([src], existing_labels={"PERSON"})
    assert (loose.relations, [str(p) for p in loose.problems]) == (2, [
        f"{src}: relation label 'located_in' is not in the label scheme (1 relation(s)); import creates it",
        f"{src}: relation label 'met' is not in the label scheme (1 relation(s)); import creates it",
    ])
