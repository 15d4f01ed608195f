"""`annotator validate`: every problem with file and line, nothing written, exit 1 if any error."""

from __future__ import annotations

import json
import subprocess
import sys

from format_helpers import jsonl, write

from annotator.transfer.validating import validate_paths


def run(env, *args):
    return subprocess.run([sys.executable, "-m", "annotator", *map(str, args)], env=env, capture_output=True, text=True, timeout=120)


def scheme(tmp_path, *names):
    return write(tmp_path / "scheme.json", json.dumps({"labels": [{"name": n} for n in names]}))


def test_every_problem_of_a_prodigy_file_is_listed(tmp_path, cli_env):
    src = jsonl(
        tmp_path / "in.jsonl",
        {"text": "Marie Curie", "spans": [{"start": 0, "end": 5, "label": "PERSON", "text": "Marie"}]},
        '{"text": "broken',
        {"spans": []},
        {"text": "Paris", "spans": [{"start": 3, "end": 1, "label": "GPE"}, {"start": 0, "end": 50, "label": "GPE"}]},
        {"text": "Rome", "spans": [{"start": 0, "end": 4, "label": "GPE", "text": "Roma"}, {"start": 0, "end": 4, "label": "CITY"}]},
    )
    proc = run(cli_env, "validate", src, "--labels", scheme(tmp_path, "PERSON", "GPE"))
    assert proc.returncode == 1
    assert proc.stderr.splitlines() == [
        f"annotator: error: {src}:2: not valid JSON: Unterminated string starting at (column 10)",
        f"annotator: error: {src}:3: missing \"text\"",
        f"annotator: error: {src}:4: span #1: span end 1 is not after start 3",
        f"annotator: error: {src}:4: span #2: span end 50 is beyond the text (5 characters)",
        f"annotator: error: {src}:5: span #1: span text 'Roma' does not match the text at 0-4: 'Rome'",
        f"annotator: error: {src}:5: span #2: unknown label 'CITY' (not in the label scheme)",
    ]
    assert proc.stdout.strip() == "1 valid document(s) with 1 span(s); 6 error(s), 0 warning(s)"


def test_unknown_labels_warn_as_import_creates_them_and_refuse_with_strict_or_a_scheme(tmp_path, cli_env):
    db = tmp_path / "w.db"
    src = jsonl(tmp_path / "in.jsonl", {"text": "HMS Victory", "spans": [{"start": 0, "end": 11, "label": "SHIP"}]})
    proc = run(cli_env, "--db", db, "validate", src)
    assert proc.returncode == 0
    assert proc.stderr.splitlines() == [f"annotator: warning: {src}: label 'SHIP' is not in the label scheme (1 span(s)); import creates it"]
    proc = run(cli_env, "--db", db, "validate", "--strict", src)
    assert proc.returncode == 1
    assert f"{src}:1: span #1: unknown label 'SHIP' (not in the label scheme)" in proc.stderr
    proc = run(cli_env, "--db", db, "validate", "--labels", scheme(tmp_path, "PERSON"), src)
    assert proc.returncode == 1
    assert f"{src}:1: span #1: unknown label 'SHIP' (not in the label scheme)" in proc.stderr
    stats = json.loads(run(cli_env, "--db", db, "stats", "--json").stdout)
    assert sum(stats["documents"].values()) == 0


def test_labels_of_a_travelling_scheme_are_known(tmp_path):
    src = jsonl(tmp_path / "corpus.jsonl", {"text": "HMS Victory", "spans": [{"start": 0, "end": 11, "label": "SHIP"}]})
    write(tmp_path / "corpus.labels.json", json.dumps({"labels": [{"name": "SHIP", "color": "#123456"}]}))
    assert validate_paths([src], known_labels={"PERSON"}).problems == []


def test_clean_files_of_every_format_pass(tmp_path, cli_env):
    write(tmp_path / "b" / "a.txt", "Marie Curie")
    write(tmp_path / "b" / "a.ann", "T1\tPERSON 0 11\tMarie Curie\n")
    jsonl(tmp_path / "d.jsonl", {"text": "Paris", "label": [[0, 5, "GPE"]]})
    write(tmp_path / "c.conll", "Paris\tB-GPE\n")
    proc = run(cli_env, "validate", tmp_path / "b", tmp_path / "d.jsonl", tmp_path / "c.conll", "--labels", scheme(tmp_path, "PERSON", "GPE"))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "3 valid document(s) with 3 span(s); 0 error(s), 0 warning(s)"


def test_problems_of_brat_doccano_and_conll_name_their_lines(tmp_path):
    write(tmp_path / "b" / "a.txt", "Marie Curie met Pierre")
    ann = write(tmp_path / "b" / "a.ann", "T1\tPERSON 0 11\tMarie Curie\nT2\tHUSBAND 16 22\tPierre\nR1\tMarried Arg1:T1 Arg2:T2\n")
    doccano = jsonl(tmp_path / "d.jsonl", {"text": "Paris", "label": [[0, 5, "TOWN"]]}, {"text": "x", "entities": [], "relations": [{"from_id": 1}]})
    conll = write(tmp_path / "c.conll", "Paris\tB-GPE\nis\tO\nnice\tB-MOOD\n")
    result = validate_paths([tmp_path / "b", doccano, conll], known_labels={"PERSON", "GPE"})
    assert [(str(p), p.warning) for p in result.problems] == [
        (f"{ann}:2: unknown label 'HUSBAND' (not in the label scheme)", False),
        (f"{ann}:3: R1: its end T2 is not imported (see its line); left out (use --strict to refuse)", True),
        (f"{conll}:3: unknown label 'MOOD' (not in the label scheme)", False),
        (f"{doccano}:1: span #1: unknown label 'TOWN' (not in the label scheme)", False),
        (f"{doccano}:2: relation #1: from_id 1 names no entity of this record", False),
    ]
    assert result.errors == 4
    strict = validate_paths([tmp_path / "b"], known_labels={"PERSON", "HUSBAND"}, strict=True)
    assert strict.errors == 0  # the relation is carried now: nothing for --strict to refuse


def test_missing_and_unsupported_files_are_problems(tmp_path, cli_env):
    odd = write(tmp_path / "a.docx", "x")
    proc = run(cli_env, "validate", odd, tmp_path / "nope.jsonl", "--labels", scheme(tmp_path, "X"))
    assert proc.returncode == 1
    assert f"{odd}: unsupported file type .docx" in proc.stderr and f"{tmp_path / 'nope.jsonl'}: no such file or folder" in proc.stderr
