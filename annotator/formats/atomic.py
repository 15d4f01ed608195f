"""Write a file or a folder's files so that readers see the old one or the complete new one,
never half, and never destroy or misplace what the user owns.

**A file** is written to a temporary file beside its target and renamed over it when complete.
A name that is a link is written through: the temporary file goes beside the link's target and
replaces the target (the link stays). A FIFO, device, socket or folder is refused before
anything is opened (opening a FIFO for writing blocks). A new file gets the user's umask
(created with mode 0o666, as ``open`` does); a replaced file keeps its mode (and, where we may,
its owner).

**A folder export** (brat) is written to a temporary folder, then either renamed into place
(a new folder) or merged into the existing folder file by file: the folder itself, its mode and
every file the export does not write are left alone. A file the export would overwrite must be
one an earlier export wrote and nobody changed since, as the manifest ``.annotator-export.json``
it leaves in the folder says (names, sizes, SHA-256); otherwise the export is refused, naming
the files, unless ``force``. Files of the earlier export that this one no longer writes are
removed if unchanged, and kept (and reported) if edited.

**Temporary files** are named ``.<target>.<host>-<pid>-<random>.partial``. Those that a killed
export left behind are removed by the next export of the same target: only names of this
pattern, from this host, whose process is gone (or started after the file was last written,
so the pid was reused). Names left by versions before the pid was part of them
(``.<target>.<8 characters>.partial``) are removed once they are an hour old.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import shutil
import socket
import stat
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, TextIO

from annotator.core.problems import ExportError

MANIFEST = ".annotator-export.json"
SHOWN = 20  # names listed in one message; the rest are counted
_HOST = hashlib.sha256(socket.gethostname().encode("utf-8", "replace")).hexdigest()[:6]
_TAG = re.compile(r"(?P<host>[0-9a-f]{6})-(?P<pid>\d{1,10})-[0-9a-f]{8}")
_LEGACY_TAG = re.compile(r"[a-z0-9_]{8}")  # tempfile.mkstemp/mkdtemp's names, written by older versions
_LEGACY_AGE = 3600.0
_STAGING = ".annotator-export"  # the staging folder's prefix when it must live inside the folder


class OutputRefused(ExportError):
    """The output cannot be written without destroying something; nothing was written."""


# -- files ----------------------------------------------------------------------------------


@contextmanager
def atomic_text_writer(path: Path) -> Iterator[TextIO]:
    with _atomic_file(path, "w", encoding="utf-8", newline="\n", buffering=1 << 20) as handle:
        yield handle


@contextmanager
def atomic_binary_writer(path: Path) -> Iterator[BinaryIO]:
    with _atomic_file(path, "wb", buffering=1 << 20) as handle:
        yield handle


def check_file_target(path: Path) -> tuple[Path, os.stat_result | None]:
    """Where writing ``path`` lands (links followed) and what is there now (None: nothing).

    Raises OutputRefused for a FIFO, device, socket or folder, and for a missing folder.
    Only stat is used: a FIFO is never opened.
    """
    path = Path(path)
    try:
        st = os.stat(path)  # follows links: /dev/stdout is whatever fd 1 is
    except FileNotFoundError:
        st = None
    if st is not None and not stat.S_ISREG(st.st_mode):
        raise OutputRefused(f"{_shown(path)} is {kind_of(st.st_mode)}, not a regular file; nothing was written (an export only writes regular files)")
    target = Path(os.path.realpath(path))
    if st is None and not target.parent.is_dir():
        raise OutputRefused(f"{_shown(path)}: the folder {target.parent} does not exist; nothing was written")
    return target, st


@contextmanager
def _atomic_file(path: Path, mode: str, **options) -> Iterator:
    """A temporary file beside the target, fsynced and renamed over it when the block ends well."""
    path = Path(path)
    target, existing = check_file_target(path)
    remove_stale_partials(target.parent, target.name)
    tmp = target.parent / partial_name(target.name)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0), 0o666)
    try:
        if existing is not None:
            _keep_owner_and_mode(tmp, fd, existing)
        with os.fdopen(fd, mode, **options) as handle:
            fd = -1
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        check_file_target(path)  # nothing special slipped in while we wrote
        os.replace(tmp, target)
    except BaseException:
        if fd >= 0:
            os.close(fd)
        tmp.unlink(missing_ok=True)
        raise
    _fsync_dir(target.parent)


def _keep_owner_and_mode(tmp: Path, fd: int, existing: os.stat_result) -> None:
    if hasattr(os, "fchown"):
        mine = os.fstat(fd)
        if (mine.st_uid, mine.st_gid) != (existing.st_uid, existing.st_gid):
            try:
                os.fchown(fd, existing.st_uid, existing.st_gid)
            except OSError:
                pass  # not root: the file becomes ours, as any rewrite by us would
    os.chmod(tmp, stat.S_IMODE(existing.st_mode))


def kind_of(mode: int) -> str:
    for test, name in (
        (stat.S_ISDIR, "a folder"),
        (stat.S_ISFIFO, "a FIFO (named pipe)"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISLNK, "a link"),
        (stat.S_ISREG, "a regular file"),
    ):
        if test(mode):
            return name
    return "not a regular file"


def _shown(path: Path) -> str:
    """The name the user gave, and where it leads when it is a link."""
    if os.path.islink(path):
        return f"{path} (a link to {os.path.realpath(path)})"
    return str(path)


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return  # not supported on this platform (Windows)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# -- temporary files a killed export left -------------------------------------------------------


def partial_name(name: str) -> str:
    return f".{_short(name)}.{_HOST}-{os.getpid()}-{secrets.token_hex(4)}.partial"


def _short(name: str, limit: int = 200) -> str:
    """``name``, or for a name near the file system's 255 bytes, its start and a hash of it."""
    if len(os.fsencode(name)) <= limit:
        return name
    digest = hashlib.sha256(os.fsencode(name)).hexdigest()[:12]
    while len(os.fsencode(name)) > limit - 13:
        name = name[:-1]
    return f"{name}~{digest}"


