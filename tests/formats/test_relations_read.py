"""Relations read from other tools' files in their real shapes (issue 14): every relation kept
or reported with its file and line, ends that are the record's own Span objects."""

from __future__ import annotations

import json
from pathlib import Path

from format_helpers import write

from annotator.core.model import RelationLabel
from annotator.core.problems import Problem
from annotator.formats import module
from annotator.formats.records import LabelScheme, ReadOptions

FIXTURES = Path(__file__).parent / "relation_fixtures"
LEFT_OUT = "; left out (use --strict to refuse)"


def read(fmt: str, path: Path, **options):
    items = list(module(fmt).read(path, ReadOptions(**options)))
    records = [item for item in items if isinstance(item, tuple)]
    problems = [str(item) for item in items if isinstance(item, Problem)]
    schemes = [item for item in items if isinstance(item, LabelScheme)]
    return records, problems, schemes


def triples(doc) -> list[tuple[str, str, str]]:
    return [(doc.text[r.head.start : r.head.end], r.label, doc.text[r.tail.start : r.tail.end]) for r in doc.relations]


def ends_are_own_spans(doc, spans) -> bool:
    own = {id(span) for span in spans}
    return all(id(r.head) in own and id(r.tail) in own for r in doc.relations)


# -- Prodigy rel.manual ---------------------------------------------------------


def test_prodigy_rel_manual_keeps_every_span_relation_and_reports_the_token_one():
    src = FIXTURES / "rel_manual.jsonl"
    records, problems, _ = read("prodigy", src)
    raw = [json.loads(line) for line in src.read_text(encoding="utf-8").splitlines()]
    assert sum(len(r["relations"]) for r in raw) == 7
    assert sum(len(doc.relations) for doc, _ in records) == 6  # every relation between spans
    assert problems == [f"{src}:3: relation #2 ('prep'): \"head_span\" 18-21 has no label and no span is there; "
                        f"relations between bare tokens are not supported{LEFT_OUT}"]
    assert triples(records[1][0]) == [("Russia", "DELIVERED", "S-400"), ("S-400", "DELIVERED_TO", "Turkey"), ("Erdogan", "LEADS", "Turkey")]
    assert all(ends_are_own_spans(doc, spans) for doc, spans in records)


def test_prodigy_spans_named_only_by_relations_are_added():
    records, _, _ = read("prodigy", FIXTURES / "rel_manual.jsonl")
    doc, spans = records[1]
    assert [(doc.text[s.start : s.end], s.label) for s in spans] == [("Russia", "GPE"), ("S-400", "PRODUCT"), ("Turkey", "GPE"), ("Erdogan", "PERSON")]


def test_prodigy_strict_refuses_the_record_with_a_token_relation():
    src = FIXTURES / "rel_manual.jsonl"
    records, problems, _ = read("prodigy", src, strict=True)
    assert len(records) == 2 and problems[0].startswith(f"{src}:3: relation #2 ('prep')") and not problems[0].endswith(LEFT_OUT)


def test_prodigy_relation_by_token_index_only(tmp_path):
    tokens = [{"text": w, "start": s, "end": s + len(w), "id": i} for i, (w, s) in enumerate([("Pompeo", 0), ("met", 7), ("Putin", 11)])]
    spans = [{"start": 0, "end": 6, "label": "PERSON"}, {"start": 11, "end": 16, "label": "PERSON"}]
    src = write(tmp_path / "t.jsonl", json.dumps({"text": "Pompeo met Putin", "tokens": tokens, "spans": spans,
                                                   "relations": [{"head": 0, "child": 2, "label": "MET"}, {"head": 1, "child": 2, "label": "X"}]}) + "\n")
    records, problems, _ = read("prodigy", src)
    assert triples(records[0][0]) == [("Pompeo", "MET", "Putin")]
    assert problems == [f"{src}:1: relation #2 ('X'): \"head\" token 1 ends no span; relations between bare tokens are not supported{LEFT_OUT}"]


