"""What the annotator accepts as input, as named limits, and the readers that enforce them.

Every reader reads with a bound (``core.text.read_limited``, or line by line with ``core.text.iter_lines``)
so that no file - a 1 GB text, ``/dev/zero``, a DocBin that inflates a thousandfold - is read
whole before it is refused. JSON is parsed with ``parse_json``: values no export could write
back (integers beyond 64 bits, nesting past orjson's writer, lone surrogates) are refused at
reading, with the line and column, instead of failing every later export.

The limits are documented in the README (Formats, "Size limits"); keep the two in step.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

import orjson

MiB = 1 << 20

# One document's text, in any format. A document is one database row (SQLite refuses a value
# past 1 GB) and is held whole by the window: 100 times the 1 MB article the view is
# benchmarked on, twice the 50 MB article the import is tested with (a news article is ~5 KB).
MAX_DOCUMENT_CHARS = 100_000_000
# A file that is read whole, which is one document: a plain .txt article, a brat .txt or .ann.
# Room for a document at the limit in ASCII; text in other scripts meets this limit first.
MAX_FILE_BYTES = 128 * MiB
# One line of a file read line by line (JSONL, CoNLL): a JSONL line is one document with its
# spans and meta. The files themselves are streamed: a JSONL or CoNLL file has no size limit.
MAX_LINE_BYTES = 128 * MiB
# A label scheme (NAME.labels.json, validate --labels, labels import): thousands of labels.
MAX_SCHEME_BYTES = 4 * MiB
# A spaCy DocBin: the .spacy file (zlib-compressed msgpack), what it inflates to, and the
# texts of all its documents together. spaCy holds a DocBin whole in memory (~20 bytes
# inflated per character of text): 2 GiB is ~100 M characters, twice the 10,000-article
# benchmark corpus. Larger corpora: several .spacy files (spaCy reads a folder of them).
MAX_DOCBIN_BYTES = 256 * MiB
MAX_DOCBIN_INFLATED_BYTES = 2048 * MiB
MAX_DOCBIN_TEXT_CHARS = 100_000_000
# JSON values (JSONL records, label schemes, DocBin user data, documents.meta in the
# database): nesting and integers that every writer we use (orjson, msgpack) can carry.
# orjson writes at most 254 levels; a record's meta is exported up to 2 levels deeper.
MAX_JSON_DEPTH = 100
MIN_INT, MAX_INT = -(1 << 63), (1 << 64) - 1  # what orjson and msgpack write


def size_text(size: int) -> str:
    """``64 MiB``, ``512 KiB``: a limit as people read it."""
    for unit, factor in (("GiB", 1 << 30), ("MiB", MiB), ("KiB", 1 << 10)):
        if size >= factor:
            value = size / factor
            return f"{value:.0f} {unit}" if value == int(value) else f"{value:.1f} {unit}"
    return f"{size} bytes"


def too_large(limit: int, what: str) -> str:
    return f"larger than {size_text(limit)}, the limit for {what}; split it into smaller files"


# -- JSON ----------------------------------------------------------------------


class JSONValueError(ValueError):
    """JSON text that is refused: bad syntax, or a value no export could carry.

    ``str()`` is the message with its column; ``lineno`` is the line inside the parsed text
    (1 for a JSONL line).
    """

    def __init__(self, message: str, lineno: int = 1, colno: int | None = None) -> None:
        super().__init__(message if colno is None else f"{message} (column {colno})")
        self.message, self.lineno, self.colno = message, lineno, colno


# Digits become "0", minus signs stay, everything else a space: an integer that may be out of
# orjson's range (20 digits, or 19 after a minus) is then a C-speed bytes search away (a
# regex over every line would cost more than the parsing).
_DIGITS_ONLY = bytes(0x30 if 0x30 <= c <= 0x39 else c if c == 0x2D else 0x20 for c in range(256))
_TWENTY_DIGITS, _MINUS_NINETEEN = b"0" * 20, b"-" + b"0" * 19
_INTEGER_AT = re.compile(r"-?[0-9]+(?![0-9.eE])")


def parse_json(data: bytes | str) -> Any:
    """Parse one JSON text (orjson, fast), refusing what no export could write back.

    Refused with JSONValueError: bad syntax (stdlib ``json``'s message, the familiar one),
    lone surrogate escapes (``"\\ud800"``), ``NaN``/``Infinity``, integers outside
    [-2**63, 2**64 - 1] (orjson would read them as lossy floats, the stdlib as integers
    no export can write), numbers beyond a double, nesting deeper than MAX_JSON_DEPTH.
    ``data`` is best given as UTF-8 bytes (invalid UTF-8 is refused too).
    """
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")  # orjson refuses the surrogates with a message
    try:
        value = orjson.loads(data)
    except orjson.JSONDecodeError as error:
        raise _explained(data, error) from None
    if data.count(b"[") + data.count(b"{") > MAX_JSON_DEPTH:  # a cheap bound: walk only when it could be deep
        if json_depth(value) > MAX_JSON_DEPTH:
            raise JSONValueError(f"nested more than {MAX_JSON_DEPTH} levels deep (the limit)")
    digits = data.translate(_DIGITS_ONLY)
    if _TWENTY_DIGITS in digits or _MINUS_NINETEEN in digits:
        value = _exact(data)  # orjson may have read an integer as a float: read them exactly, check the range
    return value


def json_depth(value: Any) -> int:
    """Levels of nested lists/dicts (a scalar is 0), without recursion; counted no further
    than MAX_JSON_DEPTH + 1 (past the limit is all a caller needs to know)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        children = item.values() if isinstance(item, dict) else item if isinstance(item, (list, tuple)) else None
        if children is None:
            continue
        deepest = max(deepest, depth)
        if depth <= MAX_JSON_DEPTH:
            stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list, tuple)))
    return deepest


