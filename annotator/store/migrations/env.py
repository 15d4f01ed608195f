"""Alembic environment: always called from annotator.store.migrations with a connection."""

from alembic import context

from annotator.store import dialect
from annotator.store.schema import Base

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
    broken = dialect.foreign_key_problems(connection)
    if broken:  # raised inside the transaction: nothing of the migration is kept
        raise RuntimeError(f"the migration would leave {len(broken)} rows referring to missing rows (first: {broken[0]})")
