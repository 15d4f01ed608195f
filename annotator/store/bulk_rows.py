"""Many rows into one table in few round trips, the fast way of each engine (store.bulk, store.copy_index).

- SQLite: the driver's executemany of one prepared INSERT (no network: a row costs a step).
- PostgreSQL: ``COPY ... FROM STDIN`` through psycopg (documents, spans, statuses: 10,000 articles
  with 80,000 spans in 5.5 s against 8.5 s for psycopg's pipelined executemany and 11.4 s for an
  INSERT ... SELECT FROM unnest(arrays), whose text arrays the server parses slowly); integer rows
  that may break a unique rule go as one INSERT ... SELECT FROM unnest(bigint arrays) ... ON CONFLICT
  DO NOTHING (COPY cannot skip a row): one statement, however many rows.

Row triggers, CHECK and foreign keys apply to COPY as to INSERT; a refusal is raised as
SQLAlchemy's error (IntegrityError for a broken rule), as exec_driver_sql would.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

from sqlalchemy import Connection, event, exc

from annotator.store import dialect


def _names(columns: Sequence[str]) -> str:
    return ", ".join('"' + column + '"' for column in columns)  # quoted: "end" is an SQL keyword


def insert_rows(conn: Connection, table: str, columns: Sequence[str], rows: Sequence[Sequence]) -> None:
    """INSERT ``rows`` (tuples or lists in ``columns``' order) into ``table``."""
    if not rows:
        return
    if not dialect.is_postgres(conn):
        _sqlite_many(conn, "INSERT", table, columns, rows)
        return
    _copy(conn.connection.dbapi_connection, table, columns, rows)


def _sqlite_many(conn: Connection, verb: str, table: str, columns: Sequence[str], rows: Sequence[Sequence]) -> None:
    sql = f"{verb} INTO {table} ({_names(columns)}) VALUES ({', '.join('?' * len(columns))})"
    conn.exec_driver_sql(sql, [tuple(row) for row in rows])


def _copy(driver_connection, table: str, columns: Sequence[str], rows: Sequence[Sequence]) -> None:
    sql = f"COPY {table} ({_names(columns)}) FROM STDIN"
    with _driver_errors(driver_connection, sql) as cursor, cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)


def insert_ints_ignoring(conn: Connection, table: str, columns: Sequence[str], rows: Sequence[Sequence[int]]) -> None:
    """INSERT integer ``rows``, skipping those that break a unique rule (SQLite's OR IGNORE)."""
    if not rows:
        return
    if not dialect.is_postgres(conn):
        _sqlite_many(conn, "INSERT OR IGNORE", table, columns, rows)
        return
    arrays = ", ".join(["%s::bigint[]"] * len(columns))
    sql = f"INSERT INTO {table} ({_names(columns)}) SELECT * FROM unnest({arrays}) ON CONFLICT DO NOTHING"
    conn.exec_driver_sql(sql, tuple(list(column) for column in zip(*rows)))


def update_ints(conn: Connection, table: str, column: str, key: str, pairs: Sequence[tuple[int, int]]) -> None:
    """``UPDATE table SET column = value WHERE key = match`` for each (value, match) pair; the
    matches are distinct and no value is a match, so the order does not matter."""
    if not pairs:
        return
    if not dialect.is_postgres(conn):
        conn.exec_driver_sql(f'UPDATE {table} SET "{column}" = ? WHERE "{key}" = ?', [tuple(pair) for pair in pairs])
        return
    values, matches = zip(*pairs)
    sql = (f'UPDATE {table} SET "{column}" = v.value FROM unnest(%s::bigint[], %s::bigint[]) AS v(value, match) '
           f'WHERE {table}."{key}" = v.match')
    conn.exec_driver_sql(sql, (list(values), list(matches)))


class InFlight:
    """PostgreSQL: one batch's COPYs sent from a thread while the caller prepares the next batch
    (the server checks the rows' rules meanwhile: most of an import's time on a 2-core machine).

    The thread writes through the connection's psycopg connection, which serializes its users,
    in the caller's transaction. ``wait`` is called before anything else reads or writes there:
    it raises the batch's refusal; a rollback of the connection waits for the batch first
    (nothing may be sent after it, outside the transaction).
    """

    def __init__(self, conn: Connection) -> None:
        self._driver = conn.connection.dbapi_connection
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None
        event.listen(conn, "rollback", lambda _: self.wait(quiet=True))

    def start(self, tables: Sequence[tuple[str, Sequence[str], Sequence[Sequence]]]) -> None:
        """COPY each (table, columns, rows) in a thread, after the batch in flight."""
        self.wait()
        self._thread = threading.Thread(target=self._run, args=(tables,), name="annotator-copy", daemon=True)
        self._thread.start()

    def _run(self, tables) -> None:
        try:
            for table, columns, rows in tables:
                if rows:
                    _copy(self._driver, table, columns, rows)
        except BaseException as error:  # raised in the caller's thread by wait
            self._error = error

    def wait(self, quiet: bool = False) -> None:
        """Until the batch in flight is written; its error raised (``quiet``: dropped, another is on its way)."""
        if self._thread is None:
            return
        self._thread.join()
        self._thread, error, self._error = None, self._error, None
        if error is not None and not quiet:
            raise error


class _driver_errors:
    """A psycopg cursor on the connection's transaction; a driver error leaves as SQLAlchemy's."""

    def __init__(self, driver_connection, sql: str) -> None:
        self.driver_connection, self.sql = driver_connection, sql

    def __enter__(self):
        self.cursor = self.driver_connection.cursor()
        return self.cursor

    def __exit__(self, kind, error, traceback) -> None:
        self.cursor.close()
        import psycopg

        if isinstance(error, psycopg.Error):
            raise exc.DBAPIError.instance(self.sql, None, error, psycopg.Error) from None
