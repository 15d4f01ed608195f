"""Who the user is: --annotator, ANNOTATOR_NAME, the saved name, else default (issue 12)."""

import json

import pytest

from annotator.core.model import AnnotationError
from annotator.identity import current_name, identity_path, save_name, saved_name
from annotator.store import Store
from test_cli import run


def test_the_flag_beats_the_environment_which_beats_the_saved_name(monkeypatch):
    assert current_name() == "default"
    save_name("  Carol   Jones ")
    assert json.loads(identity_path().read_text(encoding="utf-8")) == {"name": "Carol Jones"}
    assert saved_name() == current_name() == "Carol Jones"
    monkeypatch.setenv("ANNOTATOR_NAME", "bob")
    assert current_name() == "bob"
    assert current_name("alice") == "alice"
    with pytest.raises(AnnotationError, match="empty"):
        current_name(" ")


def test_a_damaged_identity_file_is_no_name():
    identity_path().parent.mkdir(parents=True)
    identity_path().write_text('{"name": ""}', encoding="utf-8")
    assert saved_name() is None and current_name() == "default"


def test_cli_records_the_annotator_named_by_flag_or_environment(cli_env, tmp_path):
    article = tmp_path / "a.jsonl"
    article.write_text('{"text": "Marie Curie met Pierre Curie in Paris.", "spans": [{"start": 0, "end": 11, "label": "PERSON"}]}\n', encoding="utf-8")
    run(cli_env, "--annotator", "alice", "import", article)
    run({**cli_env, "ANNOTATOR_NAME": "Bob"}, "import", article)
    with Store(cli_env["ANNOTATOR_DB"]) as store:
        assert [s.annotator for s in store.spans(1, annotator="alice")] == ["alice"]
        assert [s.annotator for s in store.spans(1, annotator="bob")] == ["Bob"]
        assert store.spans(1) == []  # nobody imported as default
