"""The store's read sessions, and one connection shared by the reads of a whole export (a Store mixin).

An export walks several cursors at once (documents, spans, relations, copied sentences). Each
``_read`` takes its own pooled connection by default; inside ``reading_together`` every read of
the same thread goes through one connection in one transaction instead: one connection opened
rather than one per cursor, and one snapshot for all of them (PostgreSQL: REPEATABLE READ, read
only; SQLite: one read transaction), so a write committed meanwhile shows in none or in all.
Other threads (the window's) keep their own connections.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from annotator.store import dialect


class SharedReads:
    """Mixed into Store; uses its ``engine`` and ``_translate``."""

    engine: Engine

    def _shared(self) -> threading.local:
        return self.__dict__.setdefault("_reads_together", threading.local())  # setdefault: atomic, once per store

    @contextmanager
    def _read(self) -> Iterator[Session]:
        with self._translate(), Session(getattr(self._shared(), "connection", None) or self.engine) as session:
            yield session

    @contextmanager
    def reading_together(self) -> Iterator[None]:
        """Reads of this thread in the block share one connection and one snapshot (see the module)."""
        shared = self._shared()
        if getattr(shared, "connection", None) is not None:  # nested: the outer block's
            yield
            return
        with self._translate(), self.engine.connect() as conn:
            if dialect.is_postgres(conn):  # the pool gives the connection back reset to its defaults
                conn.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
            with conn.begin():
                shared.connection = conn
                try:
                    yield
                finally:
                    shared.connection = None
