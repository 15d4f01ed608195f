"""`annotator check` as a researcher runs it (subprocess), on the seeds."""

from __future__ import annotations

import json
import sqlite3

from annotator.cli import checking
from annotator.copies.consistency import disagreements
from annotator.core.model import Span
from annotator.store import Store
from conftest import SEEDS
from test_cli import run

TRUMP = "Trump said on Monday"


def seeded(cli_env) -> Store:
    run(cli_env, "import", SEEDS)
    return Store(cli_env["ANNOTATOR_DB"])


def tag(store: Store, doc_id: int, phrase: str, length: int, label: str) -> tuple[int, int]:
    start = store.document(doc_id).text.index(phrase)
    store.add_span(doc_id, Span(start, start + length, label))
    return start, start + length


def test_copies_that_agree_pass_even_strict(cli_env):
    seeded(cli_env).close()
    result = run(cli_env, "check", "--strict")
    assert result.returncode == 0 and result.stdout.strip() == "no group of copies disagrees"


def test_person_on_trump_in_one_copy_only_is_listed_and_fails_strict(cli_env):
    with seeded(cli_env) as store:
        where = tag(store, 1, TRUMP, 5, "PERSON")
        other = store.document(2).text.index(TRUMP)
    plain = run(cli_env, "check")
    lines = plain.stdout.splitlines()
    assert lines[0].startswith("group ") and "(near, 2 copies)" in lines[0] and TRUMP in lines[0]
    assert any(line.startswith("  doc 1 [") and "World News" in line for line in lines)
    assert f"  PERSON “Trump” in doc 1 [{where[0]}-{where[1]}]; missing in doc 2 [{other}-{other + 5}]" in lines
    assert lines[-1] == "1 group(s) of copies disagree: 1 difference(s) in 2 document(s)"
    strict = run(cli_env, "check", "--strict", check=False)
    assert strict.returncode == 1 and strict.stdout == plain.stdout

    (line,) = run(cli_env, "check", "--json").stdout.splitlines()
    record = json.loads(line)
    assert record["kind"] == "near" and [x["doc_id"] for x in record["sentences"]] == [1, 2]
    (difference,) = record["differences"]
    assert {k: difference[k] for k in ("doc_id", "start", "end", "label", "text", "in", "missing_in")} == {
        "doc_id": 1, "start": where[0], "end": where[1], "label": "PERSON", "text": "Trump", "in": [1], "missing_in": [2]}
    assert difference["missing_at"] == [{"doc_id": 2, "start": other, "end": other + 5, "text": "Trump"}]


def test_status_filter_leaves_out_copies_in_other_documents(cli_env):
    with seeded(cli_env) as store:
        tag(store, 1, TRUMP, 5, "PERSON")
    result = run(cli_env, "check", "--strict", "--status", "done")
    assert result.returncode == 0 and "no group of copies disagrees" in result.stdout
    assert run(cli_env, "check", "--strict", "--status", "new", "--status", "done", check=False).returncode == 1


def test_a_read_only_database_is_checked_as_it_is_and_says_what_is_not_indexed(cli_env, capsys):
    with seeded(cli_env) as store:
        tag(store, 1, TRUMP, 5, "PERSON")
    with sqlite3.connect(cli_env["ANNOTATOR_DB"]) as db:  # as a database made before the index
        db.execute("UPDATE documents SET copies_indexed = 0 WHERE id = 2")
    with Store(cli_env["ANNOTATOR_DB"], readonly=True) as store:
        checking._index(store)
        assert len(list(disagreements(store))) == 1
    assert "1 document(s) are not in the copy index yet and the database is read-only" in capsys.readouterr().err
    run(cli_env, "check")  # writable: indexed once, then checked
    with Store(cli_env["ANNOTATOR_DB"]) as store:
        assert store.pending_copy_index() == 0
