"""Relations through the verbs (issue 14): import and export say how many, stats counts them per
label, labels export/import carries relation labels, validate names bad relations by line,
every annotator's layer keeps its own relations."""

from __future__ import annotations

import json
from pathlib import Path

from annotator.cli import main
from annotator.core.model import RelationLabel
from annotator.store import Store

from format_helpers import jsonl

FIXTURES = Path(__file__).parent / "relation_fixtures"


def verb(capsys, *args) -> tuple[int, str, str]:
    code = main([str(arg) for arg in args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_import_export_and_stats_count_relations(tmp_path, capsys):
    db = tmp_path / "w.db"
    code, out, _ = verb(capsys, "--db", db, "--annotator", "alice", "import", FIXTURES / "doccano_relations.jsonl", "--format", "doccano")
    assert code == 0 and "imported 3 document(s) with 10 span(s) and 5 relation(s)" in out
    code, out, _ = verb(capsys, "--db", db, "--annotator", "alice", "stats")
    assert "relations: 5\n  MET            accepted      1  suggested      0  rejected      0\n" in out
    code, out, _ = verb(capsys, "--db", db, "--annotator", "alice", "stats", "--json")
    assert json.loads(out)["relations"]["DELIVERED_TO"] == {"accepted": 1, "suggested": 0, "rejected": 0}
    code, out, _ = verb(capsys, "--db", db, "--annotator", "alice", "export", tmp_path / "out.jsonl", "--labels", "PERSON")
    assert code == 0 and out.strip() == f"exported 3 document(s) with 5 span(s) and 1 relation(s) to {tmp_path / 'out.jsonl'}"


def test_labels_export_and_import_carry_relation_labels(tmp_path, capsys):
    with Store(tmp_path / "a.db") as store:
        store.save_relation_labels([RelationLabel("located_in", "#1f78b4", "l", heads=("PERSON",), tails=("GPE",)), RelationLabel("near", directed=False)])
    code, out, _ = verb(capsys, "--db", tmp_path / "a.db", "labels", "export", tmp_path / "scheme.json")
    assert code == 0 and "and 2 relation label(s)" in out
    scheme = json.loads((tmp_path / "scheme.json").read_text(encoding="utf-8"))
    assert scheme["relations"][0] == {"name": "located_in", "color": "#1f78b4", "hotkey": "l", "description": "", "directed": True,
                                      "heads": ["PERSON"], "tails": ["GPE"]}
    code, out, _ = verb(capsys, "--db", tmp_path / "b.db", "labels", "import", tmp_path / "scheme.json")
    assert code == 0 and "and 2 relation label(s)" in out
    with Store(tmp_path / "b.db") as other:
        assert [(l.name, l.heads, l.tails, l.directed) for l in other.relation_labels()] == [("located_in", ("PERSON",), ("GPE",), True), ("near", (), (), False)]


def test_validate_against_a_scheme_names_bad_relations(tmp_path, capsys):
    scheme = tmp_path / "scheme.json"
    scheme.write_text(json.dumps({"labels": [{"name": "PERSON"}, {"name": "GPE"}], "relations": [{"name": "MET", "heads": ["PERSON"], "tails": ["PERSON"]}]}))
    spans = [{"start": 0, "end": 6, "label": "PERSON"}, {"start": 20, "end": 25, "label": "GPE"}]
    src = jsonl(tmp_path / "v.jsonl", {"text": "Pompeo met Putin in Sochi", "spans": spans,
                                       "relations": [{"head_span": spans[0], "child_span": spans[1], "label": "MET"}]})
    code, out, err = verb(capsys, "--db", tmp_path / "w.db", "validate", src, "--labels", scheme)
    assert code == 1
    assert f"annotator: error: {src}:1: relation #1: relation 'MET' needs a tail labelled PERSON, not GPE" in err


def test_every_layer_keeps_its_own_relations(tmp_path, capsys):
    db = tmp_path / "w.db"
    text = "Pompeo met Putin in Sochi"
    spans = [{"start": 0, "end": 6, "label": "PERSON"}, {"start": 11, "end": 16, "label": "PERSON"}, {"start": 20, "end": 25, "label": "GPE"}]
    rel = lambda h, t, label: {"head_span": spans[h], "child_span": spans[t], "label": label}  # noqa: E731
    src = jsonl(tmp_path / "in.jsonl",
                {"text": text, "spans": spans, "relations": [rel(0, 1, "MET")], "meta": {"annotator": "alice"}},
                {"text": text, "spans": spans, "relations": [rel(1, 2, "IN"), rel(0, 2, "IN")], "meta": {"annotator": "bob"}})
    assert verb(capsys, "--db", db, "import", src)[0] == 0
    code, out, _ = verb(capsys, "--db", db, "export", tmp_path / "out.jsonl", "--all-annotators")
    assert code == 0 and "with 6 span(s) and 3 relation(s)" in out
    records = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    assert {r["meta"]["annotator"]: [x["label"] for x in r["relations"]] for r in records} == {"alice": ["MET"], "bob": ["IN", "IN"]}
    assert all(x["annotator"] == r["meta"]["annotator"] for r in records for x in r["relations"])


def test_dedupe_leaves_out_the_relations_of_a_copy_with_its_spans(tmp_path, capsys):
    db = tmp_path / "w.db"
    sentence = "Pompeo met Putin in Sochi on Tuesday after a long delay."
    spans = [{"start": 0, "end": 6, "label": "PERSON"}, {"start": 11, "end": 16, "label": "PERSON"}]
    rels = [{"head_span": spans[0], "child_span": spans[1], "label": "MET"}]
    src = jsonl(tmp_path / "in.jsonl", {"text": f"{sentence} Markets fell.", "spans": spans, "relations": rels},
                {"text": f"{sentence} Oil prices rose sharply.", "spans": spans, "relations": rels})
    assert verb(capsys, "--db", db, "import", src)[0] == 0
    code, out, err = verb(capsys, "--db", db, "export", tmp_path / "out.jsonl", "--dedupe")
    assert code == 0 and "with 2 span(s) and 1 relation(s)" in out and "relation" not in err
    records = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [len(r.get("relations", [])) for r in records] == [1, 0]
