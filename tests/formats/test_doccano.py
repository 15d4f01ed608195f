"""doccano JSONL: the label, labels and entities forms, metadata, relations."""

from __future__ import annotations

import json

from format_helpers import jsonl, refused, stored

from annotator.core.model import Span
from annotator.store import Store
from annotator.transfer.exporting import export
from annotator.transfer.importing import import_paths


def test_label_and_older_labels_forms(store, tmp_path):
    src = jsonl(
        tmp_path / "in.jsonl",
        {"id": 7, "text": "Marie Curie met 東京.", "label": [[0, 11, "PERSON"], [16, 18, "GPE"]], "Comments": ["checked"], "source": "wire"},
        {"text": "Old Paris", "labels": [[4, 9, "GPE"]], "meta": {"year": 2019}},
    )
    report = import_paths(store, [src])
    assert report.added == 2 and report.warnings == []
    assert stored(store) == [(1, "Marie Curie", "PERSON", ""), (1, "東京", "GPE", ""), (2, "Paris", "GPE", "")]
    assert store.document(1).meta == {"Comments": ["checked"], "source": "wire"}  # doccano keeps metadata as top-level keys
    assert store.document(2).meta == {"year": 2019}


def test_entities_form_with_relations_is_imported_without_warnings(store, tmp_path):
    record = {
        "text": "Marie Curie works at the Sorbonne.",
        "entities": [{"id": 1, "start_offset": 0, "end_offset": 11, "label": "PERSON"}, {"id": 2, "start_offset": 25, "end_offset": 33, "label": "ORG"}],
        "relations": [{"id": 1, "from_id": 1, "to_id": 2, "type": "works_at"}],
    }
    src = jsonl(tmp_path / "in.jsonl", {"text": "first"}, record)
    report = import_paths(store, [src])
    assert report.warnings == []
    assert stored(store) == [(2, "Marie Curie", "PERSON", ""), (2, "Sorbonne", "ORG", "")]


def test_export_label_form_with_meta_and_span_info(store, tmp_path):
    import_paths(store, [jsonl(tmp_path / "in.jsonl", {"text": "Paris and Rome", "label": [[0, 5, "GPE"]]})])
    store.update_span(1, note="capital")
    store.add_span(1, Span(10, 14, "GPE", source="model", state="suggested"))
    out = tmp_path / "out.jsonl"
    export(store, out, "doccano", include_suggestions=True)
    (line,) = [json.loads(l) for l in out.read_text(encoding="utf-8").splitlines()]
    assert line["label"] == [[0, 5, "GPE"], [10, 14, "GPE"]]
    assert line["span_info"] == [[0, 5, "GPE", {"note": "capital"}], [10, 14, "GPE", {"source": "model", "state": "suggested"}]]
    assert line["meta"]["doc_id"] == 1 and line["meta"]["title"] == "Paris and Rome"


def test_crlf_offsets_are_mapped(store, tmp_path):
    import_paths(store, [jsonl(tmp_path / "in.jsonl", {"text": "Paris\r\nRome", "label": [[7, 11, "GPE"]]})])
    assert stored(store) == [(1, "Rome", "GPE", "")]


def test_bad_lines_name_file_line_and_span(store, tmp_path):
    src = jsonl(
        tmp_path / "in.jsonl",
        {"text": "fine"},
        {"text": "abc", "label": [[0, 9, "X"], [1, "X"], "positive"]},
        {"text": "abc", "entities": [{"start_offset": 0, "label": "X"}]},
        {"text": "abc", "label": "X"},
        {"text": "abc", "spans": []},
        "{not json",
    )
    assert refused(store, [src], fmt="doccano") == [
        f"{src}:2: span #1: span end 9 is beyond the text (3 characters)",
        f"{src}:2: span #2: expected [start, end, label], got [1, 'X']",
        f"{src}:2: span #3: label 'positive' is not [start, end, label]; text classification is not supported",
        f"{src}:3: span #1: an entity needs start_offset, end_offset and label, got {{'start_offset': 0, 'label': 'X'}}",
        f"{src}:4: \"label\" must be a list, got a string",
        f"{src}:5: this looks like Prodigy JSONL (\"spans\"), not doccano; use --format prodigy",
        f"{src}:6: not valid JSON: Expecting property name enclosed in double quotes (column 2)",
    ]


def test_span_info_that_is_not_a_list_is_named_on_its_line(store, tmp_path):
    src = jsonl(tmp_path / "d.jsonl", {"text": "Rome", "label": [[0, 4, "GPE"]], "span_info": 5})
    assert refused(store, [src]) == [f"{src}:1: span_info must be a list, got a number"]
