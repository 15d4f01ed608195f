"""`annotator project` as a researcher runs it (subprocess), and projections in exports."""

import json

from conftest import SEEDS
from test_cli import run


def seed_records(tmp_path):
    """The two seeds as Prodigy JSONL: seed 000 with accepted spans, seed 003 with a human decision."""
    first, second = (p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt")))
    trump, trump_copy = first.index("Trump said on Monday he"), second.index("Trump said on Monday that he")

    def span(text, phrase, label, after=0):
        start = text.index(phrase, after)
        return {"start": start, "end": start + len(phrase), "label": label}

    records = [
        {"text": first, "spans": [span(first, "Russian Federation", "GPE"), span(first, "the G-20", "EVENT", trump), span(first, "Putin", "PERSON", trump)]},
        {"text": second, "spans": [span(second, "Putin", "NORP", trump_copy)]},
    ]
    path = tmp_path / "seeds.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path, first, second


def test_project_prints_counts_lists_marked_proposals_and_a_rerun_writes_nothing(tmp_path, cli_env):
    path, first, second = seed_records(tmp_path)
    run(cli_env, "import", path)
    done = run(cli_env, "project")
    assert done.stdout.strip() == (
        "projected 4 accepted span(s) of 2 document(s) onto their copies: 1 proposed, "
        "1 marked (stored; text differs or off token boundaries), 0 already there, 2 skipped (a human decided there)"
    )
    g20 = second.index("G-20")
    origin = first.index("the G-20")
    assert done.stderr == f"annotator: marked: doc 2 {g20}-{g20 + 4} 'G-20' as EVENT (from doc 1 {origin}-{origin + 8}): text differs\n"
    again = run(cli_env, "project")
    assert "0 proposed, 0 marked (stored; text differs or off token boundaries), 2 already there, 2 skipped" in again.stdout
    assert again.stderr == ""
    assert "projected 0 accepted span(s) of 0 document(s)" in run(cli_env, "project", "--status", "done").stdout


def test_projections_export_as_source_projection_and_come_back_as_such(tmp_path, cli_env):
    path, first, _ = seed_records(tmp_path)
    run(cli_env, "import", path)
    run(cli_env, "project")
    run(cli_env, "export", tmp_path / "out.jsonl", "--include-suggestions")
    records = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    projected = [(r["meta"]["doc_id"], s) for r in records for s in r["spans"] if s.get("state") == "suggested"]
    repeat = first.index("Russian Federation", first.index("ties"))
    assert sorted((doc, s["text"], s["source"]) for doc, s in projected) == [(1, "Russian Federation", "projection"), (2, "G-20", "projection")]
    assert [(s["start"], s["end"]) for doc, s in projected if doc == 1] == [(repeat, repeat + 18)]
    cli_env["ANNOTATOR_DB"] = str(tmp_path / "other.db")
    run(cli_env, "import", tmp_path / "out.jsonl")
    run(cli_env, "export", tmp_path / "again.jsonl", "--include-suggestions")
    again = [json.loads(line) for line in (tmp_path / "again.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [s for r in again for s in r["spans"]] == [s for r in records for s in r["spans"]]
