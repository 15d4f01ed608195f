"""Text rules applied at import: decoding, newline normalization, hashing, titles."""

from __future__ import annotations

import hashlib
from bisect import bisect_left
from dataclasses import dataclass


class TextError(ValueError):
    """The bytes or string cannot become a document text."""


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
        hint = "" if encoding else "; pass --encoding if it is not UTF-8 (e.g. --encoding cp1252)"
        raise TextError(f"not valid {exc.encoding} at byte {exc.start + bom}{hint}") from None
    except LookupError:
        raise TextError(f"unknown encoding {encoding!r}") from None
    if text.startswith("\ufeff"):
        text = text[1:]
    if encoding:  # strict UTF-8 without NUL bytes cannot give what check_text refuses
        check_text(text)
    return text


def check_text(text: str) -> None:
    """Refuse strings no export could carry: lone surrogates and NUL characters."""
    if "\x00" in text:
        raise TextError(f"text contains a NUL character at offset {text.index(chr(0))}")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise TextError(f"text contains a lone surrogate at offset {exc.start}") from None


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


def title_of(text: str, fallback: str = "", limit: int = 120) -> str:
    """First non-blank line, shortened; the fallback (a file name) if there is none."""
    for line in text.split("\n", 20)[:20]:
        line = " ".join(line.split())
        if line:
            return line if len(line) <= limit else line[: limit - 1] + "…"
    return fallback
