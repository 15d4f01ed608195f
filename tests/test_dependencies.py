"""Facts about the dependencies that must stay true (the layering: tests/test_layers.py)."""

import sys


def test_pyside_does_not_leak_none_references():
    """PySide6-Essentials 6.12.0 on CPython < 3.12 drops a ref to None per void call and aborts."""
    from PySide6.QtGui import QTextCursor, QTextDocument

    doc = QTextDocument("x" * 100)
    cursor = QTextCursor(doc)
    before = sys.getrefcount(None)
    for i in range(50_000):
        cursor.setPosition(i % 100)
    assert sys.getrefcount(None) >= before

