"""Replaces PyInstaller's Pygments hook, which bundles all ~600 lexers.

Pygments arrives through Mako (Alembic) and rich (spaCy's CLI); the annotator never
highlights code. Styles and formatters stay (Mako builds an HTML formatter with the
default style at import); lexers are kept only where something imports them directly.
"""

from PyInstaller.utils.hooks import collect_submodules

hiddenimports = collect_submodules("pygments.styles") + collect_submodules("pygments.formatters")
