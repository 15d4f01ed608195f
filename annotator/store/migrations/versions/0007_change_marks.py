"""Schema 0007: each change row records the transaction that wrote it.

- ``changes.written_in``: on PostgreSQL the writer's transaction id (pg_current_xact_id, as a
  bigint); a window's token is then a snapshot, and the rows it has not seen are those whose
  writer was not visible in that snapshot (store.changes). Writers need no table lock to commit
  their ids in order any more. NULL on SQLite (its writers are serialized; ids suffice) and in
  rows written before this schema. Indexed: a poll reads the rows written since its snapshot.

Revision ID: 0007_change_marks
Revises: 0006_team
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_change_marks"
down_revision = "0006_team"


def upgrade() -> None:
    op.add_column("changes", sa.Column("written_in", sa.BigInteger, nullable=True))
    op.create_index("ix_changes_written", "changes", ["written_in"])


def downgrade() -> None:
    op.drop_index("ix_changes_written", "changes")
    with op.batch_alter_table("changes") as batch:
        batch.drop_column("written_in")
