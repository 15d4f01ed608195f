"""The preannotate verb end to end, in a subprocess, as a researcher runs it."""

import json
import subprocess
import sys

from annotator.core.model import Source, State
from annotator.store import Store


def run(env, *args):
    return subprocess.run([sys.executable, "-m", "annotator", *map(str, args)], env=env, capture_output=True, text=True, timeout=300)


def test_preannotate_stores_suggestions_and_a_rerun_adds_none(tmp_path, cli_env, seed_texts, add_texts):
    db = tmp_path / "w.db"
    with Store(db) as store:
        add_texts(store, seed_texts)
    first = run(cli_env, "--db", db, "preannotate", "--processes", "2")
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("pre-annotated 2/2 document(s) with en_core_web_sm")
    again = run(cli_env, "--db", db, "preannotate")
    with Store(db) as store:
        spans = [s for i in store.document_ids() for s in store.spans(i)]
    assert spans and {(s.source, s.state) for s in spans} == {(Source.MODEL, State.SUGGESTED)}
    assert " 0 suggestion(s) stored" in again.stdout and f"{len(spans)} already stored" in again.stdout
    stats = json.loads(run(cli_env, "--db", db, "stats", "--json").stdout)
    assert stats["spans"]["PERSON"]["suggested"] > 0


def test_an_unknown_model_is_an_error_with_a_message(tmp_path, cli_env):
    proc = run(cli_env, "--db", tmp_path / "w.db", "preannotate", "--model", "not_a_pipeline_xx")
    assert proc.returncode == 1
    assert "not_a_pipeline_xx" in proc.stderr and "installed" in proc.stderr
