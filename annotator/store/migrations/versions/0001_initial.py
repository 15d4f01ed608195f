"""Initial schema: documents, labels, spans.

Revision ID: 0001_initial
Revises:
"""

import sqlalchemy as sa
from alembic import op

from annotator.store import dialect

revision = "0001_initial"
down_revision = None

STATUS = "status IN ('new', 'in_progress', 'done', 'skipped')"
SOURCE = "source IN ('human', 'model', 'pattern')"
STATE = "state IN ('suggested', 'accepted', 'rejected')"


def upgrade() -> None:
    bind = op.get_bind()
    op.create_table(
        "documents",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("source_path", sa.Text, nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("meta", sa.Text, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("updated_at", sa.String(32), nullable=False),
        sa.CheckConstraint(STATUS, name="ck_documents_status"),
        sa.CheckConstraint("length(text) > 0", name="ck_documents_text"),
    )
    op.create_index("ix_documents_status", "documents", ["status"])
    op.create_table(
        "labels",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.Text, nullable=False, unique=True),
        sa.Column("color", sa.String(7), nullable=False),
        sa.Column("hotkey", sa.String(1), nullable=True, unique=True),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.CheckConstraint("length(trim(name)) > 0", name="ck_labels_name"),
        sa.CheckConstraint(dialect.color_check(bind), name="ck_labels_color"),
    )
    op.create_table(
        "spans",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("document_id", sa.Integer, sa.ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
        sa.Column("start", sa.Integer, nullable=False),
        sa.Column("end", sa.Integer, nullable=False),
        sa.Column("label_id", sa.Integer, sa.ForeignKey("labels.id", ondelete="RESTRICT"), nullable=False),
        sa.Column("source", sa.String(8), nullable=False),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("annotator", sa.Text, nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("updated_at", sa.String(32), nullable=False),
        sa.CheckConstraint('start >= 0 AND start < "end"', name="ck_spans_offsets"),
        sa.CheckConstraint(SOURCE, name="ck_spans_source"),
        sa.CheckConstraint(STATE, name="ck_spans_state"),
        sa.UniqueConstraint("document_id", "start", "end", "label_id", name="uq_spans_position"),
    )
    op.create_index("ix_spans_document_start", "spans", ["document_id", "start"])
    op.create_index("ix_spans_label", "spans", ["label_id"])
    for statement in dialect.span_end_triggers(bind, stored_length=False):
        op.execute(statement)


def downgrade() -> None:
    op.drop_table("spans")
    op.drop_table("labels")
    op.drop_table("documents")
