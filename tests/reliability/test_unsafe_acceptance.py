"""Control characters: refused where they would break an export's round trip, escaped where
they would reach the terminal."""

from __future__ import annotations

import json

import pytest

from annotator.cli import main
from annotator.core.model import AnnotationError, Label
from annotator.store import Store
from annotator.transfer.exporting import export
from annotator.transfer.importing import import_paths
from tests.reliability.tally import TALLY

TEXT = "Marie Curie won the prize."


def line(**fields) -> str:
    record = {"text": TEXT, "spans": [{"start": 0, "end": 11, "label": fields.pop("label", "PERSON"), "note": fields.pop("note", "")}]}
    record["meta"] = {("note" if key == "meta_note" else key): value for key, value in fields.items()}
    return json.dumps(record) + "\n"


@pytest.mark.parametrize(
    "fields,message",
    [
        ({"label": "PER\x00SON"}, "span #1: label 'PER\\x00SON' has surrounding whitespace or a control character"),
        ({"label": "\x1b[31mPERSON"}, "span #1: label '\\x1b[31mPERSON' has surrounding whitespace or a control character"),
        ({"note": "nul\x00here"}, "span #1: span note contains the control character '\\x00' at 3"),
        ({"note": "bell\x07"}, "span #1: span note contains the control character '\\x07' at 4"),
        ({"title": "a\x00title"}, "title contains the control character '\\x00' at 1"),
        ({"title": "two\nlines"}, "title contains the control character '\\n' at 3"),
        ({"meta_note": "\x1b[2J"}, "meta.note contains the control character '\\x1b' at 0"),
    ],
)
def test_control_characters_are_refused_at_input_with_file_and_line(tmp_path, fields, message):
    src = tmp_path / "in.jsonl"
    src.write_text(line(label="PERSON") + line(**fields), encoding="utf-8")
    with Store(tmp_path / "w.db") as store:
        with pytest.raises(Exception) as info:
            import_paths(store, [src])
        assert [str(p) for p in info.value.problems] == [f"{src}:2: {message}"]
        assert store.count_documents() == 0
    TALLY["inputs"] += 1


def test_notes_keep_line_breaks_tabs_and_normalize_carriage_returns(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text(line(note="first\r\nsecond\tcolumn\rthird"), encoding="utf-8")
    with Store(tmp_path / "w.db") as store:
        import_paths(store, [src])
        (doc_id,) = store.document_ids()
        assert store.spans(doc_id)[0].note == "first\nsecond\tcolumn\nthird"
        with pytest.raises(AnnotationError, match="control character"):
            store.update_span(store.spans(doc_id)[0].id, note="bad\x00")
        with pytest.raises(AnnotationError, match="control character"):
            store.set_document_note(doc_id, "bad\x1b")
        export(store, tmp_path / "out", "brat")
        with Store(tmp_path / "again.db") as again:  # the brat and CoNLL round trips hold
            import_paths(again, [tmp_path / "out"])
            assert [s.note for _, spans in again.iter_export() for s in spans] == ["first second\tcolumn third"]
    TALLY["trials"] += 1


def test_a_title_from_the_text_shows_no_control_characters(tmp_path):
    src = tmp_path / "a.txt"
    src.write_text("\x1b[2J\x1b[31mBreaking\x07 news\nBody.", encoding="utf-8")
    with Store(tmp_path / "w.db") as store:
        import_paths(store, [src])
        assert store.summaries()[0].title == "[2J [31mBreaking news"
    TALLY["inputs"] += 1


def test_what_the_cli_prints_never_carries_escape_sequences(tmp_path, capsys):
    bad = tmp_path / "bad\x1b]0;owned\x07.txt"
    bad.write_bytes(b"binary\x00content")
    labels = tmp_path / "labels.json"
    labels.write_text(json.dumps({"labels": [{"name": "OK", "description": "\x1b[31mred"}]}), encoding="utf-8")
    db = str(tmp_path / "w.db")
    assert main(["--db", db, "import", str(bad)]) == 1
    assert main(["--db", db, "labels", "import", str(labels)]) == 0
    assert main(["--db", db, "labels", "export", str(tmp_path / "out.json")]) == 0
    out = capsys.readouterr()
    printed = out.out + out.err
    assert "\x1b" not in printed and "\x07" not in printed
    assert "bad\\x1b]0;owned\\x07.txt: binary content" in printed
    TALLY["inputs"] += 2
    TALLY["trials"] += 1


def test_labels_with_control_characters_never_reach_the_database(tmp_path):
    with Store(tmp_path / "w.db") as store:
        with pytest.raises(AnnotationError, match="control character"):
            store.save_labels([Label("A\x1bB")])
        assert all("\x1b" not in label.name for label in store.labels())
    TALLY["inputs"] += 1
