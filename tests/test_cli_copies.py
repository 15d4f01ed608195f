"""`annotator duplicates` and `annotator index` as a researcher runs them (subprocess)."""

import json
import shutil
from pathlib import Path

from conftest import SEEDS
from test_cli import run

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def test_duplicates_lists_the_seed_groups_as_json_lines(tmp_path, cli_env):
    run(cli_env, "import", SEEDS)
    lines = run(cli_env, "duplicates", "--json").stdout.splitlines()
    groups = [json.loads(line) for line in lines]
    assert sorted(g["kind"] for g in groups) == ["exact", "exact", "near"]
    texts = {p.stem: p.read_text(encoding="utf-8") for p in SEEDS.glob("*.txt")}
    run(cli_env, "export", tmp_path / "all.jsonl")
    by_doc = {}
    for line in (tmp_path / "all.jsonl").read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        by_doc[record["meta"]["doc_id"]] = record["text"]
    assert set(by_doc.values()) == set(texts.values())
    for group in groups:
        assert set(group) == {"group", "kind", "sentences"}
        first = group["sentences"][0]
        assert first["similarity"] == 1.0
        for x in group["sentences"]:
            assert set(x) == {"doc_id", "start", "end", "text", "similarity"}
            assert by_doc[x["doc_id"]][x["start"]:x["end"]] == x["text"]
            assert x["similarity"] == 1.0 if group["kind"] == "exact" else 0.8 <= x["similarity"] <= 1.0


def test_min_similarity_and_rebuild_with_another_threshold(cli_env):
    run(cli_env, "import", SEEDS)
    strict = run(cli_env, "duplicates", "--json", "--min-similarity", "0.99").stdout.splitlines()
    assert [json.loads(line)["kind"] for line in strict] == ["exact", "exact"]
    loose = run(cli_env, "duplicates", "--min-similarity", "0.5")
    assert "rebuild it with `annotator index --threshold 0.5`" in loose.stderr
    assert run(cli_env, "duplicates").stdout.strip().endswith("3 group(s) of copies, 6 sentence(s)")
    out = run(cli_env, "index", "--threshold", "0.95").stdout
    assert "rebuilt the copy index of 2 document(s) (threshold 0.95, min words 5)" in out
    assert run(cli_env, "duplicates").stdout.strip().endswith("2 group(s) of copies, 4 sentence(s)")
    bad = run(cli_env, "duplicates", "--min-similarity", "1.5", check=False)
    assert bad.returncode == 2 and "must be in (0, 1]" in bad.stderr


def test_an_older_database_is_indexed_on_first_use(tmp_path, cli_env):
    db = tmp_path / "old.db"
    shutil.copy(FIXTURES / "schema_0002_provenance_text_length.db", db)
    proc = run(cli_env, "--db", db, "duplicates", "--json")
    assert "indexed the sentences of 2 document(s)" in proc.stderr
    assert len(proc.stdout.splitlines()) == 3
    again = run(cli_env, "--db", db, "duplicates", "--json")
    assert again.stderr == "" and again.stdout == proc.stdout
