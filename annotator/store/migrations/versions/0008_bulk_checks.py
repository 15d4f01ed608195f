"""Schema 0008: PostgreSQL checks its rules once per statement, not once per row (bulk imports).

The two rules stay what they were; only how PostgreSQL checks them changes (SQLite keeps its
row triggers: there a trigger is a few VM steps, not a PL/pgSQL call):
- ``documents.text_length = length(text)``: a CHECK constraint (evaluated in C on each row)
  instead of a PL/pgSQL row trigger;
- ``spans.end <= documents.text_length``: one set-based query over the rows a statement
  inserted or updated (AFTER ... FOR EACH STATEMENT with a transition table) instead of a
  PL/pgSQL call and a lookup per row. A COPY of 80,000 spans spent about a second in them.
A row breaking either rule is still refused as a check violation (SQLSTATE 23514) and the
statement writes nothing.

Revision ID: 0008_bulk_checks
Revises: 0007_change_marks
"""

from alembic import op

from annotator.store import dialect

revision = "0008_bulk_checks"
down_revision = "0007_change_marks"

_SPANS_END = """CREATE FUNCTION trg_spans_end_rows() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM written_spans AS s JOIN documents AS d ON d.id = s.document_id WHERE s."end" > d.text_length) THEN
        RAISE EXCEPTION 'span end beyond document text' USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END $$"""


def upgrade() -> None:
    bind = op.get_bind()
    if not dialect.is_postgres(bind):
        return
    for statement in (*dialect.drop_text_length_triggers(bind), *dialect.drop_span_end_triggers(bind)):
        op.execute(statement)
    op.execute("DROP FUNCTION IF EXISTS trg_documents_length_check()")
    op.execute("DROP FUNCTION IF EXISTS trg_spans_end_check()")
    op.create_check_constraint("ck_documents_text_length", "documents", "text_length = length(text)")
    op.execute(_SPANS_END)
    for event in ("insert", "update"):  # a trigger with a transition table serves one event
        op.execute(f"CREATE TRIGGER trg_spans_end_{event} AFTER {event.upper()} ON spans REFERENCING NEW TABLE AS written_spans "
                   "FOR EACH STATEMENT EXECUTE FUNCTION trg_spans_end_rows()")


def downgrade() -> None:
    bind = op.get_bind()
    if not dialect.is_postgres(bind):
        return
    for event in ("insert", "update"):
        op.execute(f"DROP TRIGGER IF EXISTS trg_spans_end_{event} ON spans")
    op.execute("DROP FUNCTION IF EXISTS trg_spans_end_rows()")
    op.drop_constraint("ck_documents_text_length", "documents", type_="check")
    for statement in (*dialect.text_length_triggers(bind), *dialect.span_end_triggers(bind)):
        op.execute(statement)
