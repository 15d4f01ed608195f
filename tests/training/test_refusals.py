"""annotator train refuses what it cannot train on, each time saying what to do, and leaves no
OUT_DIR (nor a staging folder) when it refuses, is cancelled or interrupted."""

from __future__ import annotations

import json
import os
import threading

import pytest

from annotator.cli import main
from annotator.core.model import Span
from annotator.store import Store
from annotator.training.errors import TrainingError
from annotator.training.run import TrainingCancelled, TrainOptions, train

from treaty_corpus import treaty_store


def plain_store(folder, texts, status="done"):
    """Documents without any span, marked ``status``."""
    db, source = folder / "plain.db", folder / "plain.jsonl"
    source.write_text("".join(json.dumps({"text": t, "meta": {"status": status}}) + "\n" for t in texts))
    with Store(db) as store:
        from annotator.transfer.importing import import_paths

        import_paths(store, [source])
    return db


def refused(db, out, options=TrainOptions(max_steps=2), annotator="default") -> str:
    with Store(db, annotator=annotator) as store, pytest.raises(TrainingError) as caught:
        train(store, out, options)
    assert not out.exists()
    assert not [p for p in out.parent.iterdir() if p.name.endswith(".partial")]
    return str(caught.value)


def test_no_accepted_spans(tmp_path):
    db = plain_store(tmp_path, [f"Document number {i} says nothing of note at all." for i in range(12)])
    message = refused(db, tmp_path / "model")
    assert "no accepted spans" in message and "12 document(s) of 'default' with status done or in_progress" in message
    assert "tag or accept spans" in message


def test_spans_of_another_layer_are_not_ours(tmp_path):
    db = treaty_store(tmp_path, 12, annotator="alice")
    assert "no accepted spans in the 0 document(s) of 'bob'" in refused(db, tmp_path / "model", annotator="bob")


def test_one_document(tmp_path):
    db = treaty_store(tmp_path, 1)
    assert "only one document" in refused(db, tmp_path / "model")


def test_too_few_documents_for_a_dev_split(tmp_path):
    db = treaty_store(tmp_path, 2)
    message = refused(db, tmp_path / "model")
    assert "2 document(s) are too few for a dev split" in message and "annotate a few more documents" in message


def test_base_not_found(tmp_path):
    db = treaty_store(tmp_path, 12)
    message = refused(db, tmp_path / "model", TrainOptions(base="no_such_pipeline_sm", max_steps=2))
    assert "--base no_such_pipeline_sm" in message and "blank:en" in message


