"""Prodigy JSONL: tokens with inclusive token_end, answers, unknown keys, refused doccano lines."""

from __future__ import annotations

import json

from format_helpers import jsonl, refused, stored

from annotator.core.model import Span, Status
from annotator.transfer.exporting import export
from annotator.transfer.importing import import_paths


def exported(store, tmp_path, **kwargs):
    out = tmp_path / "out.jsonl"
    log = export(store, out, "prodigy", **kwargs)
    return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()], log


def test_tokens_and_inclusive_token_end(store, tmp_path):
    src = jsonl(tmp_path / "in.jsonl", {"text": "New York 🇫🇷 fans", "spans": [{"start": 0, "end": 8, "label": "GPE"}, {"start": 9, "end": 11, "label": "GPE"}]})
    import_paths(store, [src])
    (line,), log = exported(store, tmp_path)
    tokens = line["tokens"]
    assert [t["text"] for t in tokens] == ["New", "York", "🇫", "🇷", "fans"]
    assert tokens[1] == {"text": "York", "start": 4, "end": 8, "id": 1, "ws": True}
    new_york, flag = line["spans"]
    assert (new_york["token_start"], new_york["token_end"]) == (0, 1)
    assert (flag["token_start"], flag["token_end"]) == (2, 3)
    assert log.problems == []


def test_span_off_token_boundaries_is_written_without_token_indices_and_reported(store, tmp_path):
    import_paths(store, [jsonl(tmp_path / "in.jsonl", {"text": "Bonjourno Paris", "spans": [{"start": 0, "end": 7, "label": "X"}]})])
    (line,), log = exported(store, tmp_path)
    (span,) = line["spans"]
    assert span["text"] == "Bonjour" and "token_start" not in span
    (problem,) = log.problems
    assert "X span 0-7 'Bonjour' is not on token boundaries" in problem.message and "document 1" in problem.message


def test_native_jsonl_leaves_tokens_out(store, tmp_path):
    import_paths(store, [jsonl(tmp_path / "in.jsonl", {"text": "Paris", "spans": [{"start": 0, "end": 5, "label": "GPE"}]})])
    out = tmp_path / "native.jsonl"
    export(store, out, "jsonl")
    line = json.loads(out.read_text(encoding="utf-8"))
    assert "tokens" not in line and "token_start" not in line["spans"][0]


def test_reject_and_ignore_are_imported_as_skipped_and_counted(store, tmp_path):
    src = jsonl(
        tmp_path / "in.jsonl",
        {"text": "kept", "answer": "accept"},
        {"text": "wrong spans", "answer": "reject", "spans": [{"start": 0, "end": 5, "label": "X"}]},
        {"text": "not sure", "answer": "ignore"},
    )
    report = import_paths(store, [src])
    assert report.added == 3
    assert [str(w) for w in report.warnings] == [f"{src}: 2 record(s) answered reject/ignore, imported with status skipped"]
    assert [store.document(i).status for i in (1, 2, 3)] == [Status.NEW, Status.SKIPPED, Status.SKIPPED]
    assert stored(store) == [(2, "wrong", "X", "")]
    lines, _ = exported(store, tmp_path)
    assert [l["answer"] for l in lines] == ["accept", "reject", "ignore"]
    assert "prodigy_answer" not in lines[1]["meta"]
    assert store.document(2).meta == {"prodigy_answer": "reject"}


def test_unknown_keys_are_ignored(store, tmp_path):
    src = jsonl(tmp_path / "in.jsonl", {"text": "Paris", "_input_hash": 1, "_view_id": "ner_manual", "tokens": [{"text": "Paris"}],
                                        "spans": [{"start": 0, "end": 5, "label": "GPE", "token_start": 0, "token_end": 0, "input_hash": 3}]})
    import_paths(store, [src])
    assert stored(store) == [(1, "Paris", "GPE", "")]


def test_suggested_spans_keep_their_state(store, tmp_path):
    import_paths(store, [jsonl(tmp_path / "in.jsonl", {"text": "Paris and Rome"})])
    store.add_span(1, Span(10, 14, "GPE", source="model", state="suggested"))
    (line,), _ = exported(store, tmp_path, include_suggestions=True)
    assert line["spans"][0] == {"start": 10, "end": 14, "label": "GPE", "text": "Rome", "source": "model", "annotator": "default", "state": "suggested", "token_start": 2, "token_end": 2}


def test_bad_answer_and_doccano_lines_are_refused_with_their_line(store, tmp_path):
    src = jsonl(tmp_path / "in.jsonl", {"text": "ok"}, {"text": "x", "answer": "maybe"}, {"text": "Paris", "label": [[0, 5, "GPE"]]})
    assert refused(store, [src], fmt="prodigy") == [
        f"{src}:2: \"answer\" must be accept, reject or ignore, got 'maybe'",
        f"{src}:3: this looks like doccano JSONL (\"label\"/\"labels\"/\"entities\"/\"annotations\"), not Prodigy; use --format doccano",
    ]


def test_every_bad_span_of_a_line_is_reported(store, tmp_path):
    src = jsonl(tmp_path / "in.jsonl", {"text": "abc", "spans": [{"start": 2, "end": 1, "label": "X"}, {"start": 0, "end": 1, "label": "X"}, {"start": 0, "end": 9, "label": "X"}]})
    assert refused(store, [src]) == [
        f"{src}:1: span #1: span end 1 is not after start 2",
        f"{src}:1: span #3: span end 9 is beyond the text (3 characters)",
    ]


def test_broken_sidecar_scheme_is_named(store, tmp_path):
    src = jsonl(tmp_path / "corpus.jsonl", {"text": "ok"})
    (tmp_path / "corpus.labels.json").write_text('{"labels": [\n{"name": "A", "color": "red"}]}')
    (problem,) = refused(store, [src])
    assert problem.startswith(f"{tmp_path / 'corpus.labels.json'}: label #1: colour must look like #rrggbb")
