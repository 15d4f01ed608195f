"""Annotators: each has their own layer of spans and their own status and note per document.

- ``annotators`` lists them (``key``: the casefolded name, so case variants are one person).
- ``spans.annotator`` names its layer (a foreign key, renamed with its annotator); the
  uniqueness rule includes it, so two people may mark the same span with the same label.
  Every existing span joins the layer ``default`` (core.annotators.DEFAULT_ANNOTATOR); a name
  an older import had put in ``spans.annotator`` is kept in ``provenance`` ("annotator X").
- ``document_states`` holds each annotator's status and note of a document; the existing
  ones become ``default``'s and ``documents`` loses its ``status`` and ``note`` columns.

The tables referring to ``documents`` are rebuilt with foreign keys off (migrations.upgrade
turns them off around every migration and checks them before the commit), so rebuilding
``documents`` cascades nothing. Triggers dropped with a rebuilt table are made again.

Revision ID: 0004_annotators
Revises: 0003_copy_index
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_annotators"
down_revision = "0003_copy_index"

DEFAULT = "default"
STATUS = "status IN ('new', 'in_progress', 'done', 'skipped')"
_SPAN_END = """CREATE TRIGGER trg_spans_end_{event} BEFORE {EVENT} ON spans
    WHEN NEW."end" > (SELECT text_length FROM documents INDEXED BY ix_documents_length WHERE id = NEW.document_id)
    BEGIN SELECT RAISE(ABORT, 'span end beyond document text'); END"""
_LENGTH_MISMATCH = "WHEN NEW.text_length IS NOT length(NEW.text) BEGIN SELECT RAISE(ABORT, 'text_length must equal length(text)'); END"
_DOCUMENT_TRIGGERS = {
    "trg_documents_length_insert": f"CREATE TRIGGER trg_documents_length_insert BEFORE INSERT ON documents {_LENGTH_MISMATCH}",
    "trg_documents_length_update": f"CREATE TRIGGER trg_documents_length_update BEFORE UPDATE OF text, text_length ON documents {_LENGTH_MISMATCH}",
}


def _drop_triggers() -> None:
    for name in (*_DOCUMENT_TRIGGERS, "trg_spans_end_insert", "trg_spans_end_update"):
        op.execute(f"DROP TRIGGER IF EXISTS {name}")


def _make_triggers() -> None:
    for sql in _DOCUMENT_TRIGGERS.values():
        op.execute(sql)
    for event in ("insert", "update"):
        op.execute(_SPAN_END.format(event=event, EVENT=event.upper()))


def upgrade() -> None:
    _drop_triggers()
    op.create_table(
        "annotators",
        sa.Column("name", sa.Text, primary_key=True),
        sa.Column("key", sa.Text, nullable=False, unique=True),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.CheckConstraint("length(trim(name)) > 0", name="ck_annotators_name"),
    )
    op.execute(f"INSERT INTO annotators (name, key, created_at) VALUES ('{DEFAULT}', '{DEFAULT}', strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now'))")
    op.create_table(
        "document_states",
        sa.Column("document_id", sa.Integer, sa.ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("annotator", sa.Text, sa.ForeignKey("annotators.name", onupdate="CASCADE", ondelete="CASCADE"), primary_key=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("updated_at", sa.String(32), nullable=False),
        sa.CheckConstraint(STATUS, name="ck_document_states_status"),
        sqlite_with_rowid=False,
    )
    op.create_index("ix_document_states_annotator", "document_states", ["annotator", "status"])
    op.execute(
        f"INSERT INTO document_states (document_id, annotator, status, note, updated_at) "
        f"SELECT id, '{DEFAULT}', status, note, updated_at FROM documents WHERE status != 'new' OR note != ''"
    )
    op.drop_index("ix_documents_status", "documents")
    with op.batch_alter_table("documents", recreate="always") as batch:
        batch.drop_constraint("ck_documents_status", type_="check")
        batch.drop_column("status")
        batch.drop_column("note")
    op.execute(
        "UPDATE spans SET provenance = provenance || CASE provenance WHEN '' THEN '' ELSE '; ' END || 'annotator ' || annotator "
        "WHERE annotator != ''"
    )
    op.execute(f"UPDATE spans SET annotator = '{DEFAULT}'")
    with op.batch_alter_table("spans", recreate="always") as batch:
        batch.drop_constraint("uq_spans_position", type_="unique")
        batch.alter_column("annotator", existing_type=sa.Text, nullable=False, server_default=None)
        batch.create_foreign_key("fk_spans_annotator", "annotators", ["annotator"], ["name"], onupdate="CASCADE", ondelete="RESTRICT")
        batch.create_unique_constraint("uq_spans_position", ["document_id", "annotator", "start", "end", "label_id"])
    _make_triggers()


def downgrade() -> None:
    raise NotImplementedError("0004_annotators cannot be undone: several layers do not fit one (restore the backup made before it)")
