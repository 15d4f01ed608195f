"""What every verb uses: the store it works on, a progress line."""

from __future__ import annotations

import sys


def _store(args):
    """The database of ``--db`` (or the default one), seen as the annotator the user is."""
    from annotator.identity import current_name
    from annotator.workspace import open_store

    store = open_store(args.db, current_name(getattr(args, "annotator", None)))
    try:
        check_identity(store.location, store.annotator)  # team mode: who writes must be known
    except Exception:
        store.close()
        raise
    return store


NAME_NEEDED = (
    "a shared (PostgreSQL) database needs to know who you are: give --annotator NAME, set ANNOTATOR_NAME, "
    "or open the window once and enter your name in its first-start dialog"
)


def check_identity(location, name: str) -> None:
    """Refuse the ``default`` identity in team mode (a postgresql:// database), saying how to set one."""
    from annotator.core.annotators import DEFAULT_ANNOTATOR, annotator_key
    from annotator.core.model import AnnotationError

    if location.is_postgres and annotator_key(name) == annotator_key(DEFAULT_ANNOTATOR):
        raise AnnotationError(f"{location}: {NAME_NEEDED}")


def _progress(action: str):
    """A one-line progress counter on a terminal; silent when piped."""
    if not sys.stderr.isatty():
        return None

    stream = getattr(sys.stderr, "stream", sys.stderr)  # our own \r, not escaped

    def show(done: int, total: int) -> None:
        if done == total or done % 250 == 0:
            print(f"\r{action} {done}/{total}", end="\n" if done == total else "", file=stream, flush=True)

    return show
