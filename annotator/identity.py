"""Who is annotating: the name every span, status and note of this user is recorded under.

The window asks once (prefilled with the OS user name) and saves it here; the CLI takes
``--annotator NAME``, else ``ANNOTATOR_NAME``, else the saved name. Someone who never named
themselves works in the ``default`` layer, where a database from before names were recorded
keeps its spans.
"""

from __future__ import annotations

import getpass
import json
import os
from pathlib import Path

from annotator.core.annotators import DEFAULT_ANNOTATOR, canonical_annotator
from annotator.core.model import AnnotationError
from annotator.paths import APP_NAME

ENV = "ANNOTATOR_NAME"


def identity_path() -> Path:
    from platformdirs import user_config_path

    return user_config_path(APP_NAME, appauthor=False) / "identity.json"


def saved_name() -> str | None:
    """The name the window saved; None when there is none (or the file cannot be read: the
    window then asks again rather than stopping)."""
    try:
        data = json.loads(identity_path().read_text(encoding="utf-8"))
        return canonical_annotator(data["name"])
    except (OSError, ValueError, KeyError, TypeError, AnnotationError):
        return None


def save_name(name: str) -> str:
    """Save the name (written whole or not at all); returns it canonical."""
    name = canonical_annotator(name)
    path = identity_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.write_text(json.dumps({"name": name}, ensure_ascii=False), encoding="utf-8")
    os.replace(partial, path)
    return name


def os_user_name() -> str:
    """The login name, the window's suggestion; "" when the system has none to give."""
    try:
        return getpass.getuser().strip()
    except Exception:  # no login name (a container without passwd entry): nothing to suggest
        return ""


def current_name(given: str | None = None) -> str:
    """``given`` (--annotator), else ``ANNOTATOR_NAME``, else the saved name, else ``default``."""
    for name in (given, os.environ.get(ENV)):
        if name is not None and name.strip():
            return canonical_annotator(name)
        if name is not None:
            raise AnnotationError(f"the annotator name {name!r} is empty")
    return saved_name() or DEFAULT_ANNOTATOR
