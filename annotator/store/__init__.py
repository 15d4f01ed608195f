"""SQLite persistence through SQLAlchemy: schema, migrations, and the Store service."""

from annotator.store.database import DatabaseError, NewerDatabaseError
from annotator.store.service import Store

__all__ = ["DatabaseError", "NewerDatabaseError", "Store"]
