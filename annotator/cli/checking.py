"""The check verb: groups of copies whose annotations disagree."""

from __future__ import annotations


def add_verbs(verbs) -> None:
    """Register this module's verbs on the CLI's subparsers."""
