"""Text rules applied at import: bounded reading, decoding, newline normalization, hashing, titles."""

from __future__ import annotations

import codecs
import hashlib
import os
import re
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from annotator.core import limits
from annotator.core.limits import size_text, too_large


class TextError(ValueError):
    """The bytes or string cannot become a document text; ``line`` says where, when known."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


def read_limited(path: Path | str, limit: int, what: str = "a file read whole") -> bytes:
    """The bytes of ``path``; TextError naming the limit beyond ``limit`` bytes, read with a bound.

    Every reader of a whole file uses this. A regular file is refused on its size before
    any read; anything else (``/dev/zero``, a pipe) is read up to ``limit + 1`` bytes and no
    further. ``what`` names the limit in the message ("a .txt file").
    """
    with open(path, "rb") as handle:
        try:
            size = os.fstat(handle.fileno()).st_size
        except OSError:
            size = 0
        if size > limit:
            raise TextError(f"{size_text(size)}: {too_large(limit, what)}")
        # read(n) allocates n bytes up front: ask for what the file holds (plus one, to see it
        # grow); a special file (size 0: a pipe, /dev/zero) or a growing one goes on in chunks.
        data = handle.read(size + 1) if size else b""
        if not size or len(data) > size:
            grown = bytearray(data)
            while len(grown) <= limit and (chunk := handle.read(min(1 << 20, limit + 1 - len(grown)))):
                grown += chunk
            data = bytes(grown)
    if len(data) > limit:
        raise TextError(too_large(limit, what))
    return data


def _utf8_hint(encoding: str | None) -> str:
    return "" if encoding else "; pass --encoding if it is not UTF-8 (e.g. --encoding cp1252)"


def decode(data: bytes, encoding: str | None = None) -> str:
    """Decode file bytes: UTF-8 (BOM stripped) unless ``encoding`` is given.

    Binary content (a NUL byte) and undecodable bytes are refused with a message that
    says where, so the caller can name the file.
    """
    nul = data.find(b"\x00") if encoding is None else -1
    if nul != -1:
        raise TextError(f"binary content (NUL byte at byte {nul}); not a text file")
    bom = 3 if encoding is None and data.startswith(b"\xef\xbb\xbf") else 0
    try:
        # Plain "utf-8" past the BOM decodes in C; "utf-8-sig" is a Python-level codec.
        text = (data[bom:] if bom else data).decode(encoding or "utf-8")
    except UnicodeDecodeError as exc:
        raise TextError(f"not valid {exc.encoding} at byte {exc.start + bom}{_utf8_hint(encoding)}") from None
    except UnicodeError as exc:  # e.g. "UTF-16 stream does not start with BOM"
        raise TextError(f"not valid {encoding} ({exc})") from None
    except LookupError:
        raise TextError(f"unknown encoding {encoding!r}") from None
    if text.startswith("\ufeff"):
        text = text[1:]
    if encoding:  # strict UTF-8 without NUL bytes cannot give what check_text refuses
        check_text(text, length=False)
    return text


def iter_lines(path: Path | str, encoding: str | None = None, limit: int | None = None) -> Iterator[tuple[int, str]]:
    """``(line number, line)`` for every line of a file, read as a stream: memory stays flat.

    Lines are split at ``\\n`` only (a ``\\r`` before it stays; U+2028 and friends are text),
    without the ``\\n``. UTF-8 (a BOM at the start is dropped) unless ``encoding`` is given.
    Raises TextError with ``line`` set, after the lines before it, for a line longer than
    ``limit`` bytes, a NUL byte (a binary file), bytes that do not decode, an unknown
    encoding; OSError when the file cannot be read. ``limit`` defaults to MAX_LINE_BYTES.
    """
    limit = limits.MAX_LINE_BYTES if limit is None else limit
    if encoding is None:
        yield from _utf8_lines(path, limit)
    else:
        yield from _decoded_lines(path, encoding, limit)


def _too_long(limit: int, number: int) -> TextError:
    return TextError(f"line longer than {size_text(limit)}, the limit for one line; is this a text file?", number)


def _utf8_lines(path: Path | str, limit: int) -> Iterator[tuple[int, str]]:
    for number, raw, offset in iter_raw_lines(path, limit):
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise not_utf8(offset + exc.start, number) from None
        yield number, line


def not_utf8(byte: int, line: int | None = None) -> TextError:
    return TextError(f"not valid utf-8 at byte {byte}{_utf8_hint(None)}", line)


def iter_raw_lines(path: Path | str, limit: int | None = None) -> Iterator[tuple[int, bytes, int]]:
    """``(line number, bytes, offset of the bytes in the file)`` of a UTF-8 file, not yet decoded.

    As ``iter_lines`` without an encoding, for a reader that decodes (or validates) the
    bytes itself, e.g. a JSON parser: the BOM is dropped, the ``\\n`` too, NUL bytes and
    overlong lines raise TextError; the caller reports bad UTF-8 with ``not_utf8``.
    """
    limit = limits.MAX_LINE_BYTES if limit is None else limit
    with open(path, "rb") as handle:
        offset, number = 0, 0
        while raw := handle.readline(limit + 1):
            number += 1
            nul = raw.find(b"\x00")
            if nul != -1:
                raise TextError(f"binary content (NUL byte at byte {offset + nul}); not a text file", number)
            if len(raw) > limit and not raw.endswith(b"\n"):
                raise _too_long(limit, number)
            start = 3 if number == 1 and raw.startswith(b"\xef\xbb\xbf") else 0
            end = -1 if raw.endswith(b"\n") else len(raw)
            yield number, raw[start:end], offset + start
            offset += len(raw)


def _decoded_lines(path: Path | str, encoding: str, limit: int) -> Iterator[tuple[int, str]]:
    """Lines of a file in any encoding: bytes are fed to an incremental decoder, and the
    decoded text is split (so UTF-16, whose line feed is two bytes, splits right too)."""
    try:
        decoder = codecs.getincrementaldecoder(encoding)("strict")
    except LookupError:
        raise TextError(f"unknown encoding {encoding!r}") from None
    with open(path, "rb") as handle:
        parts: list[str] = []  # the line not yet ended, in pieces (no quadratic concatenation)
        pending, number, offset, done = 0, 0, 0, False
        while not done:
            chunk = handle.read(1 << 16)
            done = not chunk
            try:
                text = decoder.decode(chunk, final=done)
            except UnicodeDecodeError as exc:
                raise TextError(f"not valid {encoding} at byte {offset + max(exc.start, 0)}", number + 1) from None
            except UnicodeError as exc:  # e.g. "UTF-16 stream does not start with BOM"
                raise TextError(f"not valid {encoding} ({exc})", number + 1) from None
            offset += len(chunk)
            if "\x00" in text:
                line = number + 1 + text.count("\n", 0, text.index("\x00"))
                raise TextError("binary content (a NUL character); not a text file", line)
            *ended, rest = text.split("\n")
            for piece in ended:
                number += 1
                line = "".join(parts) + piece if parts else piece
                parts, pending = [], 0
                yield number, _checked_line(line, number, limit)
            if rest:
                parts.append(rest)
                pending += len(rest)
                if pending > limit:
                    raise _too_long(limit, number + 1)
        if parts:
            number += 1
            yield number, _checked_line("".join(parts), number, limit)


def _checked_line(line: str, number: int, limit: int) -> str:
    if number == 1 and line.startswith("\ufeff"):
        line = line[1:]
    if len(line) > limit:
        raise _too_long(limit, number)
    try:
        check_text(line, length=False)
    except TextError as error:
        raise TextError(str(error).replace("text contains", "line contains"), number) from None
    return line


def check_text(text: str, length: bool = True) -> None:
    """Refuse strings no export could carry (lone surrogates, NUL characters) and, with
    ``length``, a document text longer than MAX_DOCUMENT_CHARS."""
    if length and len(text) > limits.MAX_DOCUMENT_CHARS:
        raise TextError(document_too_long(len(text)))
    if "\x00" in text:
        raise TextError(f"text contains a NUL character at offset {text.index(chr(0))}")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise TextError(f"text contains a lone surrogate at offset {exc.start}") from None


def document_too_long(length: int) -> str:
    return f"text of {length:,} characters is longer than {limits.MAX_DOCUMENT_CHARS:,}, the limit for one document; split it"


@dataclass(frozen=True, slots=True)
class Normalized:
    """Text with ``\\r\\n`` and ``\\r`` turned into ``\\n``, and a map for old offsets."""

    text: str
    removed: tuple[int, ...]  # indices (in the original) of dropped '\r' of '\r\n' pairs
    changed: bool

    def map_offset(self, offset: int) -> int:
        return offset - bisect_left(self.removed, offset)


def normalize_newlines(text: str) -> Normalized:
    if "\r" not in text:
        return Normalized(text, (), False)
    removed = []
    i = text.find("\r\n")
    while i != -1:
        removed.append(i)
        i = text.find("\r\n", i + 2)
    return Normalized(text.replace("\r\n", "\n").replace("\r", "\n"), tuple(removed), True)


def content_hash(text: str, utf8: bytes | None = None) -> str:
    """SHA-256 of the text's UTF-8 bytes (pass them as ``utf8`` when already at hand)."""
    return hashlib.sha256(text.encode("utf-8") if utf8 is None else utf8).hexdigest()


_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# Control characters as the terminal should show them: escaped, never interpreted.
_SHOWN_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def escape_controls(text: str) -> str:
    """``text`` with every control character but tab and line feed written as ``\\xNN``:
    a label or a file name can then never send an escape sequence to the terminal."""
    return _SHOWN_CONTROLS.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def title_of(text: str, fallback: str = "", limit: int = 120) -> str:
    """First non-blank line, shortened; the fallback (a file name) if there is none."""
    for line in text.split("\n", 20)[:20]:
        line = " ".join(_CONTROLS.sub(" ", line).split())  # a title shows no control characters
        if line:
            return line if len(line) <= limit else line[: limit - 1] + "…"
    return fallback
