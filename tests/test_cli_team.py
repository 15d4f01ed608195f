"""``annotator assign``, progress per annotator in ``stats``, and the identity team mode requires (issue 15)."""

import json

from annotator.core.model import Document, Span
from annotator.core.text import content_hash
from annotator.store import Store
from test_cli import run


def _corpus(db, n=5):
    texts = [f"Report {i} from Paris about the summit." for i in range(n)]
    with Store(db, annotator="lead") as store:
        return store.add_documents([(Document(None, f"t{i}", t, content_hash=content_hash(t)), []) for i, t in enumerate(texts)]).added


def test_assign_by_count_and_by_ids_prints_what_it_assigned(cli_env):
    ids = _corpus(cli_env["ANNOTATOR_DB"])
    out = run(cli_env, "--annotator", "lead", "assign", "--annotator", "alice", "--count", "2").stdout
    assert out.strip() == f"assigned 2 document(s) to alice: {ids[0]}, {ids[1]}"
    got = json.loads(run(cli_env, "assign", "--annotator", "bob", "--ids", f"{ids[1]},{ids[4]}", "--json").stdout)
    assert got == {"annotator": "bob", "assigned": [ids[1], ids[4]], "already": []}
    again = json.loads(run(cli_env, "assign", "--annotator", "Bob", "--ids", str(ids[4]), "--json").stdout)
    assert again == {"annotator": "bob", "assigned": [], "already": [ids[4]]}
    nothing = run(cli_env, "assign", "--annotator", "carol", "--count", "9", "--status", "done").stdout
    assert nothing.strip() == "assigned nothing to carol: no unassigned document with status done left"
    with Store(cli_env["ANNOTATOR_DB"]) as store:
        assert store.assigned_ids("alice") == [ids[0], ids[1]]
        assert store.assigned_ids("bob") == [ids[1], ids[4]]


def test_assign_refuses_bad_input_and_writes_nothing(cli_env):
    ids = _corpus(cli_env["ANNOTATOR_DB"])
    missing = run(cli_env, "assign", "--annotator", "alice", "--ids", f"{ids[0]},999", check=False)
    assert missing.returncode == 1 and "no document 999; nothing was assigned" in missing.stderr
    usage = run(cli_env, "assign", "--annotator", "alice", "--ids", "1,x", check=False)
    assert usage.returncode == 2 and "--ids takes document ids separated by commas" in usage.stderr
    both = run(cli_env, "assign", "--annotator", "alice", "--count", "1", "--ids", "1", check=False)
    assert both.returncode == 2
    with Store(cli_env["ANNOTATOR_DB"]) as store:
        assert store.assigned_ids("alice") == []


def test_stats_shows_progress_per_annotator(cli_env):
    ids = _corpus(cli_env["ANNOTATOR_DB"])
    run(cli_env, "assign", "--annotator", "alice", "--ids", ",".join(map(str, ids[:3])))
    with Store(cli_env["ANNOTATOR_DB"], annotator="alice") as alice:
        alice.set_status(ids[0], "done")
        alice.set_status(ids[1], "in_progress")
        alice.add_span(ids[1], Span(0, 6, "MISC"))
    stats = json.loads(run(cli_env, "--annotator", "alice", "stats", "--json").stdout)
    rows = {row["annotator"]: row for row in stats["annotators"]}
    assert rows["alice"] == {"annotator": "alice", "assigned": 3, "in_progress": 1, "done": 1, "spans": 1}
    text = run(cli_env, "--annotator", "alice", "stats").stdout
    assert "progress per annotator:" in text
    line = next(line for line in text.splitlines() if line.strip().startswith("alice (you)"))
    assert line.split()[2:] == ["3", "1", "1", "1"]


def test_team_mode_refuses_the_default_identity_saying_how_to_set_one(cli_env, new_pg_database):
    url = new_pg_database()
    env = {**cli_env, "ANNOTATOR_DB": url}
    refused = run(env, "stats", check=False)
    assert refused.returncode == 1
    assert "needs to know who you are: give --annotator NAME, set ANNOTATOR_NAME" in refused.stderr
    assert run({**env, "ANNOTATOR_NAME": "alice"}, "stats").returncode == 0