def remove_stale_partials(folder: Path, name: str) -> list[str]:
    """Remove what killed exports of ``name`` left in ``folder``; returns the names removed.

    Only our own naming pattern for that name, from this host, whose process is gone or
    started after the file was last written; older versions' names once they are an hour old.
    Links are never followed or removed.
    """
    prefix, suffix, removed = f".{_short(name)}.", ".partial", []
    try:
        scan = os.scandir(folder)
    except OSError:
        return removed
    with scan:
        for entry in scan:
            if not (entry.name.startswith(prefix) and entry.name.endswith(suffix)) or len(entry.name) <= len(prefix) + len(suffix):
                continue
            try:
                st = entry.stat(follow_symlinks=False)
                if stat.S_ISLNK(st.st_mode) or not _stale(entry.name[len(prefix) : -len(suffix)], st.st_mtime):
                    continue
                if stat.S_ISDIR(st.st_mode):
                    shutil.rmtree(entry.path)
                elif stat.S_ISREG(st.st_mode):
                    os.unlink(entry.path)
                else:
                    continue
            except OSError:
                continue  # in use (Windows), gone already, or not ours to remove
            removed.append(entry.name)
    return removed


def _stale(tag: str, mtime: float) -> bool:
    match = _TAG.fullmatch(tag)
    if match:
        return match["host"] == _HOST and not _may_be_writing(int(match["pid"]), mtime)
    if _LEGACY_TAG.fullmatch(tag):
        return time.time() - mtime > _LEGACY_AGE
    return False


def _may_be_writing(pid: int, mtime: float) -> bool:
    """Whether process ``pid`` runs and was already running when the file was last written."""
    if pid <= 0:
        return False
    if os.name == "nt":
        return _windows_process_runs(pid)
    try:
        os.kill(pid, 0)  # signal 0: is there such a process (nothing is sent)
    except ProcessLookupError:
        return False
    except OSError:
        pass  # EPERM: it runs, as another user
    started = _process_start(pid)
    return started is None or mtime >= started - 2.0  # /proc times are rounded to the second