def test_prodigy_bad_relations_are_errors_with_their_line(tmp_path):
    spans = [{"start": 0, "end": 6, "label": "PERSON"}, {"start": 11, "end": 16, "label": "PERSON"}]
    bad = [
        {"head_span": {"start": 0, "end": 6, "label": "PERSON"}, "child_span": {"start": 0, "end": 6, "label": "PERSON"}, "label": "MET"},
        {"head_span": {"start": 0, "end": 60, "label": "PERSON"}, "child_span": {"start": 11, "end": 16, "label": "PERSON"}, "label": "MET"},
        {"head_span": {"start": 0, "end": 6, "label": "PERSON"}, "label": "MET"},
        "MET",
    ]
    src = write(tmp_path / "b.jsonl", "\n" + json.dumps({"text": "Pompeo met Putin", "spans": spans, "relations": bad}) + "\n")
    records, problems, _ = read("prodigy", src)
    assert records == []
    assert problems == [
        f"{src}:2: relation #1: relation 'MET' links a span to itself",
        f"{src}:2: relation #2: span end 60 is beyond the text (16 characters)",
        f"{src}:2: relation #3: needs \"child_span\" (start, end, label) or \"child\" (a token index)",
        f"{src}:2: relation #4: must be an object, got a string",
    ]


def test_prodigy_relation_labels_and_ends_checked_against_the_scheme(tmp_path):
    spans = [{"start": 0, "end": 6, "label": "PERSON"}, {"start": 11, "end": 16, "label": "PERSON"}]
    rels = [{"head_span": spans[0], "child_span": spans[1], "label": "MET"}, {"head_span": spans[0], "child_span": spans[1], "label": "IN"}]
    src = write(tmp_path / "s.jsonl", json.dumps({"text": "Pompeo met Putin", "spans": spans, "relations": rels}) + "\n")
    located = RelationLabel("IN", tails=("GPE",))
    _, problems, _ = read("prodigy", src, known_relations=frozenset({"IN"}), relation_labels=(located,))
    assert problems == [f"{src}:1: relation #1: unknown relation label 'MET' (not in the label scheme)",
                        f"{src}:1: relation #2: relation 'IN' needs a tail labelled GPE, not PERSON"]


# -- brat ---------------------------------------------------------------------------


def test_brat_r_e_and_equivalence_lines_become_relations():
    ann = FIXTURES / "brat" / "PMID-news-001.ann"
    records, problems, schemes = read("brat", ann)
    (doc, spans), = records
    assert triples(doc) == [
        ("delivered", "Agent", "Russia"), ("delivered", "Theme", "S-400"), ("delivered", "Recipient", "Turkey"),
        ("welcomed", "Agent", "Erdogan"), ("welcomed", "Theme", "delivered"),  # an event argument stands for its trigger
        ("Erdogan", "LEADS", "Turkey"),
        ("Turkey", "Equiv", "Turkey"),
    ]
    assert ends_are_own_spans(doc, spans)
    leads = next(r for r in doc.relations if r.label == "LEADS")
    assert leads.note == "president since 2014"
    assert problems == [
        f"{ann}:8: discontinuous span T8 (0 6;37 43) is not supported{LEFT_OUT}",
        f"{ann}:12: R2: its end T8 is not imported (see its line){LEFT_OUT}",
        f"{ann}:14: attribute annotation A1 is not supported{LEFT_OUT}",
        f"{ann}:15: normalization annotation N1 is not supported{LEFT_OUT}",
    ]


def test_brat_confs_give_relation_labels_ends_colours_and_direction():
    _, _, schemes = read("brat", FIXTURES / "brat" / "PMID-news-001.ann")
    (scheme,) = schemes
    assert {l.name: (l.heads, l.tails, l.directed, l.color) for l in scheme.relations} == {
        "LEADS": (("PERSON",), ("GPE",), True, "#3333aa"),
        "Equiv": (("GPE",), ("GPE",), False, "#555555"),
    }


