"""The same files through the CLI on both engines: import then export give the same JSONL; the
database's own rules (text_length, span end) hold on PostgreSQL with astral characters."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import exc

from annotator.core.model import Document, Span
from annotator.core.text import content_hash
from annotator.store import Store

ROOT = Path(__file__).resolve().parents[2]
TEXT = "Ана 👩🏽‍🚀 met Zoë in Zürich 🇨🇭.\nThen she flew home."


def _records() -> list[dict]:
    """Prodigy-shaped records: a span after an emoji with skin tone and ZWJ, a flag, a note."""
    start = TEXT.index("Zoë")
    return [
        {"text": TEXT, "spans": [{"start": 0, "end": 3, "label": "PERSON"}, {"start": start, "end": start + 3, "label": "PERSON",
                                                                               "note": "née Zoë"}],
         "meta": {"title": "astral", "status": "done"}, "answer": "accept"},
        {"text": "Second text about Paris.", "spans": [{"start": 18, "end": 23, "label": "GPE", "source": "en_core_web_lg"}]},
    ]


def _cli(db: str, *argv: str) -> str:
    env = dict(os.environ, ANNOTATOR_NAME="alice")
    done = subprocess.run([sys.executable, "-m", "annotator", "--db", db, *argv], capture_output=True, text=True, cwd=ROOT, env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_cli_import_and_export_give_the_same_file_on_both_engines(tmp_path, new_pg_database):
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in _records()), encoding="utf-8")
    exported = {}
    for engine, db in (("sqlite", str(tmp_path / "a.db")), ("postgresql", new_pg_database())):
        _cli(db, "import", str(source))
        out = tmp_path / f"{engine}.jsonl"
        _cli(db, "export", str(out))
        exported[engine] = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    for record in exported["postgresql"]:
        for span in record["spans"]:
            assert record["text"][span["start"] : span["end"]] == span["text"]
    strip = lambda records: [{**r, "meta": {k: v for k, v in r["meta"].items() if k != "doc_id"}} for r in records]  # noqa: E731
    assert strip(exported["postgresql"]) == strip(exported["sqlite"]) and len(exported["sqlite"]) == 2


def test_postgresql_keeps_the_length_rules_in_code_points(new_pg_database):
    url = new_pg_database()
    with Store(url) as store:
        (doc,) = store.add_documents([(Document(None, "t", TEXT, content_hash=content_hash(TEXT)), [])]).added
        assert store.add_span(doc, Span(0, len(TEXT), "PERSON")).end == len(TEXT)
        with store.engine.connect() as con:
            assert con.exec_driver_sql("SELECT text_length, length(text) FROM documents").one() == (len(TEXT), len(TEXT))
            for refused in ("UPDATE documents SET text_length = text_length + 1", "UPDATE documents SET text = 'short'",
                            f"UPDATE spans SET \"end\" = {len(TEXT) + 1}"):
                with pytest.raises(exc.IntegrityError, match="text_length|beyond"):
                    con.exec_driver_sql(refused)
                con.rollback()
    with psycopg.connect(url) as con:  # a writer other than the app is held to the same rules
        with pytest.raises(psycopg.errors.CheckViolation, match="beyond"):
            con.execute("INSERT INTO spans (document_id, start, \"end\", label_id, source, state, note, annotator, provenance, created_at, "
                        "updated_at) SELECT 1, 0, %s, id, 'human', 'accepted', '', 'default', '', '', '' FROM labels LIMIT 1", (len(TEXT) + 1,))
