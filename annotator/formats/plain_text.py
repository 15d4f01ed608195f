"""Plain ``.txt`` articles: one document per file, title from the first non-blank line."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from annotator.core import limits
from annotator.core.text import TextError, decode, document_too_long, read_limited
from annotator.formats.records import ReadOptions, Record, build_document
from annotator.core.problems import Problem

NAME = "text"


def read(path: Path, options: ReadOptions = ReadOptions()) -> Iterator[Record | Problem]:
    name = str(path)
    try:
        data = read_limited(path, limits.MAX_FILE_BYTES, "a text file")
        text = decode(data, options.encoding)
    except (OSError, TextError) as error:
        yield Problem(name, str(error))
        return
    if len(text) > limits.MAX_DOCUMENT_CHARS:
        yield Problem(name, document_too_long(len(text)))
        return
    if not text.strip():
        yield Problem(name, "empty or blank file, skipped", warning=True)
        return
    # decode() checked the text; plain UTF-8 without a BOM is its own encoding, ready to hash.
    same_bytes = options.encoding is None and not data.startswith(b"\xef\xbb\xbf")
    yield build_document(text, source_path=name, checked=True, utf8=data if same_bytes else None), []
