"""Write a file or a folder's files so that readers see the old one or the complete new one,
never half, and never destroy or misplace what the user owns.

**A file** is written to a temporary file beside its target and renamed over it when complete.
A name that is a link is written through: the temporary file goes beside the link's target and
replaces the target (the link stays). A FIFO, device, socket or folder is refused before
anything is opened (opening a FIFO for writing blocks). A new file gets the user's umask
(created with mode 0o666, as ``open`` does); a replaced file keeps its mode (and, where we may,
its owner).

Temporary names and their clean-up: formats.partials; folder exports: formats.folder_export.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, TextIO

from annotator.core.problems import ExportError
from annotator.formats.partials import partial_name, remove_stale_partials



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
    return stat_output(Path(path), stat.S_ISREG, "not a regular file; nothing was written (an export only writes regular files)")


def stat_output(path: Path, wanted: Callable[[int], bool], refusal: str) -> tuple[Path, os.stat_result | None]:
    """``path`` resolved through links, and its stat (None while it does not exist); OutputRefused
    when it is something ``wanted`` refuses (``refusal`` says why) or its folder is missing."""
    try:
        st = os.stat(path)  # follows links: /dev/stdout is whatever fd 1 is
    except FileNotFoundError:
        st = None
    if st is not None and not wanted(st.st_mode):
        raise OutputRefused(f"{shown(path)} is {kind_of(st.st_mode)}, {refusal}")
    target = Path(os.path.realpath(path))
    if st is None and not target.parent.is_dir():
        raise OutputRefused(f"{shown(path)}: the folder {target.parent} does not exist; nothing was written")
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
            keep_owner_and_mode(tmp, fd, existing)
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
    fsync_dir(target.parent)


def keep_owner_and_mode(tmp: Path, fd: int, existing: os.stat_result) -> None:
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


def shown(path: Path) -> str:
    """The name the user gave, and where it leads when it is a link."""
    if os.path.islink(path):
        return f"{path} (a link to {os.path.realpath(path)})"
    return str(path)


def fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return  # not supported on this platform (Windows)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


