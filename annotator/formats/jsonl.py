"""Reading and writing JSON Lines, shared by the Prodigy and doccano formats."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import orjson

from annotator.core.model import AnnotationError
from annotator.core.text import TextError, decode
from annotator.formats import scheme
from annotator.formats.records import LabelScheme, ReadOptions, Record, not_carried
from annotator.formats.atomic import atomic_binary_writer
from annotator.core.problems import Problem


def json_lines(path: Path, encoding: str | None = None) -> Iterator[tuple[int, Any] | Problem]:
    """``(line number, parsed value)`` for every non-blank line; a Problem for each that is not JSON."""
    try:
        content = decode(path.read_bytes(), encoding)
    except (OSError, TextError) as error:
        yield Problem(str(path), str(error))
        return
    if not content.strip():
        yield Problem(str(path), "empty or blank file, skipped", warning=True)
        return
    # Split on \n only: str.splitlines() would also split inside texts at U+2028, \x85, ...
    for number, line in enumerate(content.split("\n"), 1):
        if not line.strip():
            continue
        try:
            yield number, json.loads(line)
        except json.JSONDecodeError as error:
            yield Problem(str(path), f"not valid JSON: {error.msg} (column {error.colno})", number)


def read_records(path: Path, options: ReadOptions, parse) -> Iterator[Record | Problem | LabelScheme]:
    """The sidecar scheme, then a record or problems per line.

    ``parse(data, source_path, known_labels)`` returns ``(record, errors, unsupported)``
    (messages) or raises AnnotationError for a line that is wrong as a whole.
    """
    sidecar, known = scheme.sidecar_and_known(path, options.known_labels)
    if sidecar is not None:
        yield sidecar
    for item in json_lines(path, options.encoding):
        if isinstance(item, Problem):
            yield item
            continue
        number, data = item
        try:
            record, errors, unsupported = parse(data, str(path), known)
        except (AnnotationError, TextError) as error:
            yield Problem(str(path), str(error), number)
            continue
        problems = [Problem(str(path), message, number) for message in errors]
        problems += [not_carried(options, str(path), message, number) for message in unsupported]
        yield from problems
        if all(p.warning for p in problems):
            yield record


def write_lines(out: Path, records: Iterable[dict]) -> None:
    # orjson writes UTF-8 bytes directly, several times faster than json.dumps: the
    # serialization is most of an export's time.
    with atomic_binary_writer(out) as handle:
        for data in records:
            handle.write(orjson.dumps(data, option=orjson.OPT_APPEND_NEWLINE))
