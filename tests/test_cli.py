"""The CLI end to end, as a researcher runs it, in a subprocess against temp folders."""

import json
import subprocess
import sys

from annotator import __version__

from conftest import SEEDS


def run(env, *args, check=True):
    proc = subprocess.run([sys.executable, "-m", "annotator", *map(str, args)], env=env, capture_output=True, text=True, timeout=120)
    if check:
        assert proc.returncode == 0, proc.stderr
    return proc


def test_version(cli_env):
    assert run(cli_env, "--version").stdout.strip() == f"annotator {__version__}"


def test_default_db_is_seeded_on_first_run(tmp_path, cli_env):
    del cli_env["ANNOTATOR_DB"]
    out = run(cli_env, "stats", "--json").stdout
    assert json.loads(out)["documents"]["new"] == len(list(SEEDS.glob("*.txt")))
    assert list((tmp_path / "home" / "data" / "annotator").glob("annotator.db"))


def test_explicit_db_starts_empty_whether_named_by_flag_or_environment(tmp_path, cli_env):
    out = run(cli_env, "--db", tmp_path / "empty.db", "stats", "--json").stdout
    assert sum(json.loads(out)["documents"].values()) == 0
    cli_env["ANNOTATOR_DB"] = str(tmp_path / "from-env.db")
    out = run(cli_env, "stats", "--json").stdout
    assert sum(json.loads(out)["documents"].values()) == 0
    assert (tmp_path / "from-env.db").exists() and not (tmp_path / "home" / "data" / "annotator").exists()


def test_import_export_round_trip(tmp_path, cli_env):
    db = tmp_path / "w.db"
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"text": "Mike Pompeo met Putin\r\nin Sochi.", "spans": [{"start": 26, "end": 31, "label": "GPE"}]}) + "\n")
    out = run(cli_env, "--db", db, "import", SEEDS, src).stdout
    assert "imported 3 document(s) with 1 span(s)" in out
    assert "0 already present" in out
    assert "1 already present" in run(cli_env, "--db", db, "import", src).stdout
    run(cli_env, "--db", db, "export", tmp_path / "out.jsonl")
    lines = [json.loads(l) for l in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert len(lines) == 3
    (span,) = lines[2]["spans"]
    assert span["text"] == "Sochi" and lines[2]["text"][span["start"] : span["end"]] == "Sochi"
    stats = json.loads(run(cli_env, "--db", db, "stats", "--json").stdout)
    assert stats["spans"]["GPE"]["accepted"] == 1


def test_bad_input_exits_non_zero_and_names_the_line(tmp_path, cli_env):
    db = tmp_path / "w.db"
    src = tmp_path / "bad.jsonl"
    src.write_text('{"text": "ok"}\n{"text": "x", "spans": [{"start": 0, "end": 5, "label": "A"}]}\n')
    proc = run(cli_env, "--db", db, "import", src, check=False)
    assert proc.returncode == 1
    assert f"{src}:2: span #1: span end 5 is beyond the text" in proc.stderr
    assert "nothing was imported" in proc.stderr
    proc = run(cli_env, "--db", db, "import", "--skip-invalid", src, check=False)
    assert proc.returncode == 1 and "imported 1 document(s)" in proc.stdout


def test_label_scheme_round_trip(tmp_path, cli_env):
    db = tmp_path / "w.db"
    scheme = tmp_path / "labels.json"
    run(cli_env, "--db", db, "labels", "export", scheme)
    data = json.loads(scheme.read_text())
    data["labels"].append({"name": "SHIP", "color": "#123456", "hotkey": "s"})
    scheme.write_text(json.dumps(data))
    run(cli_env, "--db", tmp_path / "other.db", "labels", "import", scheme)
    run(cli_env, "--db", tmp_path / "other.db", "labels", "export", tmp_path / "again.json")
    assert json.loads((tmp_path / "again.json").read_text()) == data | {"labels": [dict(l, description=l.get("description", "")) for l in data["labels"]]}


def test_bad_label_scheme_names_file_and_line(tmp_path, cli_env):
    scheme = tmp_path / "labels.json"
    scheme.write_text('{"labels": [\n  {"name": "A",}\n]}')
    proc = run(cli_env, "--db", tmp_path / "w.db", "labels", "import", scheme, check=False)
    assert proc.returncode == 1 and f"{scheme}:2: not valid JSON" in proc.stderr


def test_db_in_missing_folder_is_a_clear_error(tmp_path, cli_env):
    proc = run(cli_env, "--db", tmp_path / "no" / "such" / "x.db", "stats", check=False)
    assert proc.returncode == 1 and "does not exist" in proc.stderr and "Traceback" not in proc.stderr
