"""The format options of the CLI, end to end in a subprocess."""

from __future__ import annotations

import json
import subprocess
import sys

from format_helpers import jsonl, write


def run(env, *args):
    return subprocess.run([sys.executable, "-m", "annotator", *map(str, args)], env=env, capture_output=True, text=True, timeout=120)


def test_export_reports_what_conll_cannot_carry_and_strict_refuses(tmp_path, cli_env):
    db = tmp_path / "w.db"
    src = jsonl(tmp_path / "in.jsonl", {"text": "New York City", "spans": [{"start": 0, "end": 13, "label": "GPE"}, {"start": 0, "end": 8, "label": "GPE", "note": "n"}]})
    assert run(cli_env, "--db", db, "import", src).returncode == 0
    proc = run(cli_env, "--db", db, "export", tmp_path / "out.conll")
    assert proc.returncode == 0
    assert "GPE span 0-8 'New York' overlaps another span; IOB cannot carry overlaps, not exported" in proc.stderr
    assert proc.stdout.strip() == f"exported 1 document(s) with 1 span(s) to {tmp_path / 'out.conll'}; 1 thing(s) the format cannot carry (listed above)"
    before = (tmp_path / "out.conll").read_bytes()
    proc = run(cli_env, "--db", db, "export", tmp_path / "out.conll", "--strict")
    assert proc.returncode == 1 and "export refused (--strict), the old file is untouched" in proc.stderr
    assert (tmp_path / "out.conll").read_bytes() == before


def test_brat_and_doccano_by_name_and_round_trip(tmp_path, cli_env):
    db, other = tmp_path / "w.db", tmp_path / "o.db"
    write(tmp_path / "b" / "a.txt", "Marie Curie")
    write(tmp_path / "b" / "a.ann", "T1\tPERSON 0 11\tMarie Curie\nA1\tVerified T1\n")
    proc = run(cli_env, "--db", db, "import", tmp_path / "b")
    assert proc.returncode == 0 and "a.ann:2: attribute annotation A1 is not supported" in proc.stderr
    assert run(cli_env, "--db", db, "import", "--strict", tmp_path / "b").returncode == 1
    proc = run(cli_env, "--db", db, "export", tmp_path / "out.jsonl", "--format", "doccano")
    assert proc.returncode == 0, proc.stderr
    assert json.loads((tmp_path / "out.jsonl").read_text())["label"] == [[0, 11, "PERSON"]]
    assert "imported 1 document(s) with 1 span(s)" in run(cli_env, "--db", other, "import", tmp_path / "out.jsonl").stdout
    assert run(cli_env, "--db", other, "export", tmp_path / "back", "--format", "brat").returncode == 0
    assert (tmp_path / "back" / "a.ann").read_text() == "T1\tPERSON 0 11\tMarie Curie\n"  # named after its source, a.txt


def test_export_name_without_known_extension_asks_for_format(tmp_path, cli_env):
    proc = run(cli_env, "--db", tmp_path / "w.db", "export", tmp_path / "out.txt")
    assert proc.returncode == 1
    assert "cannot tell the format from the name; use --format (jsonl, prodigy, doccano, brat, spacy, conll)" in proc.stderr
