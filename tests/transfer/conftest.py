"""The transfer tests run on both engines: ``store`` is a new database on SQLite and on PostgreSQL."""

from __future__ import annotations

import pytest

from tests.conftest import SEEDS  # noqa: F401  (a test here importing conftest.SEEDS may get this module)


@pytest.fixture
def store(engine_store):
    return engine_store
