"""Nothing the user owns is destroyed or misplaced by an export or by opening a database.

- a brat export into a folder never removes or overwrites a file it did not write (a brat
  project that was imported, files added by hand, files edited since the export) unless
  ``--force``, which names them; the folder keeps its mode;
- an export writes through a link to its target, refuses FIFOs, devices, sockets and folders
  without opening them (opening a FIFO for writing blocks), and gives new files the umask;
- a database path with ``?``, ``#``, ``%41``, spaces or any script is that file, read-write and
  read-only, with nothing stray beside it and labels kept as saved;
- temporary files a killed export left are removed by the next export of the same target, and
  nothing else is.

Real files, FIFOs, links and processes; counted in tests/reliability/tally.py.
"""

from __future__ import annotations

import hashlib
import os
import signal
import socket
import stat
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from annotator.cli import main
from annotator.core.model import Label, Span
from annotator.formats import atomic, folder_export
from annotator.formats import partials as partial_files
from annotator.store import Store
from annotator.store.database import HEAD_REVISION, backup, current_revision
from tests.reliability.tally import TALLY

ROOT = Path(__file__).resolve().parents[2]
TEXT = "Marie Curie met Pierre Curie in Paris."


# -- helpers ---------------------------------------------------------------------------------


def run(capsys, db: Path, *args) -> tuple[int, str, str]:
    code = main(["--db", str(db), *map(str, args)])
    out, err = capsys.readouterr()
    return code, out, err


def snapshot(folder: Path) -> dict[str, tuple[int, str, bytes | str]]:
    """Every entry under ``folder``: mode, kind and content (links: their target)."""
    found = {".": (stat.S_IMODE(os.stat(folder).st_mode), "dir", b"")}
    for path in sorted(folder.rglob("*")):
        st = os.lstat(path)
        if stat.S_ISLNK(st.st_mode):
            found[str(path.relative_to(folder))] = (0, "link", os.readlink(path))
        elif stat.S_ISREG(st.st_mode):
            found[str(path.relative_to(folder))] = (stat.S_IMODE(st.st_mode), "file", path.read_bytes())
        else:
            found[str(path.relative_to(folder))] = (stat.S_IMODE(st.st_mode), atomic.kind_of(st.st_mode), b"")
    return found


def partials(*folders: Path) -> list[str]:
    return sorted(p.name for folder in folders for p in folder.rglob("*") if p.name.endswith((".partial", ".old")))


