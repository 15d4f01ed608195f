"""The store tests run on both engines: ``store`` is a new database on SQLite and on PostgreSQL."""

from __future__ import annotations

import pytest

from annotator.store import Store


@pytest.fixture
def store(new_db):
    with Store(new_db()) as s:
        yield s
