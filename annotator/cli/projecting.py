"""The project verb: every accepted span proposed in the copies of its sentence."""

from __future__ import annotations


def add_verbs(verbs) -> None:
    """Register this module's verbs on the CLI's subparsers."""
