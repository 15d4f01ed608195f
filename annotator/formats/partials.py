"""Temporary files: their names, and the clean-up of those a killed export left.

**Temporary files** are named ``.<target>.<host>-<pid>-<random>.partial``. Those that a killed
export left behind are removed by the next export of the same target: only names of this
pattern, from this host, whose process is gone (or started after the file was last written,
so the pid was reused). Names left by versions before the pid was part of them
(``.<target>.<8 characters>.partial``) are removed once they are an hour old.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import shutil
import socket
import stat
import time
from pathlib import Path

_HOST = hashlib.sha256(socket.gethostname().encode("utf-8", "replace")).hexdigest()[:6]
_TAG = re.compile(r"(?P<host>[0-9a-f]{6})-(?P<pid>\d{1,10})-[0-9a-f]{8}")
_LEGACY_TAG = re.compile(r"[a-z0-9_]{8}")  # tempfile.mkstemp/mkdtemp's names, written by older versions
_LEGACY_AGE = 3600.0


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


