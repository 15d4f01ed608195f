"""Which documents other writers changed: the cheap token a window polls (a Store mixin).

Each write transaction that edits a document notes it (``touched``); before the commit
``record_changes`` drops that document's older rows and inserts one ``changes`` row per document
(one statement on PostgreSQL), so the table holds about one row per document.

SQLite serializes writers (BEGIN IMMEDIATE): ids commit in order, the token is the largest id
seen and ``changes_since(token)`` is one primary-key range read.

On PostgreSQL ids are handed out when a row is inserted, not when its transaction commits: a
poller could read id 11 while id 10 is still uncommitted, then miss it. Each row therefore
records its writer's transaction id (``written_in``), and the token is the snapshot the last poll
read in: the rows not seen yet are exactly those whose writer was not visible in that snapshot
(dialect.unseen_since_sql), whatever the order of their ids or commits. Writers take no lock: two
writers of one document each leave their row (the older rows another writer is deleting are
skipped, not waited for), and the next write of that document drops both.
"""

from __future__ import annotations

import json

from sqlalchemy import Connection, func, select, text
from sqlalchemy.orm import Session

from annotator.store import dialect
from annotator.store.rows import now
from annotator.store.schema import ChangeRow

_TOUCHED = "changed_documents"
_DROP_OLDER = "DELETE FROM changes WHERE id IN (SELECT id FROM changes WHERE document_id IN ({ints::docs}) {skip_locked:})"
_ADD = ("INSERT INTO changes (document_id, changed_by, changed_at, written_in) "
        "SELECT value, :who, :at, {write_mark:} FROM ({ints::docs}) AS d RETURNING id")
# PostgreSQL: the rows a snapshot had not seen, and the snapshot of this read (the next token).
_UNSEEN = "SELECT {snapshot}, c.id, c.document_id FROM (SELECT 1) AS one LEFT JOIN changes AS c ON {unseen}"


def touched(s: Session, *doc_ids: int) -> None:
    """Note that this write transaction changes these documents."""
    s.info.setdefault(_TOUCHED, set()).update(doc_ids)


def record_changes(s: Session, who: str) -> list[int]:
    """Write the change rows of the documents this transaction touched; their ids."""
    return write_changes(s, sorted(s.info.pop(_TOUCHED, ())), who)


def write_changes(conn: Session | Connection, docs: list[int], who: str) -> list[int]:
    """Insert one change row per document of ``docs`` and drop their older rows, in the open
    transaction of ``conn`` (a session or a connection: the suggestions write through one); the new ids."""
    if not docs:
        return []
    params = {"docs": json.dumps(docs), "who": who, "at": now()}
    if dialect.is_postgres(conn):  # one round trip: the insert cannot see its new rows from the WITH
        return list(conn.execute(text(dialect.render(dialect.with_first(_DROP_OLDER, _ADD), conn)), params).scalars())
    ids = list(conn.execute(text(dialect.render(_ADD, conn)), params).scalars())
    # After the insert: SQLite gives a new row max(id) + 1, which dropping the largest row first would hand out again.
    conn.execute(text(dialect.render(_DROP_OLDER + " AND id < :first", conn)), {**params, "first": min(ids)})
    return ids


class Changes:
    """Mixed into Store; uses its ``_read`` session. ``_own_changes`` holds the change ids this
    store wrote itself (a window does not re-read what it just wrote)."""

    _own_changes: set[int]

    def change_token(self) -> int | str:
        """The token to pass to changes_since: nothing before it is reported (SQLite: the largest
        change id; PostgreSQL: the snapshot of this read, as text). 0 asks for every row."""
        with self._read() as s:
            if dialect.is_postgres(s):
                return s.execute(text(f"SELECT {dialect.snapshot_sql()}")).scalar_one()
            return s.execute(select(func.coalesce(func.max(ChangeRow.id), 0))).scalar_one()

    def changes_since(self, token: int | str) -> tuple[int | str, set[int]]:
        """``(new token, ids of the documents other writers changed since token)``: one read
        (an index range); this store's own writes are left out."""
        with self._read() as s:
            if dialect.is_postgres(s):
                token, rows = _unseen(s, token)
            else:
                rows = s.execute(select(ChangeRow.id, ChangeRow.document_id).where(ChangeRow.id > token)).all()
                token = max((change_id for change_id, _ in rows), default=token)
        others = {doc_id for change_id, doc_id in rows if change_id not in self._own_changes}
        self._own_changes.difference_update(change_id for change_id, _ in rows)
        return token, others


def _unseen(s: Session, token: int | str) -> tuple[str, list[tuple[int, int]]]:
    """PostgreSQL: the snapshot of this read and the ``(id, document)`` rows ``token`` (a snapshot;
    an id: the rows past it, 0 every row) had not seen."""
    params = {"seen": token}
    unseen = dialect.unseen_since_sql("c.written_in", ":seen") if isinstance(token, str) else "c.id > :seen"
    found = s.execute(text(_UNSEEN.format(snapshot=dialect.snapshot_sql(), unseen=unseen)), params).all()
    return found[0][0], [(change_id, doc_id) for _, change_id, doc_id in found if change_id is not None]
