"""Facts about the dependencies and the layering that must stay true."""

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_pyside_does_not_leak_none_references():
    """PySide6-Essentials 6.12.0 on CPython < 3.12 drops a ref to None per void call and aborts."""
    from PySide6.QtGui import QTextCursor, QTextDocument

    doc = QTextDocument("x" * 100)
    cursor = QTextCursor(doc)
    before = sys.getrefcount(None)
    for i in range(50_000):
        cursor.setPosition(i % 100)
    assert sys.getrefcount(None) >= before


def test_only_the_gui_package_imports_qt():
    offenders = []
    for path in (ROOT / "annotator").rglob("*.py"):
        if "gui" in path.relative_to(ROOT / "annotator").parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            offenders += [f"{path.relative_to(ROOT)}: {n}" for n in names if n.split(".")[0] in {"PySide6", "shiboken6", "PyQt5", "PyQt6"}]
    assert offenders == []
