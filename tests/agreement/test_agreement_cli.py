"""`annotator agreement` on a real store of three annotator layers: its JSON, its tables, its refusals."""

from __future__ import annotations

import json

import pytest

from agreement_corpus import Corpus, build
from annotator.cli import main
from annotator.core.text import content_hash
from annotator.core.model import Document, Span
from annotator.store import Store
from test_cli import run

TEXT = "Marie Curie met Pierre."
REQUIRED = {"a", "b", "documents", "f1_exact", "f1_partial", "kappa_tokens", "alpha_tokens", "per_label"}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Corpus:
    return build(tmp_path_factory.mktemp("cli") / "three.db")


def agreement_json(corpus: Corpus, capsys, *args: str) -> dict:
    assert main(["--db", str(corpus.path), "agreement", "--json", *args]) == 0
    return json.loads(capsys.readouterr().out)


def test_json_names_what_counts_and_every_pair(corpus, capsys):
    result = agreement_json(corpus, capsys)
    assert result["documents_counted"] == "both done"
    assert [(p["a"], p["b"]) for p in result["pairs"]] == [("alice", "bob"), ("alice", "carol"), ("bob", "carol")]
    for pair in result["pairs"]:
        assert REQUIRED <= pair.keys()
        assert {"kappa_tokens_o_excluded", "tokens", "tokens_o_excluded", "spans_a", "spans_b", "confusion", "lowest"} <= pair.keys()
        assert all({"f1_exact", "f1_partial", "kappa_tokens"} <= x.keys() for x in pair["per_label"].values())
        assert 0 < pair["f1_exact"] < pair["f1_partial"] <= 1 and 0 < pair["kappa_tokens"] < 1
    alice_bob = result["pairs"][0]
    assert alice_bob["documents"] == len([d for d in corpus.doc_ids if d in corpus.done["alice"] and d in corpus.done["bob"]])
    assert result["all_annotators"]["annotators"] == ["alice", "bob", "carol"]


def test_chosen_annotators_labels_and_documents(corpus, capsys):
    result = agreement_json(corpus, capsys, "--annotators", "Carol, alice", "--labels", "PERSON", "--all-documents", "--lowest", "2")
    (pair,) = result["pairs"]
    assert (pair["a"], pair["b"], pair["documents"]) == ("carol", "alice", len(corpus.doc_ids))
    assert result["documents_counted"] == "all" and result["labels"] == ["PERSON"]
    assert set(pair["per_label"]) == {"PERSON"} and len(pair["lowest"]) == 2
    expected = {(d, s, e) for d in corpus.doc_ids for s, e, label in corpus.spans["carol"][d] if label == "PERSON"}
    assert pair["spans_a"] == len(expected)


def test_tables_per_pair(corpus, capsys):
    assert main(["--db", str(corpus.path), "agreement", "--annotators", "alice,bob", "--status", "done", "--status", "in_progress"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "agreement of alice, bob on the documents both annotators of a pair marked in_progress or done"
    pair = next(line for line in lines if line.startswith("alice (A) × bob (B): "))
    assert "document(s)" in pair and "spans of A" in pair and "tokens" in pair
    for start in ("  exact ", "  partial ", "  Cohen's kappa over tokens: ", "  Krippendorff's alpha over tokens: ",
                  "  label ", "  PERSON ", "  tokens by label (rows: A, columns: B):", "  documents of lowest exact F1:"):
        assert any(line.startswith(start) for line in lines), start
    assert any(line.startswith("  token tags: alice: ") and "cut a token" in line for line in lines)


def test_refusals_exit_1_and_say_why(corpus, tmp_path, cli_env):
    cli_env["ANNOTATOR_DB"] = str(corpus.path)
    unknown = run(cli_env, "agreement", "--annotators", "alice,dave", check=False)
    assert unknown.returncode == 1 and "no annotator 'dave'" in unknown.stderr and "known: alice, bob, carol" in unknown.stderr
    nothing = run(cli_env, "agreement", "--status", "skipped", check=False)
    assert nothing.returncode == 1 and "no document counts" in nothing.stderr and "--all-documents" in nothing.stderr
    assert nothing.stdout == ""
    both = run(cli_env, "agreement", "--status", "done", "--all-documents", check=False)
    assert both.returncode == 2 and "not allowed with argument" in both.stderr

    cli_env["ANNOTATOR_DB"] = str(tmp_path / "alone.db")
    with Store(cli_env["ANNOTATOR_DB"], annotator="alice") as store:
        store.add_documents([(Document(None, "t", TEXT, content_hash=content_hash(TEXT)), [Span(0, 11, "PERSON")])])
    alone = run(cli_env, "agreement", "--json", check=False)
    assert alone.returncode == 1 and "agreement needs two annotators or more" in alone.stderr and "alice (1 spans)" in alone.stderr
