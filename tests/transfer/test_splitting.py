"""annotator split: documents that share a sentence stay in one split; sizes near the ratios;
the same seed gives the same split; the files are the normal exports, readable by our import."""

import json
import random
import shutil
from collections import defaultdict

import pytest
from sqlalchemy import text

from annotator.cli import main
from annotator.cli import splitting as splitting_verb
from annotator.core.model import Span, State
from annotator.core.problems import ExportError
from annotator.store import Store
from annotator.transfer import splitting
from annotator.transfer.importing import import_paths
from annotator.transfer.splitting import parse_ratios, split

from conftest import SEEDS

RATIOS = parse_ratios("80/10/10")


def words(rng, n):
    return [rng.choice("bcdfghjklmnpqrstvwz") + "".join(rng.choice("aeiou") + rng.choice("bcdfghklmnprstvz") for _ in range(3)) for _ in range(n)]


def sentence(rng):
    first, *rest = words(rng, 9)
    return " ".join([first.capitalize(), *rest]) + "."


UNITS = (1, 1, 1, 2, 2, 3, 4, 1, 6, 2, 1, 1, 3, 1, 5, 1, 2, 1, 1, 1) * 4


def linked_corpus(path, seed=5, units=UNITS):
    """A JSONL corpus of documents linked in chains: in a unit of k documents, document i
    shares one sentence with document i-1 and another with i+1, so the first and the last
    share nothing directly. Records are shuffled (a unit's ids are scattered). Returns, per
    record (id = position + 1), the shared sentences it holds."""
    rng = random.Random(seed)
    records = []
    for size in units:
        links = [sentence(rng) for _ in range(size - 1)]
        for i in range(size):
            shared = [links[j] for j in (i - 1, i) if 0 <= j < size - 1]
            own = [sentence(rng) for _ in range(3)]
            records.append((own[:1] + shared + own[1:], shared))
    rng.shuffle(records)
    with open(path, "w", encoding="utf-8") as handle:
        for sentences, _ in records:
            body = "\n".join(sentences)
            first = body.split()[0]
            spans = [{"start": 0, "end": len(first), "label": "PERSON"}]
            handle.write(json.dumps({"text": body, "spans": spans}) + "\n")
    return [shared for _, shared in records]


@pytest.fixture(scope="module")
def corpus_db(tmp_path_factory):
    """The linked corpus imported once (the copy index is built by the import); each test
    works on its own copy of the database."""
    folder = tmp_path_factory.mktemp("corpus")
    shared = linked_corpus(folder / "corpus.jsonl")
    with Store(folder / "corpus.db") as built:
        import_paths(built, [folder / "corpus.jsonl"])
        assert built.count_documents() == len(shared)
    return folder / "corpus.db", shared


@pytest.fixture
def store(corpus_db, tmp_path):
    shutil.copyfile(corpus_db[0], tmp_path / "test.db")
    with Store(tmp_path / "test.db") as s:
        yield s


@pytest.fixture
def corpus(corpus_db):
    return corpus_db[1]


@pytest.fixture
def empty_store(tmp_path):
    with Store(tmp_path / "empty.db") as s:
        yield s


def documents_of(split_json):
    return {name: set(ids) for name, ids in json.loads(split_json.read_text(encoding="utf-8"))["documents"].items()}


def holders(shared):
    """Shared sentence -> the ids of the documents holding it (the corpus's own truth)."""
    found = defaultdict(set)
    for doc_id, sentences in enumerate(shared, 1):
        for s in sentences:
            found[s].add(doc_id)
    return found


def naive_by_hand(ids, seed, ratios):
    """An independent writing of the naive split: shuffle, cut at the rounded cumulative targets."""
    order = sorted(ids)
    random.Random(seed).shuffle(order)
    total, where, cut, acc = sum(ratios.values()), {}, 0, 0.0
    for name, weight in ratios.items():
        acc += weight / total * len(order)
        for doc in order[cut : round(acc)]:
            where[doc] = name
        cut = round(acc)
    return where


