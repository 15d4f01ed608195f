"""The split verb: leak-free train/dev/test files."""

from __future__ import annotations


def add_verbs(verbs) -> None:
    """Register this module's verbs on the CLI's subparsers."""
