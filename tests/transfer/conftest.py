"""The transfer tests run on both engines: ``store`` is a new database on SQLite and on PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.store import Store

SEEDS = Path(__file__).resolve().parents[2] / "seeds"  # as tests/conftest.py's (tests here import it as conftest.SEEDS)


@pytest.fixture
def store(new_db):
    with Store(new_db()) as s:
        yield s
