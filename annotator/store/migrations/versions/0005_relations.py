"""Relations between spans (issue 14): relation labels, the entity labels allowed at their ends,
and relations.

- ``uq_spans_relation_end``: a unique index on spans (id, document_id, annotator), which the
  relations' composite foreign keys refer to, so the database itself keeps both ends in the
  relation's document and layer (no trigger: SQLite and PostgreSQL alike).
- ``relations``: deleted with either span or the document (ON DELETE CASCADE); a layer rename
  follows (ON UPDATE CASCADE, as spans); no self-loop; one relation per (head, tail, label, layer).

Plain Alembic operations only (team mode runs this on PostgreSQL too); nothing is rebuilt.

Revision ID: 0005_relations
Revises: 0004_annotators
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_relations"
down_revision = "0004_annotators"

_COLOR = "length(color) = 7 AND substr(color, 1, 1) = '#' AND ltrim(substr(color, 2), '0123456789abcdef') = ''"
_SPAN_END = ["spans.id", "spans.document_id", "spans.annotator"]


def _one_of(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def upgrade() -> None:
    op.create_index("uq_spans_relation_end", "spans", ["id", "document_id", "annotator"], unique=True)
    op.create_table(
        "relation_labels",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.Text, nullable=False, unique=True),
        sa.Column("color", sa.String(7), nullable=False),
        sa.Column("hotkey", sa.String(1), nullable=True, unique=True),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("directed", sa.Boolean(create_constraint=True, name="ck_relation_labels_directed"), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.CheckConstraint("length(trim(name)) > 0", name="ck_relation_labels_name"),
        sa.CheckConstraint(_COLOR, name="ck_relation_labels_color"),
    )
    op.create_table(
        "relation_label_ends",
        sa.Column("relation_label_id", sa.Integer, sa.ForeignKey("relation_labels.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("end", sa.String(4), primary_key=True),
        sa.Column("label_id", sa.Integer, sa.ForeignKey("labels.id", ondelete="RESTRICT"), primary_key=True),
        sa.CheckConstraint("\"end\" IN ('head', 'tail')", name="ck_relation_label_ends_end"),
    )
    op.create_index("ix_relation_label_ends_label", "relation_label_ends", ["label_id"])
    op.create_table(
        "relations",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("document_id", sa.Integer, sa.ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
        sa.Column("head_id", sa.Integer, nullable=False),
        sa.Column("tail_id", sa.Integer, nullable=False),
        sa.Column("label_id", sa.Integer, sa.ForeignKey("relation_labels.id", ondelete="RESTRICT"), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("annotator", sa.Text, sa.ForeignKey("annotators.name", onupdate="CASCADE", ondelete="RESTRICT"), nullable=False),
        sa.Column("provenance", sa.Text, nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("updated_at", sa.String(32), nullable=False),
        sa.ForeignKeyConstraint(["head_id", "document_id", "annotator"], _SPAN_END, name="fk_relations_head", ondelete="CASCADE", onupdate="CASCADE"),
        sa.ForeignKeyConstraint(["tail_id", "document_id", "annotator"], _SPAN_END, name="fk_relations_tail", ondelete="CASCADE", onupdate="CASCADE"),
        sa.CheckConstraint("head_id <> tail_id", name="ck_relations_no_loop"),
        sa.CheckConstraint(_one_of("source", ("human", "model", "pattern", "projection")), name="ck_relations_source"),
        sa.CheckConstraint(_one_of("state", ("suggested", "accepted", "rejected")), name="ck_relations_state"),
        sa.UniqueConstraint("head_id", "tail_id", "label_id", "annotator", name="uq_relations_ends"),
    )
    op.create_index("ix_relations_tail", "relations", ["tail_id"])
    op.create_index("ix_relations_document", "relations", ["document_id", "annotator"])
    op.create_index("ix_relations_label", "relations", ["label_id"])


def downgrade() -> None:
    op.drop_table("relations")
    op.drop_table("relation_label_ends")
    op.drop_table("relation_labels")
    op.drop_index("uq_spans_relation_end", "spans")