def crossing_by_hand(shared, where):
    """Occurrences of shared sentences whose documents lie in more than one split."""
    return sum(len(docs) for docs in holders(shared).values() if len({where[d] for d in docs}) > 1)


def test_seed_articles_land_in_one_split(empty_store, tmp_path):
    store = empty_store
    import_paths(store, sorted(SEEDS.glob("*.txt")))
    report = split(store, tmp_path / "out", RATIOS, seed=3)
    docs = documents_of(tmp_path / "out" / "split.json")
    assert {1, 2} in docs.values()  # the two articles share sentences: one split holds both
    assert report.crossing == (0, 0) and report.largest_unit == 2
    lines = [json.loads(line) for name in ("train", "dev", "test") for line in (tmp_path / "out" / f"{name}.jsonl").read_text().splitlines()]
    assert sorted(line["meta"]["doc_id"] for line in lines) == [1, 2]


def test_linked_documents_never_cross_and_the_naive_split_leaks(store, corpus, tmp_path):
    report = split(store, tmp_path / "out", RATIOS, seed=1)
    docs = documents_of(tmp_path / "out" / "split.json")
    where = {doc: name for name, ids in docs.items() for doc in ids}
    assert sorted(where) == list(range(1, len(corpus) + 1))
    for sentence_, holding in holders(corpus).items():
        assert len({where[d] for d in holding}) == 1, f"{sentence_!r} is in several splits"
    # Chains: the ends of a unit share nothing directly and still land together (transitive).
    assert report.crossing == (0, 0)
    linked = defaultdict(set)
    for doc, component in store.copy_components().items():
        linked[component].add(where[doc])
    assert all(len(names) == 1 for names in linked.values()) and len(linked) == sum(1 for u in UNITS if u > 1)
    assert report.copied_sentences == sum(len(d) for d in holders(corpus).values())
    naive = naive_by_hand(where, 1, RATIOS)
    assert report.naive_crossing[0] == crossing_by_hand(corpus, naive) > 0
    assert report.naive_documents == {name: sum(1 for n in naive.values() if n == name) for name in RATIOS}


@pytest.mark.parametrize("ratios", ["80/10/10", "70/15/15", "50/25/25", "90/10", "1/1/1"])
@pytest.mark.parametrize("seed", [0, 7, 12345])
def test_sizes_are_within_the_largest_unit_of_the_targets(store, corpus, tmp_path, ratios, seed):
    weights = parse_ratios(ratios)
    report = split(store, tmp_path / "out", weights, seed=seed)
    total = len(corpus)
    largest = max(len(docs) for docs in holders(corpus).values())  # chains: a unit is its sentences' documents joined
    assert report.largest_unit >= largest
    for name, weight in weights.items():
        target = total * weight / sum(weights.values())
        assert abs(report.documents[name] - target) < report.largest_unit, (name, report.documents, target)
    assert sum(report.documents.values()) == total


def test_without_copies_every_split_is_within_one_document(empty_store, tmp_path):
    store, rng = empty_store, random.Random(2)
    (tmp_path / "c.jsonl").write_text("".join(json.dumps({"text": "\n".join(sentence(rng) for _ in range(3))}) + "\n" for _ in range(97)))
    import_paths(store, [tmp_path / "c.jsonl"])
    report = split(store, tmp_path / "out", parse_ratios("70/20/10"), seed=4)
    assert report.largest_unit == 1 and report.copied_sentences == 0
    for name, target in {"train": 67.9, "dev": 19.4, "test": 9.7}.items():
        assert abs(report.documents[name] - target) < 1


def test_the_same_seed_gives_the_same_split(store, corpus, tmp_path):
    for n, seed in enumerate([42, 42, 43]):
        split(store, tmp_path / f"out{n}", RATIOS, seed=seed)
    a, b, c = (documents_of(tmp_path / f"out{n}" / "split.json") for n in range(3))
    assert a == b
    assert a != c
    assert (tmp_path / "out0" / "train.jsonl").read_bytes() == (tmp_path / "out1" / "train.jsonl").read_bytes()


