"""The Store: every read and write the app makes, one short transaction each.

Objects handed out are plain core records (detached), so the GUI and the CLI never
hold a session. Each user edit is its own committed transaction; bulk work writes
many rows per statement inside one transaction.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import delete, exc, func, or_, select, update
from sqlalchemy.orm import Session

from annotator.core.annotators import DEFAULT_ANNOTATOR, canonical_annotator
from annotator.core.labels import default_labels
from annotator.core.model import (
    AnnotationError,
    Document,
    DocumentSummary,
    Span,
    State,
    Status,
    check_note,
)
from annotator.store.assignments import Assignments, assigned_to
from annotator.store.changes import Changes, record_changes
from annotator.store.copy_reads import CopyReads
from annotator.store.corpus_reads import CorpusReads
from annotator.store.labels import Labels
from annotator.store.layers import Layers, document_columns, state_column
from annotator.store.projections import Projections
from annotator.store.relation_labels import RelationLabels
from annotator.store.relations import Relations
from annotator.store.snapshot import SharedReads
from annotator.store.span_edits import SpanEdits
from annotator.store import dialect
from annotator.store.database import HEAD_REVISION, DamagedDatabaseError, DatabaseError, create_engine_for, current_revision, migrate
from annotator.store.location import DatabaseLocation
from annotator.store.rows import (
    BYTES_COLUMNS,
    DOCUMENT_COLUMNS,
    SPAN_COLUMNS,
    SUMMARY_TITLE_CHARS,
    document_of,
    document_of_bytes,
    now,
    span_of,
    status_of,
    summary_of,
)
from annotator.store.schema import DocumentRow, DocumentStateRow, LabelRow, SpanRow
from annotator.store.suggestions import Suggestions

if TYPE_CHECKING:
    from annotator.store.bulk import AddResult, BulkWriter

Progress = Callable[[int, int], None]


def _cannot_write(path: Path) -> bool:
    if path.exists() and not os.access(path, os.W_OK):
        return True
    return not os.access(path.parent, os.W_OK)


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_dev, st.st_ino


def _big_page_cache(s: Session):
    """64 MB of page cache for one bulk write: it stays in memory until the commit instead of
    spilling page by page into the WAL (measured: exec + commit 0.72 s -> 0.47 s for 50 MB).
    Only for the bulk write: pooled connections go back to SQLite's default (~2 MB), so
    readers such as a streaming export keep a flat memory profile."""
    return dialect.page_cache(s.connection(), 65536)


class Store(SharedReads, SpanEdits, Labels, RelationLabels, Relations, Layers, CorpusReads, CopyReads, Projections, Suggestions, Changes, Assignments):
    """One annotator database (a SQLite file or a PostgreSQL database), seen as one annotator (``annotator``: whose spans,
    statuses and notes it reads and writes by default)."""

    def __init__(
        self, path: DatabaseLocation | Path | str, *, annotator: str = DEFAULT_ANNOTATOR, readonly: bool | None = None, pragmas: dict[str, object] | None = None,
    ) -> None:
        """Open (creating and migrating as needed) the database at ``path``: a file, or a
        ``postgresql://`` URL (store.location). ``self.path`` is the file (None on PostgreSQL:
        file-only features check it); ``self.location`` names either in messages.

        ``readonly=None`` opens read-only when the file or its folder cannot be written
        (SQLite's WAL needs to create files next to the database); ``self.readonly`` says so.
        """
        self.annotator = canonical_annotator(annotator)
        self._annotator_stored = False
        self._own_changes: set[int] = set()
        self.created_annotators: list[str] = []
        self.location = DatabaseLocation.of(path)
        self.path = self.location.path
        if self.path is not None and not self.path.parent.is_dir():
            raise DatabaseError(f"{self.path}: folder {self.path.parent} does not exist")
        self.readonly = (self.path is not None and _cannot_write(self.path)) if readonly is None else readonly
        revision = current_revision(self.location)
        if self.readonly and revision != HEAD_REVISION:
            raise DatabaseError(f"{self.location}: cannot be written, and it needs {'creating' if revision is None else 'an upgrade'}")
        self.engine = create_engine_for(self.location, readonly=self.readonly, pragmas=pragmas)
        self._writer = self.engine.execution_options(immediate=True)
        try:
            self.backup_path, revision = (None, revision) if self.readonly else migrate(self.engine, self.location, revision, self._seed)
        except exc.OperationalError as error:
            self.engine.dispose()
            raise DatabaseError(f"{self.location}: cannot open ({error.orig})") from None
        except Exception:
            self.engine.dispose()
            raise
        self._identity = _identity(self.path) if self.path is not None else None
        with self._read() as s:  # the spelling first stored ("Alice" for "alice")
            self.annotator = self._stored_name(s, self.annotator) or self.annotator
        self.created = revision is None

    def _seed(self, connection) -> None:
        """A new database's default labels, written in the transaction that creates it: another
        instance that waited on the migration lock opens it with them."""
        with Session(bind=connection) as s:
            self._upsert_labels(s, [(label, label.name) for label in default_labels()])
            s.flush()

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_exc) -> None:
        self.close()

    # -- sessions ---------------------------------------------------------------

    @contextmanager
    def _write(self) -> Iterator[Session]:
        self._check_writable()
        with self._translate(), Session(self._writer) as session, session.begin():
            yield session
            self._own_changes.update(record_changes(session, self.annotator))

    def _check_writable(self) -> None:
        if self.readonly:
            raise DatabaseError(f"{self.location} is open read-only (the file or its folder cannot be written); changes cannot be saved")
        # On POSIX a deleted or replaced file stays open under its old inode: writes would
        # "succeed" into a file nobody will ever open again. Refuse them instead.
        if self.path is not None and _identity(self.path) != self._identity:
            raise DatabaseError(
                f"{self.path} was deleted or replaced by another program after it was opened; "
                "nothing more can be saved to it. Reopen the database."
            )

    @contextmanager
    def _translate(self) -> Iterator[None]:
        """Turn driver errors into messages that name the file; constraint breaks into AnnotationError."""
        try:
            yield
        except exc.IntegrityError as error:
            raise AnnotationError(f"refused by the database: {error.orig}") from None
        except exc.OperationalError as error:
            raise DatabaseError(f"{self.location}: {error.orig}") from None
        except exc.DatabaseError as error:  # SQLite's corrupt pages: "database disk image is malformed"
            if self.path is None:
                raise DatabaseError(f"{self.location}: {error.orig}") from None
            raise DamagedDatabaseError(self.path, error.orig) from None

    # -- documents --------------------------------------------------------------

    @contextmanager
    def bulk_import(self, index: bool = True) -> Iterator[BulkWriter]:
        """One write transaction for a whole import: records added through the writer land
        all together or not at all (an exception inside the block rolls everything back).
        ``index=False`` leaves the new documents' copy index pending (build_copy_index)."""
        from annotator.store.bulk import BulkWriter  # with the copy index and numpy: only a write of many rows needs them

        with self._write() as s, _big_page_cache(s):
            writer = BulkWriter(s, self._label_ids(s), now(), lambda names: self._ensure_annotators(s, names), self._me(s), index=index)
            yield writer
            writer.flush()

    def add_documents(self, records: Iterable[tuple[Document, list[Span]]], index: bool = True) -> AddResult:
        """Add documents with their spans in one transaction: all of them or none.

        Records whose text is already stored (or repeated in ``records``) are merged into
        that document (see store.bulk), so a re-run after a kill completes the work.
        ``index=False``: see bulk_import.
        """
        with self.bulk_import(index) as writer:
            for doc, spans in records:
                writer.add(doc, spans)
        return writer.result

    def document(self, doc_id: int) -> Document:
        """The document; columns edited by hand into something the app never writes (a BLOB,
        NULL, bytes that are not UTF-8, an unknown status, meta that is no JSON object) are
        read as rows.Damaged / DamagedMeta values (rows.damage_of names them), not refused."""
        with self._read() as s:
            try:
                row = s.execute(select(*document_columns(self.annotator)).where(DocumentRow.id == doc_id)).one_or_none()
            except exc.OperationalError as error:  # "Could not decode to UTF-8 column ..."
                if "decode" not in str(error.orig):
                    raise
                return self._document_as_bytes(s, doc_id)
            if row is None:
                raise AnnotationError(f"no document {doc_id}")
            return document_of(row)

    def _document_as_bytes(self, s: Session, doc_id: int) -> Document:
        table = DocumentRow.__table__.c
        columns = [table.id]
        for name in BYTES_COLUMNS:
            column = state_column(self.annotator, name) if name in ("status", "note") else table[name]
            columns += [dialect.as_bytes(column, s).label(name), dialect.value_type(column, s).label(f"{name}_type")]
        row = s.execute(select(*columns).where(DocumentRow.id == doc_id)).one_or_none()
        if row is None:
            raise AnnotationError(f"no document {doc_id}")
        return document_of_bytes(row)

    def document_ids(self, status: Status | str | None = None) -> list[int]:
        """Every document's id, or those the store's annotator gave ``status``."""
        with self._read() as s:
            query = select(DocumentRow.id).order_by(DocumentRow.id)
            if status:
                query = query.where(state_column(self.annotator, "status") == Status(status).value)
            return list(s.execute(query).scalars())

    def _filtered(self, query, status: str | None, text: str | None, mine: bool = False):
        if mine:  # "My documents": those assigned to the store's annotator
            query = query.where(assigned_to(self.annotator))
        if status:
            query = query.where(state_column(self.annotator, "status") == Status(status).value)
        if text:
            # SQLite's LIKE ignores ASCII case; autoescape keeps % and _ literal.
            query = query.where(or_(*(dialect.text_contains_loosely(column, text, self.engine) for column in (DocumentRow.title, DocumentRow.text))))
        return query

    def count_documents(self, status: str | None = None, text: str | None = None, mine: bool = False) -> int:
        with self._read() as s:
            return s.execute(self._filtered(select(func.count(DocumentRow.id)), status, text, mine)).scalar_one()

    def summaries(self, status: str | None = None, text: str | None = None, offset: int = 0, limit: int = -1,
                  mine: bool = False) -> list[DocumentSummary]:
        """A page of the document list, in id order, without loading texts."""
        layer = (SpanRow.document_id == DocumentRow.id, SpanRow.annotator == self.annotator)
        accepted = select(func.count()).where(*layer, SpanRow.state == State.ACCEPTED).scalar_subquery()
        suggested = select(func.count()).where(*layer, SpanRow.state == State.SUGGESTED).scalar_subquery()
        # Titles are read cut (a list row never needs more) and, like the status, as bytes: a
        # column edited by hand into a BLOB, NULL or bytes that are not UTF-8 marks its row
        # damaged (rows.summary_of) instead of stopping the list.
        on = self.engine
        title = dialect.as_bytes(func.substr(DocumentRow.title, 1, SUMMARY_TITLE_CHARS + 1), on)
        sound_meta = dialect.is_json_object(DocumentRow.meta, on)
        note = state_column(self.annotator, "note")
        query = select(
            DocumentRow.id, title, dialect.value_type(DocumentRow.title, on), dialect.as_bytes(state_column(self.annotator, "status"), on),
            accepted, suggested, sound_meta, dialect.value_type(DocumentRow.text, on), dialect.value_type(note, on),
        )
        query = self._filtered(query, status, text, mine).order_by(DocumentRow.id).offset(offset).limit(limit)
        with self._read() as s:
            return [summary_of(*row) for row in s.execute(query)]

    def status_counts(self) -> dict[Status, int]:
        """Documents per status the store's annotator gave them (no row: new); rows with a
        status the app does not know are not counted here (count_documents counts them)."""
        column = DocumentStateRow.status
        with self._read() as s:
            total = s.execute(select(func.count(DocumentRow.id))).scalar_one()
            rows = s.execute(
                select(dialect.as_bytes(column, self.engine), func.count()).where(DocumentStateRow.annotator == self.annotator).group_by(column)
            ).all()
        counts = {status: 0 for status in Status}
        for raw, n in rows:
            total -= n
            status = status_of(raw.decode("utf-8", "replace") if raw is not None else None)
            if isinstance(status, Status):
                counts[status] += n
        counts[Status.NEW] += total
        return counts

    def set_status(self, doc_id: int, status: Status | str, version: int | None = None) -> Status | str:
        """Set the store's annotator's status of a document; returns the previous one (for undo;
        a status edited by hand into something unknown comes back as that text). With
        ``version`` (Document.version as read), ConflictError if the row moved on."""
        with self._write() as s:
            previous = self._set_state(s, doc_id, "status", Status(status).value, version)
        return status_of(previous)

    def set_document_note(self, doc_id: int, note: str, version: int | None = None) -> str:
        """Set the store's annotator's note of a document; returns the previous one (for undo)."""
        with self._write() as s:
            return self._set_state(s, doc_id, "note", check_note(note), version)

    def document_row(self, doc_id: int, status: str | None = None, text: str | None = None, mine: bool = False) -> int | None:
        """Position of a document in the filtered, id-ordered list; None when filtered out."""
        with self._read() as s:
            if s.execute(self._filtered(select(DocumentRow.id).where(DocumentRow.id == doc_id), status, text, mine)).first() is None:
                return None
            before = self._filtered(select(func.count(DocumentRow.id)).where(DocumentRow.id < doc_id), status, text, mine)
            return s.execute(before).scalar_one()

    # -- spans ------------------------------------------------------------------

    def spans(self, doc_id: int, states: Iterable[State] | None = None, annotator: str | None = None) -> list[Span]:
        """A document's spans in the store's annotator's layer (or ``annotator``'s)."""
        query = (
            select(*SPAN_COLUMNS)
            .join(LabelRow, SpanRow.label_id == LabelRow.id)
            .where(SpanRow.document_id == doc_id, SpanRow.annotator == (self.annotator if annotator is None else self._named(annotator)))
            .order_by(SpanRow.start, SpanRow.end, SpanRow.id)
        )
        if states is not None:
            query = query.where(SpanRow.state.in_([State(st).value for st in states]))
        with self._read() as s:
            return [span_of(row) for row in s.execute(query)]

    def span(self, span_id: int) -> Span:
        with self._read() as s:
            return self._span_by_id(s, span_id)

    def _span_by_id(self, s: Session, span_id: int) -> Span:
        found = s.execute(
            select(*SPAN_COLUMNS).join(LabelRow, SpanRow.label_id == LabelRow.id).where(SpanRow.id == span_id)
        ).one_or_none()
        if found is None:
            raise AnnotationError(f"no span {span_id}")
        return span_of(found)
