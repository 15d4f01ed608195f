"""Plain ``.txt`` articles: one document per file, title from the first non-blank line."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from annotator.core.text import TextError, decode
from annotator.formats.records import ReadOptions, Record, build_document
from annotator.transfer.problems import Problem

NAME = "text"


def read(path: Path, options: ReadOptions = ReadOptions()) -> Iterator[Record | Problem]:
    try:
        text = decode(path.read_bytes(), options.encoding)
    except (OSError, TextError) as error:
        yield Problem(str(path), str(error))
        return
    if not text.strip():
        yield Problem(str(path), "empty or blank file, skipped", warning=True)
        return
    yield build_document(text, source_path=str(path), checked=True), []  # decode() checked it
