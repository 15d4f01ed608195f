"""`annotator --self-test`: passes on a working install, names the failing step otherwise,
and never touches the user's data."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from annotator import selftest

SUMMARY = "annotator self-test passed in "


def files_under(folder) -> list:
    return sorted(p for p in folder.rglob("*") if p.is_file())


@pytest.mark.slow
def test_self_test_from_source_passes_and_leaves_home_untouched(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "ANNOTATOR_", "QT_QPA"))}
    env["HOME"] = str(home)
    result = subprocess.run(
        [sys.executable, "-m", "annotator", "--self-test"], env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 1 and lines[0].startswith(SUMMARY)
    for fact in ("migrated to", "imported", "suggested", "tagged PERSON", "undone and redone", "offsets exact",
                 "trained NER 5 steps on 30 seed paragraphs", "and reloaded it", "PostgreSQL skipped (ANNOTATOR_TEST_PG names no server)"):
        assert fact in lines[0]
    assert files_under(home) == []  # no database, settings or cache in the user's home


def test_a_wrong_offset_in_the_export_fails_the_offset_step(monkeypatch, capsys):
    """Run the real steps up to the export, then corrupt one exported span."""

    def corrupting_export(ctx):
        fact = selftest.export(ctx)
        record = json.loads(ctx.export.read_text(encoding="utf-8"))
        record["spans"][0]["end"] += 1
        ctx.export.write_text(json.dumps(record) + "\n", encoding="utf-8")
        return fact

    headless = [(name, step) for name, step in selftest.STEPS if step not in (selftest.open_window, selftest.tag_span, selftest.undo_redo)]
    steps = [(name, corrupting_export if step is selftest.export else step) for name, step in headless]
    code = selftest.run(steps)
    out, err = capsys.readouterr()
    assert code == 1
    assert out == ""
    offsets = next(i for i, (_, step) in enumerate(steps, 1) if step is selftest.check_offsets)
    assert f"FAILED at step {offsets}/{len(steps)} (check every offset): span " in err
    assert "but the text there is" in err


def test_the_training_step_trains_on_the_seed_paragraphs_and_reloads_the_pipeline():
    """Headless: the real ``train`` on the throwaway database, its output read before it is removed."""
    import spacy

    seen = {}

    def look(ctx):
        seen["meta"] = json.loads((ctx.model / "meta.json").read_text(encoding="utf-8"))
        seen["pipes"] = spacy.load(ctx.model).pipe_names
        seen["statuses"] = {ctx.store.document(d).status for d in ctx.store.document_ids()}
        return "looked"

    steps = [selftest.STEPS[0], selftest.STEPS[1], ("train a model and load it", selftest.train_model), ("look", look)]
    code = selftest.run(steps)
    assert code == 0
    ours = seen["meta"]["annotator"]
    assert ours["labels"] == ["GPE", "PERSON"] and ours["statuses"] == ["done"] and ours["steps"] == 5
    assert ours["documents"] == {"train": 24, "dev": 3, "test": 3}  # the 30 paragraphs, not the seed article (status new)
    assert ours["label_counts"]["PERSON"]["train"] > 10 and ours["database"].endswith("selftest.db")
    assert "ner" in seen["pipes"]
    assert len(seen["statuses"]) == 2  # the seed article stayed out of the corpus


def test_a_training_refusal_fails_the_training_step(monkeypatch, capsys):
    monkeypatch.setattr(selftest, "SEED_NAMES", {"PERSON": ("Nobody Named So",)})
    steps = [selftest.STEPS[0], selftest.STEPS[1], ("train a model and load it", selftest.train_model)]
    assert selftest.run(steps) == 1
    err = capsys.readouterr().err
    assert "FAILED at step 3/3 (train a model and load it): no accepted spans in the 30 document(s)" in err


def test_a_missing_model_fails_at_pre_annotation_and_stops(monkeypatch, capsys):
    from annotator.nlp import pipeline

    monkeypatch.setattr(pipeline, "DEFAULT_MODELS", ("no_such_model_package",))
    ran = []
    steps = [*selftest.STEPS[:3], ("after", lambda ctx: ran.append(ctx) or "ran")]
    assert selftest.run(steps) == 1
    err = capsys.readouterr().err
    assert "FAILED at step 3/4 (pre-annotate it): no spaCy pipeline is installed" in err
    assert "make setup" in err
    assert ran == []
    assert "Traceback" not in err  # an expected failure is one clear line


def test_an_unexpected_error_shows_its_traceback_and_the_step(capsys):
    def broken(ctx):
        raise KeyError("boom")

    assert selftest.run([("create and migrate a database", selftest.create_database), ("broken step", broken)]) == 1
    err = capsys.readouterr().err
    assert "Traceback" in err and "KeyError" in err
    assert err.rstrip().endswith("FAILED at step 2/2 (broken step): 'boom'")


def test_the_environment_is_restored_after_the_run(monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", "/somewhere/else")
    monkeypatch.delenv("ANNOTATOR_DB", raising=False)
    seen = {}

    def look(ctx):
        seen.update(db=os.environ["ANNOTATOR_DB"], data=os.environ["XDG_DATA_HOME"], folder=ctx.folder)
        return "looked"

    assert selftest.run([("look", look)]) == 0
    assert seen["db"].startswith(str(seen["folder"])) and seen["data"].startswith(str(seen["folder"]))
    assert os.environ["XDG_DATA_HOME"] == "/somewhere/else"
    assert "ANNOTATOR_DB" not in os.environ
    assert not seen["folder"].exists()  # the temporary folder is gone


def test_cli_flag_runs_the_self_test(monkeypatch):
    from annotator import cli

    monkeypatch.setattr(selftest, "run", lambda: 7)
    assert cli.main(["--self-test"]) == 7
