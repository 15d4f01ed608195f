"""Where a database is: a SQLite file (a path) or a PostgreSQL database (a URL).

``--db``, ``ANNOTATOR_DB`` and ``Store(...)`` take either. A value is a URL only when it starts
with ``postgresql://``, ``postgresql+psycopg://`` or ``postgres://``; anything else is a path,
used as named whatever characters it holds. A URL is never shown with its password
(``display``): the password comes from the URL, ``PGPASSWORD`` or ``~/.pgpass`` (libpq reads
them), and query parameters (``sslmode``, ``sslrootcert``...) go to libpq as given.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path, PurePath

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

URL_SCHEMES = ("postgresql://", "postgresql+psycopg://", "postgres://")
DRIVER = "postgresql+psycopg"


def is_url(value: object) -> bool:
    return isinstance(value, (str, URL)) and str(value).lower().startswith(URL_SCHEMES)


def display_url(url: URL | str) -> str:
    """The URL as people may see it: no password (not even stars), the driver name plain."""
    parsed = make_url(str(url)) if not isinstance(url, URL) else url
    shown = URL.create("postgresql", parsed.username, None, parsed.host, parsed.port, parsed.database, parsed.query)
    return shown.render_as_string(hide_password=False)


@dataclass(frozen=True)
class DatabaseLocation:
    """A SQLite file (``path``) or a PostgreSQL database (``url``): exactly one is set."""

    path: Path | None = None
    url: URL | None = None

    @classmethod
    def of(cls, value: DatabaseLocation | Path | str) -> DatabaseLocation:
        if isinstance(value, DatabaseLocation):
            return value
        if isinstance(value, PurePath) and is_url(str(value).replace(":/", "://", 1)):
            value = str(value).replace(":/", "://", 1)  # a URL given to a Path-typed option (--db): its // collapsed
        if is_url(value):
            return cls(url=_postgres_url(str(value)))
        return cls(path=Path(os.fsdecode(value)).expanduser().resolve())

    @property
    def is_postgres(self) -> bool:
        return self.url is not None

    @property
    def display(self) -> str:
        """For titles, logs and messages: the path, or the URL without its password."""
        return display_url(self.url) if self.url is not None else str(self.path)

    @property
    def name(self) -> str:
        """Short name: the file's name, or the database's."""
        return self.url.database or self.display if self.url is not None else self.path.name

    def __str__(self) -> str:
        return self.display

    def for_child(self) -> str:
        """What a child process opens the same database with: the path, or the whole URL with its
        password (handed over in memory, never shown, logged or saved)."""
        return self.url.render_as_string(hide_password=False) if self.url is not None else str(self.path)


def _postgres_url(value: str) -> URL:
    scheme, rest = value.split("://", 1)
    try:
        url = make_url(f"{DRIVER}://{rest}")
    except ArgumentError:
        # not echoed: an unparsable URL may hold a password where we cannot find it
        raise ValueError(f"a {scheme}:// value that is no valid URL (write postgresql://user@host:port/dbname)") from None
    if not url.database:
        raise ValueError(f"{display_url(url)}: the URL names no database (postgresql://user@host:port/dbname)")
    return url
