"""A folder export (brat, sharded DocBins), never destroying what the user owns.

**A folder export** (brat) is written to a temporary folder, then either renamed into place
(a new folder) or merged into the existing folder file by file: the folder itself, its mode and
every file the export does not write are left alone. A file the export would overwrite must be
one an earlier export wrote and nobody changed since, as the manifest ``.annotator-export.json``
it leaves in the folder says (names, sizes, SHA-256); otherwise the export is refused, naming
the files, unless ``force``. Files of the earlier export that this one no longer writes are
removed if unchanged, and kept (and reported) if edited.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from annotator.core.problems import ExportError
from annotator.formats.atomic import OutputRefused, atomic_text_writer, fsync_dir, keep_owner_and_mode, kind_of, stat_output
from annotator.formats.partials import partial_name, remove_stale_partials

MANIFEST = ".annotator-export.json"
SHOWN = 20  # names listed in one message; the rest are counted
_STAGING = ".annotator-export"  # the staging folder's prefix when it must live inside the folder


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
    refusal = f"not a folder; a {kind} export writes a folder (choose a new or empty folder); nothing was written"
    folder, st = stat_output(out, stat.S_ISDIR, refusal)
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
        fsync_dir(folder.parent)
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
                keep_owner_and_mode(source, handle.fileno(), existing)
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
