"""The tables, as SQLAlchemy 2.0 typed ORM classes.

The invariants of the core are repeated as CHECK constraints (and triggers for
``end <= length(text)`` in the migrations, through the stored ``text_length``), so no
writer - this app, an old version, a script - can store a broken span.
"""

from __future__ import annotations

from sqlalchemy import text as sql_text
from sqlalchemy import BigInteger, Boolean, CheckConstraint, Float, ForeignKey, ForeignKeyConstraint, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

STATUSES = ("new", "in_progress", "done", "skipped")
SOURCES = ("human", "model", "pattern", "projection")
STATES = ("suggested", "accepted", "rejected")


# 64-bit keys: SQLite's INTEGER holds them; PostgreSQL's integer is 32 bits.
_INT64 = BigInteger().with_variant(Integer, "sqlite")


def _one_of(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Base(DeclarativeBase):
    pass


class DocumentRow(Base):
    __tablename__ = "documents"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(Text, default="")
    text: Mapped[str] = mapped_column(Text)
    text_length: Mapped[int] = mapped_column(Integer)  # = length(text), kept so by triggers; the span bound reads it
    source_path: Mapped[str] = mapped_column(Text, default="")
    copies_indexed: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # 1 once its sentences are in the copy index
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    meta: Mapped[str] = mapped_column(Text, default="{}")  # JSON object
    created_at: Mapped[str] = mapped_column(String(32))
    updated_at: Mapped[str] = mapped_column(String(32))
    __table_args__ = (
        CheckConstraint("length(text) > 0", name="ck_documents_text"),
        Index("ix_documents_length", "id", "text_length"),  # the span triggers read text_length through it
        Index("ix_documents_copies_pending", "id", sqlite_where=sql_text("copies_indexed = 0"), postgresql_where=sql_text("copies_indexed = 0")),
    )


class AnnotatorRow(Base):
    """Someone who annotates: their spans are their layer, their statuses and notes their own."""

    __tablename__ = "annotators"
    name: Mapped[str] = mapped_column(Text, primary_key=True)  # as first written; spans refer to it
    key: Mapped[str] = mapped_column(Text, unique=True)  # casefolded: one annotator per key
    created_at: Mapped[str] = mapped_column(String(32))
    __table_args__ = (CheckConstraint("length(trim(name)) > 0", name="ck_annotators_name"),)


class DocumentStateRow(Base):
    """An annotator's status and note of a document (absent: new, no note)."""

    __tablename__ = "document_states"
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True)
    annotator: Mapped[str] = mapped_column(ForeignKey("annotators.name", onupdate="CASCADE", ondelete="CASCADE"), primary_key=True)
    status: Mapped[str] = mapped_column(String(16), default="new")
    note: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[str] = mapped_column(String(32))
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")  # store.conflicts: optimistic edits
    updated_by: Mapped[str | None] = mapped_column(Text, nullable=True)  # who wrote this version (NULL: not recorded)
    __table_args__ = (
        CheckConstraint(_one_of("status", STATUSES), name="ck_document_states_status"),
        Index("ix_document_states_annotator", "annotator", "status"),
        {"sqlite_with_rowid": False},
    )


class LabelRow(Base):
    __tablename__ = "labels"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(Text, unique=True)
    color: Mapped[str] = mapped_column(String(7), default="#dddddd")
    hotkey: Mapped[str | None] = mapped_column(String(1), unique=True, nullable=True)
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    __table_args__ = (
        CheckConstraint("length(trim(name)) > 0", name="ck_labels_name"),
        CheckConstraint("color GLOB '#[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]'", name="ck_labels_color"),
    )


