"""Issue 16: a spaCy export holds one shard in memory; a large corpus becomes a folder of .spacy files.

The shard size is lowered here (``SHARD_CHARS``) so that a few short documents make a large
corpus: behaviour, not memory or time.
"""

from __future__ import annotations

import json

import pytest
from format_helpers import jsonl

from annotator.cli import main
from annotator.formats import docbin
from annotator.formats.folder_export import MANIFEST
from annotator.formats.tokenization import blank_english
from annotator.store import Store
from annotator.transfer.exporting import export
from annotator.transfer.importing import import_paths
from annotator.core.problems import ExportError

TEXTS = [f"Article {i}: Mike Pompeo met Vladimir Putin in Sochi on day {i}." for i in range(12)]  # ~60 characters each


def records():
    return [{"text": t, "spans": [{"start": t.index("Mike"), "end": t.index("Mike") + 11, "label": "PERSON"}, {"start": t.index("Sochi"), "end": t.index("Sochi") + 5, "label": "GPE"}], "meta": {"title": f"a{i}"}} for i, t in enumerate(TEXTS)]


@pytest.fixture
def filled(store, tmp_path):
    import_paths(store, [jsonl(tmp_path / "in.jsonl", *records())])
    return store


def docs_in(path):
    from spacy.tokens import DocBin

    files = sorted(path.glob("*.spacy")) if path.is_dir() else [path]
    return [(f.name, doc) for f in files for doc in DocBin().from_bytes(f.read_bytes()).get_docs(blank_english().vocab)]


def summary(docs):
    return [(d.text, [(e.start_char, e.end_char, e.label_) for e in d.ents], sorted((s.start_char, s.end_char, s.label_) for s in d.spans["sc"])) for _, d in docs]


def test_a_large_export_is_a_folder_of_shards_with_the_same_documents(filled, tmp_path, monkeypatch):
    whole = tmp_path / "whole.spacy"
    assert export(filled, whole).problems == []
    assert whole.is_file()
    monkeypatch.setattr(docbin, "SHARD_CHARS", 200)  # three ~60-character documents per shard
    out = tmp_path / "out.spacy"
    log = export(filled, out)
    assert out.is_dir() and (out / MANIFEST).is_file()
    names = sorted(p.name for p in out.glob("*.spacy"))
    assert names == [f"part-{n:05d}.spacy" for n in range(1, 5)]
    docs = docs_in(out)
    assert summary(docs) == summary(docs_in(whole))  # same documents, same order, same spans
    for name in names:
        in_shard = [d for shard, d in docs if shard == name]
        assert sum(len(d.text) for d in in_shard) <= 200
        assert in_shard[0].user_data  # every shard's first document carries the label scheme
    (note,) = log.problems
    assert note.warning and "folder of 4 .spacy file(s)" in str(note)
    assert (log.documents, log.spans) == (12, 24)


def test_the_folder_reads_back_into_the_same_corpus_and_spacy_reads_it(filled, tmp_path, monkeypatch):
    monkeypatch.setattr(docbin, "SHARD_CHARS", 200)
    out = tmp_path / "out.spacy"
    export(filled, out)
    with Store(tmp_path / "again.db") as again:
        assert import_paths(again, [out]).added == 12
        key = lambda s: sorted((d.text, sp.start, sp.end, sp.label) for d, spans in s.iter_export() for sp in spans)  # noqa: E731
        assert key(again) == key(filled)
        assert {d.title for d, _ in again.iter_export()} == {f"a{i}" for i in range(12)}
    from spacy.training import Corpus

    examples = list(Corpus(out)(blank_english()))  # what spacy train reads for --paths.train
    assert sorted(e.reference.text for e in examples) == sorted(TEXTS)


def test_an_earlier_shard_folder_is_written_again_and_its_stale_shards_go(filled, tmp_path, monkeypatch):
    out = tmp_path / "out.spacy"
    monkeypatch.setattr(docbin, "SHARD_CHARS", 130)  # two per shard: 6 shards
    export(filled, out)
    assert len(list(out.glob("*.spacy"))) == 6
    monkeypatch.setattr(docbin, "SHARD_CHARS", 400)
    export(filled, out)
    assert sorted(p.name for p in out.glob("*.spacy")) == ["part-00001.spacy", "part-00002.spacy"]
    monkeypatch.setattr(docbin, "SHARD_CHARS", 10**6)  # fits in one now: still the folder it was
    export(filled, out)
    assert out.is_dir() and [p.name for p in out.glob("*.spacy")] == ["part-00001.spacy"]
    assert len(docs_in(out)) == 12
    manifest = json.loads((out / MANIFEST).read_text())
    assert manifest["format"] == "spacy" and set(manifest["files"]) == {"part-00001.spacy"}


def test_a_file_in_the_way_of_a_shard_folder_is_refused_and_kept(filled, tmp_path, monkeypatch):
    out = tmp_path / "out.spacy"
    out.write_bytes(b"an earlier, smaller export")
    monkeypatch.setattr(docbin, "SHARD_CHARS", 200)
    with pytest.raises(ExportError, match="written as a folder of .spacy files, and .* is a file"):
        export(filled, out)
    assert out.read_bytes() == b"an earlier, smaller export"
    assert not [p.name for p in tmp_path.iterdir() if p.name.endswith(".partial")]  # no staging folder left


def test_a_folder_that_no_spacy_export_wrote_is_still_refused(filled, tmp_path, monkeypatch):
    out = tmp_path / "mine.spacy"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    monkeypatch.setattr(docbin, "SHARD_CHARS", 200)
    with pytest.raises(ExportError, match="is a folder, not a regular file"):
        export(filled, out)
    assert [p.name for p in out.iterdir()] == ["notes.txt"]


def test_only_one_shard_is_held_at_a_time(filled, tmp_path, monkeypatch):
    """Every DocBin the writer makes is serialised before the next one gets a document."""
    monkeypatch.setattr(docbin, "SHARD_CHARS", 200)
    made, make = [], docbin._docbin

    def tracked():
        shard = make()
        assert all(getattr(earlier, "serialised", False) or not len(earlier) for earlier in made)
        made.append(shard)
        to_bytes = shard.to_bytes

        def serialise():
            shard.serialised = True
            return to_bytes()

        shard.to_bytes = serialise
        return shard

    monkeypatch.setattr(docbin, "_docbin", tracked)
    export(filled, tmp_path / "out.spacy")
    assert len(made) == 4


def test_the_command_says_where_the_shards_went(filled, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(docbin, "SHARD_CHARS", 200)
    out = tmp_path / "cli.spacy"
    assert main(["--db", str(filled.path), "export", str(out)]) == 0
    captured = capsys.readouterr()
    assert "folder of 4 .spacy file(s)" in captured.err and "exported 12 document(s)" in captured.out
    assert main(["--db", str(filled.path), "export", str(out)]) == 0  # again, into its own folder
    assert len(list(out.glob("*.spacy"))) == 4
