"""Merging another researcher's database into this one (``annotator merge OTHER.db``).

The work is SQL inside SQLite: OTHER is attached read-only to a connection of our file, and
documents, spans and statuses go across with ``INSERT ... SELECT`` through small mapping tables
(their document, label and annotator -> ours), in one transaction: all of it or nothing.

- Documents are matched by content hash; new ones are added pending the copy index
  (``copies_indexed = 0``: ``build_copy_index``, the window or ``annotator index`` take them up).
- Annotators are matched by key (casefolded name); our spelling wins. OTHER's ``default`` layer
  (work from before annotators were recorded) joins ours unless ``default_as`` names whose it is;
  when both hold work in it, the report warns.
- Labels are matched by name; a new one comes with its colour, description and hotkey (the
  hotkey only if ours is free); the same name with another colour keeps ours (a conflict).
- A span already in the same layer (document, annotator, start, end, label) is not copied; if
  its state or note differs, ours is kept and the difference reported. A status and note
  (document_states) likewise: absent here, taken; differing, ours kept and reported.
- OTHER is never written. An OTHER of an older schema is copied to a temporary file whose copy
  is migrated; a newer one, a missing, corrupt or foreign file is refused, naming it.
"""

from __future__ import annotations

import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

from annotator.core.model import AnnotationError
from annotator.store.database import (
    BUSY_TIMEOUT_MS,
    HEAD_REVISION,
    DamagedDatabaseError,
    DatabaseError,
    NewerDatabaseError,
    connect,
    current_revision,
    sqlite_uri,
)
from annotator.store.merge_steps import MergeConflict, MergeReport, MergeSteps
from annotator.store.rows import now

__all__ = ["MergeConflict", "MergeReport", "merge_database"]


def merge_database(store, other: Path | str, default_as: str | None = None) -> MergeReport:
    """Bring ``other`` into ``store``'s database in one transaction (see the module docstring);
    ``default_as`` names the annotator whose layer OTHER's ``default`` becomes here."""
    other = Path(other).expanduser()
    _check_other(store, other)
    with _at_head(other) as (readable, migrated_from):
        report = MergeReport(str(other), migrated_from=migrated_from)
        with closing(_connection(store)) as con:
            _attach(con, other, readable)
            _in_transaction(con, MergeSteps(con, report, now(), default_as), store.path, other)
    return report


def _check_other(store, other: Path) -> None:
    if store.path is None:  # ATTACH reads the other file inside our database: SQLite only
        raise DatabaseError(
            f"{store.location}: merge works into SQLite files only; nothing was merged. Copy the database to a file "
            f"(annotator copy URL team.db), merge {other} into that file, then copy it to a new PostgreSQL database "
            "(annotator copy team.db NEW_URL)"
        )
    if not other.exists():
        raise DatabaseError(f"{other}: no such file; nothing was merged")
    if not other.is_file():
        raise DatabaseError(f"{other}: not a database file; nothing was merged")
    if other.resolve() == store.path:
        raise DatabaseError(f"{other} is the database being merged into; nothing was merged")
    if store.readonly:
        raise DatabaseError(f"{store.path} is open read-only (the file or its folder cannot be written); nothing was merged")


def _revision(other: Path) -> str:
    """OTHER's schema revision; refused when it is no annotator database or a newer one."""
    revision = current_revision(other)  # DatabaseError naming it: unreadable, not a database, foreign tables
    if revision is None:
        raise DatabaseError(f"{other}: not an annotator database (it is empty); nothing was merged")
    if revision == HEAD_REVISION:
        return revision
    from annotator.store import migrations

    if revision not in migrations.known_revisions():
        with closing(connect(other, readonly=True)) as con:
            tables = {row[0] for row in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if not {"documents", "spans", "labels"} <= tables:
            raise DatabaseError(f"{other}: not an annotator database (schema {revision!r}); nothing was merged")
        raise NewerDatabaseError(
            f"{other} was written by a newer version of the annotator (schema {revision}); "
            "upgrade the annotator to merge it. Nothing was merged, and neither file was changed."
        )
    return revision


@contextmanager
def _at_head(other: Path) -> Iterator[tuple[Path, str | None]]:
    """OTHER itself when its schema is ours; else a migrated copy in a temporary folder."""
    revision = _revision(other)
    if revision == HEAD_REVISION:
        yield other, None
        return
    from annotator.store.service import Store

    with tempfile.TemporaryDirectory(prefix="annotator-merge-") as folder:
        copy = Path(folder) / "other.db"
        with closing(connect(other, readonly=True)) as src, closing(connect(copy)) as dst:
            src.backup(dst)
        Store(copy).close()  # migrates the copy (its backup stays in the temporary folder)
        yield copy, revision


def _connection(store) -> sqlite3.Connection:
    """A connection of our file opened by URI, so that ATTACH reads OTHER's URI (mode=ro) as one
    whatever SQLite was built with; transactions are ours (BEGIN IMMEDIATE below)."""
    store._check_writable()
    con = sqlite3.connect(sqlite_uri(store.path), uri=True, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    for pragma in ("foreign_keys=ON", "synchronous=FULL", "temp_store=MEMORY", "cache_size=-65536"):
        con.execute(f"PRAGMA {pragma}")
    return con


def _attach(con: sqlite3.Connection, other: Path, readable: Path) -> None:
    try:
        con.execute("ATTACH DATABASE ? AS other", (sqlite_uri(readable, mode="ro"),))
        con.execute("SELECT count(*) FROM other.sqlite_master").fetchone()
    except sqlite3.DatabaseError as error:
        raise DatabaseError(f"{other}: cannot read the database ({error}); nothing was merged") from None


def _in_transaction(con: sqlite3.Connection, steps: MergeSteps, ours: Path, other: Path) -> None:
    """Every step in one write transaction; any failure rolls all of it back, naming the file at fault."""
    try:
        con.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as error:
        raise DatabaseError(f"{ours}: {error}; nothing was merged") from None
    try:
        steps.run()
        con.execute("COMMIT")
    except BaseException as error:
        con.execute("ROLLBACK")
        if isinstance(error, sqlite3.Error):
            raise _translated(con, error, ours, other) from None
        raise


def _translated(con: sqlite3.Connection, error: sqlite3.Error, ours: Path, other: Path) -> Exception:
    if isinstance(error, sqlite3.IntegrityError):  # a constraint or trigger of ours refused a row of theirs
        return AnnotationError(f"{other}: a row was refused by {ours} ({error}); nothing was merged")
    if isinstance(error, sqlite3.OperationalError):  # locked, disk full, read-only
        return DatabaseError(f"{ours}: {error}; nothing was merged")
    if _damaged(con, "other"):
        return DatabaseError(
            f"{other}: the database file is damaged ({error}); nothing was merged. Recover what it holds with: "
            f"sqlite3 {other} .recover | sqlite3 {other}.recovered (then merge {other}.recovered)"
        )
    return DamagedDatabaseError(ours, error)


def _damaged(con: sqlite3.Connection, schema: str) -> bool:
    try:
        return con.execute(f"PRAGMA {schema}.quick_check(1)").fetchone()[0] != "ok"
    except sqlite3.DatabaseError:
        return True

