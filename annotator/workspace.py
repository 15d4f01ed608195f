"""Opening the researcher's database: the default one is created and seeded on first run."""

from __future__ import annotations

import os
from pathlib import Path

from annotator.core.annotators import DEFAULT_ANNOTATOR
from annotator.paths import default_db_path, seeds_dir, user_data_db_path
from annotator.store import Store


def open_store(db_path: Path | str | None = None, annotator: str = DEFAULT_ANNOTATOR) -> Store:
    """Open ``db_path``, or the default DB (``ANNOTATOR_DB`` or the user data folder), as ``annotator``.

    Only the user data folder's DB is seeded with the sample articles when it is created, so
    a new user sees articles at once. A DB named by ``--db`` or by ``ANNOTATOR_DB`` alike is
    the researcher's own corpus and starts empty.
    """
    if db_path is not None:
        return Store(db_path, annotator=annotator)
    path = default_db_path()
    if not os.environ.get("ANNOTATOR_DB"):
        path.parent.mkdir(parents=True, exist_ok=True)
    store = Store(path, annotator=annotator)
    if store.created and path == user_data_db_path():
        seed(store)
    return store


def seed(store: Store) -> int:
    from annotator.transfer.importing import import_paths

    folder = seeds_dir()
    if not folder.is_dir():
        return 0
    return import_paths(store, [folder]).added
