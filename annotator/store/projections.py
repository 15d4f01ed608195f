"""Writing projections: a decision on a sentence proposed in its copies (a Store mixin)."""

from __future__ import annotations


class Projections:
    """Mixed into Store; uses its ``_read`` and ``_write`` sessions."""