def test_split_json_holds_ids_seed_ratios_threshold_and_counts(store, corpus, tmp_path):
    report = split(store, tmp_path / "out", RATIOS, seed=9, statuses=["new"])
    data = json.loads((tmp_path / "out" / "split.json").read_text(encoding="utf-8"))
    assert data["seed"] == 9 and data["ratios"] == {"train": 80, "dev": 10, "test": 10}
    assert data["copy_threshold"] == store.copy_settings().threshold == 0.8
    assert data["format"] == "jsonl" and data["statuses"] == ["new"] and data["include_suggestions"] is False
    assert data["files"] == {"train": "train.jsonl", "dev": "dev.jsonl", "test": "test.jsonl"}
    counts = data["counts"]
    assert counts["documents"] == {name: len(ids) for name, ids in data["documents"].items()} == report.documents
    assert counts["crossing_sentences"] == 0 and counts["naive"]["crossing_sentences"] == report.naive_crossing[0] > 0
    assert counts["spans"] == counts["documents"]  # one accepted span per document
    assert sorted(x for ids in data["documents"].values() for x in ids) == list(range(1, len(corpus) + 1))


def test_two_ratios_write_train_and_test_only(store, corpus, tmp_path):
    split(store, tmp_path / "out", parse_ratios("90/10"), seed=0)
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "split.json", "test.jsonl", "test.labels.json", "train.jsonl", "train.labels.json",
    ]
    assert set(documents_of(tmp_path / "out" / "split.json")) == {"train", "test"}


@pytest.mark.parametrize("bad", ["80/20/0", "80", "1/2/3/4", "a/b", "-1/2", "nan/1/1", "inf/1"])
def test_bad_ratios_are_refused(bad):
    with pytest.raises(ValueError):
        parse_ratios(bad)


@pytest.mark.parametrize("fmt,suffix", [("jsonl", ".jsonl"), ("prodigy", ".jsonl"), ("spacy", ".spacy"), ("conll", ".conll")])
def test_every_format_writes_files_our_import_reads(empty_store, tmp_path, fmt, suffix):
    store = empty_store
    linked_corpus(tmp_path / "small.jsonl", units=(1, 2, 3, 1, 2, 1, 1, 4, 1, 2, 1, 1))  # tokenizing takes time: 20 documents
    import_paths(store, [tmp_path / "small.jsonl"])
    report = split(store, tmp_path / "out", parse_ratios("50/25/25"), seed=2, fmt=fmt)
    docs = documents_of(tmp_path / "out" / "split.json")
    assert all(report.documents.values())
    for name in RATIOS:
        with Store(tmp_path / f"{fmt}-{name}.db") as again:
            if docs[name]:
                import_paths(again, [tmp_path / "out" / f"{name}{suffix}"])
            assert again.count_documents() == len(docs[name]) == report.documents[name]
            if fmt != "conll":  # CoNLL keeps tokens, not the text's own spacing
                texts = {again.document(i).text for i in again.document_ids()}
                assert texts == {store.document(i).text for i in docs[name]}
            assert sum(len(again.spans(i)) for i in again.document_ids()) == len(docs[name])


def test_status_and_suggestions(store, corpus, tmp_path):
    for doc in (1, 2, 3, 4, 5):
        store.set_status(doc, "done")
    store.add_span(1, Span(5, 9, "ORG", source="model", state=State.SUGGESTED))
    report = split(store, tmp_path / "out", RATIOS, seed=0, statuses=["done"], include_suggestions=True)
    assert sum(report.documents.values()) == 5
    assert sorted(x for ids in documents_of(tmp_path / "out" / "split.json").values() for x in ids) == [1, 2, 3, 4, 5]
    assert sum(log.spans for log in report.logs.values()) == 6  # five accepted, one suggested


def test_an_existing_folder_is_refused_unless_force(store, corpus, tmp_path):
    out = tmp_path / "out"
    split(store, out, RATIOS, seed=0)
    (out / "notes.txt").write_text("mine")
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    with pytest.raises(ExportError, match="exists and is not empty"):
        split(store, out, RATIOS, seed=1)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    split(store, out, parse_ratios("90/10"), seed=1, force=True)
    # The earlier split's dev files go (split.json listed them); the user's file stays.
    assert sorted(p.name for p in out.iterdir()) == [
        "notes.txt", "split.json", "test.jsonl", "test.labels.json", "train.jsonl", "train.labels.json",
    ]
    assert (out / "notes.txt").read_text() == "mine"
    assert set(documents_of(out / "split.json")) == {"train", "test"}