class SpanRow(Base):
    __tablename__ = "spans"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    label_id: Mapped[int] = mapped_column(ForeignKey("labels.id", ondelete="RESTRICT"))
    source: Mapped[str] = mapped_column(String(16), default="human")
    state: Mapped[str] = mapped_column(String(10), default="accepted")
    note: Mapped[str] = mapped_column(Text, default="")
    annotator: Mapped[str] = mapped_column(ForeignKey("annotators.name", onupdate="CASCADE", ondelete="RESTRICT"))
    provenance: Mapped[str] = mapped_column(Text, default="")  # another tool's own source value ("en_core_web_lg")
    created_at: Mapped[str] = mapped_column(String(32))
    updated_at: Mapped[str] = mapped_column(String(32))
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")  # store.conflicts: optimistic edits
    updated_by: Mapped[str | None] = mapped_column(Text, nullable=True)  # who wrote this version (NULL: not recorded)
    __table_args__ = (
        CheckConstraint("start >= 0 AND start < \"end\"", name="ck_spans_offsets"),
        CheckConstraint(_one_of("source", SOURCES), name="ck_spans_source"),
        CheckConstraint(_one_of("state", STATES), name="ck_spans_state"),
        # One layer per annotator: two people may mark the same span with the same label.
        UniqueConstraint("document_id", "annotator", "start", "end", "label_id", name="uq_spans_position"),
        Index("ix_spans_label", "label_id"),
        # What a relation's ends refer to (composite foreign keys): same document, same layer.
        Index("uq_spans_relation_end", "id", "document_id", "annotator", unique=True),
    )


# Plain SQL both SQLite and PostgreSQL run (no GLOB): '#' and six lower-case hex digits.
RELATION_COLOR = "length(color) = 7 AND substr(color, 1, 1) = '#' AND ltrim(substr(color, 2), '0123456789abcdef') = ''"


