"""Which format a file is read as, when --format is not given."""

from __future__ import annotations

import pytest
from format_helpers import jsonl, refused, stored, write

from annotator.transfer.inputs import collect_inputs, detect_format
from annotator.core.problems import Problem


@pytest.mark.parametrize(
    "records,expected",
    [
        ([{"text": "a", "spans": []}], "prodigy"),
        ([{"text": "a"}], "prodigy"),  # text only: both readers read it the same
        ([{"text": "a"}, {"text": "b", "label": [[0, 1, "X"]]}], "doccano"),
        ([{"text": "a", "labels": []}], "doccano"),
        ([{"text": "a", "entities": [], "relations": []}], "doccano"),
        ([{"text": "a", "label": "POSITIVE"}], "prodigy"),  # Prodigy's textcat label is a string
    ],
)
def test_jsonl_flavour_from_the_first_telling_record(tmp_path, records, expected):
    assert detect_format(jsonl(tmp_path / "x.jsonl", *records)) == expected


def test_ambiguous_jsonl_asks_for_format(store, tmp_path):
    src = jsonl(tmp_path / "x.jsonl", {"text": "a"}, {"text": "a", "spans": [], "label": [[0, 1, "X"]]})
    problem = detect_format(src)
    assert isinstance(problem, Problem) and str(problem) == f"{src}:2: cannot tell Prodigy from doccano JSONL (both \"spans\" and \"label\"); use --format"
    assert refused(store, [src]) == [str(problem)]


def test_a_folder_of_every_format(store, tmp_path):
    folder = tmp_path / "all"
    jsonl(folder / "p.jsonl", {"text": "Prodigy Paris", "spans": [{"start": 8, "end": 13, "label": "GPE"}]})
    jsonl(folder / "d.jsonl", {"text": "doccano Rome", "label": [[8, 12, "GPE"]]})
    write(folder / "brat" / "b.txt", "brat Oslo")
    write(folder / "brat" / "b.ann", "T1\tGPE 5 9\tOslo\n")
    write(folder / "brat" / "annotation.conf", "[entities]\nGPE\n")
    write(folder / "c.conll", "conll\tO\nLima\tB-GPE\n")
    write(folder / "plain.txt", "plain Bern")
    write(folder / "notes.md", "not read")
    inputs = collect_inputs([folder])
    assert [(i.format, i.path.name) for i in inputs] == [
        ("brat", "b.ann"), ("conll", "c.conll"), ("doccano", "d.jsonl"), ("prodigy", "p.jsonl"), ("text", "plain.txt")
    ]


def test_format_option_overrides_detection(tmp_path):
    write(tmp_path / "a.txt", "x")
    write(tmp_path / "a.ann", "")
    assert [i.format for i in collect_inputs([tmp_path / "a.txt"])] == ["brat"]
    assert [i.format for i in collect_inputs([tmp_path / "a.txt"], "text")] == ["text"]
    assert [i.format for i in collect_inputs([tmp_path], "text")] == ["text"]


def test_brat_pair_named_twice_is_read_once(store, tmp_path):
    write(tmp_path / "a.txt", "Oslo")
    write(tmp_path / "a.ann", "T1\tGPE 0 4\tOslo\n")
    from annotator.transfer.importing import import_paths

    assert import_paths(store, [tmp_path / "a.txt", tmp_path / "a.ann", tmp_path]).added == 1
    assert stored(store) == [(1, "Oslo", "GPE", "")]