def test_nothing_to_split_is_refused(store, tmp_path):
    with pytest.raises(ExportError, match="no documents with status done to split"):
        split(store, tmp_path / "out", RATIOS, statuses=["done"])
    assert not (tmp_path / "out").exists()


def test_an_empty_folder_and_a_file_in_the_way(store, corpus, tmp_path):
    (tmp_path / "empty").mkdir()
    split(store, tmp_path / "empty", RATIOS)
    assert (tmp_path / "empty" / "split.json").is_file()
    (tmp_path / "file").write_text("x")
    with pytest.raises(ExportError, match="not a folder"):
        split(store, tmp_path / "file", RATIOS)
    assert (tmp_path / "file").read_text() == "x"


@pytest.mark.parametrize("existing", [False, True])
def test_an_interrupted_split_leaves_nothing_half_written(store, corpus, tmp_path, monkeypatch, existing):
    out = tmp_path / "out"
    if existing:
        split(store, out, RATIOS, seed=0)
    before = {p.name: p.read_bytes() for p in out.iterdir()} if existing else None
    real, calls = splitting.export, []

    def interrupted(*args, **kwargs):
        calls.append(args[1])
        if len(calls) == 2:
            raise KeyboardInterrupt  # Ctrl+C while the dev file is written
        return real(*args, **kwargs)

    monkeypatch.setattr(splitting, "export", interrupted)
    with pytest.raises(KeyboardInterrupt):
        split(store, out, RATIOS, seed=5, force=True)
    assert len(calls) == 2
    if existing:
        assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    else:
        assert not out.exists()
    assert [p.name for p in tmp_path.iterdir() if "out" in p.name] == (["out"] if existing else [])  # no staging folder left


def test_a_database_not_yet_indexed_is_refused_and_the_cli_indexes_it(store, corpus, tmp_path, capsys):
    with store._write() as s:
        s.execute(text("DELETE FROM sentence_bands"))
        s.execute(text("DELETE FROM sentences"))
        s.execute(text("UPDATE documents SET copies_indexed = 0"))
    with pytest.raises(ExportError, match="not in the copy index"):
        split(store, tmp_path / "out", RATIOS)
    assert not (tmp_path / "out").exists()
    assert main(["--db", str(store.path), "split", str(tmp_path / "out"), "--seed", "1"]) == 0
    assert json.loads((tmp_path / "out" / "split.json").read_text())["counts"]["crossing_sentences"] == 0


def test_cli_prints_both_counts_side_by_side(store, corpus, tmp_path, capsys):
    assert main(["--db", str(store.path), "split", str(tmp_path / "out"), "--ratios", "80/10/10", "--seed", "1", "--format", "conll"]) == 0
    out = capsys.readouterr().out.splitlines()
    data = json.loads((tmp_path / "out" / "split.json").read_text())
    counts = data["counts"]
    assert out[0].split()[:3] == ["train", "dev", "test"]
    assert out[1].split()[3:6] == [str(counts["documents"][n]) for n in ("train", "dev", "test")] and out[1].split()[6] == "0"
    naive = counts["naive"]
    assert out[2].split()[3:7] == [*(str(naive["documents"][n]) for n in ("train", "dev", "test")), str(naive["crossing_sentences"])]
    assert data["files"]["train"] == "train.conll"
    assert splitting_verb.FORMATS == tuple(splitting.SPLIT_FORMATS)
    assert main(["--db", str(store.path), "split", str(tmp_path / "out")]) == 1  # exists: refused
    with pytest.raises(SystemExit) as usage:
        main(["--db", str(store.path), "split", str(tmp_path / "o2"), "--ratios", "80/20/0"])
    assert usage.value.code == 2 and "every ratio must be a positive number" in capsys.readouterr().err
