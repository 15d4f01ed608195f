"""Which documents other writers changed: the cheap token a window polls (a Store mixin).

Each write transaction that edits a document notes it (``touched``); before the commit
``record_changes`` inserts one ``changes`` row per document and drops that document's older
rows, so the table holds at most one row per document. Ids only grow, so the token is the
largest id seen and ``changes_since(token)`` is one primary-key range read.

On PostgreSQL ids are handed out when a row is inserted, not when its transaction commits:
without care a poller could read id 11 while id 10 is still uncommitted, and then miss it.
The writers therefore take an EXCLUSIVE lock on ``changes`` (plain reads still pass) for the
few statements before their commit: ids then commit in order. SQLite writers are serialized
already (BEGIN IMMEDIATE).
"""

from __future__ import annotations

from sqlalchemy import Connection, delete, func, insert, select, text
from sqlalchemy.orm import Session

from annotator.store.rows import now
from annotator.store.schema import ChangeRow

_TOUCHED = "changed_documents"


def touched(s: Session, *doc_ids: int) -> None:
    """Note that this write transaction changes these documents."""
    s.info.setdefault(_TOUCHED, set()).update(doc_ids)


def record_changes(s: Session, who: str) -> list[int]:
    """Write the change rows of the documents this transaction touched; their ids."""
    return write_changes(s, sorted(s.info.pop(_TOUCHED, ())), who)


def write_changes(conn: Session | Connection, docs: list[int], who: str) -> list[int]:
    """Insert a change row per document in the open transaction of ``conn`` (a session or a
    connection: the suggestions write through one), drop their older rows; the new ids."""
    if not docs:
        return []
    engine = conn.get_bind() if isinstance(conn, Session) else conn
    if engine.dialect.name == "postgresql":
        conn.execute(text("LOCK TABLE changes IN EXCLUSIVE MODE"))
    before = conn.execute(select(func.coalesce(func.max(ChangeRow.id), 0))).scalar_one()
    stamp = now()
    conn.execute(insert(ChangeRow), [{"document_id": d, "changed_by": who, "changed_at": stamp} for d in docs])
    newer = select(ChangeRow.document_id).where(ChangeRow.id > before)
    conn.execute(delete(ChangeRow).where(ChangeRow.id <= before, ChangeRow.document_id.in_(newer)))
    return list(conn.execute(select(ChangeRow.id).where(ChangeRow.id > before)).scalars())


class Changes:
    """Mixed into Store; uses its ``_read`` session. ``_own_changes`` holds the change ids this
    store wrote itself (a window does not re-read what it just wrote)."""

    _own_changes: set[int]

    def change_token(self) -> int:
        """The token to pass to changes_since: nothing before it is reported."""
        with self._read() as s:
            return s.execute(select(func.coalesce(func.max(ChangeRow.id), 0))).scalar_one()

    def changes_since(self, token: int) -> tuple[int, set[int]]:
        """``(new token, ids of the documents other writers changed since token)``: one
        primary-key range read; this store's own writes are left out."""
        with self._read() as s:
            rows = s.execute(select(ChangeRow.id, ChangeRow.document_id).where(ChangeRow.id > token)).all()
        if not rows:
            return token, set()
        others = {doc_id for change_id, doc_id in rows if change_id not in self._own_changes}
        self._own_changes.difference_update(change_id for change_id, _ in rows)
        return max(change_id for change_id, _ in rows), others
