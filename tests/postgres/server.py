"""A throwaway PostgreSQL cluster from Debian's ``postgresql`` package, for tests and benches.

``initdb`` + ``pg_ctl`` in a folder of its own, listening on a free loopback port and on a
socket in that folder; fsync off (the cluster is thrown away). ``initdb`` refuses to run as
root, so as root every server command runs as the ``postgres`` user the package creates,
and the folder is handed to that user.

Manual use (``.ci/pg-server`` wraps it)::

    python -m tests.postgres.server start DIR   # prints the superuser URL
    python -m tests.postgres.server stop DIR
"""

from __future__ import annotations

import glob
import os
import secrets
import shutil
import socket
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

SUPERUSER = "postgres"
INSTALL_HINT = "install Debian's postgresql package (apt-get install -y postgresql)"


def bin_dir() -> Path | None:
    """The newest ``/usr/lib/postgresql/<version>/bin`` that has initdb, or None."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    return Path(found[-1]).parent if found else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _as_owner(argv: list[str]) -> list[str]:
    """initdb and postgres refuse root: run them as the package's postgres user."""
    return ["runuser", "-u", "postgres", "--", *argv] if os.geteuid() == 0 else argv


def _run(argv: list[str], **kwargs) -> None:
    done = subprocess.run(_as_owner(argv), capture_output=True, text=True, **kwargs)
    if done.returncode:
        raise RuntimeError(f"{' '.join(argv)} failed ({done.returncode}): {done.stderr.strip() or done.stdout.strip()}")


@dataclass
class Server:
    folder: Path
    port: int
    password: str

    @property
    def data(self) -> Path:
        return self.folder / "data"

    def url(self, database: str = "postgres", user: str = SUPERUSER, password: str | None = None) -> str:
        secret = self.password if password is None and user == SUPERUSER else password
        auth = f"{user}:{secret}" if secret else user
        return f"postgresql://{auth}@127.0.0.1:{self.port}/{database}"

    def stop(self) -> None:
        binaries = bin_dir()
        if binaries and (self.data / "postmaster.pid").exists():
            _run([str(binaries / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop"])
        shutil.rmtree(self.folder, ignore_errors=True)


def start(folder: Path) -> Server:
    """initdb a new cluster in ``folder`` (created, must not hold one) and start it."""
    binaries = bin_dir()
    if binaries is None:
        raise RuntimeError(f"no PostgreSQL server found under /usr/lib/postgresql: {INSTALL_HINT}")
    folder.mkdir(parents=True, exist_ok=True)
    server = Server(folder.resolve(), _free_port(), secrets.token_hex(12))
    pwfile = server.folder / "pwfile"
    pwfile.write_text(server.password + "\n")
    if os.geteuid() == 0:  # the postgres user must own the folder and reach it
        shutil.chown(server.folder, "postgres")
        shutil.chown(pwfile, "postgres")
        _open_path_to(server.folder)
    _run([str(binaries / "initdb"), "-D", str(server.data), "-U", SUPERUSER, f"--pwfile={pwfile}", "-E", "UTF8",
          "--locale=C.UTF-8", "--auth-local=trust", "--auth-host=scram-sha-256"])
    pwfile.unlink()
    options = f"-p {server.port} -k {server.folder} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    _run([str(binaries / "pg_ctl"), "-D", str(server.data), "-l", str(server.folder / "log"), "-o", options, "-w", "-t", "60", "start"])
    return server


def _open_path_to(folder: Path) -> None:
    """Let the postgres user walk down to ``folder`` (a private temp parent may stop it)."""
    for parent in [folder, *folder.parents]:
        mode = parent.stat().st_mode
        if not mode & 0o001:
            parent.chmod(mode | 0o001)


def _saved(folder: Path) -> Server:
    port, password = (folder / "server").read_text().split()
    return Server(folder.resolve(), int(port), password)


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] not in ("start", "stop"):
        print("usage: python -m tests.postgres.server start|stop DIR", file=sys.stderr)
        return 2
    folder = Path(argv[1])
    if argv[0] == "stop":
        _saved(folder).stop()
        return 0
    server = start(folder)
    (server.folder / "server").write_text(f"{server.port} {server.password}\n")
    print(server.url())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