@contextmanager
def never_blocks_on(fifo: Path, seconds: float = 10.0):
    """Fail (instead of hanging) if the code under test opens ``fifo`` for writing: after
    ``seconds`` a reader opens it, which releases a blocked writer."""
    opened = []
    done = threading.Event()

    def watchdog():
        if not done.wait(seconds):
            opened.append(True)
            fd = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
            time.sleep(0.5)
            os.close(fd)

    thread = threading.Thread(target=watchdog, daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join()
    assert not opened, f"{fifo} was opened for writing (the export blocked on it)"


@contextmanager
def umask(value: int):
    old = os.umask(value)
    try:
        yield
    finally:
        os.umask(old)


def brat_project(folder: Path) -> Path:
    """A brat project of the user's own, with what brat has and we do not keep."""
    folder.mkdir(parents=True)
    (folder / "a.txt").write_text(TEXT, encoding="utf-8")
    (folder / "a.ann").write_text(
        "T1\tPERSON 0 11\tMarie Curie\nT2\tPERSON 16 28\tPierre Curie\nR1\tMarried Arg1:T1 Arg2:T2\nA1\tVerified T1\n",
        encoding="utf-8",
    )
    (folder / "annotation.conf").write_text(
        "[entities]\nPERSON\nGPE\n[relations]\nMarried Arg1:PERSON, Arg2:PERSON\n[events]\n[attributes]\nVerified Arg:PERSON\n",
        encoding="utf-8",
    )
    (folder / "tools.conf").write_text("[search]\n", encoding="utf-8")
    (folder / "NOTES.md").write_text("How we annotate.\n", encoding="utf-8")
    os.chmod(folder, 0o755)
    return folder


def filled_db(tmp_path: Path, *texts: str) -> Path:
    db = tmp_path / "corpus.db"
    for number, text in enumerate(texts or (TEXT,)):
        source = tmp_path / "src" / f"doc{number}.txt"
        source.parent.mkdir(exist_ok=True)
        source.write_text(text, encoding="utf-8")
    assert main(["--db", str(db), "import", str(tmp_path / "src")]) == 0
    return db


# -- brat export over the user's own folder ---------------------------------------------------


def test_brat_export_over_an_imported_brat_project_is_refused_naming_every_file(tmp_path, capsys):
    project = brat_project(tmp_path / "myproj")
    db = tmp_path / "w.db"
    assert run(capsys, db, "import", project)[0] == 0
    before = snapshot(project)

    code, out, err = run(capsys, db, "export", project, "--format", "brat")
    assert code == 1 and out == ""
    assert err == (
        f"annotator: error: {project}: this brat export would overwrite 3 file(s) it did not write: "
        "a.ann, a.txt, annotation.conf; nothing was written. Choose a new or empty folder, or add --force to overwrite them\n"
    )
    assert snapshot(project) == before  # every file, byte for byte, and the folder's mode 755
    assert partials(tmp_path) == []
    TALLY["trials"] += 1
    TALLY["inputs"] += len(before)
    TALLY["lost"] += sum(1 for name, entry in before.items() if snapshot(project).get(name) != entry)

    code, out, err = run(capsys, db, "export", project, "--format", "brat", "--force")
    assert code == 0
    assert err == (
        f"annotator: warning: {project}: --force: overwrote 3 file(s) the export had not written or that were "
        "changed since: a.ann, a.txt, annotation.conf\n"
    )
    after = snapshot(project)
    assert after["."] == before["."]  # the same folder, same mode
    assert {name: after[name] for name in ("NOTES.md", "tools.conf")} == {name: before[name] for name in ("NOTES.md", "tools.conf")}
    assert after["a.ann"][0] == before["a.ann"][0] == 0o644  # a replaced file keeps its mode
    assert sorted(after) == sorted([*before, "kb_shortcuts.conf", "visual.conf", folder_export.MANIFEST])
    assert partials(tmp_path) == []
    TALLY["trials"] += 1


def test_re_export_replaces_only_its_own_unchanged_files_and_keeps_the_rest(tmp_path, capsys):
    db = filled_db(tmp_path, TEXT, "Ada Lovelace wrote in London.")
    out = tmp_path / "out"
    with umask(0o027):
        assert run(capsys, db, "export", out, "--format", "brat")[0] == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o750  # the umask, not mkdtemp's 700
    assert {stat.S_IMODE(p.stat().st_mode) for p in out.iterdir()} == {0o640}
    assert sorted(p.name for p in out.iterdir()) == [
        folder_export.MANIFEST, "annotation.conf", "doc0.ann", "doc0.txt", "doc1.ann", "doc1.txt", "kb_shortcuts.conf", "visual.conf"
    ]
    (out / "README.md").write_text("mine", encoding="utf-8")
    os.chmod(out / "doc0.ann", 0o600)

    # Re-exported: its own files are replaced (keeping their mode), the user's kept.
    code, _, err = run(capsys, db, "export", out, "--format", "brat")
    assert (code, err) == (0, "")
    assert (out / "README.md").read_text() == "mine"
    assert stat.S_IMODE((out / "doc0.ann").stat().st_mode) == 0o600

    # An exported file edited since (as in brat) is not the export's any more.
    (out / "doc1.ann").write_text("T1\tPERSON 0 12\tAda Lovelace\nR1\tWrote Arg1:T1 Arg2:T1\n", encoding="utf-8")
    before = snapshot(out)
    code, _, err = run(capsys, db, "export", out, "--format", "brat")
    assert code == 1
    assert err == (
        f"annotator: error: {out}: this brat export would overwrite 1 file(s) changed since an earlier export wrote them: "
        "doc1.ann; nothing was written. Choose a new or empty folder, or add --force to overwrite them\n"
    )
    assert snapshot(out) == before

    # A document no longer exported: its unchanged files go, its edited .ann stays (named).
    with Store(db) as store:
        store.set_status(2, "done")
    code, _, err = run(capsys, db, "export", out, "--format", "brat", "--status", "new")
    assert code == 0
    assert err == (
        f"annotator: warning: {out}: kept 1 file(s) of an earlier export that were changed since it wrote them "
        "(this export does not write them): doc1.ann\n"
    )
    assert sorted(p.name for p in out.iterdir()) == [
        folder_export.MANIFEST, "README.md", "annotation.conf", "doc0.ann", "doc0.txt", "doc1.ann", "kb_shortcuts.conf", "visual.conf"
    ]
    assert (out / "doc1.ann").read_bytes() == before["doc1.ann"][2]
    assert partials(tmp_path) == []
    TALLY["trials"] += 4
    TALLY["inputs"] += 2


def test_an_empty_folder_or_a_link_to_a_folder_is_filled_in_place(tmp_path, capsys):
    db = filled_db(tmp_path)
    empty = tmp_path / "empty"
    empty.mkdir(mode=0o751)
    os.chmod(empty, 0o751)
    inode = empty.stat().st_ino
    assert run(capsys, db, "export", empty, "--format", "brat")[0] == 0
    assert (empty.stat().st_ino, stat.S_IMODE(empty.stat().st_mode)) == (inode, 0o751)
    assert (empty / "doc0.ann").exists()

    real, link = tmp_path / "elsewhere" / "brat", tmp_path / "link"
    real.mkdir(parents=True)
    link.symlink_to(real, target_is_directory=True)
    assert run(capsys, db, "export", link, "--format", "brat")[0] == 0
    assert link.is_symlink() and (real / "doc0.ann").exists()
    assert partials(tmp_path) == []
    TALLY["trials"] += 2


def test_a_merge_cut_short_leaves_files_the_next_export_still_owns(tmp_path, capsys, monkeypatch):
    db = filled_db(tmp_path, TEXT, "Ada Lovelace wrote in London.", "Alan Turing worked in Manchester.")
    out = tmp_path / "out"
    assert run(capsys, db, "export", out, "--format", "brat")[0] == 0
    (out / "mine.txt").write_text("mine")
    real_replace = os.replace
    for cut in range(1, 12):  # the manifest, 9 files, the manifest again: a crash before each
        calls = {"n": 0}

        def crashing(src, dst, *args, **kwargs):
            calls["n"] += 1
            if calls["n"] == cut:
                raise OSError(5, "Input/output error (injected)")
            return real_replace(src, dst, *args, **kwargs)

        with Store(db) as store:  # a change to every file, so the next export differs from this one
            store.save_labels([Label("PERSON", f"#0000{cut:02d}", None, "")])
            for doc_id in (1, 2, 3):
                store.add_span(doc_id, Span(cut, cut + 1, "PERSON"))
        monkeypatch.setattr(atomic.os, "replace", crashing)
        code, _, err = run(capsys, db, "export", out, "--format", "brat")
        monkeypatch.setattr(atomic.os, "replace", real_replace)
        assert code == 1 and "Input/output error (injected)" in err
        TALLY["faults"] += 1
        code, _, err = run(capsys, db, "export", out, "--format", "brat")
        assert code == 0, err
        assert (out / "mine.txt").read_text() == "mine" and folder_export.earlier_export(out)
        assert partials(tmp_path) == []
        TALLY["trials"] += 1


def test_a_folder_whose_parent_cannot_be_written_is_staged_inside_and_cleaned(tmp_path, capsys, monkeypatch):
    db = filled_db(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    gone = dead_pid()
    left = out / f"..annotator-export.{partial_files._HOST}-{gone}-0123abcd.partial"
    left.mkdir()
    (left / "doc0.txt").write_text("what a killed export staged")
    real_mkdir = os.mkdir

    def no_room_beside(path, *args, **kwargs):
        if Path(path).parent == tmp_path:
            raise PermissionError(13, "Permission denied", str(path))
        return real_mkdir(path, *args, **kwargs)

    monkeypatch.setattr(atomic.os, "mkdir", no_room_beside)
    assert run(capsys, db, "export", out, "--format", "brat")[0] == 0
    assert sorted(p.name for p in out.iterdir()) == [
        folder_export.MANIFEST, "annotation.conf", "doc0.ann", "doc0.txt", "kb_shortcuts.conf", "visual.conf"
    ]
    TALLY["trials"] += 1
    TALLY["faults"] += 1


def test_brat_names_that_are_folders_links_or_fifos_are_never_replaced_even_with_force(tmp_path, capsys):
    db = filled_db(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    os.mkfifo(out / "doc0.txt")
    (out / "doc0.ann").symlink_to(tmp_path / "precious.ann")
    (tmp_path / "precious.ann").write_text("mine", encoding="utf-8")
    (out / "visual.conf").mkdir()
    before = snapshot(out)
    with never_blocks_on(out / "doc0.txt"):
        code, _, err = run(capsys, db, "export", out, "--format", "brat", "--force")
    assert code == 1
    assert err == (
        f"annotator: error: {out}: the export would have to replace doc0.ann (a link), doc0.txt (a FIFO (named pipe)), "
        "visual.conf (a folder), which an export never replaces; nothing was written (move them away or choose a new or empty folder)\n"
    )
    assert snapshot(out) == before and (tmp_path / "precious.ann").read_text() == "mine"
    assert partials(tmp_path) == []
    TALLY["trials"] += 1
    TALLY["inputs"] += 3


def test_brat_output_that_is_a_file_or_a_fifo_is_refused(tmp_path, capsys):
    db = filled_db(tmp_path)
    fifo, plain = tmp_path / "fifo", tmp_path / "plain"
    os.mkfifo(fifo)
    plain.write_text("mine")
    with never_blocks_on(fifo):
        code, _, err = run(capsys, db, "export", fifo, "--format", "brat")
    assert (code, err) == (1, f"annotator: error: {fifo} is a FIFO (named pipe), not a folder; a brat export writes a folder (choose a new or empty folder); nothing was written\n")
    code, _, err = run(capsys, db, "export", plain, "--format", "brat")
    assert (code, err) == (1, f"annotator: error: {plain} is a regular file, not a folder; a brat export writes a folder (choose a new or empty folder); nothing was written\n")
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode) and plain.read_text() == "mine"
    TALLY["trials"] += 2
    TALLY["inputs"] += 2


# -- links, FIFOs, devices, sockets, umask ------------------------------------------------------


FILE_FORMATS = [("out.jsonl", "jsonl"), ("out.jsonl", "prodigy"), ("out.jsonl", "doccano"), ("out.conll", "conll"), ("out.spacy", "spacy")]


@pytest.mark.parametrize("name, fmt", FILE_FORMATS)
def test_an_export_writes_through_a_link_to_its_target_and_keeps_the_link(tmp_path, capsys, name, fmt):
    db = filled_db(tmp_path)
    target = tmp_path / "real" / name
    target.parent.mkdir()
    target.write_bytes(b"the previous export")
    os.chmod(target, 0o604)
    link = tmp_path / name
    link.symlink_to(target)
    assert run(capsys, db, "export", link, "--format", fmt)[0] == 0
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert target.read_bytes() != b"the previous export" and target.stat().st_size > 0
    assert stat.S_IMODE(target.stat().st_mode) == 0o604  # the replaced file's mode
    assert partials(tmp_path) == []

    dangling = tmp_path / f"dangling-{name}"
    dangling.symlink_to(tmp_path / "real" / f"new-{name}")
    with umask(0o077):
        assert run(capsys, db, "export", dangling, "--format", fmt)[0] == 0
    assert dangling.is_symlink() and stat.S_IMODE((tmp_path / "real" / f"new-{name}").stat().st_mode) == 0o600
    with umask(0o022):
        assert run(capsys, db, "export", tmp_path / f"plain-{name}", "--format", fmt)[0] == 0
    assert stat.S_IMODE((tmp_path / f"plain-{name}").stat().st_mode) == 0o644  # not mkstemp's 600
    assert partials(tmp_path) == []
    TALLY["trials"] += 3


def special_files(tmp_path: Path) -> list[tuple[Path, str]]:
    """A FIFO, a socket, a character device (root only) and a folder, with their kinds."""
    fifo = tmp_path / "fifo.jsonl"
    os.mkfifo(fifo)
    found = [(fifo, "a FIFO (named pipe)")]
    sock_path = tmp_path / "sock.jsonl"
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(sock_path))
    found.append((sock_path, "a socket"))
    try:
        os.mknod(tmp_path / "null.jsonl", 0o666 | stat.S_IFCHR, os.makedev(1, 3))  # like /dev/null
        found.append((tmp_path / "null.jsonl", "a character device"))
    except PermissionError:
        pass
    (tmp_path / "folder.jsonl").mkdir()
    found.append((tmp_path / "folder.jsonl", "a folder"))
    return found


def test_fifos_devices_sockets_and_folders_are_refused_without_opening_them(tmp_path, capsys):
    db = filled_db(tmp_path)
    capsys.readouterr()
    (tmp_path / "x").mkdir()
    specials = special_files(tmp_path / "x")
    fifo = specials[0][0]
    link = tmp_path / "x" / "link.jsonl"
    link.symlink_to(fifo)
    for path, kind in [*specials, (link, "a FIFO (named pipe)")]:
        for fmt in ("jsonl", "prodigy", "doccano", "conll", "spacy"):
            before = os.lstat(path)
            with never_blocks_on(fifo):
                code, out, err = run(capsys, db, "export", path, "--format", fmt)
            shown = f"{path} (a link to {fifo})" if path == link else str(path)
            assert (code, out) == (1, "")
            assert err == f"annotator: error: {shown} is {kind}, not a regular file; nothing was written (an export only writes regular files)\n"
            after = os.lstat(path)
            assert (after.st_mode, after.st_ino, after.st_rdev) == (before.st_mode, before.st_ino, before.st_rdev)
            TALLY["inputs"] += 1
    assert partials(tmp_path) == []
    TALLY["trials"] += 1


def test_a_fifo_where_the_label_sidecar_goes_refuses_before_anything_is_written(tmp_path, capsys):
    db = filled_db(tmp_path)
    out = tmp_path / "out.jsonl"
    out.write_text("the previous export\n")
    os.mkfifo(tmp_path / "out.labels.json")
    with never_blocks_on(tmp_path / "out.labels.json"):
        code, _, err = run(capsys, db, "export", out)
        assert main(["--db", str(db), "labels", "export", str(tmp_path / "out.labels.json")]) == 1
    assert code == 1
    assert err == f"annotator: error: {tmp_path / 'out.labels.json'} is a FIFO (named pipe), not a regular file; nothing was written (an export only writes regular files)\n"
    assert out.read_text() == "the previous export\n"
    assert stat.S_ISFIFO(os.lstat(tmp_path / "out.labels.json").st_mode)
    capsys.readouterr()
    TALLY["trials"] += 2
    TALLY["inputs"] += 1


def test_a_missing_folder_is_named(tmp_path, capsys):
    db = filled_db(tmp_path)
    code, _, err = run(capsys, db, "export", tmp_path / "nowhere" / "out.jsonl")
    assert (code, err) == (1, f"annotator: error: {tmp_path / 'nowhere' / 'out.jsonl'}: the folder {tmp_path / 'nowhere'} does not exist; nothing was written\n")
    TALLY["trials"] += 1


# -- database paths --------------------------------------------------------------------------


def files_of(folder: Path) -> list[str]:
    """The names in ``folder``, SQLite's own -wal/-shm beside a database left out (a read-only
    connection cannot remove them; the next read-write one does)."""
    return sorted(p.name for p in folder.iterdir() if not p.name.endswith(("-wal", "-shm")) or not (folder / p.name[:-4]).exists())

ODD_NAMES = ["a?b.db", "pct%41.db", "C# projects/x.db", "with space.db", "ünïcødé €ü 東京.db", "q?mode=ro&x#y.db", "100%.db", "file:odd.db"]


@pytest.mark.parametrize("name", ODD_NAMES)
def test_a_database_path_with_uri_characters_is_that_file(tmp_path, capsys, monkeypatch, name):
    monkeypatch.chdir(tmp_path)  # a relative name too: nothing may land in the working folder
    home = tmp_path / "data"
    home.mkdir()
    db = home / name
    db.parent.mkdir(exist_ok=True)
    source = tmp_path / "article.txt"
    source.write_text(TEXT, encoding="utf-8")
    assert run(capsys, db, "import", source)[0] == 0
    assert files_of(db.parent) == [db.name]  # exactly where named, nothing stray
    assert sorted(p.name for p in tmp_path.iterdir()) == ["article.txt", "data"]

    # Labels saved are kept by the next open (a mangled path made every open a new database).
    with Store(db) as store:
        assert not store.created
        person = next(label for label in store.labels() if label.name == "PERSON")
        saved = Label("PERSON", "#123456", person.hotkey, "people, named")
        store.save_label(saved)
    for _ in range(2):
        with Store(db) as store:
            assert not store.created
            assert next(label for label in store.labels() if label.name == "PERSON") == saved
            assert store.count_documents() == 1
    with Store(db, readonly=True) as store:
        assert store.readonly and store.count_documents() == 1
    assert current_revision(db) == HEAD_REVISION
    copy = backup(db.resolve(), "test")
    assert copy.parent == db.parent.resolve() and copy.name.startswith(f"{db.name}.backup-test-")
    with Store(copy, readonly=True) as store:
        assert store.count_documents() == 1
    for sibling in (copy, Path(f"{copy}-wal"), Path(f"{copy}-shm")):
        sibling.unlink(missing_ok=True)
    # A relative name is the same file.
    rel = os.path.relpath(db, tmp_path)
    code, out, _ = run(capsys, rel, "stats")
    assert code == 0 and out.startswith("documents: 1 ")
    assert files_of(db.parent) == [db.name]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["article.txt", "data"]
    TALLY["trials"] += 1
    TALLY["inputs"] += 1


def test_an_old_database_with_odd_name_is_migrated_in_place_with_its_backup_beside_it(tmp_path):
    old = min((ROOT / "tests" / "fixtures").glob("schema_*.db"))
    assert old.stem != f"schema_{HEAD_REVISION}"
    db = tmp_path / "C# projects" / "old?v=1 %41.db"
    db.parent.mkdir()
    db.write_bytes(old.read_bytes())
    with Store(db) as store:
        assert not store.created and store.count_documents() == 2
        saved = store.backup_path
        assert saved.parent == db.parent and saved.name.startswith(f"{db.name}.backup-")
        labels = store.labels()
    assert current_revision(db) == HEAD_REVISION
    assert current_revision(saved) == old.stem.removeprefix("schema_")
    with Store(db) as store:
        assert store.labels() == labels and store.backup_path is None
    assert files_of(db.parent) == sorted([db.name, saved.name])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["C# projects"]
    TALLY["trials"] += 1


def test_a_read_only_file_with_odd_name_opens_read_only(tmp_path):
    db = tmp_path / "C# projects" / "r?o%41.db"
    db.parent.mkdir()
    with Store(db) as store:
        store.save_labels([Label("PERSON", "#654321", "p", "")])
    with Store(db, readonly=True) as store:
        assert next(l for l in store.labels() if l.name == "PERSON").color == "#654321"
    assert files_of(db.parent) == [db.name]
    TALLY["trials"] += 1


# -- what killed exports leave ----------------------------------------------------------------


def dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_stale_partials_of_the_target_are_removed_and_nothing_else(tmp_path, capsys):
    db = filled_db(tmp_path)
    out = tmp_path / "out.jsonl"
    host, me, gone = partial_files._HOST, os.getpid(), dead_pid()
    now = time.time()
    names = {
        f".out.jsonl.{host}-{gone}-0123abcd.partial": (now, False),  # its process is gone
        f".out.jsonl.{host}-{me}-4567abcd.partial": (now - 10 * 24 * 3600, False),  # our pid, written before we started: reused
        f".out.jsonl.{host}-{me}-89abcdef.partial": (now, True),  # ours, being written right now
        f".out.jsonl.{host}-1-0123abcd.partial": (now, True),  # pid 1 runs and ran when it was written
        f".out.jsonl.abcdef-{gone}-0123abcd.partial": (now - 10 * 24 * 3600, True),  # another host's: we cannot tell
        ".out.jsonl.k3j_9xq2.partial": (now - 2 * 3600, False),  # an older version's, two hours old
        ".out.jsonl.m4n8b2v1.partial": (now - 60, True),  # an older version's, maybe still running
        ".out.jsonl.notes.partial": (now - 10 * 24 * 3600, True),  # not our pattern
        f".other.jsonl.{host}-{gone}-0123abcd.partial": (now, True),  # another target
        f".out.jsonl.{host}-{gone}-0123abcd.partial.txt": (now, True),
    }
    for name, (mtime, _) in names.items():
        (tmp_path / name).write_bytes(b"x" * 1000)
        os.utime(tmp_path / name, (mtime, mtime))
    link = tmp_path / f".out.jsonl.{host}-{gone}-fedcba98.partial"
    link.symlink_to(tmp_path / "corpus.db")  # a link is never removed nor followed
    assert run(capsys, db, "export", out)[0] == 0
    left = {p.name for p in tmp_path.iterdir() if p.name.startswith(".")}
    assert left == {name for name, (_, kept) in names.items() if kept} | {link.name}
    assert (tmp_path / "corpus.db").stat().st_size > 0
    TALLY["trials"] += 1
    TALLY["inputs"] += len(names) + 1


def killed_export(db: Path, out: Path, fmt: str, look_in: Path) -> None:
    """Start an export and SIGKILL it while its temporary file or folder exists."""
    proc = subprocess.Popen([sys.executable, "-m", "annotator", "--db", str(db), "export", str(out), "--format", fmt], cwd=ROOT)
    deadline = time.time() + 120
    mine = f"-{proc.pid}-"  # its own temporary file or folder, not one an earlier kill left
    while time.time() < deadline and proc.poll() is None and not any(mine in p.name and p.name.endswith(".partial") for p in look_in.iterdir()):
        time.sleep(0.005)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    TALLY["faults"] += 1


@pytest.mark.slow
@pytest.mark.parametrize("fmt, name", [("prodigy", "out.jsonl"), ("brat", "out")])
def test_a_killed_export_leaves_a_partial_that_the_next_export_removes(tmp_path, capsys, fmt, name):
    texts = [f"Article {i}: Marie Curie met Pierre Curie in Paris on day {i}." * 20 for i in range(3000)]
    db = filled_db(tmp_path, *texts)
    out = tmp_path / "exports" / name
    out.parent.mkdir()
    if fmt == "brat":
        assert run(capsys, db, "export", out, "--format", fmt)[0] == 0
        (out / "mine.txt").write_text("mine")
        before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in out.iterdir()}
    for _ in range(2):
        killed_export(db, out, fmt, out.parent)
    left = partials(out.parent)
    assert left, "the kill came after the export finished; nothing to clean"
    if fmt == "brat":  # a killed merge leaves the folder as it was, or the export complete
        assert (out / "mine.txt").read_text() == "mine" and set(before) <= {p.name for p in out.iterdir()}
    code, _, _ = run(capsys, db, "export", out, "--format", fmt)
    assert code == 0
    assert partials(out.parent) == []
    TALLY["trials"] += 1


def test_a_name_near_the_file_system_limit_gets_a_temporary_name_that_fits(tmp_path, capsys):
    db = filled_db(tmp_path)
    out = tmp_path / ("é" * 120 + ".jsonl")  # 246 bytes: NAME.partial would not fit in 255
    gone = dead_pid()
    stale = tmp_path / partial_files.partial_name(out.name).replace(f"-{os.getpid()}-", f"-{gone}-")
    stale.write_bytes(b"x" * 1000)
    assert len(os.fsencode(stale.name)) <= 255
    assert run(capsys, db, "export", out)[0] == 0
    assert out.read_text(encoding="utf-8").startswith('{"text"') and not stale.exists()
    assert partials(tmp_path) == []
    TALLY["trials"] += 1
    TALLY["inputs"] += 1
