"""annotator train teaches a label spaCy's pipelines do not know (TREATY) from 40 generated
documents, and annotator evaluate scores it on the held-out ones beside the pre-trained pipeline.
One bounded training (100 steps from blank:en, ~10 s of CPU) serves every test here."""

from __future__ import annotations

import json
import pickle
import random

import pytest

from annotator.cli import main
from annotator.store import Store
from annotator.training.datasets import fingerprint
from annotator.training.evaluate import evaluate
from annotator.training.run import TrainOptions, train

import treaty_corpus
from treaty_corpus import treaty_store

STEPS = 100
# Names in none of the training documents: the model must know a treaty by its context and shape.
UNSEEN = ("Treaty of Tlatelolco", "Helsinki Accords", "Rarotonga Treaty", "Biological Weapons Convention",
          "Ottawa Treaty", "Maastricht Treaty", "Lusaka Protocol", "Abraham Accords")


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    folder = tmp_path_factory.mktemp("teach")
    db = treaty_store(folder, 40)
    records = []
    with Store(db) as store:
        result = train(store, folder / "model", TrainOptions(max_steps=STEPS, seed=0), progress=records.append)
    return folder, db, result, records


def test_the_trained_model_finds_the_new_label_in_held_out_documents(trained):
    folder, db, result, _ = trained
    with Store(db) as store:
        figures = evaluate(store, result.out_dir, "test")
    assert figures.documents == result.corpus.documents["test"] == 4
    assert figures.support["TREATY"] > 5
    treaty = figures.trained.per_label["TREATY"]["f1"]
    print(f"TREATY F1 on the held-out test documents after {STEPS} steps: {treaty:.3f} "
          f"(pre-trained {figures.pretrained.model}: {figures.pretrained.per_label['TREATY']['f1']:.3f})")
    assert treaty >= 0.8
    assert figures.pretrained.per_label["TREATY"]["f1"] == 0.0  # it has no such label
    assert figures.pretrained.per_label["GPE"]["f1"] > 0.5  # but it knows countries: the same documents are scored


def test_the_trained_model_finds_treaties_it_never_saw(trained, monkeypatch):
    import spacy

    nlp = spacy.load(trained[2].out_dir)
    monkeypatch.setattr(treaty_corpus, "TREATIES", UNSEEN)
    rng, found, expected, predicted = random.Random(99), 0, 0, 0
    for _ in range(20):
        doc = treaty_corpus.document(rng)
        gold = {(s["start"], s["end"]) for s in doc["spans"] if s["label"] == "TREATY"}
        guessed = {(e.start_char, e.end_char) for e in nlp(doc["text"]).ents if e.label_ == "TREATY"}
        found, expected, predicted = found + len(gold & guessed), expected + len(gold), predicted + len(guessed)
    f1 = 2 * found / (expected + predicted)
    print(f"TREATY F1 on 20 new documents naming unseen treaties: {f1:.3f}")
    assert f1 >= 0.7


def test_progress_is_plain_records_step_by_step(trained):
    records = trained[3]
    stages = [r.stage for r in records]
    assert stages[:2] == ["preparing", "initializing"] and stages[-1] == "saving"
    steps = [r.step for r in records if r.stage == "training"]
    assert steps == list(range(STEPS + 1))  # every step, the first evaluated one included
    evaluated = [r for r in records if r.f1 is not None]
    assert [r.step for r in evaluated] == list(range(0, STEPS + 1, STEPS // 10))
    assert all(isinstance(r.loss, float) for r in evaluated)
    assert evaluated[-1].best_f1 == max(r.f1 for r in evaluated)
    assert pickle.loads(pickle.dumps(records)) == records  # they cross to a window's process


def test_meta_names_database_manifest_labels_scores_and_base(trained):
    folder, db, result, _ = trained
    model = result.out_dir
    meta = json.loads((model / "meta.json").read_text())
    ours = meta["annotator"]
    assert ours["database"] == str(db.resolve())
    assert ours["labels"] == ["GPE", "TREATY"] and meta["labels"]["ner"] == ["GPE", "TREATY"]
    assert ours["base"] == "blank:en" and ours["annotator"] == "default"
    assert ours["scores"]["per_label"]["TREATY"]["f1"] == meta["performance"]["ents_per_type"]["TREATY"]["f"]
    assert ours["scores"]["f1"] == meta["performance"]["ents_f"] == result.scores["f1"]
    manifest = json.loads((model / ours["split_manifest"]).read_text())
    assert {n: len(d) for n, d in manifest["documents"].items()} == ours["documents"] == {"train": 32, "dev": 4, "test": 4}
    with Store(db) as store:
        hashes = {doc.id: doc.content_hash for doc, _ in store.iter_export()}
    for name, docs in manifest["documents"].items():
        assert ours["fingerprints"][name] == fingerprint((d, hashes[d]) for d in docs)
    assert sorted(p.name for p in (model / "corpus").iterdir()) == ["dev.spacy", "split.json", "test.spacy", "train.spacy"]
    assert not any(p.name.endswith(".partial") for p in folder.iterdir())


def test_the_saved_config_is_a_plain_spacy_training_config(trained):
    from spacy.util import load_config

    model = trained[2].out_dir
    config = load_config(model / "config.cfg", interpolate=False)
    assert config["training"]["logger"]["@loggers"] == "spacy.ConsoleLogger.v1"
    assert config["paths"]["train"] == str((model / "corpus" / "train.spacy").resolve())
    assert config["training"]["max_steps"] == STEPS


def test_evaluate_json(trained, capsys):
    _, db, result, _ = trained
    assert main(["--db", str(db), "evaluate", str(result.out_dir), "--split", "dev", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["split"] == "dev" and data["documents"] == 4 and data["labels"] == ["GPE", "TREATY"]
    assert set(data["trained"]) == {"model", "precision", "recall", "f1", "per_label"}
    assert set(data["trained"]["per_label"]) == set(data["pretrained"]["per_label"]) == {"GPE", "TREATY"}
    assert data["support"]["TREATY"] == result.corpus.counts["TREATY"]["dev"]
    assert data["trained"]["f1"] == pytest.approx(result.scores["f1"])  # spaCy's dev figure, recomputed from the database


def test_evaluate_text_table(trained, capsys):
    _, db, result, _ = trained
    assert main(["--db", str(db), "evaluate", str(result.out_dir)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("test split: 4 document(s); pre-trained: en_core_web_sm")
    assert [line.split()[0] for line in out.splitlines()[3:]] == ["GPE", "TREATY", "overall"]


def test_evaluate_refuses_another_database(trained, tmp_path, capsys):
    other = treaty_store(tmp_path, 40, seed=5)
    assert main(["--db", str(other), "evaluate", str(trained[2].out_dir)]) == 1
    err = capsys.readouterr().err
    assert "is not the database the model was trained on" in err and f"--db {trained[1].resolve()}" in err


def test_evaluate_refuses_a_folder_not_trained_here(tmp_path, capsys):
    assert main(["--db", str(tmp_path / "x.db"), "evaluate", str(tmp_path)]) == 1
    assert "no readable meta.json" in capsys.readouterr().err
