"""What every verb uses: the store it works on, a progress line."""

from __future__ import annotations

import sys


def _store(args):
    """The database of ``--db`` (or the default one), seen as the annotator the user is."""
    from annotator.identity import current_name
    from annotator.workspace import open_store

    return open_store(args.db, current_name(getattr(args, "annotator", None)))


def _progress(action: str):
    """A one-line progress counter on a terminal; silent when piped."""
    if not sys.stderr.isatty():
        return None

    stream = getattr(sys.stderr, "stream", sys.stderr)  # our own \r, not escaped

    def show(done: int, total: int) -> None:
        if done == total or done % 250 == 0:
            print(f"\r{action} {done}/{total}", end="\n" if done == total else "", file=stream, flush=True)

    return show