def _process_start(pid: int) -> float | None:
    """When a process started (seconds since the epoch), on Linux; None elsewhere."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            fields = handle.read().rsplit(b")", 1)[1].split()
        with open("/proc/stat", "rb") as handle:
            boot = next(int(line.split()[1]) for line in handle if line.startswith(b"btime "))
        return boot + int(fields[19]) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError, StopIteration):
        return None


def _windows_process_runs(pid: int) -> bool:  # pragma: no cover - Windows only
    import ctypes

    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
    handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
    if not handle:
        return ctypes.get_last_error() != 87  # ERROR_INVALID_PARAMETER: no such process
    try:
        code = ctypes.c_ulong()
        return not kernel32.GetExitCodeProcess(handle, ctypes.byref(code)) or code.value == 259  # STILL_ACTIVE
    finally:
        kernel32.CloseHandle(handle)


# -- folders ----------------------------------------------------------------------------------


@dataclass
class FolderExport:
    """A folder export under way: write files into ``staging``; see ``replaced`` and ``kept`` after."""

    out: Path
    staging: Path
    kind: str
    replaced: list[str] = field(default_factory=list)  # files the export had not written, overwritten (force)
    kept: list[str] = field(default_factory=list)  # files of an earlier export, edited since: left as they are
    removed: list[str] = field(default_factory=list)  # files of an earlier export this one no longer writes


@contextmanager
def export_folder(out: Path, kind: str, *, force: bool = False) -> Iterator[FolderExport]:
    """Yield a FolderExport whose ``staging`` folder the caller fills; when the block ends well
    its files take their place in ``out`` (see the module docstring). If anything fails or is
    refused, ``out`` is untouched.

    Clashes are looked for once every file is staged, so that a refusal names all of them.
    """
    out = Path(out)
    try:
        st = os.stat(out)
    except FileNotFoundError:
        st = None
    if st is not None and not stat.S_ISDIR(st.st_mode):
        raise OutputRefused(f"{_shown(out)} is {kind_of(st.st_mode)}, not a folder; a {kind} export writes a folder (choose a new or empty folder); nothing was written")
    folder = Path(os.path.realpath(out))
    if st is None and not folder.parent.is_dir():
        raise OutputRefused(f"{_shown(out)}: the folder {folder.parent} does not exist; nothing was written")
    remove_stale_partials(folder.parent, folder.name)
    if st is not None:
        remove_stale_partials(folder, _STAGING)
    staging = _make_staging(folder, exists=st is not None)
    export = FolderExport(out, staging, kind)
    try:
        yield export
        if os.path.lexists(folder) or st is not None:
            _merge(export, folder, force)
        else:
            _write_manifest(staging, kind, {name: [entry] for name, entry in _hashed(staging).items()})
            os.rename(staging, folder)  # a new folder: one rename
        _fsync_dir(folder.parent)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def earlier_export(folder: Path) -> bool:
    """Whether ``folder`` holds an export's manifest and every file it lists is as written."""
    manifest = _read_manifest(Path(folder))
    return manifest is not None and all(_unchanged(Path(folder) / name, entries) for name, entries in manifest.items())


def _make_staging(folder: Path, exists: bool) -> Path:
    """The staging folder: beside ``folder`` (so a kill leaves nothing inside it), or inside
    it when the parent cannot be written or is another file system (a mount point)."""
    beside = folder.parent / partial_name(folder.name)
    try:
        os.mkdir(beside, 0o777)  # the user's umask applies
    except OSError as error:
        if not exists:
            raise ExportError(f"{folder}: cannot create it in {folder.parent} ({error.strerror or error}); nothing was written") from None
    else:
        if not exists or os.stat(beside).st_dev == os.stat(folder).st_dev:
            return beside
        os.rmdir(beside)
    inside = folder / partial_name(_STAGING)
    try:
        os.mkdir(inside, 0o777)
    except OSError as error:
        raise ExportError(f"{folder}: cannot write in this folder ({error.strerror or error}); nothing was written") from None
    return inside


def _plan(out: Path, folder: Path, names, force: bool, kind: str) -> tuple[dict, list[str], list[str]]:
    """Which existing files ``names`` would overwrite that are not ours: refused unless ``force``.

    Returns the manifest (name -> entries), and the names that are not ours (unknown or edited).
    """
    manifest = _read_manifest(folder)
    owned = manifest or {}
    foreign, edited, blocked = [], [], []
    for name in [*names, MANIFEST]:
        path = folder / name
        try:
            st = os.lstat(path)
        except FileNotFoundError:
            continue
        if not stat.S_ISREG(st.st_mode):
            blocked.append(f"{name} ({kind_of(st.st_mode)})")
        elif name == MANIFEST:
            if manifest is None:
                foreign.append(name)
        elif name not in owned:
            foreign.append(name)
        elif not _unchanged(path, owned[name], st):
            edited.append(name)
    if blocked:
        raise OutputRefused(
            f"{out}: the export would have to replace {listed(blocked)}, which an export never replaces; "
            "nothing was written (move them away or choose a new or empty folder)"
        )
    if (foreign or edited) and not force:
        clauses = []
        if foreign:
            clauses.append(f"{len(foreign)} file(s) it did not write: {listed(foreign)}")
        if edited:
            clauses.append(f"{len(edited)} file(s) changed since an earlier export wrote them: {listed(edited)}")
        raise OutputRefused(
            f"{out}: this {kind} export would overwrite {' and '.join(clauses)}; nothing was written. "
            "Choose a new or empty folder, or add --force to overwrite them"
        )
    return owned, foreign, edited


