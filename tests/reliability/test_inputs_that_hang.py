"""Inputs that could hang, leak out of the imported folder or be skipped without a word.

FIFOs are never opened (opening one blocks until a writer comes), links are not followed out
of the imported folder unless asked, and an unreadable folder refuses the import. Each test
runs the real import (and validate) and checks the database afterwards.
"""

from __future__ import annotations

import os
import sqlite3

import pytest

from annotator.cli import main
from annotator.store import Store
from annotator.transfer.importing import import_paths
from annotator.transfer.validating import validate_paths
from tests.reliability.tally import TALLY



def rows(db) -> list:
    con = sqlite3.connect(db)
    try:
        return con.execute("select text from documents order by id").fetchall()
    finally:
        con.close()


def article(folder, name, text):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return folder / name


def test_a_fifo_in_a_folder_is_skipped_with_its_name_and_never_opened(tmp_path):
    corpus = tmp_path / "corpus"
    article(corpus, "a.txt", "An article about Berlin.")
    os.mkfifo(corpus / "b.txt")  # nobody will ever write to it: opening it would block forever
    os.mkfifo(corpus / "c.jsonl")
    with Store(tmp_path / "w.db") as store:
        report = import_paths(store, [corpus])
        assert report.added == 1
        assert [str(p) for p in report.warnings] == [
            f"{corpus / 'b.txt'}: not a regular file (a FIFO); skipped",
            f"{corpus / 'c.jsonl'}: not a regular file (a FIFO); skipped",
        ]
    assert [str(p) for p in validate_paths([corpus]).problems][-1] == f"{corpus / 'c.jsonl'}: not a regular file (a FIFO); skipped"
    TALLY["inputs"] += 2
    TALLY["trials"] += 1


def test_a_named_fifo_or_device_is_refused_without_opening_it(tmp_path, capsys):
    fifo = tmp_path / "in.jsonl"
    os.mkfifo(fifo)
    db = tmp_path / "w.db"
    assert main(["--db", str(db), "import", str(fifo), "/dev/zero"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[:2] == [
        f"annotator: error: {fifo}: not a regular file (a FIFO); only files and folders are imported",
        "annotator: error: /dev/zero: not a regular file (a character device); only files and folders are imported",
    ]
    assert main(["--db", str(db), "validate", str(fifo)]) == 1
    assert rows(db) == []
    TALLY["inputs"] += 3
    TALLY["trials"] += 1


def test_links_out_of_the_folder_are_not_followed_unless_asked(tmp_path):
    outside = article(tmp_path / "elsewhere", "secret.txt", "A private text outside the corpus.")
    corpus = tmp_path / "corpus"
    article(corpus, "a.txt", "An article about Berlin.")
    article(corpus / "sub", "inner.txt", "An article inside the corpus.")
    os.symlink(outside, corpus / "out.txt")
    os.symlink(corpus / "sub" / "inner.txt", corpus / "in.txt")  # a link inside the folder: read
    os.symlink(corpus, corpus / "sub" / "loop")  # a folder link back to the top
    with Store(tmp_path / "w.db") as store:
        report = import_paths(store, [corpus])
        assert sorted(t for (t,) in rows(store.path)) == ["An article about Berlin.", "An article inside the corpus."]
        assert [str(p) for p in report.warnings] == [
            f"{corpus / 'out.txt'}: a link to {outside}, outside the imported folder; skipped (--follow-links imports it)",
            f"{corpus / 'sub' / 'loop'}: a link to the folder {corpus}; skipped (--follow-links follows it)",
        ]
    with Store(tmp_path / "follow.db") as store:
        report = import_paths(store, [corpus], follow_links=True)  # the loop is walked once, then stops
        assert sorted(t for (t,) in rows(store.path)) == [
            "A private text outside the corpus.", "An article about Berlin.", "An article inside the corpus."]
        assert report.warnings == []
    TALLY["inputs"] += 3
    TALLY["trials"] += 2


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every folder")
def test_an_unreadable_subfolder_refuses_the_import_unless_skip_invalid(tmp_path):
    corpus = tmp_path / "corpus"
    article(corpus, "a.txt", "An article about Berlin.")
    locked = corpus / "locked"
    article(locked, "b.txt", "Unreachable.")
    locked.chmod(0)
    try:
        with Store(tmp_path / "w.db") as store:
            with pytest.raises(Exception) as info:
                import_paths(store, [corpus])
            assert f"{locked}: cannot read this folder (Permission denied)" in str(info.value)
            assert rows(store.path) == []
            report = import_paths(store, [corpus], skip_invalid=True)
            assert report.added == 1 and report.skipped_records == 1
    finally:
        locked.chmod(0o755)
    TALLY["faults"] += 1
    TALLY["trials"] += 1


def test_an_unreadable_subfolder_is_reported_as_an_error(tmp_path, monkeypatch):
    """The same refusal where the test runs as root: scandir fails as it would without permission."""
    import annotator.transfer.inputs as inputs

    corpus = tmp_path / "corpus"
    article(corpus, "a.txt", "An article about Berlin.")
    article(corpus / "locked", "b.txt", "Unreachable.")
    real_scandir = os.scandir

    def scandir(path):
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied")
        return real_scandir(path)

    monkeypatch.setattr(inputs.os, "scandir", scandir)
    db = tmp_path / "w.db"
    assert main(["--db", str(db), "import", str(corpus)]) == 1
    assert rows(db) == []
    assert main(["--db", str(db), "import", "--skip-invalid", str(corpus)]) == 1  # imported the rest, still says so
    assert rows(db) == [("An article about Berlin.",)]
    TALLY["faults"] += 1
    TALLY["trials"] += 1
