"""Documents given to annotators (``annotator assign``), and each annotator's progress (a Store mixin)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import exists, func, insert, select

from annotator.core.model import AnnotationError, State, Status
from annotator.store.changes import touched
from annotator.store.layers import state_column
from annotator.store.rows import now
from annotator.store.schema import AnnotatorRow, AssignmentRow, DocumentRow, DocumentStateRow, SpanRow


@dataclass(frozen=True, slots=True)
class Assigned:
    """What one ``assign`` did: the documents given now, and those the annotator had already."""

    annotator: str
    assigned: list[int]
    already: list[int]


@dataclass(frozen=True, slots=True)
class Progress:
    """An annotator's progress: documents assigned, in progress and done (of any document), accepted spans."""

    annotator: str
    assigned: int
    in_progress: int
    done: int
    spans: int


def assigned_to(annotator: str):
    """A condition on documents: assigned to ``annotator`` (their stored name)."""
    return exists().where(AssignmentRow.document_id == DocumentRow.id, AssignmentRow.annotator == annotator)


class Assignments:
    """Mixed into Store; uses its ``_read``/``_write`` sessions, ``_ensure_annotators`` and ``annotator``."""

    def assign(self, annotator: str, *, count: int | None = None, ids: Iterable[int] | None = None,
               status: Status | str = Status.NEW) -> Assigned:
        """Give documents to ``annotator`` (made if new): the ``ids`` named (each must exist), or
        the first ``count`` documents in id order that nobody is assigned and that ``annotator``
        gave ``status``. All in one transaction; an already assigned document is reported, not repeated."""
        if (count is None) == (ids is None):
            raise AnnotationError("name the documents to assign: a count or ids, not both")
        if count is not None and count < 1:
            raise AnnotationError(f"--count must be at least 1, got {count}")
        with self._write() as s:
            who = self._ensure_annotators(s, [annotator])[annotator]
            mine = set(s.execute(select(AssignmentRow.document_id).where(AssignmentRow.annotator == who)).scalars())
            if ids is not None:
                wanted = list(dict.fromkeys(ids))
                found = set(s.execute(select(DocumentRow.id).where(DocumentRow.id.in_(wanted))).scalars())
                if missing := [i for i in wanted if i not in found]:
                    raise AnnotationError(f"no document {', '.join(map(str, missing))}; nothing was assigned")
            else:
                free = ~exists().where(AssignmentRow.document_id == DocumentRow.id)
                query = select(DocumentRow.id).where(free, state_column(who, "status") == Status(status).value)
                wanted = list(s.execute(query.order_by(DocumentRow.id).limit(count)).scalars())
            new = [i for i in wanted if i not in mine]
            if new:
                stamp = now()
                s.execute(insert(AssignmentRow), [{"document_id": i, "annotator": who, "assigned_at": stamp, "assigned_by": self.annotator} for i in new])
                touched(s, *new)  # windows polling see the assignment (My documents)
        return Assigned(who, new, [i for i in wanted if i in mine])

    def assigned_ids(self, annotator: str | None = None) -> list[int]:
        """The documents assigned to ``annotator`` (default: the store's), in id order."""
        with self._read() as s:
            who = self.annotator if annotator is None else self._stored_name(s, annotator)
            query = select(AssignmentRow.document_id).where(AssignmentRow.annotator == who).order_by(AssignmentRow.document_id)
            return list(s.execute(query).scalars())

    def progress(self) -> list[Progress]:
        """Every annotator's progress, by name: a few grouped queries, no row per document read."""
        assigned = select(AssignmentRow.annotator, func.count()).group_by(AssignmentRow.annotator)
        states = (
            select(DocumentStateRow.annotator, DocumentStateRow.status, func.count())
            .where(DocumentStateRow.status.in_([Status.IN_PROGRESS.value, Status.DONE.value]))
            .group_by(DocumentStateRow.annotator, DocumentStateRow.status)
        )
        spans = select(SpanRow.annotator, func.count()).where(SpanRow.state == State.ACCEPTED.value).group_by(SpanRow.annotator)
        with self._read() as s:
            names = list(s.execute(select(AnnotatorRow.name).order_by(AnnotatorRow.key)).scalars())
            given, counted = dict(s.execute(assigned).all()), dict(s.execute(spans).all())
            by_status = {(name, status): n for name, status, n in s.execute(states)}
        return [
            Progress(name, given.get(name, 0), by_status.get((name, Status.IN_PROGRESS.value), 0),
                     by_status.get((name, Status.DONE.value), 0), counted.get(name, 0))
            for name in names
        ]
