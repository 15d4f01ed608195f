"""Copies in exports: meta.duplicates per format, export --dedupe per format, read from the
files written."""

import json

import pytest
from sqlalchemy import event, text

from annotator.cli import main
from annotator.store import Store
from annotator.transfer.exporting import export
from annotator.transfer.importing import import_paths

from conftest import SEEDS

COPY = "Alice Smith met Bob Jones in Paris on Monday morning."
NEAR = "Alice Smith met Bob Jones in Paris on Monday evening."
SHOUTED = "ALICE SMITH met Bob Jones in Paris on Monday morning."  # the same normalized text: an exact copy
HEADLINE = "Big storm hits the northern coast of Norway today."


def spans_of(body, *names):
    """Spans on every occurrence of each name."""
    found, start = [], 0
    for name, label in names:
        start = 0
        while (i := body.find(name, start)) >= 0:
            found.append({"start": i, "end": i + len(name), "label": label})
            start = i + 1
    return sorted(found, key=lambda s: s["start"])


PEOPLE = (("Alice Smith", "PERSON"), ("ALICE SMITH", "PERSON"), ("Bob Jones", "PERSON"), ("Paris", "GPE"))
DOCS = [
    (f"Nothing much happened in the quiet little town today.\n{COPY}", ()),  # 1: the first copy, without spans
    (f"{COPY}\nThe weather stayed fine and warm for the whole day.", PEOPLE),  # 2: the first copy with spans keeps them
    (f"Yesterday the council met for a long and tiring session.\n{SHOUTED}", PEOPLE + (("Yesterday", "DATE"),)),  # 3: dropped inside
    (f"{NEAR}\nA second line of words that nobody else has written.", PEOPLE),  # 4: a near copy: kept
    (f"{HEADLINE}\n\n{HEADLINE}\nSome other words are written here for the body.", (("Norway", "GPE"),)),  # 5: its own headline twice
    ("A document with no copies at all, written once and only once.", ()),  # 6
]


@pytest.fixture
def corpus(store, tmp_path):
    path = tmp_path / "c.jsonl"
    with open(path, "w", encoding="utf-8") as handle:
        for body, names in DOCS:
            handle.write(json.dumps({"text": body, "spans": spans_of(body, *names)}) + "\n")
    import_paths(store, [path])
    return store


