"""Opening the researcher's database: the default one is created and seeded on first run."""

from __future__ import annotations

from pathlib import Path

from annotator.paths import default_db_path, seeds_dir
from annotator.store import Store


def open_store(db_path: Path | str | None = None) -> Store:
    """Open ``db_path``, or the default DB (``ANNOTATOR_DB`` or the user data folder).

    The default DB is seeded with the sample articles when it is created, so a new user
    sees articles at once; a DB named explicitly starts empty.
    """
    if db_path is not None:
        return Store(db_path)
    path = default_db_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    store = Store(path)
    if store.created:
        seed(store)
    return store


def seed(store: Store) -> int:
    from annotator.transfer.importing import import_paths

    folder = seeds_dir()
    if not folder.is_dir():
        return 0
    return import_paths(store, [folder]).added
