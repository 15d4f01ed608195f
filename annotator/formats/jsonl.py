"""Reading and writing JSON Lines, shared by the Prodigy and doccano formats."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import orjson

from annotator.core.model import AnnotationError
from annotator.core.limits import JSONValueError, parse_json
from annotator.core.text import TextError, iter_lines, iter_raw_lines, not_utf8
from annotator.formats import scheme
from annotator.formats.records import LabelScheme, ReadOptions, Record, not_carried
from annotator.formats.relation_records import RelationRules
from annotator.formats.atomic import atomic_binary_writer
from annotator.core.problems import Problem


def json_lines(path: Path, encoding: str | None = None) -> Iterator[tuple[int, Any] | Problem]:
    """``(line number, parsed value)`` for every non-blank line; a Problem for each that is refused.

    The file is streamed line by line (memory does not grow with its size), each line read
    with a bound (MAX_LINE_BYTES) and parsed by ``parse_json``, which refuses values no
    export could carry. A file that cannot be read further gives one Problem at that line
    and ends the reading: a NUL byte (binary), an overlong line, bytes that do not decode
    (one message for a file in another encoding, not one per line).
    """
    name, seen = str(path), False
    try:
        for number, raw, offset in _utf8_lines(path, encoding):
            if not raw.strip():
                continue
            try:
                value = parse_json(raw)
            except JSONValueError as error:
                # UTF-8 is checked only here, when the parser refused: valid lines are decoded once, by orjson.
                try:
                    blank = not raw.decode("utf-8").strip()  # only Unicode spaces: blank, as str.strip() has it
                except UnicodeDecodeError as exc:
                    yield Problem(name, str(not_utf8(offset + exc.start)), number)
                    return
                if blank:
                    continue
                seen = True
                yield Problem(name, str(error), number)
                continue
            seen = True
            yield number, value
    except TextError as error:
        yield Problem(name, str(error), error.line)
        return
    except OSError as error:
        yield Problem(name, str(error))
        return
    if not seen:
        yield Problem(name, "empty or blank file, skipped", warning=True)


def _utf8_lines(path: Path, encoding: str | None) -> Iterator[tuple[int, bytes, int]]:
    """The file's lines as UTF-8 bytes: as they are in a UTF-8 file, re-encoded from any other."""
    if encoding is None:
        yield from iter_raw_lines(path)
    else:
        for number, line in iter_lines(path, encoding):
            yield number, line.encode("utf-8"), 0  # iter_lines checked: no lone surrogates


def read_records(path: Path, options: ReadOptions, parse) -> Iterator[Record | Problem | LabelScheme]:
    """The sidecar scheme, then a record or problems per line.

    ``parse(data, source_path, known_labels, relation_rules)`` returns ``(record, errors, unsupported)``
    (messages) or raises AnnotationError for a line that is wrong as a whole.
    """
    sidecar, known = scheme.sidecar_and_known(path, options.known_labels)
    if sidecar is not None:
        yield sidecar
    rules = RelationRules.of(options, sidecar)
    for item in json_lines(path, options.encoding):
        if isinstance(item, Problem):
            yield item
            continue
        number, data = item
        try:
            record, errors, unsupported = parse(data, str(path), known, rules)
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
