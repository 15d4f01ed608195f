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

from datetime import datetime, timezone

import sqlalchemy as sa
from alembic import op

from annotator.store import dialect

revision = "0004_annotators"
down_revision = "0003_copy_index"

DEFAULT = "default"
STATUS = "status IN ('new', 'in_progress', 'done', 'skipped')"


def _drop_triggers(bind) -> None:
    for statement in (*dialect.drop_text_length_triggers(bind), *dialect.drop_span_end_triggers(bind)):
        op.execute(statement)


def _make_triggers(bind) -> None:
    for statement in (*dialect.text_length_triggers(bind), *dialect.span_end_triggers(bind)):
        op.execute(statement)


def upgrade() -> None:
    bind = op.get_bind()
    _drop_triggers(bind)
    op.create_table(
        "annotators",
        sa.Column("name", sa.Text, primary_key=True),
        sa.Column("key", sa.Text, nullable=False, unique=True),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.CheckConstraint("length(trim(name)) > 0", name="ck_annotators_name"),
    )
    stamp = datetime.now(timezone.utc).isoformat(timespec="milliseconds")
    op.execute(f"INSERT INTO annotators (name, key, created_at) VALUES ('{DEFAULT}', '{DEFAULT}', '{stamp}')")
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
    with op.batch_alter_table("documents", recreate=dialect.batch_recreate(bind)) as batch:
        batch.drop_constraint("ck_documents_status", type_="check")
        batch.drop_column("status")
        batch.drop_column("note")
    op.execute(
        "UPDATE spans SET provenance = provenance || CASE provenance WHEN '' THEN '' ELSE '; ' END || 'annotator ' || annotator "
        "WHERE annotator != ''"
    )
    op.execute(f"UPDATE spans SET annotator = '{DEFAULT}'")
    with op.batch_alter_table("spans", recreate=dialect.batch_recreate(bind)) as batch:
        batch.drop_constraint("uq_spans_position", type_="unique")
        batch.alter_column("annotator", existing_type=sa.Text, nullable=False, server_default=None)
        batch.create_foreign_key("fk_spans_annotator", "annotators", ["annotator"], ["name"], onupdate="CASCADE", ondelete="RESTRICT")
        batch.create_unique_constraint("uq_spans_position", ["document_id", "annotator", "start", "end", "label_id"])
    _make_triggers(bind)


def downgrade() -> None:
    raise NotImplementedError("0004_annotators cannot be undone: several layers do not fit one (restore the backup made before it)")
