"""Annotators and their layers (a Store mixin): who is known, each one's spans, statuses and notes.

A store reads and writes one annotator's layer by default (``Store(path, annotator=...)``);
the reads here look at several layers at once (agreement, comparison, export of all layers).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import groupby
from operator import itemgetter

from sqlalchemy import Row, and_, case, exists, func, insert, literal, select, text, update
from sqlalchemy.orm import Session

from annotator.core.annotators import annotator_key, canonical_annotator
from annotator.core.model import AnnotationError, Document, Span, State, Status
from annotator.store import dialect
from annotator.store.changes import touched
from annotator.store.conflicts import ConflictError, DocumentState, bump
from annotator.store.rows import DOCUMENT_COLUMNS, SPAN_COLUMNS, document_of, now, span_of
from annotator.store.schema import AnnotatorRow, DocumentRow, DocumentStateRow, LabelRow, SpanRow


@dataclass(frozen=True, slots=True)
class AnnotatorLayer:
    """An annotator with what their layer holds."""

    name: str
    spans: int  # accepted spans
    documents: int  # documents with at least one of their spans or a status of theirs
    done: int  # documents they marked done


# A's spans each looked up in B's layer by the unique index (document_id, annotator, start, end, label_id).
_MATCH_COUNTS = """SELECT document_id, sum(na), sum(nb), sum(hit) FROM (
  SELECT x.document_id, 1 AS na, 0 AS nb, CAST(EXISTS (SELECT 1 FROM spans AS y WHERE y.document_id = x.document_id
    AND y.annotator = :b AND y.start = x.start AND y."end" = x."end" AND y.label_id = x.label_id AND y.state = 'accepted') AS integer) AS hit
  FROM spans AS x WHERE x.annotator = :a AND x.state = 'accepted' {where}
  UNION ALL
  SELECT document_id, 0, 1, 0 FROM spans WHERE annotator = :b AND state = 'accepted' {where}
) AS m GROUP BY document_id ORDER BY document_id"""


_SPAN_DOCUMENT = itemgetter(next(i for i, c in enumerate(SPAN_COLUMNS) if c.key == "document_id"))


def narrowed(docs, spans, labels: Iterable[str] | None = None, documents: Iterable[int] | None = None, *, bind):
    """The documents and spans queries kept to some labels and document ids (``bind``: the engine)."""
    if labels is not None:
        spans = spans.where(LabelRow.name.in_(list(labels)))
    if documents is not None:  # one JSON parameter: a split's 80,000 ids are past SQLite's variable limit
        among = text(dialect.json_values(":among", dialect.name(bind))).bindparams(among=json.dumps(sorted(set(documents)))).columns(DocumentRow.id)
        docs, spans = docs.where(DocumentRow.id.in_(among)), spans.where(SpanRow.document_id.in_(among))
    return docs, spans


def state_column(annotator: str, name: str):
    """An annotator's status or note of each document (a correlated subquery on documents),
    "new" / "" where they have no row."""
    column = DocumentStateRow.__table__.c[name]
    mine = (DocumentStateRow.document_id == DocumentRow.id, DocumentStateRow.annotator == annotator)
    # Not coalesce: a row's NULL (edited by hand) must reach rows.Damaged, not read as no row.
    absent = {"status": "new", "version": 0}.get(name, "")
    return case((exists().where(*mine), select(column).where(*mine).scalar_subquery()), else_=literal(absent))


def _spelling(name: str):
    """The stored spelling of the annotator ``name`` is (case and white space aside)."""
    return select(AnnotatorRow.name).where(AnnotatorRow.key == annotator_key(name))


def document_columns(annotator: str) -> list:
    """The columns document_of reads, the status and note being ``annotator``'s."""
    return [*DOCUMENT_COLUMNS, *(state_column(annotator, name).label(name) for name in ("status", "note", "version"))]


