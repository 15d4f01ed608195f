"""The quick path of one span edit: a single statement, the database doing the checks.

add_span, update_span and delete_span read the document's length, every label, a clashing
span, and the row again after writing it: about ten round trips per edit, which on a server is
most of the window's latency. The database refuses all that those reads look for (the span end
trigger, the unique position, the foreign keys, a label not stored leaving label_id NULL), so
the quick path writes at once, the label's id looked up inside the statement, and takes back
what the Span needs with RETURNING. A refused write raises Refused; the caller then runs its
full checks in a new transaction, for a message that says why (or a label to create).
"""

from __future__ import annotations

from sqlalchemy import delete, exc, insert, select, update
from sqlalchemy.orm import Session

from annotator.core.model import Span
from annotator.store.conflicts import bump
from annotator.store.rows import SPAN_COLUMNS, span_of
from annotator.store.schema import LabelRow, SpanRow

_TABLE = SpanRow.__table__
_LABEL = SPAN_COLUMNS.index(next(c for c in SPAN_COLUMNS if c.key == "label"))
# SPAN_COLUMNS without the label's name (a join): what RETURNING gives back.
_RETURNED = [_TABLE.c[c.key] for c in SPAN_COLUMNS if c.key != "label"]


class Refused(Exception):
    """The database refused the quick write; the transaction is lost, the full path says why."""


def label_id(name: str):
    """The id of the label called ``name``, inside the statement (NULL when there is none)."""
    return select(LabelRow.id).where(LabelRow.name == name).scalar_subquery()


def _span(row, label: str) -> Span:
    values = list(row)
    values.insert(_LABEL, label)
    return span_of(values)


def _one(s: Session, statement):
    try:
        return s.execute(statement).one_or_none()
    except exc.IntegrityError:
        raise Refused from None


def insert_span(s: Session, row: dict, label: str) -> Span:
    """INSERT the span row (``label_id`` from ``label``'s name); the stored Span."""
    return _span(_one(s, insert(_TABLE).values({**row, "label_id": label_id(label)}).returning(*_RETURNED)), label)


def update_span(s: Session, span_id: int, version: int | None, values: dict, label: str, who: str) -> Span | None:
    """UPDATE the span to ``values`` and ``label``, bumping its version (with ``version``: only if it
    is still that one); the stored Span, None when no row matched."""
    statement = update(_TABLE).where(_TABLE.c.id == span_id).values(**values, label_id=label_id(label), **bump(_TABLE, who))
    if version is not None:
        statement = statement.where(_TABLE.c.version == version)
    found = _one(s, statement.returning(*_RETURNED))
    return None if found is None else _span(found, label)


def delete_span(s: Session, span_id: int, version: int | None) -> Span | None:
    """DELETE the span (with ``version``: only if it is still that one); the Span it was, None when
    no row matched."""
    name = select(LabelRow.name).where(LabelRow.id == _TABLE.c.label_id).scalar_subquery()
    statement = delete(_TABLE).where(_TABLE.c.id == span_id)
    if version is not None:
        statement = statement.where(_TABLE.c.version == version)
    found = _one(s, statement.returning(name, *_RETURNED))
    return None if found is None else _span(found[1:], found[0])
