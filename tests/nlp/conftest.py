"""Fixtures for the spaCy tests: one pipeline per session, stores seeded in tmp_path."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.core.model import Document
from annotator.core.text import content_hash
from annotator.store import Store

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


@pytest.fixture(scope="session")
def seed_texts() -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]


def _add_texts(store: Store, texts: list[str]) -> list[int]:
    records = [(Document(None, f"doc {i}", t, content_hash=content_hash(t)), []) for i, t in enumerate(texts)]
    return store.add_documents(records).added


@pytest.fixture
def add_texts():
    """``add_texts(store, texts) -> ids``: documents with no spans."""
    return _add_texts


@pytest.fixture(scope="session")
def pipeline():
    from annotator.nlp.pipeline import load_pipeline

    return load_pipeline()


@pytest.fixture
def seeded(tmp_path, seed_texts):
    """A store holding the two seed articles; yields (store, [id0, id1])."""
    with Store(tmp_path / "t.db") as store:
        yield store, _add_texts(store, seed_texts)