class Layers:
    """Mixed into Store; uses its ``_read`` / ``_write`` sessions and ``annotator``."""

    annotator: str

    def _stored_name(self, s: Session, name: str) -> str | None:
        return s.execute(_spelling(name)).scalar_one_or_none()

    def _named(self, name: str):
        """The stored spelling of ``name``, as a subquery (no annotator of that name: no rows)."""
        return _spelling(name).scalar_subquery()

    def _ensure_annotators(self, s: Session, names: Iterable[str]) -> dict[str, str]:
        """Each name -> the spelling stored (the row is made for a new one); ``self.created_annotators``
        collects the names this store added."""
        found = {}
        for name in dict.fromkeys(names):  # in the order given: of "Bob" and "bob", the first written is kept
            stored = self._stored_name(s, name)
            if stored is None:
                stored = canonical_annotator(name)
                s.execute(insert(AnnotatorRow).values(name=stored, key=annotator_key(stored), created_at=now()))
                self.created_annotators.append(stored)
            found[name] = stored
        return found

    def _me(self, s: Session) -> str:
        """The store's annotator, stored on its first write (opening a database writes nothing)."""
        if not self._annotator_stored:
            self.annotator = self._ensure_annotators(s, [self.annotator])[self.annotator]
            self._annotator_stored = True
        return self.annotator

    def use_annotator(self, name: str) -> str:
        """Read and write as ``name`` from now on (the window's "change annotator"); the spelling stored."""
        name = canonical_annotator(name)
        with self._read() as s:
            self.annotator = self._stored_name(s, name) or name
        self._annotator_stored = False
        return self.annotator

    def add_annotator(self, name: str) -> str:
        """The annotator named so (made if new); their spelling as stored."""
        with self._write() as s:
            return self._ensure_annotators(s, [name])[name]

    def rename_annotator(self, old: str, new: str) -> str:
        """Give a layer another name (its spans, statuses and notes follow); refused when the new
        name is another annotator's. Returns the new name as stored."""
        with self._write() as s:
            stored = self._stored_name(s, old)
            if stored is None:
                raise AnnotationError(f"no annotator {old!r}")
            new = canonical_annotator(new)
            taken = self._stored_name(s, new)
            if taken is not None and taken != stored:
                raise AnnotationError(f"annotator {taken!r} exists: the layers of {stored!r} and {taken!r} would mix (merge them instead)")
            s.execute(update(AnnotatorRow).where(AnnotatorRow.name == stored).values(name=new, key=annotator_key(new)))
        if annotator_key(self.annotator) == annotator_key(stored):
            self.annotator = new
        return new

    def annotators(self) -> list[AnnotatorLayer]:
        """Every known annotator, by name, with what their layer holds."""
        spans = (
            select(SpanRow.annotator, func.count(), func.count(func.distinct(SpanRow.document_id)))
            .where(SpanRow.state == State.ACCEPTED.value)
            .group_by(SpanRow.annotator)
        )
        done = (
            select(DocumentStateRow.annotator, func.count())
            .where(DocumentStateRow.status == Status.DONE.value)
            .group_by(DocumentStateRow.annotator)
        )
        layers = (
            select(SpanRow.annotator.label("a"), SpanRow.document_id.label("d"))
            .union(select(DocumentStateRow.annotator, DocumentStateRow.document_id).where(DocumentStateRow.status != Status.NEW.value))
            .subquery()
        )
        with self._read() as s:
            names = list(s.execute(select(AnnotatorRow.name).order_by(AnnotatorRow.key)).scalars())
            counted = {name: (n, docs) for name, n, docs in s.execute(spans)}
            touched = dict(s.execute(select(layers.c.a, func.count()).group_by(layers.c.a)).all())
            finished = dict(s.execute(done).all())
        return [AnnotatorLayer(name, counted.get(name, (0, 0))[0], touched.get(name, 0), finished.get(name, 0)) for name in names]

    def layers_with_spans(self) -> list[str]:
        """The annotators with at least one span of any state, by name."""
        with self._read() as s:
            return sorted(s.execute(select(SpanRow.annotator).distinct()).scalars(), key=str.casefold)

    def resolve_annotators(self, names: Iterable[str]) -> list[str]:
        """The stored spellings of ``names``; an unknown one is refused, naming the known ones."""
        with self._read() as s:
            known = list(s.execute(select(AnnotatorRow.name)).scalars())
            resolved = []
            for name in names:
                stored = self._stored_name(s, name)
                if stored is None:
                    raise AnnotationError(f"no annotator {name!r} in {self.location.name} (known: {', '.join(sorted(known, key=str.casefold))})")
                resolved.append(stored)
        return resolved

    def layer_statuses(self, annotators: Iterable[str] | None = None) -> dict[int, dict[str, Status]]:
        """Document id -> annotator -> status, for the rows that exist (absent: new)."""
        query = select(DocumentStateRow.document_id, DocumentStateRow.annotator, DocumentStateRow.status)
        if annotators is not None:
            query = query.where(DocumentStateRow.annotator.in_(list(annotators)))
        found: dict[int, dict[str, Status]] = {}
        with self._read() as s:
            for doc_id, name, status in s.execute(query.order_by(DocumentStateRow.document_id)):
                try:
                    found.setdefault(doc_id, {})[name] = Status(status)
                except ValueError:  # a status edited by hand into something unknown: not a decision
                    continue
        return found

    def iter_layer_states(self, annotators: Iterable[str]) -> Iterator[tuple[int, str, str, str]]:
        """``(document id, annotator, status, note)`` of the named annotators' rows, streamed in
        document order (to merge with iter_layers: the export of every layer)."""
        query = (
            select(DocumentStateRow.document_id, DocumentStateRow.annotator, DocumentStateRow.status, DocumentStateRow.note)
            .where(DocumentStateRow.annotator.in_(list(annotators)))
            .order_by(DocumentStateRow.document_id, DocumentStateRow.annotator)
        )
        with self._read() as s:
            yield from s.execute(query.execution_options(yield_per=2000))

    def layer_match_counts(self, a: str, b: str, labels: Iterable[str] | None = None,
                           documents: Iterable[int] | None = None) -> dict[int, tuple[int, int, int]]:
        """Per document with accepted spans of A or B: (A's spans, B's spans, spans in both with the
        same offsets and label). One grouped query through the unique index, no span read into Python."""
        params: dict = {"a": a, "b": b}
        where = ""
        if labels is not None:
            params["labels"] = json.dumps(list(labels))
            where += " AND label_id IN (SELECT l.id FROM labels AS l WHERE l.name IN ({texts::labels}))"
        if documents is not None:
            params["ids"] = json.dumps(sorted(set(documents)))
            where += " AND document_id IN ({ints::ids})"
        sql = _MATCH_COUNTS.format(where=where)
        with self._read() as s:
            return {doc_id: (na, nb, both) for doc_id, na, nb, both in s.execute(text(dialect.render(sql, s)), params)}

    def iter_layers(
        self,
        annotators: Iterable[str],
        documents: Iterable[int] | None = None,
        states: Iterable[State] = (State.ACCEPTED,),
        labels: Iterable[str] | None = None,
        relations: bool = False,
    ) -> Iterator[tuple[Document, dict[str, list[Span]]]]:
        """Documents in id order, each with every named annotator's spans (``[]`` for none);
        two cursors merged, memory flat. The document's status and note are the store's annotator's.
        ``relations``: fill ``Document.relations`` with every named layer's relations whose ends are read."""
        names = list(annotators)
        docs = select(*document_columns(self.annotator)).order_by(DocumentRow.id)
        spans = (
            select(*SPAN_COLUMNS)
            .join(LabelRow, SpanRow.label_id == LabelRow.id)
            .where(SpanRow.annotator.in_(names), SpanRow.state.in_([State(st).value for st in states]))
            .order_by(SpanRow.document_id, SpanRow.start, SpanRow.end, SpanRow.id)
        )
        items = self._layer_items(self._documents_with_spans(*narrowed(docs, spans, labels, documents, bind=self.engine)), names)
        if relations:
            items = self._with_relations(items, names, states, documents, lambda item: (sp for found in item[1].values() for sp in found))
        yield from items

    def _layer_items(self, pairs, names: list[str]) -> Iterator[tuple[Document, dict[str, list[Span]]]]:
        for row, found in pairs:
            layers: dict[str, list[Span]] = {name: [] for name in names}
            for span in found:
                layers[span.annotator].append(span_of(span))
            yield document_of(row), layers

    def _documents_with_spans(self, docs, spans) -> Iterator[tuple[Row, list[Row]]]:
        """Two queries in document id order, merged: each document row with its span rows. Two
        cursors, not a query per document; memory flat. Through the connections, not the ORM
        sessions: plain rows for a third less time (the export's hot path)."""
        with self._read() as s_docs, self._read() as s_spans:
            # Grouped by document in C (groupby, itemgetter), not a Row attribute read per span.
            groups = groupby(s_spans.connection().execute(spans.execution_options(yield_per=2000)), key=_SPAN_DOCUMENT)
            pending = next(groups, None)
            for row in s_docs.connection().execute(docs.execution_options(yield_per=500)):
                while pending is not None and pending[0] < row.id:
                    pending = next(groups, None)
                if pending is not None and pending[0] == row.id:
                    yield row, list(pending[1])
                    pending = next(groups, None)
                else:
                    yield row, []

    def _set_state(self, s: Session, doc_id: int, name: str, value: str, version: int | None = None) -> str:
        """Set the store's annotator's status or note of a document; the previous value. With
        ``version`` (Document.version as read; 0: no row then), ConflictError if the row moved on."""
        me = self._me(s)
        mine = (DocumentStateRow.document_id == doc_id, DocumentStateRow.annotator == me)
        found = s.execute(  # the document and my row of it in one round trip (a NULL version: no row)
            select(DocumentRow.id, DocumentStateRow.status, DocumentStateRow.note, DocumentStateRow.version)
            .outerjoin(DocumentStateRow, and_(*mine)).where(DocumentRow.id == doc_id)
        ).one_or_none()
        if found is None:
            raise AnnotationError(f"no document {doc_id}")
        row = None if found.version is None else found
        if version is not None and (0 if row is None else row.version) != version:
            raise self._state_conflict(s, doc_id)
        previous = {"status": Status.NEW.value, "note": ""} if row is None else {"status": row.status, "note": row.note}
        values = {name: value, "updated_at": now()}
        if row is None:
            s.execute(insert(DocumentStateRow).values(document_id=doc_id, annotator=me, **{**previous, **values}, updated_by=me))
        elif not s.execute(update(DocumentStateRow).where(*mine, DocumentStateRow.version == row.version)
                           .values(**values, **bump(DocumentStateRow.__table__, me))).rowcount:
            raise self._state_conflict(s, doc_id)  # written between our read and our update (PostgreSQL)
        touched(s, doc_id)
        return previous[name]

    def _state_conflict(self, s: Session, doc_id: int) -> ConflictError:
        """The ConflictError of a status or note edit, with the document's state as stored now."""
        mine = (DocumentStateRow.document_id == doc_id, DocumentStateRow.annotator == self.annotator)
        row = s.execute(select(DocumentStateRow.status, DocumentStateRow.note, DocumentStateRow.version,
                               DocumentStateRow.updated_by, DocumentStateRow.updated_at).where(*mine)).one_or_none()
        now_ = DocumentState(Status.NEW.value, "", 0) if row is None else DocumentState(row.status, row.note, row.version)
        return ConflictError("document", now_, row and (row.updated_by or self.annotator), row and row.updated_at)
