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
    version: int = 0  # the stored row's edit count (0: not stored); an edit naming it is refused once it moved on

    def check(self, text: str) -> None:
        check_offsets(self.start, self.end, len(text))
        check_label_name(self.label)
        Source(self.source)
        State(self.state)

    def overlaps(self, start: int, end: int) -> bool:
        return self.start < end and start < self.end


def _label_names(value: Any, what: str) -> tuple[str, ...]:
    if isinstance(value, str) or not all(isinstance(name, str) for name in value):
        raise AnnotationError(f"{what} must be a list of entity label names, got {value!r}")
    return tuple(dict.fromkeys(check_label_name(name) for name in value))


@dataclass(frozen=True, slots=True)
class RelationLabel:
    """A kind of relation between two spans; ``heads``/``tails``: the entity labels allowed at
    each end (empty: any)."""

    name: str
    color: str = "#555555"
    hotkey: str | None = None  # pressed after the "relation" key; may equal an entity label's
    description: str = ""
    directed: bool = True  # False: head and tail may be read either way (stored as given)
    heads: tuple[str, ...] = ()
    tails: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        check_label_name(self.name)
        object.__setattr__(self, "color", check_color(self.color))
        if self.hotkey is not None and (not isinstance(self.hotkey, str) or len(self.hotkey) != 1):
            raise AnnotationError(f"hotkey of relation {self.name} must be one character, got {self.hotkey!r}")
        if not isinstance(self.directed, bool):
            raise AnnotationError(f"'directed' of relation {self.name} must be true or false, got {self.directed!r}")
        object.__setattr__(self, "heads", _label_names(self.heads, f"heads of relation {self.name}"))
        object.__setattr__(self, "tails", _label_names(self.tails, f"tails of relation {self.name}"))


def _allowed(names: tuple[str, ...], label: str) -> bool:
    return not names or label in names


def _one_of_names(names: tuple[str, ...]) -> str:
    return " or ".join(names) if len(names) < 3 else ", ".join(names[:-1]) + " or " + names[-1]


def check_relation_ends(label: RelationLabel, head_label: str, tail_label: str) -> None:
    """Raise AnnotationError unless the ends' entity labels are allowed by ``label`` (an
    undirected relation also passes with its ends swapped)."""
    if _allowed(label.heads, head_label) and _allowed(label.tails, tail_label):
        return
    if not label.directed and _allowed(label.heads, tail_label) and _allowed(label.tails, head_label):
        return
    if not _allowed(label.heads, head_label):
        raise AnnotationError(f"relation {label.name!r} needs a head labelled {_one_of_names(label.heads)}, not {head_label}")
    raise AnnotationError(f"relation {label.name!r} needs a tail labelled {_one_of_names(label.tails)}, not {tail_label}")


@dataclass(slots=True, eq=False)
class Relation:
    """A labelled link from a head span to a tail span of the same document and layer. Records
    compare by identity: ``head``/``tail`` are the very Span objects of the record's span list."""

    head: Span
    tail: Span
    label: str
    source: Source = Source.HUMAN
    state: State = State.ACCEPTED
    note: str = ""
    annotator: str = ""
    provenance: str = ""
    id: int | None = None
    document_id: int | None = None
    created_at: str | None = None
    updated_at: str | None = None
    version: int = 0  # the stored row's edit count (0: not stored); an edit naming it is refused once it moved on

    def check(self) -> None:
        """The rules a relation can be checked by alone (the store checks ends and labels)."""
        if self.head is self.tail or (self.head.id is not None and self.head.id == self.tail.id):
            raise AnnotationError(f"relation {self.label}: a span cannot be related to itself")
        check_label_name(self.label)
        check_note(self.note, "relation note")
        Source(self.source)
        State(self.state)


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
    relations: list[Relation] = field(default_factory=list)  # ends: Span objects of the record's own spans
    version: int = 0  # edit count of the annotator's status and note row (0: none stored yet)


@dataclass(slots=True)
class DocumentSummary:
    """One row of the document list: enough to draw it without loading the text."""

    id: int
    title: str
    status: Status
    span_count: int
    suggestion_count: int = 0