class RelationLabelRow(Base):
    __tablename__ = "relation_labels"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(Text, unique=True)
    color: Mapped[str] = mapped_column(String(7), default="#555555")
    hotkey: Mapped[str | None] = mapped_column(String(1), unique=True, nullable=True)
    description: Mapped[str] = mapped_column(Text, default="")
    directed: Mapped[bool] = mapped_column(Boolean(create_constraint=True, name="ck_relation_labels_directed"), default=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    __table_args__ = (
        CheckConstraint("length(trim(name)) > 0", name="ck_relation_labels_name"),
        CheckConstraint(RELATION_COLOR, name="ck_relation_labels_color"),
    )


class RelationLabelEndRow(Base):
    """An entity label allowed at one end of a relation label (none listed for an end: any)."""

    __tablename__ = "relation_label_ends"
    relation_label_id: Mapped[int] = mapped_column(ForeignKey("relation_labels.id", ondelete="CASCADE"), primary_key=True)
    end: Mapped[str] = mapped_column(String(4), primary_key=True)  # "head" or "tail"
    label_id: Mapped[int] = mapped_column(ForeignKey("labels.id", ondelete="RESTRICT"), primary_key=True)
    __table_args__ = (
        CheckConstraint("\"end\" IN ('head', 'tail')", name="ck_relation_label_ends_end"),
        Index("ix_relation_label_ends_label", "label_id"),
    )


class RelationRow(Base):
    """A labelled link between two spans of one document and one layer (the foreign keys onto
    uq_spans_relation_end make the database keep it so); deleted with either span."""

    __tablename__ = "relations"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    head_id: Mapped[int] = mapped_column(Integer)
    tail_id: Mapped[int] = mapped_column(Integer)
    label_id: Mapped[int] = mapped_column(ForeignKey("relation_labels.id", ondelete="RESTRICT"))
    source: Mapped[str] = mapped_column(String(16), default="human")
    state: Mapped[str] = mapped_column(String(10), default="accepted")
    note: Mapped[str] = mapped_column(Text, default="")
    annotator: Mapped[str] = mapped_column(ForeignKey("annotators.name", onupdate="CASCADE", ondelete="RESTRICT"))
    provenance: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[str] = mapped_column(String(32))
    updated_at: Mapped[str] = mapped_column(String(32))
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")  # store.conflicts: optimistic edits
    updated_by: Mapped[str | None] = mapped_column(Text, nullable=True)  # who wrote this version (NULL: not recorded)
    __table_args__ = (
        ForeignKeyConstraint(
            ["head_id", "document_id", "annotator"], ["spans.id", "spans.document_id", "spans.annotator"],
            name="fk_relations_head", ondelete="CASCADE", onupdate="CASCADE",
        ),
        ForeignKeyConstraint(
            ["tail_id", "document_id", "annotator"], ["spans.id", "spans.document_id", "spans.annotator"],
            name="fk_relations_tail", ondelete="CASCADE", onupdate="CASCADE",
        ),
        CheckConstraint("head_id <> tail_id", name="ck_relations_no_loop"),
        CheckConstraint(_one_of("source", SOURCES), name="ck_relations_source"),
        CheckConstraint(_one_of("state", STATES), name="ck_relations_state"),
        UniqueConstraint("head_id", "tail_id", "label_id", "annotator", name="uq_relations_ends"),
        Index("ix_relations_tail", "tail_id"),
        Index("ix_relations_document", "document_id", "annotator"),
        Index("ix_relations_label", "label_id"),
    )



class SentenceRow(Base):
    """A sentence of a document that the copy index knows (one with enough words)."""

    __tablename__ = "sentences"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    text_hash: Mapped[int] = mapped_column(_INT64)  # signed 64 bits of the normalized text's blake2b
    group_id: Mapped[int | None] = mapped_column(Integer, nullable=True)  # its copy group; NULL: no copies
    __table_args__ = (
        CheckConstraint('start >= 0 AND start < "end"', name="ck_sentences_offsets"),
        Index("ix_sentences_document", "document_id", "start"),
        Index("ix_sentences_hash", "text_hash"),
        Index("ix_sentences_group", "group_id"),
    )


class SentenceBandRow(Base):
    """LSH buckets: a sentence under each of its band keys (only the first sentence of each
    normalized text; its exact copies are found by text_hash)."""

    __tablename__ = "sentence_bands"
    band: Mapped[int] = mapped_column(_INT64, primary_key=True, autoincrement=False)
    sentence_id: Mapped[int] = mapped_column(ForeignKey("sentences.id", ondelete="CASCADE"), primary_key=True)
    __table_args__ = {"sqlite_with_rowid": False}


class CopyIndexRow(Base):
    """The settings the copy index was built with (one row); other settings mean a rebuild."""

    __tablename__ = "copy_index"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    threshold: Mapped[float] = mapped_column(Float)
    min_words: Mapped[int] = mapped_column(Integer)
    num_perm: Mapped[int] = mapped_column(Integer)
    bands: Mapped[int] = mapped_column(Integer)
    rows: Mapped[int] = mapped_column(Integer)
    max_chars: Mapped[int] = mapped_column(Integer)
    __table_args__ = (CheckConstraint("id = 1", name="ck_copy_index_one_row"),)


class ChangeRow(Base):
    """The last change of each document (store.changes): a window polls for ids past its token."""

    __tablename__ = "changes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    changed_by: Mapped[str] = mapped_column(Text)
    changed_at: Mapped[str] = mapped_column(String(32))
    written_in: Mapped[int | None] = mapped_column(BigInteger)  # PostgreSQL: the writer's transaction id (0007)
    __table_args__ = (Index("ix_changes_document", "document_id"), Index("ix_changes_written", "written_in"))


class AssignmentRow(Base):
    """A document given to an annotator to annotate (``annotator assign``)."""

    __tablename__ = "assignments"
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True)
    annotator: Mapped[str] = mapped_column(ForeignKey("annotators.name", onupdate="CASCADE", ondelete="CASCADE"), primary_key=True)
    assigned_at: Mapped[str] = mapped_column(String(32))
    assigned_by: Mapped[str] = mapped_column(Text)
    __table_args__ = (Index("ix_assignments_annotator", "annotator", "document_id"),)
