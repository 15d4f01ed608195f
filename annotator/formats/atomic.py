"""Write a file or folder so that readers see the old one or the complete new one, never half."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, TextIO


@contextmanager
def atomic_text_writer(path: Path) -> Iterator[TextIO]:
    with _atomic_file(path, "w", encoding="utf-8", newline="\n", buffering=1 << 20) as handle:
        yield handle


@contextmanager
def atomic_binary_writer(path: Path) -> Iterator[BinaryIO]:
    with _atomic_file(path, "wb", buffering=1 << 20) as handle:
        yield handle


@contextmanager
def _atomic_file(path: Path, mode: str, **options) -> Iterator:
    """A temporary file beside ``path``, fsynced and renamed over it when the block ends well."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent)
    try:
        with os.fdopen(fd, mode, **options) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return  # not supported on this platform (Windows)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextmanager
def atomic_folder(path: Path, replaceable: Callable[[Path], bool]) -> Iterator[Path]:
    """Yield a fresh temporary folder; when the block ends it takes the place of ``path``.

    An existing ``path`` is replaced only if ``replaceable(path)`` says it is an earlier
    output (never a folder of the user's own files). If anything fails, ``path`` is untouched.
    """
    path = Path(path)
    if path.exists() and not (path.is_dir() and (not any(path.iterdir()) or replaceable(path))):
        raise FileExistsError(f"{path} exists and is not an earlier export; choose a new or empty folder")
    tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent))
    try:
        yield tmp
        for child in tmp.iterdir():
            _fsync_file(child)
        old = None
        if path.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".old", dir=path.parent))
            os.replace(path, old / path.name)
        os.replace(tmp, path)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    _fsync_dir(path.parent)


def _fsync_file(path: Path) -> None:
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())
