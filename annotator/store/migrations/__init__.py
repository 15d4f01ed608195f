"""Alembic migrations, run from code when a database is opened."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

HERE = Path(__file__).resolve().parent


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(HERE))
    return config


def known_revisions() -> set[str]:
    return {rev.revision for rev in ScriptDirectory.from_config(_config()).walk_revisions()}


def head() -> str:
    return ScriptDirectory.from_config(_config()).get_current_head()


def upgrade(engine: Engine, target: str = "head") -> None:
    """Run the migrations in one transaction, with foreign keys off: a table other tables refer
    to (documents) is rebuilt by copy, drop and rename, and a drop with them on would cascade
    into the spans. They are checked before the commit (env.py) and turned on again after."""
    config = _config()
    with engine.connect() as connection:
        raw = connection.connection.dbapi_connection
        raw.execute("PRAGMA foreign_keys=OFF")  # outside any transaction: inside one it is ignored
        try:
            config.attributes["connection"] = connection
            command.upgrade(config, target)
            connection.commit()
        finally:
            connection.rollback()
            raw.execute("PRAGMA foreign_keys=ON")