def test_brat_equivalence_without_a_conf_is_an_undirected_label(tmp_path):
    write(tmp_path / "a.txt", "IBM or Big Blue")
    ann = write(tmp_path / "a.ann", "T1\tORG 0 3\tIBM\nT2\tORG 7 15\tBig Blue\n*\tAlias T1 T2\n")
    records, problems, schemes = read("brat", ann)
    assert problems == [] and triples(records[0][0]) == [("IBM", "Alias", "Big Blue")]
    assert [(l.name, l.directed) for s in schemes for l in s.relations] == [("Alias", False)]


def test_brat_bad_relation_lines_name_their_line(tmp_path):
    write(tmp_path / "a.txt", "Marie Curie met Pierre")
    ann = write(tmp_path / "a.ann", "T1\tPERSON 0 11\tMarie Curie\nR1\tMET Arg1:T1 Arg2:T9\nR2\tMET T1 T1\nE1\tMeet:T1\n*\tSame T1\n")
    records, problems, _ = read("brat", ann)
    assert records == []
    assert problems == [
        f"{ann}:2: R1: T9 is not defined in this file (a dangling end)",
        f"{ann}:3: R2: an R line must be 'R<n><TAB>LABEL Arg1:T<n> Arg2:T<n>'",
        f"{ann}:4: E1: event Meet has no arguments: only its trigger T1 is kept, as a span{LEFT_OUT}",
        f"{ann}:5: equivalence: a * line must be '*<TAB>LABEL T<n> T<n> ...' (two members or more)",
    ]


# -- doccano ------------------------------------------------------------------------


def test_doccano_relation_export_is_read_whole():
    records, problems, _ = read("doccano", FIXTURES / "doccano_relations.jsonl")
    assert problems == []
    assert [len(doc.relations) for doc, _ in records] == [2, 3, 0]
    assert triples(records[0][0]) == [("Pompeo", "MET", "Putin"), ("Putin", "LOCATED_IN", "Sochi")]
    assert all(ends_are_own_spans(doc, spans) for doc, spans in records)


def test_doccano_ends_in_another_record_or_nowhere_are_errors(tmp_path):
    first = {"text": "Pompeo met Putin", "entities": [{"id": 1, "start_offset": 0, "end_offset": 6, "label": "PERSON"}], "relations": []}
    second = {"text": "Merkel met Macron", "entities": [{"id": 2, "start_offset": 0, "end_offset": 6, "label": "PERSON"}],
              "relations": [{"id": 1, "from_id": 2, "to_id": 1, "type": "MET"}, {"id": 2, "from_id": 2, "to_id": 99, "type": "MET"}]}
    src = write(tmp_path / "d.jsonl", json.dumps(first) + "\n" + json.dumps(second) + "\n")
    _, problems, _ = read("doccano", src)
    assert problems == [
        f"{src}:2: relation #1: to_id 1 is an entity of another record ('Pompeo met Putin'...): a relation links spans of one document",
        f"{src}:2: relation #2: to_id 99 names no entity of this record",
    ]


def test_doccano_relations_beside_the_label_form_are_reported(tmp_path):
    src = write(tmp_path / "d.jsonl", json.dumps({"text": "Paris", "label": [[0, 5, "GPE"]], "relations": [{"from_id": 1, "to_id": 2, "type": "X"}]}) + "\n")
    records, problems, _ = read("doccano", src)
    assert len(records) == 1
    assert problems == [f"{src}:1: 1 relation(s) beside \"label\"/\"annotations\" name no entity ids (only the \"entities\" form carries them){LEFT_OUT}"]


# -- CoNLL ----------------------------------------------------------------------------


def test_conll_records_have_no_relations(tmp_path):
    src = write(tmp_path / "c.conll", "Pompeo\tB-PERSON\nmet\tO\nPutin\tB-PERSON\n")
    records, problems, _ = read("conll", src)
    assert problems == [] and records[0][0].relations == []
