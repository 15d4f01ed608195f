"""Fixtures of the format tests: a store holding the hard corpus."""

from __future__ import annotations

import pytest
from format_corpus import fill

from annotator.store import Store


@pytest.fixture
def corpus(tmp_path):
    with Store(tmp_path / "corpus.db") as store:
        fill(store, tmp_path)
        yield store