class _IntegerOutOfRange(ValueError):
    pass


def _checked_int(digits: str) -> int:
    if len(digits) > 21 or not MIN_INT <= int(digits) <= MAX_INT:
        raise _IntegerOutOfRange(digits)
    return int(digits)


def _exact(data: bytes) -> Any:
    """Parse again with the standard library, whose integers are exact, refusing big ones."""
    text = data.decode("utf-8")
    try:
        return json.loads(text, parse_int=_checked_int)
    except _IntegerOutOfRange as error:
        digits = str(error)
        shown = digits if len(digits) <= 40 else f"{digits[:20]}…{digits[-6:]} ({len(digits.lstrip('-'))} digits)"
        lineno, colno = _position(text, text.find(digits))
        raise JSONValueError(
            f"integer {shown} is outside the 64-bit range ({MIN_INT} to {MAX_INT}) that exports can carry",
            lineno,
            colno,
        ) from None


def _position(text: str, index: int) -> tuple[int, int]:
    index = max(index, 0)
    line_start = text.rfind("\n", 0, index) + 1
    return text.count("\n", 0, index) + 1, index - line_start + 1


def _explained(data: bytes, error: orjson.JSONDecodeError) -> JSONValueError:
    """A clear message for what orjson refused: the stdlib's for plain syntax errors, ours for the rest."""
    text = data.decode("utf-8", "replace")
    reason = error.msg
    lineno, colno = error.lineno, error.colno
    if "depth limit" in reason:
        return JSONValueError(f"nested more than {MAX_JSON_DEPTH} levels deep (the limit)", lineno, colno)
    if "surrogate" in reason:
        return JSONValueError(_lone_surrogate(text), lineno, colno)
    if "number is infinity" in reason:
        match = _INTEGER_AT.match(text, error.pos)
        if match:
            digits = len(match.group().lstrip("-"))
            return JSONValueError(f"integer with {digits} digits is outside the 64-bit range that exports can carry", lineno, colno)
        return JSONValueError("number is too large for a double-precision float", lineno, colno)
    if "UTF-8" in reason:
        return JSONValueError("not valid UTF-8", lineno, colno)
    try:
        json.loads(text, parse_int=_checked_int)
    except json.JSONDecodeError as classic:  # the stdlib's wording: what users and tests know
        return JSONValueError(f"not valid JSON: {classic.msg}", classic.lineno, classic.colno)
    except (RecursionError, ValueError):
        pass
    if text[error.pos : error.pos + 3] in ("NaN", "Inf") or text[error.pos : error.pos + 4] == "-Inf":
        return JSONValueError("not valid JSON: NaN and Infinity are not JSON numbers", lineno, colno)
    return JSONValueError(f"not valid JSON: {reason}", lineno, colno)


