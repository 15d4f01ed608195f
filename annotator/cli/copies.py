"""Verbs about copies of sentences: duplicates, index, project, check."""

from __future__ import annotations


def add_verbs(verbs) -> None:
    """Register this module's verbs on the CLI's subparsers."""
