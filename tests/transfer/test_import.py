import json

import pytest

from annotator.core.model import Status
from annotator.transfer.importing import import_paths
from annotator.core.problems import InputError


def write(path, content):
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return path


def refused(store, paths, **kwargs):
    with pytest.raises(InputError) as info:
        import_paths(store, paths, **kwargs)
    assert store.count_documents() == 0, "a refused import wrote something"
    return [str(p) for p in info.value.problems]


def jsonl(tmp_path, *lines, name="in.jsonl"):
    return write(tmp_path / name, "\n".join(l if isinstance(l, str) else json.dumps(l) for l in lines) + "\n")


def test_txt_import_with_bom_and_crlf(store, tmp_path):
    path = write(tmp_path / "a.txt", "\ufeffTitle line\r\nBody\rmore".encode("utf-8"))
    report = import_paths(store, [path])
    assert report.added == 1
    doc = store.document(1)
    assert doc.text == "Title line\nBody\nmore"
    assert doc.title == "Title line"
    assert doc.meta["normalized_newlines"] is True


def test_same_content_twice_is_not_duplicated(store, tmp_path):
    a = write(tmp_path / "a.txt", "Same text")
    b = write(tmp_path / "b.txt", "Same text")
    assert import_paths(store, [a, b]).duplicates == 1
    assert import_paths(store, [a]).duplicates == 1
    assert store.count_documents() == 1


def test_folders_are_walked_recursively(store, tmp_path):
    write((tmp_path / "d" / "e").mkdir(parents=True) or tmp_path / "d" / "e" / "x.txt", "deep")
    write(tmp_path / "d" / "y.txt", "shallow")
    write(tmp_path / "d" / "notes.md", "ignored in folders")
    assert import_paths(store, [tmp_path / "d"]).added == 2


@pytest.mark.parametrize("content", [b"", b"   \n\t\n"])
def test_empty_and_blank_files_are_skipped_with_a_warning(store, tmp_path, content):
    path = write(tmp_path / "blank.txt", content)
    good = write(tmp_path / "good.txt", "Good")
    report = import_paths(store, [path, good])
    assert report.added == 1
    assert [str(w) for w in report.warnings] == [f"{path}: empty or blank file, skipped"]


def test_binary_file_refuses_the_whole_invocation(store, tmp_path):
    good = write(tmp_path / "good.txt", "Good")
    bad = write(tmp_path / "bad.txt", b"PK\x03\x04\x00\x00binary")
    problems = refused(store, [good, bad])
    assert problems == [f"{bad}: binary content (NUL byte at byte 4); not a text file"]


def test_cp1252_is_refused_unless_encoding_given(store, tmp_path):
    path = write(tmp_path / "w.txt", "Caf\xe9 na\xefve".encode("cp1252"))
    (problem,) = refused(store, [path])
    assert str(path) in problem and "--encoding" in problem
    assert import_paths(store, [path], encoding="cp1252").added == 1
    assert store.document(1).text == "Café naïve"


def test_unsupported_and_missing_paths_are_named(store, tmp_path):
    doc = write(tmp_path / "a.docx", "x")
    problems = refused(store, [doc, tmp_path / "nope.txt"])
    assert problems == [f"{doc}: unsupported file type .docx; expected .ann, .conll, .iob, .iob2, .jsonl, .spacy or .txt", f"{tmp_path / 'nope.txt'}: no such file or folder"]


@pytest.mark.parametrize(
    "line,message",
    [
        ('{"text": "abc"', "not valid JSON"),
        ("[1, 2]", "expected a JSON object, got a list"),
        ('"just a string"', "expected a JSON object, got a string"),
        ({"spans": []}, 'missing "text"'),
        ({"text": 42}, '"text" must be a string, got a number'),
        ({"text": "   "}, '"text" is empty or blank'),
        ({"text": "abc", "spans": [{"start": 0, "end": 9, "label": "X"}]}, "span #1: span end 9 is beyond the text"),
        ({"text": "abc", "spans": [{"start": 2, "end": 1, "label": "X"}]}, "span #1: span end 1 is not after start 2"),
        ({"text": "abc", "spans": [{"start": "0", "end": 1, "label": "X"}]}, "span #1: span start must be an integer"),
        ({"text": "abc", "spans": [{"start": 0, "end": 1}]}, "span #1: span is missing label"),
        ({"text": "abc", "spans": [{"start": 0, "end": 1, "label": 7}]}, "span #1: label must be a non-empty string"),
        ({"text": "abc", "spans": [{"start": 0, "end": 1, "label": "X", "text": "b"}]}, "does not match the text"),
        ({"text": "abc", "spans": {"start": 0}}, '"spans" must be a list'),
        ({"text": "abc", "spans": ["x"]}, "span #1: a span must be an object"),
        ({"text": "abc", "meta": []}, '"meta" must be an object'),
        ({"text": "abc", "meta": {"status": "finished"}}, "meta.status must be one of"),
        ({"text": "a\ud800b"}, "lone surrogate"),
        ({"text": "a\u0000b"}, "NUL character"),
    ],
)
def test_bad_jsonl_lines_name_file_and_line(store, tmp_path, line, message):
    path = jsonl(tmp_path, {"text": "A fine first line"}, "", line)
    (problem,) = refused(store, [path])
    assert problem.startswith(f"{path}:3: ")
    assert message in problem


def test_skip_invalid_imports_the_good_and_lists_the_bad(store, tmp_path):
    path = jsonl(tmp_path, {"text": "good one"}, "{broken", {"text": "good two"})
    report = import_paths(store, [path], skip_invalid=True)
    assert report.added == 2
    assert [p.line for p in report.skipped] == [2]
    assert report.refused_any


def test_jsonl_spans_crlf_offsets_are_mapped(store, tmp_path):
    text = "Paris\r\nis in\r\nFrance"
    path = jsonl(tmp_path, {"text": text, "spans": [{"start": 14, "end": 20, "label": "GPE", "text": "France"}], "meta": {"title": "Geo", "status": "done", "note": "n", "lang": "en"}})
    import_paths(store, [path])
    doc = store.document(1)
    (span,) = store.spans(1)
    assert doc.text[span.start : span.end] == "France"
    assert (doc.title, doc.status, doc.note, doc.meta["lang"]) == ("Geo", Status.DONE, "n", "en")


def test_unknown_labels_are_created_and_reported(store, tmp_path):
    path = jsonl(tmp_path, {"text": "Foo bar", "spans": [{"start": 0, "end": 3, "label": "THING"}]})
    report = import_paths(store, [path])
    assert report.labels_created == ["THING"]
    assert "THING" in {l.name for l in store.labels()}