_SURROGATE_NOTE = "an unpaired \\ud800-\\udfff escape, which UTF-8 cannot carry"


def _lone_surrogate(text: str) -> str:
    """Where the lone surrogate orjson refused is: ``text``, ``meta.k``, ``spans[0].note``."""
    try:
        found = _surrogate_in(json.loads(text), "")  # the stdlib reads them (as Python strings)
    except (ValueError, RecursionError):
        found = None
    return found or f"a string contains a lone surrogate ({_SURROGATE_NOTE})"


def _surrogate_in(value: Any, where: str) -> str | None:
    if isinstance(value, str):
        if utf8_safe(value):
            return None
        offset = next(i for i, c in enumerate(value) if "\ud800" <= c <= "\udfff")
        return f"{where or 'the value'} contains a lone surrogate at offset {offset} ({_SURROGATE_NOTE})"
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in items:
        if isinstance(key, str) and not utf8_safe(key):
            return f"a key of {where or 'the top level'} contains a lone surrogate ({_SURROGATE_NOTE})"
        path = f"{where}[{key}]" if isinstance(key, int) else f"{where}.{key}" if where else key
        found = _surrogate_in(item, path)
        if found:
            return found
    return None


def portable_problem(value: Any, where: str = "value") -> str | None:
    """Why ``value`` (from msgpack, a database column, ...) is not plain JSON every export can
    write, or None: dicts with string keys, lists/tuples, strings without lone surrogates,
    integers in range, finite floats, booleans, null; at most MAX_JSON_DEPTH levels.
    ``where`` names the value in the message (``user_data["annotator"]``)."""
    return _portable(value, where, where, 0)


def _portable(value: Any, where: str, root: str, depth: int) -> str | None:
    if isinstance(value, str):
        return None if utf8_safe(value) else f"{where} holds a lone surrogate (not UTF-8)"
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return None if MIN_INT <= value <= MAX_INT else f"{where}: integer {value} is outside the 64-bit range"
    if isinstance(value, float):
        return None if math.isfinite(value) else f"{where}: {value} is not a JSON number"
    if isinstance(value, (dict, list, tuple)):
        if depth >= MAX_JSON_DEPTH:
            return f"{root} is nested more than {MAX_JSON_DEPTH} levels deep (the limit)"
        if isinstance(value, dict):
            for key, item in value.items():
                if not isinstance(key, str):
                    return f"{where} has a key that is not a string ({key!r:.40})"
                if not utf8_safe(key):
                    return f"{where} has a key with a lone surrogate (not UTF-8)"
                problem = _portable(item, f"{where}.{key}", root, depth + 1)
                if problem:
                    return problem
        else:
            for i, item in enumerate(value):
                problem = _portable(item, f"{where}[{i}]", root, depth + 1)
                if problem:
                    return problem
        return None
    return f"{where} is {json_kind(value)}, not a JSON value"


def json_kind(value: Any) -> str:
    """What a value is, in JSON's words ("a list" for a tuple too, as msgpack gives them)."""
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    kinds = {dict: "an object", list: "a list", tuple: "a list", str: "a string", type(None): "null", bytes: "bytes"}
    return next((name for kind, name in kinds.items() if isinstance(value, kind)), type(value).__name__)


def utf8_safe(text: str) -> bool:
    if text.isascii():
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
