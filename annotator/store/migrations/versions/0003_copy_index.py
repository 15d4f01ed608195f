"""The copy index: sentences of each document, their LSH band keys and copy groups; the
``projection`` span source.

Existing documents get ``copies_indexed = 0``: the app indexes them once after the
upgrade (in the background in the window, store.copy_index.build_pending), so the
migration itself stays fast. The spans table is rebuilt for its new source CHECK, and the
two span triggers (dropped with the old table) are made again.

Revision ID: 0003_copy_index
Revises: 0002_provenance_text_length
"""

import sqlalchemy as sa
from alembic import op

from annotator.store import dialect

revision = "0003_copy_index"
down_revision = "0002_provenance_text_length"

def _sources_check(sources: tuple[str, ...]) -> str:
    return f"source IN ({', '.join(repr(s) for s in sources)})"


def _rebuild_spans(sources: tuple[str, ...]) -> None:
    bind = op.get_bind()
    for statement in dialect.drop_span_end_triggers(bind):
        op.execute(statement)
    with op.batch_alter_table("spans", recreate=dialect.batch_recreate(bind)) as batch:
        batch.drop_constraint("ck_spans_source", type_="check")
        batch.alter_column("source", type_=sa.String(16), existing_nullable=False)
        batch.create_check_constraint("ck_spans_source", _sources_check(sources))
    for statement in dialect.span_end_triggers(bind):
        op.execute(statement)


def upgrade() -> None:
    op.add_column("documents", sa.Column("copies_indexed", sa.Integer, nullable=False, server_default="0"))
    op.create_index("ix_documents_copies_pending", "documents", ["id"], sqlite_where=sa.text("copies_indexed = 0"),
                    postgresql_where=sa.text("copies_indexed = 0"))
    op.create_table(
        "sentences",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("document_id", sa.Integer, sa.ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
        sa.Column("start", sa.Integer, nullable=False),
        sa.Column("end", sa.Integer, nullable=False),
        sa.Column("text_hash", sa.BigInteger().with_variant(sa.Integer, "sqlite"), nullable=False),  # signed 64 bits
        sa.Column("group_id", sa.Integer, nullable=True),
        sa.CheckConstraint('start >= 0 AND start < "end"', name="ck_sentences_offsets"),
    )
    op.create_index("ix_sentences_document", "sentences", ["document_id", "start"])
    op.create_index("ix_sentences_hash", "sentences", ["text_hash"])
    op.create_index("ix_sentences_group", "sentences", ["group_id"])
    op.create_table(
        "sentence_bands",
        sa.Column("band", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True, autoincrement=False),
        sa.Column("sentence_id", sa.Integer, sa.ForeignKey("sentences.id", ondelete="CASCADE"), primary_key=True),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "copy_index",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("threshold", sa.Float, nullable=False),
        sa.Column("min_words", sa.Integer, nullable=False),
        sa.Column("num_perm", sa.Integer, nullable=False),
        sa.Column("bands", sa.Integer, nullable=False),
        sa.Column("rows", sa.Integer, nullable=False),
        sa.Column("max_chars", sa.Integer, nullable=False),
        sa.CheckConstraint("id = 1", name="ck_copy_index_one_row"),
    )
    _rebuild_spans(("human", "model", "pattern", "projection"))


def downgrade() -> None:
    op.execute("DELETE FROM spans WHERE source = 'projection'")
    _rebuild_spans(("human", "model", "pattern"))
    op.drop_table("copy_index")
    op.drop_table("sentence_bands")
    op.drop_table("sentences")
    op.drop_index("ix_documents_copies_pending", "documents")
    with op.batch_alter_table("documents") as batch:
        batch.drop_column("copies_indexed")
