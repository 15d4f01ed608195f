"""Hostile input never shows a traceback (the red-team classes, through the real CLI).

Every class ends in one clear line naming the file (and line or document), exit 1, and a
database left exactly as it was (imports are all-or-nothing); or, for a damaged database
on export, in a warning or a one-line error naming the database file. Files are made in
tmp_path: big ones are sparse, or a limit is lowered with monkeypatch (the limits are
looked up when a file is read), never written out in full. Nothing here is timed.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

from annotator import cli
from annotator.core import limits
from tests.reliability.tally import TALLY

BIG = 123456789012345678901234567890
LONE = "\\ud800"  # a JSON escape for a lone surrogate, as it appears in the file


# -- helpers --------------------------------------------------------------------


@pytest.fixture
def db(tmp_path):
    """A database that already holds one document, so 'unchanged' means something."""
    path = tmp_path / "work.db"
    seed = tmp_path / "seed" / "seed.jsonl"
    seed.parent.mkdir()
    seed.write_text(json.dumps({"text": "Already here.", "meta": {"k": 1}}) + "\n", encoding="utf-8")
    assert cli.main(["--db", str(path), "import", str(seed)]) == 0
    return path


def dump(path: Path) -> list[str]:
    con = sqlite3.connect(path)
    try:
        return list(con.iterdump())
    finally:
        con.close()


def run(capsys, db: Path, *args) -> tuple[int, list[str], str]:
    """``annotator --db DB ARGS`` in this process: exit code, stderr lines, stdout."""
    capsys.readouterr()
    code = cli.main(["--db", str(db), *map(str, args)])
    out, err = capsys.readouterr()
    TALLY["inputs"] += 1
    assert "Traceback" not in out + err, err
    return code, err.splitlines(), out


def one_error(lines: list[str]) -> str:
    errors = [line for line in lines if line.startswith("annotator: error: ")]
    assert len(errors) == 1, lines
    return errors[0].removeprefix("annotator: error: ")


def refused(capsys, db: Path, path: Path, where: str, message: str, *options: str) -> str:
    """Import and validate both refuse ``path`` with one error that starts with ``where``
    (``file:line: ``) and contains ``message``; the database is unchanged."""
    before = dump(db)
    code, err, _ = run(capsys, db, "import", path, *options)
    assert code == 1
    line = one_error(err)
    assert line.startswith(where) and message in line, line
    assert any(l.startswith("annotator: nothing was imported") for l in err)
    assert dump(db) == before, "a refused import wrote something"
    code, err, out = run(capsys, db, "validate", path, *options)
    assert code == 1 and "1 error(s)" in out
    assert one_error(err) == line
    assert dump(db) == before
    return line


def jsonl(path: Path, *lines: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def sparse(path: Path, size: int = 1 << 30) -> Path:
    """A file of ``size`` bytes (zeros) that takes no room on disk."""
    with open(path, "wb") as handle:
        handle.truncate(size)
    return path


GOOD = json.dumps({"text": "Marie Curie won.", "spans": [{"start": 0, "end": 11, "label": "PERSON"}]})


# -- JSONL (Prodigy and doccano) -------------------------------------------------


PRODIGY_LINES = {
    "big int in meta": ('{"text": "Marie Curie", "meta": {"n": %d}}' % BIG, f"integer {BIG} is outside the 64-bit range"),
    "big negative int deep in a span": (
        '{"text": "Marie Curie", "spans": [{"start": 0, "end": 5, "label": "PERSON", "x": [[-9223372036854775809]]}]}',
        "integer -9223372036854775809 is outside the 64-bit range",
    ),
    "offset of 5000 digits": (
        '{"text": "Marie Curie", "spans": [{"start": %s, "end": 2, "label": "PERSON"}]}' % ("9" * 5000),
        "integer with 5000 digits is outside the 64-bit range",
    ),
    "lone surrogate in a note": (
        '{"text": "Marie Curie", "spans": [{"start": 0, "end": 5, "label": "PERSON", "note": "a%sb"}]}' % LONE,
        "lone surrogate",
    ),
    "lone surrogate in a label": ('{"text": "Marie Curie", "spans": [{"start": 0, "end": 5, "label": "P%s"}]}' % LONE, "lone surrogate"),
    "lone surrogate in a meta key": ('{"text": "Marie Curie", "meta": {"k%s": 1}}' % LONE, "lone surrogate"),
    "lone surrogate in a meta value": ('{"text": "Marie Curie", "meta": {"k": "\\udfff"}}', "lone surrogate"),
    "lone surrogate in a span source": (
        '{"text": "Marie Curie", "spans": [{"start": 0, "end": 5, "label": "PERSON", "source": "%s"}]}' % LONE,
        "lone surrogate",
    ),
    "nested 5000 deep": ('{"text": "a", "meta": {"x": %s%s}}' % ("[" * 5000, "]" * 5000), "nested more than 100 levels deep"),
    "nested 150 deep": ('{"text": "a", "meta": {"x": %s%s}}' % ("[" * 150, "]" * 150), "nested more than 100 levels deep (the limit)"),
    "NaN": ('{"text": "a", "meta": {"x": NaN}}', "NaN and Infinity are not JSON numbers"),
    "number beyond a double": ('{"text": "a", "meta": {"x": 1e400}}', "number is too large"),
}


@pytest.mark.parametrize("case", PRODIGY_LINES, ids=list(PRODIGY_LINES))
def test_prodigy_lines_no_export_could_carry_are_refused_with_file_and_line(capsys, db, tmp_path, case):
    bad, message = PRODIGY_LINES[case]
    src = jsonl(tmp_path / "in.jsonl", GOOD, bad)
    refused(capsys, db, src, f"{src}:2: ", message)


DOCCANO_LINES = {
    "big int in an extra key": ('{"text": "Marie Curie", "label": [[0, 5, "PER"]], "n": %d}' % BIG, "outside the 64-bit range"),
    "offset of 5000 digits": ('{"text": "Marie Curie", "label": [[%s, 5, "PER"]]}' % ("1" * 5000), "integer with 5000 digits"),
    "lone surrogate in a label": ('{"text": "Marie Curie", "label": [[0, 5, "%s"]]}' % LONE, "lone surrogate"),
    "deep meta": ('{"text": "a", "label": [], "meta": %s1%s}' % ("[" * 3000, "]" * 3000), "nested more than 100 levels deep"),
}


@pytest.mark.parametrize("case", DOCCANO_LINES, ids=list(DOCCANO_LINES))
def test_doccano_lines_are_refused_with_file_and_line(capsys, db, tmp_path, case):
    bad, message = DOCCANO_LINES[case]
    src = jsonl(tmp_path / "in.jsonl", '{"text": "ok", "label": []}', bad)
    refused(capsys, db, src, f"{src}:2: ", message, "--format", "doccano")


def test_integers_within_64_bits_are_stored_and_exported_faithfully(capsys, db, tmp_path):
    meta = {"u64": 18446744073709551615, "i64": -9223372036854775808, "id": "12345678901234567890123"}
    src = jsonl(tmp_path / "in.jsonl", json.dumps({"text": "Big numbers.", "meta": meta}))
    assert run(capsys, db, "import", src)[0] == 0
    for name in ("out.jsonl", "out.spacy"):
        code, err, _ = run(capsys, db, "export", tmp_path / name)
        assert code == 0, err
    exported = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    assert {k: exported[-1]["meta"][k] for k in meta} == meta


def test_an_overlong_jsonl_line_is_refused_before_it_is_read_whole(capsys, db, tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_LINE_BYTES", 1000)
    src = jsonl(tmp_path / "in.jsonl", GOOD, json.dumps({"text": "x" * 5000}))
    refused(capsys, db, src, f"{src}:2: ", "line longer than 1000 bytes, the limit for one line")


def test_a_document_over_the_limit_is_refused(capsys, db, tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_DOCUMENT_CHARS", 100)
    src = jsonl(tmp_path / "in.jsonl", GOOD, json.dumps({"text": "y" * 200}))
    refused(capsys, db, src, f"{src}:2: ", "text of 200 characters is longer than 100, the limit for one document")


def test_a_nul_byte_in_a_jsonl_file_names_its_line(capsys, db, tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_bytes(f"{GOOD}\n{GOOD}\n".encode() + b'{"text": "a\x00b"}\n')
    refused(capsys, db, src, f"{src}:3: ", "binary content (NUL byte at byte")


def test_a_1gb_sparse_jsonl_is_refused_as_binary_and_dev_zero_as_a_device(capsys, db, tmp_path):
    src = sparse(tmp_path / "big.jsonl")
    refused(capsys, db, src, f"{src}:1: ", "binary content (NUL byte at byte 0); not a text file")
    # A device is never opened: refused on what stat says it is, whatever the format asked for.
    refused(capsys, db, Path("/dev/zero"), "/dev/zero: ", "not a regular file (a character device); only files and folders are imported", "--format", "prodigy")
    refused(capsys, db, Path("/dev/zero"), "/dev/zero: ", "not a regular file (a character device); only files and folders are imported", "--format", "prodigy", "--encoding", "cp1252")


def test_bad_utf8_in_a_jsonl_line_names_the_line_and_byte(capsys, db, tmp_path):
    src = tmp_path / "in.jsonl"
    good = f"{GOOD}\n".encode()
    src.write_bytes(good + b'{"text": "caf\xe9"}\n')
    refused(capsys, db, src, f"{src}:2: ", f"not valid utf-8 at byte {len(good) + 13}; pass --encoding")


# -- plain text -------------------------------------------------------------------


def test_a_1gb_text_file_is_refused_on_its_size_and_dev_zero_or_a_link_to_it_as_a_device(capsys, db, tmp_path):
    src = sparse(tmp_path / "big.txt")
    refused(capsys, db, src, f"{src}: ", "1 GiB: larger than 128 MiB, the limit for a text file")
    refused(capsys, db, Path("/dev/zero"), "/dev/zero: ", "not a regular file (a character device); only files and folders are imported", "--format", "text")
    link = tmp_path / "zero.txt"
    link.symlink_to("/dev/zero")
    refused(capsys, db, link, f"{link}: ", "not a regular file (a character device); only files and folders are imported")


def test_a_text_file_over_the_document_limit_and_encoded_surrogates(capsys, db, tmp_path, monkeypatch):
    src = tmp_path / "surrogate.txt"
    src.write_bytes(b"Hello \xed\xa0\x80 world\n")  # a surrogate encoded as if it were a character
    refused(capsys, db, src, f"{src}: ", "not valid utf-8 at byte 6")
    monkeypatch.setattr(limits, "MAX_DOCUMENT_CHARS", 10)
    long = tmp_path / "long.txt"
    long.write_text("A sentence longer than ten characters.\n", encoding="utf-8")
    refused(capsys, db, long, f"{long}: ", "text of 39 characters is longer than 10, the limit for one document")


# -- CoNLL --------------------------------------------------------------------------


def test_conll_hostile_files(capsys, db, tmp_path, monkeypatch):
    src = sparse(tmp_path / "big.conll")
    refused(capsys, db, src, f"{src}:1: ", "binary content (NUL byte at byte 0)")
    bad = tmp_path / "bad.conll"
    bad.write_bytes(b"Marie\tB-PER\nCurie\tI-PER\n\ncaf\xe9\tO\n")
    refused(capsys, db, bad, f"{bad}:4: ", "not valid utf-8 at byte 28")
    monkeypatch.setattr(limits, "MAX_LINE_BYTES", 100)
    long = tmp_path / "long.conll"
    long.write_text("Marie\tB-PER\n" + "x" * 200 + "\tO\n", encoding="utf-8")
    refused(capsys, db, long, f"{long}:2: ", "line longer than 100 bytes")
    monkeypatch.setattr(limits, "MAX_DOCUMENT_CHARS", 20)
    many = tmp_path / "many.conll"
    many.write_text("-DOCSTART-\tO\n\n" + "".join(f"token{i}\tO\n" for i in range(10)), encoding="utf-8")
    refused(capsys, db, many, f"{many}:6: ", "longer than 20, the limit for one document; split it (a -DOCSTART- line starts a new document)")


def test_conll_streams_a_file_of_many_documents(capsys, db, tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_DOCUMENT_CHARS", 50)
    src = tmp_path / "many.conll"
    src.write_text("".join(f"-DOCSTART-\tO\n\nWord{i}\tB-X\nend\tO\n\n" for i in range(200)), encoding="utf-8")
    code, err, out = run(capsys, db, "import", src)
    assert code == 0 and "imported 200 document(s) with 200 span(s)" in out, err


# -- spaCy DocBin ---------------------------------------------------------------------


def docbin_bytes(user_data: list, texts: list[str] | None = None) -> bytes:
    import spacy
    from spacy.tokens import DocBin

    nlp = spacy.blank("en")
    docbin = DocBin(store_user_data=True)
    for i, data in enumerate(user_data):
        doc = nlp((texts or ["Marie Curie won."] * len(user_data))[i])
        if data is not None:
            doc.user_data.update(data)
        docbin.add(doc)
    return docbin.to_bytes()


def replaced(data: bytes, old: bytes, new: bytes) -> bytes:
    raw = zlib.decompress(data)
    assert old in raw
    return zlib.compress(raw.replace(old, new))


USER_DATA = {
    "annotator entry is a list": ([{"annotator": [1, 2]}], 'document 1: user_data["annotator"] must be a map, got a list'),
    "meta is a list": ([{"annotator": {"meta": [1, 2]}}], 'document 1: user_data["annotator"]["meta"] must be a map, got a list'),
    "span info of two items": ([{"annotator": {"spans": [[0, 5]]}}], 'document 1: user_data["annotator"]["spans"] #1 must be [start, end, label,'),
    "spans is a number": ([{"annotator": {"spans": 5}}], 'document 1: user_data["annotator"]["spans"] must be a list, got a number'),
    "label name is a number": ([{"annotator": {"labels": [{"name": 5}]}}], 'label scheme in document 1: label #1: "name" must be a string'),
    "label description is a list": ([{"annotator": {"labels": [{"name": "X", "description": [1]}]}}], '"description" must be a string, got a list'),
    "title is a number": ([{"annotator": {"meta": {"title": 5}}}], "document 1: meta.title must be a string"),
    "bytes in meta": ([{"annotator": {"meta": {"k": b"\x00\x01"}}}], 'document 1: user_data["annotator"].meta.k is bytes, not a JSON value'),
    "a number as a meta key": ([{"annotator": {"meta": {1: "a"}}}], 'document 1: user_data["annotator"].meta has a key that is not a string'),
}


@pytest.mark.parametrize("case", USER_DATA, ids=list(USER_DATA))
def test_docbin_user_data_of_unexpected_types_is_refused_per_document(capsys, db, tmp_path, case):
    user_data, message = USER_DATA[case]
    src = tmp_path / "in.spacy"
    src.write_bytes(docbin_bytes(user_data))
    refused(capsys, db, src, f"{src}: ", message)


RAW_USER_DATA = {
    "nested 5000 deep": (b"\x81\xa9annotator\x81\xa4meta\x81\xa1x" + b"\x91" * 5000 + b"\xc0", "user_data is nested too deep to read"),
    "nested 150 deep": (b"\x81\xa9annotator\x81\xa4meta\x81\xa1x" + b"\x91" * 150 + b"\xc0", 'user_data["annotator"] is nested more than 100 levels deep'),
    "a list, not a map": (b"\x92\x01\x02", "user_data must be a map, got a list"),
    "not msgpack": (b"\xc1", "user_data is not readable"),
}


@pytest.mark.parametrize("case", RAW_USER_DATA, ids=list(RAW_USER_DATA))
def test_docbin_raw_user_data_is_refused_per_document(capsys, db, tmp_path, case):
    import spacy
    from spacy.tokens import DocBin

    raw, message = RAW_USER_DATA[case]
    nlp = spacy.blank("en")
    docbin = DocBin(store_user_data=True, docs=[nlp("Fine text."), nlp("Marie Curie won.")])
    docbin.user_data[1] = raw  # msgpack as another program could have written it
    src = tmp_path / "in.spacy"
    src.write_bytes(docbin.to_bytes())
    refused(capsys, db, src, f"{src}: ", f"document 2: {message}")


def test_docbin_with_lone_surrogates_is_refused(capsys, db, tmp_path):
    src = tmp_path / "user.spacy"
    # msgpack strings are UTF-8: a surrogate can only come as its (invalid) UTF-8 bytes.
    src.write_bytes(replaced(docbin_bytes([{"annotator": {"meta": {"k": "XQX"}}}]), b"\xa3XQX", b"\xa3\xed\xa0\x80"))
    refused(capsys, db, src, f"{src}: ", "document 1: user_data holds a string that is not valid UTF-8")
    text = tmp_path / "text.spacy"
    text.write_bytes(replaced(docbin_bytes([None], ["Marie XQX won."]), b"\xa3XQX", b"\xa3\xed\xa0\x80"))
    refused(capsys, db, text, f"{text}: ", "not a spaCy DocBin file (UnicodeDecodeError")


def test_docbin_bombs_are_refused_before_they_are_inflated_or_built(capsys, db, tmp_path, monkeypatch):
    import spacy
    from spacy.tokens import Doc, DocBin

    # Tokens that all point at one long string (each followed by a space): a small file, 101 M characters of text.
    words = ["a" * 1_000_000] * 101
    docbin = DocBin(store_user_data=True, docs=[Doc(spacy.blank("en").vocab, words=words)])
    claims = tmp_path / "claims.spacy"
    claims.write_bytes(docbin.to_bytes())
    assert claims.stat().st_size < 100_000
    refused(capsys, db, claims, f"{claims}: ", "document 1: text of 101,000,101 characters is longer than 100,000,000, the limit for one document")

    bomb = tmp_path / "bomb.spacy"
    bomb.write_bytes(zlib.compress(b"\x00" * (4 << 20), 9))  # 4 MiB in ~4 KB
    monkeypatch.setattr(limits, "MAX_DOCBIN_INFLATED_BYTES", 1 << 20)
    refused(capsys, db, bomb, f"{bomb}: ", "inflates to more than 1 MiB, the limit for a DocBin's content")

    monkeypatch.setattr(limits, "MAX_DOCBIN_TEXT_CHARS", 20)
    two = tmp_path / "two.spacy"
    two.write_bytes(docbin_bytes([None, None]))
    refused(capsys, db, two, f"{two}: ", "its texts hold more than 20 characters, the limit for one DocBin")

    big = sparse(tmp_path / "big.spacy")
    refused(capsys, db, big, f"{big}: ", "1 GiB: larger than 256 MiB, the limit for a .spacy file")
    junk = tmp_path / "junk.spacy"
    junk.write_bytes(b"not a docbin")
    refused(capsys, db, junk, f"{junk}: ", "not a spaCy DocBin file (not zlib-compressed")


# -- label schemes: sidecar, validate --labels, labels import --------------------------


SCHEMES = {
    "deep": ('{"labels": %s%s}' % ("[" * 3000, "]" * 3000), 1, "nested more than 100 levels deep"),
    "lone surrogate in a name": ('{"labels": [\n{"name": "X%s"}]}' % LONE, 2, "lone surrogate"),
    "big int": ('{"labels": [{"name": "X", "description": %d}]}' % BIG, 1, "outside the 64-bit range"),
    "number as a description": ('{"labels": [{"name": "X", "description": 7}]}', None, '"description" must be a string, got a number'),
}


@pytest.mark.parametrize("case", SCHEMES, ids=list(SCHEMES))
def test_hostile_label_schemes_beside_a_file_and_given_to_validate(capsys, db, tmp_path, case):
    content, line, message = SCHEMES[case]
    src = jsonl(tmp_path / "in.jsonl", GOOD)
    scheme = tmp_path / "in.labels.json"
    scheme.write_text(content, encoding="utf-8")
    where = f"{scheme}:{line}: " if line else f"{scheme}: "
    refused(capsys, db, src, where, message)
    other = jsonl(tmp_path / "other" / "in.jsonl", GOOD)
    code, err, _ = run(capsys, db, "validate", "--labels", scheme, other)
    assert code == 1
    error = one_error(err)
    assert error.startswith(where) and message in error


def test_a_huge_label_scheme_is_refused_on_its_size(capsys, db, tmp_path):
    src = jsonl(tmp_path / "in.jsonl", GOOD)
    scheme = sparse(tmp_path / "in.labels.json")
    refused(capsys, db, src, f"{scheme}: ", "1 GiB: larger than 4 MiB, the limit for a label scheme")
    code, err, _ = run(capsys, db, "validate", "--labels", "/dev/zero", src)
    assert code == 1 and one_error(err) == "/dev/zero: larger than 4 MiB, the limit for a label scheme; split it into smaller files"


@pytest.mark.parametrize("case", [*SCHEMES, "1 GB"])
def test_labels_import_refuses_hostile_schemes_with_file_and_line(capsys, db, tmp_path, case):
    scheme = tmp_path / "labels.json"
    if case == "1 GB":
        sparse(scheme)
        line, message = None, "larger than 4 MiB, the limit for a label scheme"
    else:
        content, line, message = SCHEMES[case]
        scheme.write_text(content, encoding="utf-8")
    before = dump(db)
    code, err, _ = run(capsys, db, "labels", "import", scheme)
    assert code == 1
    error = one_error(err)
    assert error.startswith(f"{scheme}:{line}: " if line else f"{scheme}: ") and message in error
    assert dump(db) == before


# -- brat, as far as the shared readers reach ------------------------------------------


def test_brat_bad_bytes_and_huge_offsets(capsys, db, tmp_path):
    (tmp_path / "d.txt").write_text("Marie Curie won.\n", encoding="utf-8")
    ann = tmp_path / "d.ann"
    ann.write_bytes(b"T1\tPERSON 0 5\tMarie\nT2\tPERSON 6 11\tCur\xed\xa0\x80\n")
    refused(capsys, db, ann, f"{ann}: ", "not valid utf-8 at byte")
    ann.write_text("T1\tPERSON 0 %s\tMarie\n" % ("9" * 5000), encoding="utf-8")
    refused(capsys, db, ann, f"{ann}:1: ", "offset")


def test_a_1gb_brat_text_is_refused_on_its_size(capsys, db, tmp_path):
    sparse(tmp_path / "d.txt")
    ann = tmp_path / "d.ann"
    ann.write_text("T1\tPERSON 0 5\tMarie\n", encoding="utf-8")
    before = dump(db)
    code, err, _ = run(capsys, db, "import", ann)
    assert code == 1 and "larger than 128 MiB" in one_error(err) and str(tmp_path / "d.txt") in one_error(err)
    assert dump(db) == before


# -- a damaged database on export -----------------------------------------------------------


@pytest.fixture
def filled(tmp_path):
    """A database of 300 documents with spans and metadata."""
    path = tmp_path / "filled.db"
    src = tmp_path / "fill" / "in.jsonl"
    lines = [
        json.dumps({"text": f"Marie Curie wrote note {i}. " + "Lorem ipsum dolor sit amet. " * 60,
                    "spans": [{"start": 0, "end": 11, "label": "PERSON"}], "meta": {"k": i}})
        for i in range(300)
    ]
    jsonl(src, *lines)
    assert cli.main(["--db", str(path), "import", str(src)]) == 0
    return path


@pytest.mark.parametrize("fmt", ["jsonl", "doccano", "spacy", "conll"])
def test_rows_with_unreadable_meta_are_exported_and_named(capsys, filled, tmp_path, fmt):
    con = sqlite3.connect(filled)
    con.execute("UPDATE documents SET meta = '{not json' WHERE id = 3")
    con.execute("UPDATE documents SET meta = '[1, 2]' WHERE id = 5")
    con.execute("UPDATE documents SET meta = ? WHERE id = 7", (json.dumps({"x": BIG}),))
    con.commit()
    con.close()
    before = dump(filled)
    out = tmp_path / f"out.{fmt}"
    code, err, stdout = run(capsys, filled, "export", out, "--format", fmt)
    assert code == 0 and "exported 300 document(s)" in stdout, err
    warnings = [line for line in err if "meta column" in line]
    assert warnings == [
        f"annotator: warning: {filled}: document 3: its meta column cannot be read (not valid JSON: "
        "Expecting property name enclosed in double quotes (column 2)); exported without its metadata, the row is unchanged",
        f"annotator: warning: {filled}: document 5: its meta column cannot be read (JSON but not an object (list)); "
        "exported without its metadata, the row is unchanged",
        f"annotator: warning: {filled}: document 7: its meta column cannot be read (integer {BIG} is outside the 64-bit "
        "range (-9223372036854775808 to 18446744073709551615) that exports can carry (column 7)); exported without its "
        "metadata, the row is unchanged",
    ]
    assert dump(filled) == before
    if fmt == "jsonl":
        records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
        assert [r["meta"].get("k") for r in records[:8]] == [0, 1, None, 3, None, 5, None, 7]


def corrupt(path: Path) -> None:
    """Overwrite the middle third of the file (document pages) with garbage."""
    size = path.stat().st_size
    with open(path, "r+b") as handle:
        handle.seek(size // 3 // 4096 * 4096)
        handle.write(b"\xde\xad\xbe\xef" * (size // 12))


def test_export_of_a_database_with_corrupt_pages_names_it_and_leaves_the_output(capsys, filled, tmp_path):
    corrupt(filled)
    out = tmp_path / "out.jsonl"
    out.write_text("the previous export\n", encoding="utf-8")
    code, err, _ = run(capsys, filled, "export", out)
    assert code == 1
    assert one_error(err) == (
        f"{filled}: the database file is damaged (database disk image is malformed); nothing was exported "
        f"({out} is untouched). Recover what it holds into a new file with: sqlite3 {filled} .recover | "
        f"sqlite3 {filled}.recovered (then use --db {filled}.recovered)"
    )
    assert out.read_text(encoding="utf-8") == "the previous export\n"
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".partial")]


# -- the real process: no traceback reaches the terminal --------------------------------------


def test_the_real_command_prints_one_line_for_hostile_input(tmp_path, cli_env, filled):
    def annotator(*args):
        proc = subprocess.run([sys.executable, "-m", "annotator", *map(str, args)], env=cli_env, capture_output=True, text=True, timeout=120)
        TALLY["inputs"] += 1
        assert "Traceback" not in proc.stdout + proc.stderr, proc.stderr
        return proc

    db = tmp_path / "real.db"
    big = sparse(tmp_path / "big.txt")
    proc = annotator("--db", db, "import", big)
    assert proc.returncode == 1 and proc.stderr.splitlines()[0] == (
        f"annotator: error: {big}: 1 GiB: larger than 128 MiB, the limit for a text file; split it into smaller files"
    )
    deep = jsonl(tmp_path / "deep.jsonl", '{"text": "a", "meta": %s%s}' % ("[" * 5000, "]" * 5000))
    proc = annotator("--db", db, "validate", deep)
    assert proc.returncode == 1 and proc.stderr.startswith(f"annotator: error: {deep}:1: nested more than 100 levels deep")
    copy = tmp_path / "copy.db"
    shutil.copy(filled, copy)
    corrupt(copy)
    proc = annotator("--db", copy, "export", tmp_path / "out.spacy")
    assert proc.returncode == 1 and proc.stderr.count("\n") == 1 and ".recover" in proc.stderr
