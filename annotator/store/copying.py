"""``annotator copy SRC DEST``: a whole database between SQLite and PostgreSQL, either way.

All or nothing: DEST must be new (a missing or empty file, an empty PostgreSQL database). Its
schema is made by the migrations and every table's rows are written in one transaction
(SQLite: into a temporary file beside DEST, renamed over it at the end), ids kept; on
PostgreSQL the sequences are then moved past the copied ids. The rows of each table are
counted on both sides before the commit: a difference refuses the copy. SRC is read in one
snapshot and never written (an older SRC is migrated first, as opening it would).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Connection, delete, func, insert, select

from annotator.store import dialect, migrations
from annotator.store.database import DatabaseError, create_engine_for, current_revision
from annotator.store.location import DatabaseLocation
from annotator.store.schema import Base

ROWS_PER_WRITE = 5_000
Progress = Callable[[str, int], None]


@dataclass
class CopyReport:
    source: str
    dest: str
    counts: dict[str, int] = field(default_factory=dict)  # table -> rows copied (= rows in SRC = rows in DEST)


def copy_database(source, dest, progress: Progress | None = None) -> CopyReport:
    """Copy SRC (path or URL) into the new DEST; returns the rows per table."""
    src, dst = DatabaseLocation.of(source), DatabaseLocation.of(dest)
    if src == dst:
        raise DatabaseError(f"{src}: source and destination are the same database; nothing was copied")
    if current_revision(src) is None:
        raise DatabaseError(f"{src}: no annotator database there; nothing was copied")
    _check_new(dst)
    from annotator.store import Store

    report = CopyReport(str(src), str(dst))
    with Store(src) as store:  # brings an older SRC to the current schema first
        target = _temporary(dst) if dst.path is not None else dst
        try:
            _copy(store.engine, target, report, progress)
        except BaseException:
            if target.path is not None:
                _remove_sqlite(target.path)
            raise
    if target is not dst:
        os.replace(target.path, dst.path)
    return report


def _check_new(dst: DatabaseLocation) -> None:
    if dst.path is not None and not dst.path.parent.is_dir():
        raise DatabaseError(f"{dst.path}: folder {dst.path.parent} does not exist; nothing was copied")
    if dst.path is not None and dst.path.exists() and dst.path.stat().st_size:
        raise DatabaseError(f"{dst}: the file exists; copy writes a new database only (name a new file); nothing was copied")
    if dst.is_postgres and current_revision(dst) is not None:  # a foreign table is refused by current_revision
        raise DatabaseError(f"{dst}: already holds an annotator database; copy writes into an empty database only; nothing was copied")


def _temporary(dst: DatabaseLocation) -> DatabaseLocation:
    return DatabaseLocation(path=dst.path.with_name(f".{dst.path.name}.copying-{os.getpid()}"))


def _remove_sqlite(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _copy(source_engine, target: DatabaseLocation, report: CopyReport, progress: Progress | None) -> None:
    engine = create_engine_for(target)
    tables = [t for t in Base.metadata.sorted_tables]  # parents before children
    try:
        with source_engine.connect().execution_options(**_snapshot(source_engine)) as src, engine.connect() as dst:
            with src.begin():
                migrations.run_in(dst)
                for table in reversed(tables):  # rows a migration wrote (the 'default' annotator) give way to SRC's
                    dst.execute(delete(table))
                for table in tables:
                    report.counts[table.name] = _copy_table(src, dst, table, progress)
                _verify(src, dst, tables, report)
            for table in tables:
                if "id" in table.c and table.c.id.autoincrement in (True, "auto") and len(table.primary_key.columns) == 1:
                    dialect.sync_ids(dst, table.name)
            dst.commit()
            if dialect.is_postgres(dst):  # statistics now, or the first reads plan as if the tables were empty
                dst.exec_driver_sql("ANALYZE")
                dst.commit()
    finally:
        engine.dispose()


def _snapshot(engine) -> dict:
    """SRC read as of one moment: PostgreSQL's REPEATABLE READ (a SQLite read transaction already is)."""
    return {"isolation_level": "REPEATABLE READ"} if dialect.is_postgres(engine) else {}


def _copy_table(src: Connection, dst: Connection, table, progress: Progress | None) -> int:
    copied, batch = 0, []
    for row in src.execute(select(table).execution_options(yield_per=ROWS_PER_WRITE)):
        batch.append(row._asdict())
        if len(batch) == ROWS_PER_WRITE:
            copied += _write(dst, table, batch, progress)
    return copied + _write(dst, table, batch, progress) if batch else copied


def _write(dst: Connection, table, batch: list[dict], progress: Progress | None) -> int:
    dst.execute(insert(table), batch)
    n = len(batch)
    batch.clear()
    if progress is not None:
        progress(table.name, n)
    return n


def _verify(src: Connection, dst: Connection, tables, report: CopyReport) -> None:
    """Each table's rows counted on both sides, inside both transactions: any difference refuses."""
    for table in tables:
        theirs = src.execute(select(func.count()).select_from(table)).scalar_one()
        ours = dst.execute(select(func.count()).select_from(table)).scalar_one()
        if not theirs == ours == report.counts[table.name]:
            raise DatabaseError(f"{report.dest}: table {table.name} would hold {ours} rows, {report.source} has {theirs}; nothing was copied")
