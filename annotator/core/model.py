"""Domain records handed between the store, the CLI, the formats and the GUI.

Offsets are Python ``str`` indices (code points) into the stored, newline-normalized
document text; ``end`` is exclusive: ``0 <= start < end <= len(text)``.
"""

from __future__ import annotations

import re
from functools import lru_cache
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Status(StrEnum):
    NEW = "new"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    SKIPPED = "skipped"


class Source(StrEnum):
    HUMAN = "human"
    MODEL = "model"
    PATTERN = "pattern"
    PROJECTION = "projection"  # proposed from a copy of the sentence (annotator.copies.projection)


class State(StrEnum):
    SUGGESTED = "suggested"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


class AnnotationError(ValueError):
    """A record breaks a rule of the domain (bad offsets, bad label, ...)."""


_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
# C0 and C1 control characters. Notes keep tab and line feed; labels and titles keep none
# (a title may hold a tab). NUL and the like break brat and CoNLL round trips, and an escape
# sequence in a label would reach the terminal.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_NOTE_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_TITLE_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f]")


def _no_control(value: str, pattern: re.Pattern, what: str) -> str:
    found = pattern.search(value)
    if found:
        raise AnnotationError(f"{what} contains the control character {found.group()!r} at {found.start()}")
    return value


def check_note(note: Any, what: str = "note") -> str:
    """A note as stored: a string, line breaks normalized to \n, no other control characters."""
    if not isinstance(note, str):
        raise AnnotationError(f"{what} must be a string")
    return _no_control(note.replace("\r\n", "\n").replace("\r", "\n"), _NOTE_CONTROL, what)


def check_title(title: Any) -> str:
    if not isinstance(title, str):
        raise AnnotationError("title must be a string")
    return _no_control(title, _TITLE_CONTROL, "title")


def check_offsets(start: Any, end: Any, text_length: int) -> None:
    """Raise AnnotationError unless ``0 <= start < end <= text_length`` with int offsets."""
    for name, value in (("start", start), ("end", end)):
        if not isinstance(value, int) or isinstance(value, bool):
            raise AnnotationError(f"span {name} must be an integer, got {value!r}")
    if start < 0:
        raise AnnotationError(f"span start {start} is negative")
    if end <= start:
        raise AnnotationError(f"span end {end} is not after start {start}")
    if end > text_length:
        raise AnnotationError(f"span end {end} is beyond the text ({text_length} characters)")


def check_label_name(name: Any) -> str:
    if not isinstance(name, str):
        raise AnnotationError(f"label must be a non-empty string, got {name!r}")
    return _checked_label_name(name)


@lru_cache(maxsize=4096)  # a corpus repeats a few labels on every span; a refused name is not cached
def _checked_label_name(name: str) -> str:
    if not name.strip():
        raise AnnotationError(f"label must be a non-empty string, got {name!r}")
    if name != name.strip() or _CONTROL.search(name):
        raise AnnotationError(f"label {name!r} has surrounding whitespace or a control character")
    return name


def check_color(color: Any) -> str:
    if not isinstance(color, str) or not _COLOR.match(color):
        raise AnnotationError(f"colour must look like #rrggbb, got {color!r}")
    return color.lower()


@dataclass(frozen=True, slots=True)
class Label:
    name: str
    color: str = "#dddddd"
    hotkey: str | None = None
    description: str = ""

    def __post_init__(self) -> None:
        check_label_name(self.name)
        object.__setattr__(self, "color", check_color(self.color))
        if self.hotkey is not None and (not isinstance(self.hotkey, str) or len(self.hotkey) != 1):
            raise AnnotationError(f"hotkey of {self.name} must be one character, got {self.hotkey!r}")


@dataclass(slots=True)
class Span:
    start: int
    end: int
    label: str
    source: Source = Source.HUMAN
    state: State = State.ACCEPTED
    note: str = ""
    annotator: str = ""
    provenance: str = ""  # the source another tool wrote ("en_core_web_lg", "patterns.jsonl"); "" if ours
    id: int | None = None
    document_id: int | None = None
    created_at: str | None = None
    updated_at: str | None = None

    def check(self, text: str) -> None:
        check_offsets(self.start, self.end, len(text))
        check_label_name(self.label)
        Source(self.source)
        State(self.state)

    def overlaps(self, start: int, end: int) -> bool:
        return self.start < end and start < self.end


@dataclass(slots=True)
class Document:
    id: int | None
    title: str
    text: str
    source_path: str = ""
    content_hash: str = ""
    meta: dict[str, Any] = field(default_factory=dict)
    status: Status = Status.NEW
    note: str = ""
    created_at: str | None = None
    updated_at: str | None = None
    annotator: str = ""  # whose status and note these are ("": the store's annotator)


@dataclass(slots=True)
class DocumentSummary:
    """One row of the document list: enough to draw it without loading the text."""

    id: int
    title: str
    status: Status
    span_count: int
    suggestion_count: int = 0
