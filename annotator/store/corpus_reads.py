"""Reading the whole corpus: the streamed export and the counts of ``stats`` (a Store mixin)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from sqlalchemy import func, select

from annotator.core.model import Document, Span, State, Status
from annotator.store.rows import DOCUMENT_COLUMNS, SPAN_COLUMNS, document_of, span_of
from annotator.store.schema import DocumentRow, LabelRow, SpanRow


class CorpusReads:
    """Mixed into Store; uses its ``_read`` sessions and ``status_counts``."""

    def iter_export(
        self,
        statuses: Iterable[str] | None = None,
        labels: Iterable[str] | None = None,
        states: Iterable[State] = (State.ACCEPTED,),
    ) -> Iterator[tuple[Document, list[Span]]]:
        """Stream documents in id order with their spans; memory stays flat.

        Two cursors walk documents and spans in the same order and are merged, so
        no document's spans are looked up one query at a time.
        """
        docs = select(*DOCUMENT_COLUMNS).order_by(DocumentRow.id)
        spans = (
            select(*SPAN_COLUMNS)
            .join(LabelRow, SpanRow.label_id == LabelRow.id)
            .join(DocumentRow, SpanRow.document_id == DocumentRow.id)
            .where(SpanRow.state.in_([State(st).value for st in states]))
            .order_by(SpanRow.document_id, SpanRow.start, SpanRow.end, SpanRow.id)
        )
        if statuses:
            wanted = [Status(st).value for st in statuses]
            docs = docs.where(DocumentRow.status.in_(wanted))
            spans = spans.where(DocumentRow.status.in_(wanted))
        if labels is not None:
            spans = spans.where(LabelRow.name.in_(list(labels)))
        # Plain column rows, not ORM entities: this loop is the export's hot path.
        with self._read() as s_docs, self._read() as s_spans:
            span_rows = iter(s_spans.execute(spans.execution_options(yield_per=2000)))
            pending = next(span_rows, None)
            for row in s_docs.execute(docs.execution_options(yield_per=500)):
                doc_spans = []
                while pending is not None and pending.document_id == row.id:
                    doc_spans.append(span_of(pending))
                    pending = next(span_rows, None)
                yield document_of(row), doc_spans

    def stats(self) -> dict:
        with self._read() as s:
            rows = s.execute(
                select(LabelRow.name, SpanRow.state, func.count())
                .join(SpanRow, SpanRow.label_id == LabelRow.id)
                .group_by(LabelRow.name, SpanRow.state)
            ).all()
        spans: dict[str, dict[str, int]] = {}
        for name, state, n in rows:
            spans.setdefault(name, {st.value: 0 for st in State})[state] = n
        return {"documents": {k.value: v for k, v in self.status_counts().items()}, "spans": spans}