def _merge(export: FolderExport, folder: Path, force: bool) -> None:
    staged = _hashed(export.staging)
    owned, foreign, edited = _plan(export.out, folder, tuple(staged), force, export.kind)
    export.replaced = sorted(foreign + edited)
    written = {name.casefold() for name in staged}
    stale, kept = [], []
    for name, entries in owned.items():
        if name.casefold() in written:
            continue  # replaced (on a case-insensitive file system it may be spelled otherwise)
        path = folder / name
        if not os.path.lexists(path):
            continue
        (stale if _unchanged(path, entries) else kept).append(name)
    # Until the files are all in place, the manifest accepts the old content and the new:
    # a kill in between leaves a folder the next export still recognises.
    during = {name: list(owned.get(name, [])) for name in owned}
    for name, entry in staged.items():
        during.setdefault(name, []).append(entry)
    _write_manifest(folder, export.kind, during)
    for name in staged:
        source, target = export.staging / name, folder / name
        try:
            existing = os.stat(target)
        except FileNotFoundError:
            existing = None
        if existing is not None:
            with open(source, "rb") as handle:
                _keep_owner_and_mode(source, handle.fileno(), existing)
        os.replace(source, target)
    for name in stale:
        (folder / name).unlink(missing_ok=True)
    export.removed, export.kept = sorted(stale), sorted(kept)
    _write_manifest(folder, export.kind, {name: [entry] for name, entry in staged.items()})


def _hashed(folder: Path) -> dict[str, dict]:
    """Every file written into the staging folder, fsynced, with its size and SHA-256."""
    files = {}
    for name in sorted(os.listdir(folder)):
        if name == MANIFEST:
            continue
        with open(folder / name, "rb") as handle:
            digest = _digest(handle)
            os.fsync(handle.fileno())
            files[name] = {"size": os.fstat(handle.fileno()).st_size, "sha256": digest}
    return files


def _digest(handle) -> str:
    sha = hashlib.sha256()
    for block in iter(lambda: handle.read(1 << 20), b""):
        sha.update(block)
    return sha.hexdigest()


def _unchanged(path: Path, entries: list[dict], st: os.stat_result | None = None) -> bool:
    """Whether ``path`` is a regular file with the content of one of ``entries``."""
    try:
        st = st or os.lstat(path)
        if not stat.S_ISREG(st.st_mode) or all(entry.get("size") != st.st_size for entry in entries):
            return False
        with open(path, "rb") as handle:
            digest = _digest(handle)
    except OSError:
        return False
    return any(entry.get("sha256") == digest and entry.get("size") == st.st_size for entry in entries)


def _read_manifest(folder: Path) -> dict[str, list[dict]] | None:
    """The files an earlier export wrote into ``folder`` (name -> accepted contents), or None."""
    path = folder / MANIFEST
    try:
        st = os.lstat(path)
        if not stat.S_ISREG(st.st_mode) or st.st_size > 256 << 20:
            return None
        with open(path, "rb") as handle:
            data = json.loads(handle.read())
        files = data["files"]
        if data.get("written_by") != "annotator" or not isinstance(files, dict):
            return None
        return {
            name: [entry for entry in entries if isinstance(entry, dict)]
            for name, entries in files.items()
            if isinstance(name, str) and "/" not in name and "\\" not in name and name not in ("", ".", "..", MANIFEST) and isinstance(entries, list)
        }
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def _write_manifest(folder: Path, kind: str, files: dict[str, list[dict]]) -> None:
    data = {
        "written_by": "annotator",
        "format": kind,
        "note": "The files an annotator export wrote here. The next export overwrites or removes only these, and only if unchanged.",
        "files": dict(sorted(files.items())),
    }
    with atomic_text_writer(folder / MANIFEST) as handle:
        json.dump(data, handle, indent=1, ensure_ascii=False)
        handle.write("\n")


def listed(names: list[str]) -> str:
    names = sorted(names)
    shown = ", ".join(names[:SHOWN])
    return shown if len(names) <= SHOWN else f"{shown} and {len(names) - SHOWN} more"