def jsonl(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def offsets(body, sentence, nth=0):
    start = -1
    for _ in range(nth + 1):
        start = body.index(sentence, start + 1)
    return start, start + len(sentence)


def test_seed_articles_carry_their_copied_sentences(store, tmp_path):
    import_paths(store, sorted(SEEDS.glob("*.txt")))
    export(store, tmp_path / "out.jsonl")
    lines = jsonl(tmp_path / "out.jsonl")
    for line in lines:
        body, duplicates = line["text"], line["meta"]["duplicates"]
        expected = [{"start": c.start, "end": c.end, "group": c.group} for c in store.document_copies(line["meta"]["doc_id"])]
        assert duplicates == expected
        assert all(body[d["start"] : d["end"]].strip() == body[d["start"] : d["end"]] for d in duplicates)
    first, second = ({body["text"][d["start"] : d["end"]]: d["group"] for d in body["meta"]["duplicates"]} for body in lines)
    headline = "Russian Federation tells Pompeo: Enough mistrust, let's reboot our ties"
    assert [d["group"] for d in lines[0]["meta"]["duplicates"]].count(first[headline]) == 2  # repeated in seed 000 itself
    washington = next(s for s in first if s.startswith("Washington previous year"))
    assert second[washington] == first[washington]  # word for word in both articles
    trump = next(s for s in second if s.startswith("Trump said on Monday that he"))  # a near copy
    assert second[trump] == first["Trump said on Monday he will meet with Putin on the sidelines of the G-20 summit."]


def test_duplicates_per_document_and_none_without_copies(corpus, tmp_path):
    export(corpus, tmp_path / "out.jsonl")
    lines = {line["meta"]["doc_id"]: line for line in jsonl(tmp_path / "out.jsonl")}
    group = lines[2]["meta"]["duplicates"][0]["group"]
    assert lines[1]["meta"]["duplicates"] == [{"start": 54, "end": 54 + len(COPY), "group": group}]
    assert [d["group"] for n in (1, 2, 3, 4) for d in lines[n]["meta"]["duplicates"]] == [group] * 4
    (a, b) = lines[5]["meta"]["duplicates"]
    assert (a["start"], a["end"], b["start"], b["end"]) == (*offsets(DOCS[4][0], HEADLINE), *offsets(DOCS[4][0], HEADLINE, 1))
    assert "duplicates" not in lines[6]["meta"]
    assert all("deduped" not in d for line in lines.values() for d in line["meta"].get("duplicates", ()))
    assert [len(lines[n]["spans"]) for n in range(1, 7)] == [0, 3, 4, 3, 2, 0]  # without --dedupe every span


def test_dedupe_writes_each_exact_copy_spans_once(corpus, tmp_path):
    log = export(corpus, tmp_path / "out.jsonl", dedupe=True)
    lines = {line["meta"]["doc_id"]: line for line in jsonl(tmp_path / "out.jsonl")}
    texts = {n: [s["text"] for s in lines[n]["spans"]] for n in lines}
    assert texts[1] == []  # the first copy had none: it is not the one that keeps them
    assert texts[2] == ["Alice Smith", "Bob Jones", "Paris"]
    assert texts[3] == ["Yesterday"]  # outside the copy: kept
    assert texts[4] == ["Alice Smith", "Bob Jones", "Paris"]  # a near copy is not an exact one
    assert [(s["start"], s["text"]) for s in lines[5]["spans"]] == [(DOCS[4][0].index("Norway"), "Norway")]
    assert log.deduped == 3 + 1
    flags = {n: [d.get("deduped", False) for d in lines[n]["meta"].get("duplicates", ())] for n in lines}
    assert flags == {1: [False], 2: [False], 3: [True], 4: [False], 5: [False, True], 6: []}


def test_dedupe_keeps_the_first_exported_copy(corpus, tmp_path):
    corpus.set_status(3, "done")
    corpus.set_status(4, "done")
    export(corpus, tmp_path / "out.jsonl", dedupe=True, statuses=["done"])
    lines = jsonl(tmp_path / "out.jsonl")
    assert [[s["text"] for s in line["spans"]] for line in lines] == [
        ["Yesterday", "ALICE SMITH", "Bob Jones", "Paris"],  # document 2 is not exported: 3 keeps its copy's spans
        ["Alice Smith", "Bob Jones", "Paris"],
    ]


def test_dedupe_in_doccano_brat_conll(corpus, tmp_path):
    export(corpus, tmp_path / "d.jsonl", "doccano", dedupe=True)
    doccano = {line["id"]: line for line in jsonl(tmp_path / "d.jsonl")}
    assert [label for *_, label in doccano[3]["label"]] == ["DATE"] and doccano[3]["meta"]["duplicates"][0]["deduped"] is True
    export(corpus, tmp_path / "brat", "brat", dedupe=True)
    anns = sorted((tmp_path / "brat").glob("*.ann"))
    third = next(a for a in anns if "Yesterday" in a.with_suffix(".txt").read_text())
    assert [line.split("\t")[2] for line in third.read_text().splitlines() if line.startswith("T")] == ["Yesterday"]
    log = export(corpus, tmp_path / "c.conll", dedupe=True)
    documents = (tmp_path / "c.conll").read_text().split("-DOCSTART-\tO\n")[1:]
    tags = dict(line.split("\t") for line in documents[2].splitlines() if line)
    assert tags["Yesterday"] == "B-DATE" and tags["ALICE"] == "O" and tags["Paris"] == "O"
    assert any("no mark for text left unannotated" in str(p) for p in log.problems)


def test_dedupe_in_spacy_marks_the_copy_missing_not_outside(corpus, tmp_path):
    from spacy.tokens import DocBin

    from annotator.formats.tokenization import blank_english

    export(corpus, tmp_path / "out.spacy", dedupe=True)
    docs = list(DocBin().from_disk(tmp_path / "out.spacy").get_docs(blank_english().vocab))
    third = docs[2]
    copy_start = third.text.index(SHOUTED)
    inside = [t for t in third if t.idx >= copy_start]
    assert inside and all(t.ent_iob_ == "" for t in inside)  # missing: spaCy's training ignores them
    assert [e.text for e in third.ents] == ["Yesterday"]
    assert all(t.ent_iob_ in ("O", "B", "I") for t in third if t.idx < copy_start)
    assert third.user_data["annotator"]["meta"]["duplicates"][0]["deduped"] is True
    assert all(t.ent_iob_ != "" for t in docs[1])  # the copy that keeps its spans is fully annotated
    assert [e.text for e in docs[1].ents] == ["Alice Smith", "Bob Jones", "Paris"]


def test_duplicates_in_prodigy_and_spacy_meta_and_not_kept_by_import(corpus, tmp_path):
    export(corpus, tmp_path / "p.jsonl", "prodigy")
    assert jsonl(tmp_path / "p.jsonl")[0]["meta"]["duplicates"][0]["start"] == 54
    export(corpus, tmp_path / "s.spacy")
    for name in ("p.jsonl", "s.spacy"):
        with Store(tmp_path / f"{name}.db") as again:
            import_paths(again, [tmp_path / name])
            assert all("duplicates" not in again.document(i).meta for i in again.document_ids())  # the other database's index
            export(again, tmp_path / f"{name}.again.jsonl")
        assert [line["meta"].get("duplicates") for line in jsonl(tmp_path / f"{name}.again.jsonl")] == [
            line["meta"].get("duplicates") for line in jsonl(tmp_path / "p.jsonl")
        ]


def test_a_stored_duplicates_key_is_never_exported_as_is(corpus, tmp_path):
    with corpus._write() as s:
        s.execute(text("""UPDATE documents SET meta = '{"duplicates": "stale", "kept": 1}' WHERE id IN (1, 6)"""))
    export(corpus, tmp_path / "out.jsonl")
    lines = jsonl(tmp_path / "out.jsonl")
    assert lines[0]["meta"]["duplicates"][0]["start"] == 54 and lines[0]["meta"]["kept"] == 1
    assert "duplicates" not in lines[5]["meta"] and lines[5]["meta"]["kept"] == 1


def statements(store, out, **kwargs):
    seen = []

    def count(*_args):
        seen.append(1)

    event.listen(store.engine, "before_cursor_execute", count)
    try:
        export(store, out, **kwargs)
    finally:
        event.remove(store.engine, "before_cursor_execute", count)
    return len(seen)


def test_export_reads_copies_with_a_second_cursor_not_a_query_per_document(store, tmp_path):
    body = "\n".join([COPY, "Every document here has one more line of its own number {}."])
    path = tmp_path / "many.jsonl"

    def fill(start, count):
        path.write_text("".join(json.dumps({"text": body.format(i), "spans": spans_of(body.format(i), *PEOPLE)}) + "\n" for i in range(start, start + count)))
        import_paths(store, [path])

    fill(0, 5)
    few = statements(store, tmp_path / "a.jsonl", dedupe=True)
    fill(5, 60)
    assert statements(store, tmp_path / "b.jsonl", dedupe=True) == few
    lines = jsonl(tmp_path / "b.jsonl")
    assert len(lines) == 65 and [len(line["spans"]) for line in lines] == [3] + [0] * 64


def test_cli_export_dedupe(corpus, tmp_path, capsys):
    if corpus.path is None:  # export --annotator names the layer and the user at once; team mode refuses 'default' as a user
        pytest.skip("PostgreSQL: `export --annotator default` is refused as an identity (team mode); reported to the lead")
    db = ["--db", corpus.location.for_child()]
    assert main([*db, "export", str(tmp_path / "out.jsonl"), "--dedupe", "--annotator", corpus.annotator]) == 0
    assert "4 span(s) inside exact copies of sentences left out (--dedupe)" in capsys.readouterr().out
    assert main([*db, "export", str(tmp_path / "all.jsonl"), "--annotator", corpus.annotator]) == 0
    assert sum(len(line["spans"]) for line in jsonl(tmp_path / "all.jsonl")) == 12
