"""Bulk import: records written in one transaction, several records of one text merged.

Tools such as Prodigy keep one record per answer and doccano repeats texts, so a text may
arrive many times, in one input or across imports. Every record of a text lands in one
document (found by content hash): its spans are merged in, exact repeats counted, and
disagreements between records reported, never silently dropped. Re-running an import finds
everything in place and writes nothing.

Memory stays flat: records are buffered one batch at a time, and what the batch needs from
the database (documents by hash, their stored spans) is read per batch, not for the corpus.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from annotator.core.labels import palette_color
from annotator.core.model import Document, Label, RelationLabel, Span, State, Status
from annotator.store.changes import touched
from annotator.store.bulk_relations import RelationWriter
from annotator.store.bulk_rows import InFlight, insert_rows
from annotator.store import dialect
from annotator.store.copy_index import CopyIndexer
from annotator.store.rows import DOCUMENT_INSERT_COLUMNS, SPAN_INSERT_COLUMNS, document_row, span_row
from annotator.store.schema import DocumentRow, DocumentStateRow, LabelRow, SpanRow

_PARAMS = 500  # SQLite caps the parameters of one statement
# Rows go through the driver (store.bulk_rows: executemany on SQLite, COPY on PostgreSQL):
# SQLAlchemy's per-row parameter handling was a third of the time of a 20,000-span document.
_STATE_COLUMNS = ("document_id", "annotator", "status", "note", "updated_at")
_STATE = SPAN_INSERT_COLUMNS.index("state")
_DECIDED = (State.ACCEPTED, State.REJECTED)


@dataclass
class Conflict:
    """Records of one text that disagree; everything is kept, the message says how."""

    path: str
    document_id: int
    title: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: document {self.document_id} ({self.title!r}): {self.message}"


@dataclass
class AddResult:
    added: list[int] = field(default_factory=list)  # ids of new documents
    merged: int = 0  # records whose text was already a document and that brought spans to it
    duplicates: int = 0  # records that brought nothing new (a re-run, a repeated record)
    spans: int = 0  # spans written
    repeated_spans: int = 0  # exact repeats within the input (same text, offsets, label), merged
    present_spans: int = 0  # spans the database already held before this import
    labels_created: list[str] = field(default_factory=list)
    relations: int = 0  # relations written
    present_relations: int = 0  # relations already stored or repeated in the input (not written again)
    relation_labels_created: list[str] = field(default_factory=list)
    annotators: list[str] = field(default_factory=list)  # the layers the records' spans went to
    conflicts: list[Conflict] = field(default_factory=list)


@dataclass
class _Target:
    """One document of the batch: its id, fields to compare records with, its spans by key."""

    id: int
    title: str
    states: dict[str, tuple[str, str]] = field(default_factory=dict)  # annotator -> (status, note), stored or given first
    spans: dict[tuple[str, int, int, int], list] = field(default_factory=dict)  # (annotator, start, end, label id) -> [state, record, span id or None]
    records: int = 0
    # Accepted spans as sorted (start, end, label id, record), built when a second record of the
    # text arrives, so overlaps between records are found by bisection, not a pass over the text.
    accepted: list[tuple[str, int, int, int, int]] | None = None
    longest: int = 0


class BulkWriter:
    """Adds records inside one open write transaction (see Store.bulk_import)."""

    def __init__(
        self, session: Session, label_ids: dict[str, int], stamp: str, annotators: Callable[[Iterable[str]], dict[str, str]],
        annotator: str, batch_size: int = 1000, index: bool = True,
    ) -> None:
        """``annotators`` gives each name its stored spelling (making new ones); ``annotator`` is
        the layer of spans and statuses that name nobody (the importer's). ``index``: new documents
        join the copy index in this transaction; else they are left pending (copies_indexed = 0)
        for Store.build_copy_index (`annotator index`, the window)."""
        self.s, self.label_ids, self.stamp, self.batch_size, self.index = session, label_ids, stamp, batch_size, index
        self._annotators, self.annotator = annotators, annotator
        self._names: dict[str, str] = {"": annotator}  # a record's name -> the layer (stored spelling)
        dialect.take_ids(session.connection(), "documents")  # ids are given here (next_id): one importer at a time
        self.next_id = session.execute(select(func.coalesce(func.max(DocumentRow.id), 0))).scalar_one() + 1
        # Spans with an id from here on were written by this import: what a later batch reads
        # back of an older document is then told apart from what the database held before.
        self.first_new_span_id = session.execute(select(func.coalesce(func.max(SpanRow.id), 0))).scalar_one() + 1
        self.result = AddResult()
        # Each record with its spans' keys and rows, made by add (PostgreSQL: while the batch before is in flight).
        self._batch: list[tuple[Document, list[Span], str, list[tuple[tuple, list]]]] = []
        self._batch_spans = 0
        self._records = 0
        self._created: set[str] = set()  # labels this import created with palette colours
        self._styled: set[str] = set()  # ... and those a travelled scheme has since given their look
        self._copy_indexer: CopyIndexer | None = None  # new documents join the copy index in this transaction
        self.relations = RelationWriter(session, stamp, self.result.relation_labels_created, self._entity_ids)
        self._in_flight = InFlight(session.connection()) if dialect.is_postgres(session) else None

    def _copies(self) -> CopyIndexer:
        if self._copy_indexer is None:
            self._copy_indexer = CopyIndexer(self.s)
        return self._copy_indexer

    # -- labels -----------------------------------------------------------------

    def add_scheme(self, labels: Iterable[Label]) -> None:
        """Labels that travelled with the input: new ones are created with their colour and hotkey.

        A label the database had keeps its look; one this import created from a span before
        the scheme arrived takes the scheme's look. A hotkey already in use is not taken over.
        """
        self._wait()
        taken = set(self.s.execute(select(LabelRow.hotkey).where(LabelRow.hotkey.is_not(None))).scalars())
        for label in labels:
            if label.name in self.label_ids and (label.name not in self._created or label.name in self._styled):
                continue
            hotkey = label.hotkey if label.hotkey not in taken else None
            taken.add(hotkey)
            if label.name in self.label_ids:
                self.s.execute(update(LabelRow).where(LabelRow.name == label.name).values(color=label.color, hotkey=hotkey, description=label.description))
            else:
                self._insert_label(Label(label.name, label.color, hotkey, label.description))
            self._styled.add(label.name)

    def _insert_label(self, label: Label) -> None:
        self._wait()
        position = self.s.execute(select(func.coalesce(func.max(LabelRow.position), -1))).scalar_one() + 1
        row = {"name": label.name, "color": label.color, "hotkey": label.hotkey, "description": label.description, "position": position}
        self.label_ids[label.name] = self.s.execute(insert(LabelRow.__table__).values(row)).inserted_primary_key[0]
        self._created.add(label.name)
        self.result.labels_created.append(label.name)

    def _ensure_labels(self, spans: list[Span]) -> None:
        self._entity_ids(sp.label for sp in spans)

    def _entity_ids(self, names: Iterable[str]) -> dict[str, int]:
        """Every label's id by name, the missing ones among ``names`` created (palette colours)."""
        for name in sorted(set(names) - self.label_ids.keys()):
            self._insert_label(Label(name, palette_color(len(self.label_ids))))
        return self.label_ids

    def add_relation_scheme(self, labels: Iterable[RelationLabel]) -> None:
        """Relation labels that travelled with the input (see RelationWriter.add_scheme)."""
        self._wait()
        self.relations.add_scheme(labels)

    # -- records ----------------------------------------------------------------

    def _ensure_names(self, doc: Document, spans: list[Span]) -> None:
        names = dict.fromkeys([*(sp.annotator for sp in spans), doc.annotator])  # in input order (see _ensure_annotators)
        if new := [name for name in names if name not in self._names]:
            self._wait()
            self._names.update(self._annotators(new))
        for name in names:
            if self._names[name] not in self.result.annotators:
                self.result.annotators.append(self._names[name])

    def add(self, doc: Document, spans: list[Span], path: str = "") -> None:
        """Buffer one record; ``path`` names its input in conflict reports. Spans go to the layer
        of their ``annotator`` (the importer's when empty), the status and note to ``doc.annotator``'s."""
        self._ensure_labels(spans)
        self._ensure_names(doc, spans)
        if doc.relations:
            self._wait()  # the check may read and write relation labels
        self.relations.check(doc, spans, path)
        who, ids, stamp = self._names, self.label_ids, self.stamp
        prepared = [((who[sp.annotator], sp.start, sp.end, ids[sp.label]), span_row(sp, 0, ids[sp.label], stamp, who[sp.annotator])) for sp in spans]
        self._batch.append((doc, spans, path or doc.source_path, prepared))
        self._batch_spans += len(spans)
        if len(self._batch) >= self.batch_size or self._batch_spans >= 50 * self.batch_size:
            self._flush_batch()  # on PostgreSQL its rows may still be on their way (InFlight)

    def flush(self) -> None:
        """Write the buffered records; everything is in the transaction when it returns."""
        self._flush_batch()
        self._settle()

    def _flush_batch(self) -> None:
        if not self._batch:
            return
        self._settle()  # the batch in flight is read back by _stored_targets
        targets = self._stored_targets({entry[0].content_hash for entry in self._batch})
        new_docs, new_texts, decided = [], [], []
        new_states: dict[tuple[int, str], tuple[str, str]] = {}
        new_spans: dict[tuple, list] = {}  # (document id, key) -> row, so a later decision can retarget it
        for doc, spans, path, prepared in self._batch:
            self._records += 1
            target = targets.get(doc.content_hash)
            if target is None:
                target = targets[doc.content_hash] = _Target(self.next_id, doc.title)
                new_docs.append(document_row(doc, self.next_id, self.stamp))
                new_texts.append((self.next_id, doc.text))
                self.result.added.append(self.next_id)
                self.next_id += 1
            self._take_state(target, doc, path, new_states)
            self.relations.defer(target.id, doc, path or doc.source_path)
            target.records += 1
            before = len(new_spans) + len(decided)
            accepted = [key for span, made in zip(spans, prepared) if (key := self._merge_span(target, span, made, path, new_spans, decided))]
            if target.records > 1 and len(new_spans) + len(decided) == before:
                self.result.duplicates += 1
            elif target.records > 1:
                self.result.merged += 1
                self._report_overlaps(target, path, accepted)
        states = [(doc_id, who, status, note, self.stamp) for (doc_id, who), (status, note) in new_states.items()]
        tables = [("documents", DOCUMENT_INSERT_COLUMNS, new_docs), ("spans", SPAN_INSERT_COLUMNS, list(new_spans.values())),
                  ("document_states", _STATE_COLUMNS, states)]
        if self._in_flight is not None and not (self.index or decided or self.relations.pending):
            self._in_flight.start(tables)  # nothing of this batch is read back before the next one
        else:
            self._write(tables, new_texts)
        for span_id, state in decided:  # the version moves on: a window that saw the old state is refused (store.conflicts)
            self.s.execute(update(SpanRow).where(SpanRow.id == span_id).values(state=state, updated_at=self.stamp, version=SpanRow.version + 1))
        touched(self.s, *(row[0] for row in new_docs), *(row[0] for row in new_spans.values()), *(doc_id for doc_id, _ in new_states))
        self.result.spans += len(new_spans)
        self.relations.flush(self._names.__getitem__, self.label_ids)  # after the spans: their ends
        self.result.relations, self.result.present_relations = self.relations.written, self.relations.present
        self._batch.clear()
        self._batch_spans = 0

    def _write(self, tables: list, new_texts: list[tuple[int, str]]) -> None:
        connection = self.s.connection()
        for table, columns, rows in tables:
            insert_rows(connection, table, columns, rows)
        if new_texts and self.index:
            self._copies().add(new_texts)

    def _wait(self) -> None:
        """Before reading or writing anything: the batch in flight (PostgreSQL) is written, or its refusal raised."""
        if self._in_flight is not None:
            self._in_flight.wait()

    def _settle(self) -> None:
        """_wait, then the documents' id sequence moved past the ids given (PostgreSQL)."""
        self._wait()
        dialect.sync_ids(self.s.connection(), "documents")

    def _stored_targets(self, hashes: set[str]) -> dict[str, _Target]:
        """The documents of this batch already in the database (older, or earlier batches), with their spans."""
        found: dict[str, _Target] = {}
        ordered = sorted(hashes)
        columns = (DocumentRow.content_hash, DocumentRow.id, DocumentRow.title)
        for i in range(0, len(ordered), _PARAMS):
            for digest, doc_id, title in self.s.execute(select(*columns).where(DocumentRow.content_hash.in_(ordered[i : i + _PARAMS]))):
                found[digest] = _Target(doc_id, title)
        by_id = {t.id: t for t in found.values()}
        ids = sorted(by_id)
        query = select(SpanRow.document_id, SpanRow.annotator, SpanRow.start, SpanRow.end, SpanRow.label_id, SpanRow.state, SpanRow.id)
        states = select(DocumentStateRow.document_id, DocumentStateRow.annotator, DocumentStateRow.status, DocumentStateRow.note)
        for i in range(0, len(ids), _PARAMS):
            chunk = ids[i : i + _PARAMS]
            for doc_id, who, start, end, label_id, state, span_id in self.s.execute(query.where(SpanRow.document_id.in_(chunk))):
                target = by_id[doc_id]
                target.records = 1  # what is stored counts as the first record of the text
                record = 0 if span_id < self.first_new_span_id else -1  # 0: stored before; -1: this import, an earlier batch
                target.spans[(who, start, end, label_id)] = [State(state), record, span_id]
            for doc_id, who, status, note in self.s.execute(states.where(DocumentStateRow.document_id.in_(chunk))):
                by_id[doc_id].states[who] = (status, note)
        for target in found.values():
            target.records = max(target.records, 1)
        return found

    def _merge_span(self, target: _Target, span: Span, made: tuple[tuple, list], path: str, new_spans: dict, decided: list) -> tuple | None:
        """Merge one span (``made``: its key and row, from add) into its document; returns its key
        when this record made it an accepted span."""
        key, row = made
        held = target.spans.get(key)
        if held is None:
            target.spans[key] = [span.state, self._records, None]
            row[0] = target.id
            new_spans[(target.id, key)] = row
            return key if span.state == State.ACCEPTED else None
        state, record, span_id = held
        if record == 0:
            self.result.present_spans += 1
        else:
            self.result.repeated_spans += 1
        if state == span.state or span.state == State.SUGGESTED:
            return None
        if state == State.SUGGESTED:  # a decision on what was only suggested: take it
            held[0], held[1] = span.state, self._records
            if span_id is not None:
                decided.append((span_id, str(span.state)))
            else:  # the row is in this batch, not yet written
                new_spans[(target.id, key)][_STATE] = str(span.state)
            return key if span.state == State.ACCEPTED else None
        self.result.conflicts.append(
            Conflict(path, target.id, target.title, f"{span.label} span {span.start}-{span.end} is {state} in one record and {span.state} in another; kept {state}")
        )
        return None

    def _take_state(self, target: _Target, doc: Document, path: str, new_states: dict) -> None:
        """The record's status and note become its annotator's when that annotator has none for
        the document yet; one that differs from what they have is reported (a plain text sets neither)."""
        if doc.status == Status.NEW and not doc.note:
            return
        who = self._names[doc.annotator]
        held = target.states.get(who)
        if held is None:
            target.states[who] = new_states[(target.id, who)] = (Status(doc.status).value, doc.note)
            return
        fields = (("status", held[0], str(doc.status), doc.status != Status.NEW), ("note", held[1], doc.note, bool(doc.note)))
        differ = [name for name, mine, theirs, given in fields if given and mine != theirs]
        if differ:
            kept = f"status {held[0]}" if "status" in differ else "the first note"
            self.result.conflicts.append(Conflict(path, target.id, target.title, f"records of this text disagree on {' and '.join(differ)}; kept {kept}"))

    def _report_overlaps(self, target: _Target, path: str, fresh: list[tuple[int, int, int]]) -> None:
        """Accepted spans this record brought that overlap, without being the same span, another record's."""
        current = self._records
        if target.accepted is None:
            fresh_keys = set(fresh)
            target.accepted = sorted((*key, held[1]) for key, held in target.spans.items() if held[0] == State.ACCEPTED and key not in fresh_keys)
            target.longest = max((end - start for _, start, end, _, _ in target.accepted), default=0)
        clashes = []
        for who, start, end, label_id in fresh:
            # Only spans of the same layer starting in (start - longest, end) can overlap [start, end).
            low, high = bisect_left(target.accepted, (who, start - target.longest)), bisect_left(target.accepted, (who, end))
            clashes += [((s, e, l), (start, end, label_id)) for _, s, e, l, r in target.accepted[low:high] if e > start and r != current]
        for key in fresh:
            insort(target.accepted, (*key, current))
            target.longest = max(target.longest, key[2] - key[1])
        if clashes:
            names = {i: n for n, i in self.label_ids.items()}
            shown = "; ".join(f"{names[a[2]]} {a[0]}-{a[1]} vs {names[b[2]]} {b[0]}-{b[1]}" for a, b in clashes[:3])
            more = f" and {len(clashes) - 3} more" if len(clashes) > 3 else ""
            self.result.conflicts.append(Conflict(path, target.id, target.title, f"records disagree on accepted spans: {shown}{more}; all kept"))
