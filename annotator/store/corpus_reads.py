"""Reading the whole corpus: the streamed export and the counts of ``stats`` (a Store mixin)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from operator import itemgetter

from sqlalchemy import func, select, text

from annotator.core.model import Document, Span, State, Status
from annotator.store import dialect
from annotator.store.layers import document_columns, narrowed, state_column
from annotator.store.rows import SPAN_COLUMNS, document_of, span_of
from annotator.store.schema import DocumentRow, LabelRow, SpanRow


# The export's "duplicates": per document, its sentences with copies as lists of their starts,
# ends, groups (and deduped flags), aggregated by the database (a row per document, not per
# sentence). With dedupe, "deduped" marks a sentence whose earlier exact copy (same normalized
# text) has spans to write; the first copy with spans is found once per text (GROUP BY), not once per copy.
_KEEPERS = """WITH keepers AS (
  SELECT s.text_hash AS hash, min(s.document_id * 4294967296 + s.start) AS first
  FROM sentences AS s {joins}
  WHERE s.group_id IS NOT NULL {where} AND EXISTS (
    SELECT 1 FROM spans AS sp JOIN labels AS l ON l.id = sp.label_id
    WHERE sp.document_id = s.document_id AND sp.annotator = :me AND sp.start >= s.start AND sp.start < s."end" AND sp."end" <= s."end"
      AND sp.state IN ({{texts::states}}) {labels})
  GROUP BY s.text_hash) """
_COPIED = """SELECT s.document_id, {entries} FROM sentences AS s {joins}
WHERE s.group_id IS NOT NULL {where} GROUP BY s.document_id ORDER BY s.document_id"""
_COLUMNS = ["s.start", 's."end"', "s.group_id"]
_DEDUPED = "CASE WHEN k.first < s.document_id * 4294967296 + s.start THEN 1 ELSE 0 END"


def _copies_of(lists: tuple) -> list[dict]:
    """A document's copied sentences in text order, from int_lists_sql's columns."""
    starts, ends, groups, *deduped = (dialect.int_list(values) for values in lists)
    copies = [{"start": a, "end": b, "group": g} for a, b, g in zip(starts, ends, groups)]
    for entry, flag in zip(copies, deduped[0] if deduped else ()):
        if flag:
            entry["deduped"] = True
    copies.sort(key=itemgetter("start"))  # the index gives text order; SQLite does not promise it
    return copies


class CorpusReads:
    """Mixed into Store; uses its ``_read`` sessions and ``status_counts``."""

    def iter_export(
        self,
        statuses: Iterable[str] | None = None,
        labels: Iterable[str] | None = None,
        states: Iterable[State] = (State.ACCEPTED,),
        documents: Iterable[int] | None = None,
        annotators: Iterable[str] | None = None,
        relations: bool = False,
    ) -> Iterator[tuple[Document, list[Span]]]:
        """Stream documents in id order with their spans; memory stays flat.

        Two cursors walk documents and spans in the same order and are merged, so
        no document's spans are looked up one query at a time. ``documents``: only these ids.
        ``annotators``: the layers whose spans are read (each Span keeps its ``annotator``);
        None: the store's annotator's. Statuses and notes are the first named annotator's.
        ``relations``: fill ``Document.relations`` (those layers' relations whose two ends are exported).
        """
        layers = [self.annotator] if annotators is None else list(annotators)
        whose = layers[0] if layers else self.annotator
        docs = select(*document_columns(whose)).order_by(DocumentRow.id)
        spans = (
            select(*SPAN_COLUMNS)
            .join(LabelRow, SpanRow.label_id == LabelRow.id)
            .where(SpanRow.state.in_([State(st).value for st in states]), SpanRow.annotator.in_(layers))
            .order_by(SpanRow.document_id, SpanRow.start, SpanRow.end, SpanRow.id)
        )
        if statuses:  # the spans join their documents only for this (PostgreSQL: a third of the spans cursor)
            wanted = [Status(st).value for st in statuses]
            docs = docs.where(state_column(whose, "status").in_(wanted))
            spans = spans.join(DocumentRow, SpanRow.document_id == DocumentRow.id).where(state_column(whose, "status").in_(wanted))
        items = self._export_items(self._documents_with_spans(*narrowed(docs, spans, labels, documents, bind=self.engine)), whose)
        yield from self._with_relations(items, layers, states, documents) if relations else items

    def _export_items(self, pairs, whose: str) -> Iterator[tuple[Document, list[Span]]]:
        for row, found in pairs:
            doc = document_of(row)
            doc.annotator = whose
            yield doc, [span_of(span) for span in found]

    def iter_document_copies(
        self,
        statuses: Iterable[str] | None = None,
        documents: Iterable[int] | None = None,
        dedupe_states: Iterable[State] | None = None,
        labels: Iterable[str] | None = None,
    ) -> Iterator[tuple[int, list[dict]]]:
        """``(document_id, [{"start", "end", "group"}, ...])`` for every document with copied
        sentences, in id order (streamed, to merge with iter_export), sentences in text order.
        With ``dedupe_states``, ``"deduped": true`` marks a sentence whose earlier exact copy,
        among these documents, has spans of those states (and ``labels``) inside it."""
        params, where = {}, ""
        if statuses:
            params["statuses"] = json.dumps([Status(st).value for st in statuses])
            params["me"] = self.annotator
            where += (" AND coalesce((SELECT st.status FROM document_states AS st WHERE st.document_id = d.id AND st.annotator = :me), 'new')"
                      " IN ({texts::statuses})")
        if documents is not None:
            params["ids"] = json.dumps(sorted(set(documents)))
            where += " AND d.id IN ({ints::ids})"
        joins = "JOIN documents AS d ON d.id = s.document_id" if where else ""
        sql = _COPIED.format(entries=dialect.int_lists_sql(_COLUMNS, self.engine), joins=joins, where=where)
        if dedupe_states is not None:
            params["me"] = self.annotator
            params["states"] = json.dumps([State(st).value for st in dedupe_states])
            only = ""
            if labels is not None:
                params["labels"], only = json.dumps(list(labels)), " AND l.name IN ({texts::labels})"
            keepers = _KEEPERS.format(joins=joins, where=where, labels=only)
            joins += " LEFT JOIN keepers AS k ON k.hash = s.text_hash"
            sql = keepers + _COPIED.format(entries=dialect.int_lists_sql([*_COLUMNS, _DEDUPED], self.engine), joins=joins, where=where)
        with self._read() as s:  # streamed: the database aggregates while the export writes
            for doc_id, *lists in s.connection().execute(text(dialect.render(sql, s)).execution_options(yield_per=500), params):
                yield doc_id, _copies_of(lists)

    def stats(self) -> dict:
        with self._read() as s:
            rows = s.execute(
                select(LabelRow.name, SpanRow.state, func.count())
                .join(SpanRow, SpanRow.label_id == LabelRow.id)
                .where(SpanRow.annotator == self.annotator)
                .group_by(LabelRow.name, SpanRow.state)
            ).all()
        spans: dict[str, dict[str, int]] = {}
        for name, state, n in rows:
            spans.setdefault(name, {st.value: 0 for st in State})[state] = n
        return {"documents": {k.value: v for k, v in self.status_counts().items()}, "spans": spans}