def test_out_dir_taken_or_not_writable(tmp_path):
    db = treaty_store(tmp_path, 12)
    taken = tmp_path / "taken"
    taken.mkdir()
    (taken / "mine.txt").write_text("keep")
    with Store(db) as store:
        with pytest.raises(TrainingError, match="exists and is not an empty folder; choose a new folder"):
            train(store, taken, TrainOptions(max_steps=2))
        with pytest.raises(TrainingError, match="is not an existing folder; create it or choose another"):
            train(store, tmp_path / "taken" / "mine.txt" / "model", TrainOptions(max_steps=2))
    assert os.listdir(taken) == ["mine.txt"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes in a read-only folder")
def test_out_dir_in_a_read_only_folder(tmp_path):
    db = treaty_store(tmp_path, 12)
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    try:
        assert "cannot write in" in refused(db, locked / "model")
    finally:
        locked.chmod(0o700)


def test_a_label_with_few_examples_is_a_warning_with_counts(tmp_path, capsys):
    db = treaty_store(tmp_path, 12)
    with Store(db) as store:
        doc = store.document_ids()[0]
        text = store.document(doc).text
        store.add_span(doc, Span(0, len(text.split()[0]), "EVENT"))
    assert main(["--db", str(db), "train", str(tmp_path / "model"), "--max-steps", "2"]) == 0
    err = capsys.readouterr().err
    counts = json.loads((tmp_path / "model" / "meta.json").read_text())["annotator"]["label_counts"]["EVENT"]
    assert sum(counts.values()) == 1
    assert f"warning: label EVENT has few examples (train {counts['train']}, dev {counts['dev']}, test {counts['test']})" in err
    assert "aim for 10+ in train" in err


def test_labels_and_layer_chosen(tmp_path):
    from spacy.tokens import DocBin
    import spacy

    db = treaty_store(tmp_path, 12, annotator="alice")
    with Store(db, annotator="alice") as store:
        result = train(store, tmp_path / "model", TrainOptions(labels=("TREATY",), max_steps=2))
    meta = json.loads((result.out_dir / "meta.json").read_text())["annotator"]
    assert meta["annotator"] == "alice" and meta["labels"] == ["TREATY"]
    docs = list(DocBin().from_disk(result.out_dir / "corpus" / "train.spacy").get_docs(spacy.blank("en").vocab))
    assert {ent.label_ for doc in docs for ent in doc.ents} == {"TREATY"}


@pytest.mark.parametrize("how", ["event", "callable", "ctrl-c"])
def test_cancel_leaves_no_out_dir(tmp_path, how):
    db = treaty_store(tmp_path, 12)
    event, seen = threading.Event(), []

    def progress(record):
        seen.append(record)
        if record.stage == "training" and record.step == 3:
            if how == "ctrl-c":
                raise KeyboardInterrupt
            event.set()

    cancel = event if how == "event" else event.is_set if how == "callable" else None
    with Store(db) as store, pytest.raises(KeyboardInterrupt if how == "ctrl-c" else TrainingCancelled):
        train(store, tmp_path / "model", TrainOptions(max_steps=50), progress=progress, cancel=cancel)
    assert seen[-1].step == 3  # stopped at the step it was cancelled in
    assert sorted(os.listdir(tmp_path)) == ["treaties.db", "treaties.jsonl"]  # no model, no staging folder


def test_ctrl_c_in_the_verb_leaves_no_out_dir(tmp_path, cli_env):
    """A real SIGINT to `annotator train` once it reports its first evaluation."""
    import signal
    import subprocess
    import sys

    db = treaty_store(tmp_path, 12)
    verb = [sys.executable, "-m", "annotator", "--db", str(db), "train", str(tmp_path / "model"), "--max-steps", "100000"]
    # SIGINT back to its default in the child: a shell starts background jobs (a CI run with &)
    # with it ignored, and Python then never raises KeyboardInterrupt.
    default_sigint = lambda: signal.signal(signal.SIGINT, signal.SIG_DFL)  # noqa: E731
    with subprocess.Popen(verb, env=cli_env, stderr=subprocess.PIPE, text=True, preexec_fn=default_sigint) as process:
        for line in process.stderr:
            if "step 0/" in line:
                process.send_signal(signal.SIGINT)
                break
        rest = process.stderr.read()
    assert process.returncode == 130, rest
    assert "cancelled (Ctrl+C); no model folder was written" in rest
    assert sorted(os.listdir(tmp_path)) == ["treaties.db", "treaties.jsonl"]


def test_default_out_dir_is_a_new_folder_per_run_in_the_user_data_folder(tmp_path, capsys):
    from annotator.paths import user_data_dir

    db = treaty_store(tmp_path, 12)
    for _ in range(2):
        assert main(["--db", str(db), "train", "--max-steps", "1"]) == 0
    runs = sorted((user_data_dir() / "models").iterdir())
    assert len(runs) == 2 and all((run / "meta.json").exists() for run in runs)
    out = capsys.readouterr().out
    assert all(f"saved the model to {run} " in out for run in runs)


def test_max_steps_must_be_positive(tmp_path, capsys):
    assert main(["--db", str(tmp_path / "x.db"), "train", str(tmp_path / "m"), "--max-steps", "0"]) == 2
    assert "--max-steps must be at least 1" in capsys.readouterr().err
    assert not (tmp_path / "m").exists()
