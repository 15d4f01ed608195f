"""``annotator annotators``: the layers listed, one renamed (issue 12)."""

import json

from annotator.core.model import Document, Span
from annotator.core.text import content_hash
from annotator.store import Store
from test_cli import run

TEXT = "Marie Curie met Pierre Curie in Paris."


def test_annotators_lists_each_layer_and_renames_one(cli_env):
    with Store(cli_env["ANNOTATOR_DB"], annotator="alice") as store:
        spans = [Span(0, 11, "PERSON"), Span(16, 28, "PERSON", annotator="bob")]
        doc_id = store.add_documents([(Document(None, "t", TEXT, content_hash=content_hash(TEXT)), spans)]).added[0]
        store.set_status(doc_id, "done")
    listed = [json.loads(line) for line in run(cli_env, "--annotator", "Alice", "annotators", "--json").stdout.splitlines()]
    assert listed == [
        {"name": "alice", "spans": 1, "documents": 1, "done": 1, "you": True},
        {"name": "bob", "spans": 1, "documents": 1, "done": 0, "you": False},
        {"name": "default", "spans": 0, "documents": 0, "done": 0, "you": False},
    ]
    assert run(cli_env, "annotators", "--rename", "BOB", "Robert").stdout.strip() == "renamed 'BOB' to 'Robert'"
    refused = run(cli_env, "annotators", "--rename", "Robert", "alice", check=False)
    assert refused.returncode == 1 and "would mix" in refused.stderr
    assert "Robert: 1 spans accepted in 1 documents, 0 done" in run(cli_env, "annotators").stdout
