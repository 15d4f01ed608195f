"""Where things live: shipped resources and seeds (source tree or bundle), user data."""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP_NAME = "annotator"


def install_root() -> Path:
    """The folder holding ``resources/`` and ``seeds/``: the bundle or the source checkout."""
    bundle = getattr(sys, "_MEIPASS", None)
    return Path(bundle) if bundle else Path(__file__).resolve().parent.parent


def resources_dir() -> Path:
    return install_root() / "resources"


def seeds_dir() -> Path:
    return install_root() / "seeds"


def user_data_dir() -> Path:
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False)


def user_data_db_path() -> Path:
    return user_data_dir() / "annotator.db"


def default_db_path() -> Path:
    """``ANNOTATOR_DB`` if set, else ``annotator.db`` in the user data folder."""
    env = os.environ.get("ANNOTATOR_DB")
    return Path(env).expanduser() if env else user_data_db_path()
