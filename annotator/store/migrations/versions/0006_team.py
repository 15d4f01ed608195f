"""Team mode: optimistic edits, the change log windows poll, assignments.

- ``version`` (1 for every existing row) and ``updated_by`` (NULL: not recorded) on spans,
  document_states and relations: an edit that names the version it saw is refused once the
  row moved on (store.conflicts).
- ``changes``: the last change of each document, by id; a window polls ids past its token
  (store.changes). Starts empty.
- ``assignments``: documents given to annotators (``annotator assign``).

Plain Alembic operations (ADD COLUMN with a constant default, CREATE TABLE): the same on
SQLite and PostgreSQL.

Revision ID: 0006_team
Revises: 0005_relations
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_team"
down_revision = "0005_relations"

VERSIONED = ("spans", "document_states", "relations")


def upgrade() -> None:
    for table in VERSIONED:
        op.add_column(table, sa.Column("version", sa.Integer, nullable=False, server_default="1"))
        op.add_column(table, sa.Column("updated_by", sa.Text, nullable=True))
    op.create_table(
        "changes",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("document_id", sa.Integer, sa.ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
        sa.Column("changed_by", sa.Text, nullable=False),
        sa.Column("changed_at", sa.String(32), nullable=False),
    )
    op.create_index("ix_changes_document", "changes", ["document_id"])
    op.create_table(
        "assignments",
        sa.Column("document_id", sa.Integer, sa.ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("annotator", sa.Text, sa.ForeignKey("annotators.name", onupdate="CASCADE", ondelete="CASCADE"), primary_key=True),
        sa.Column("assigned_at", sa.String(32), nullable=False),
        sa.Column("assigned_by", sa.Text, nullable=False),
    )
    op.create_index("ix_assignments_annotator", "assignments", ["annotator", "document_id"])


def downgrade() -> None:
    op.drop_table("assignments")
    op.drop_table("changes")
    for table in reversed(VERSIONED):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("updated_by")
            batch.drop_column("version")
