"""Building checked (Document, spans) records from raw input, shared by the readers."""

from __future__ import annotations

from typing import Any

from annotator.core.model import AnnotationError, Document, Source, Span, State, Status, check_label_name, check_offsets
from annotator.core.text import TextError, check_text, content_hash, normalize_newlines, title_of

Record = tuple[Document, list[Span]]


def build_document(text: str, *, source_path: str, title: str = "", meta: dict | None = None) -> Document:
    """A document from raw text: checked, newlines normalized (recorded in meta), hashed."""
    check_text(text)
    norm = normalize_newlines(text)
    meta = dict(meta or {})
    if norm.changed:
        meta["normalized_newlines"] = True
    return Document(
        id=None,
        title=title or title_of(norm.text, fallback=source_path.rsplit("/", 1)[-1]),
        text=norm.text,
        source_path=source_path,
        content_hash=content_hash(norm.text),
        meta=meta,
    )


def build_span(raw: Any, original: str, mapper=None) -> Span:
    """A span from a JSON object ``{"start","end","label", "text"?, "note"?, "source"?, "state"?}``.

    Offsets are checked against the original text, then mapped onto the normalized one.
    """
    if not isinstance(raw, dict):
        raise AnnotationError(f"a span must be an object, got {type(raw).__name__}")
    missing = [k for k in ("start", "end", "label") if k not in raw]
    if missing:
        raise AnnotationError(f"span is missing {', '.join(missing)}")
    start, end = raw["start"], raw["end"]
    check_offsets(start, end, len(original))
    label = check_label_name(raw["label"])
    if "text" in raw and raw["text"] != original[start:end]:
        raise AnnotationError(f"span text {raw['text']!r} does not match the text at {start}-{end}: {original[start:end]!r}")
    note = raw.get("note") or ""
    if not isinstance(note, str):
        raise AnnotationError("span note must be a string")
    source = _enum(Source, raw.get("source", "human"), "source")
    state = _enum(State, raw.get("state", "accepted"), "state")
    if mapper is not None:
        start, end = mapper(start), mapper(end)
        if start >= end:
            raise AnnotationError(f"span {raw['start']}-{raw['end']} covers only a normalized line break")
    return Span(start, end, label, source=source, state=state, note=note)


def dedupe_spans(spans: list[Span]) -> list[Span]:
    """Drop exact repeats (same offsets and label): the store keeps each once."""
    seen, kept = set(), []
    for span in spans:
        key = (span.start, span.end, span.label)
        if key not in seen:
            seen.add(key)
            kept.append(span)
    return kept


def document_fields(doc: Document, meta: dict) -> None:
    """Apply status and note carried in a record's meta (a re-imported export keeps them)."""
    if "status" in meta:
        doc.status = _enum(Status, meta.pop("status"), "meta.status")
    note = meta.pop("note", "")
    if not isinstance(note, str):
        raise AnnotationError("meta.note must be a string")
    doc.note = note


def _enum(kind, value: Any, what: str):
    try:
        return kind(value)
    except ValueError:
        allowed = ", ".join(m.value for m in kind)
        raise AnnotationError(f"{what} must be one of {allowed}, got {value!r}") from None


__all__ = ["Record", "TextError", "build_document", "build_span", "dedupe_spans", "document_fields"]
