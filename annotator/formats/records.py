"""Building checked (Document, spans) records from raw input, shared by the readers."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from annotator.core.annotators import canonical_annotator
from annotator.core.model import (
    AnnotationError,
    Document,
    Label,
    RelationLabel,
    Source,
    Span,
    State,
    Status,
    check_label_name,
    check_note,
    check_offsets,
    check_title,
)
from annotator.core.text import TextError, check_text, content_hash, normalize_newlines, title_of
from annotator.core.problems import ExportError, Problem

Record = tuple[Document, list[Span]]
OffsetMap = Callable[[int], int]


@dataclass(frozen=True)
class ReadOptions:
    encoding: str | None = None
    strict: bool = False  # content a format allows but we cannot keep (relations, ...) refuses the input
    known_labels: frozenset[str] | None = None  # validate: labels outside this set are problems
    known_relations: frozenset[str] | None = None  # validate: relation labels outside this set are problems
    relation_labels: tuple[RelationLabel, ...] = ()  # whose allowed end labels a relation must keep


@dataclass(frozen=True)
class LabelScheme:
    """Colours and hotkeys that travelled with an export (a sidecar file, brat confs, DocBin user data)."""

    labels: tuple[Label, ...]
    path: str
    relations: tuple[RelationLabel, ...] = ()


def build_document(
    text: str,
    *,
    source_path: str,
    title: str = "",
    meta: dict | None = None,
    checked: bool = False,
    utf8: bytes | None = None,
) -> Document:
    """A document from raw text: checked (unless the caller did), newlines normalized and recorded, hashed.

    ``utf8`` is the text's own UTF-8 encoding when the caller has it (a file read as is):
    hashing it saves encoding the text again.
    """
    if not checked:
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
        content_hash=content_hash(norm.text, None if norm.changed else utf8),
        meta=meta,
    )


def offset_map(text: str) -> OffsetMap | None:
    """Maps offsets into ``text`` onto its newline-normalized form (None: nothing to map)."""
    return normalize_newlines(text).map_offset if "\r" in text else None


def build_span(raw: Any, original: str, mapper: OffsetMap | None = None, known: frozenset[str] | None = None) -> Span:
    """A span from a JSON object ``{"start","end","label", "text"?, "note"?, "source"?, "state"?, "annotator"?}``.

    Offsets are checked against the original text, then mapped onto the normalized one.
    ``source`` may be another tool's free text (Prodigy writes the model or patterns name):
    it is kept as the span's provenance and mapped onto our source kinds (see source_kind).
    """
    if not isinstance(raw, dict):
        raise AnnotationError(f"a span must be an object, got {type(raw).__name__}")
    missing = [k for k in ("start", "end", "label") if k not in raw]
    if missing:
        raise AnnotationError(f"span is missing {', '.join(missing)}")
    note = check_note(raw.get("note") or "", "span note")
    source, provenance = source_kind(raw.get("source"))
    return checked_span(
        original,
        raw["start"],
        raw["end"],
        raw["label"],
        text=raw.get("text"),
        mapper=mapper,
        known=known,
        source=source,
        provenance=provenance,
        state=state_of(raw.get("state", "accepted")),
        note=note,
        annotator=annotator_named(raw.get("annotator")),
    )


def annotator_named(value: Any, what: str = "span annotator") -> str:
    """The annotator a field names (white space collapsed); "" when it names nobody."""
    value = value or ""
    if not isinstance(value, str):
        raise AnnotationError(f"{what} must be a string, got {json_type(value)}")
    return canonical_annotator(value) if value.strip() else ""


def state_of(value: Any) -> State:
    return _STATES[value] if isinstance(value, str) and value in _STATES else _enum(State, value, "state")


_PATTERN_HINTS = (".jsonl", ".json", "pattern", "matcher", "ruler")


def source_kind(value: Any) -> tuple[Source, str]:
    """Our source kind for a span's ``source``, and the original value kept as provenance.

    Our own kinds (human, model, pattern, projection) map to themselves with no provenance. Anything
    else is another tool's name for where the span came from: a patterns file or matcher
    (``patterns.jsonl``, ``entity_ruler``) is a pattern, any other name (``en_core_web_lg``,
    ``ner.teach``) a model. No value: a human span. Never refused for its value.
    """
    if value is None or value == "":
        return Source.HUMAN, ""
    if not isinstance(value, str):
        raise AnnotationError(f"span source must be a string, got {json_type(value)}")
    if value in _SOURCES:
        return _SOURCES[value], ""
    lowered = value.lower()
    return (Source.PATTERN if any(hint in lowered for hint in _PATTERN_HINTS) else Source.MODEL), value


_SOURCES = {m.value: m for m in Source}
_STATES = {m.value: m for m in State}


def source_value(span: Span) -> str:
    """What an export writes as a span's ``source``: the original value when there is one.
    A projection's provenance is our own note of where it came from: it writes "projection"."""
    if span.source == Source.PROJECTION:
        return str(span.source)
    return span.provenance or str(span.source)


def checked_span(
    original: str,
    start: Any,
    end: Any,
    label: Any,
    *,
    text: str | None = None,
    mapper: OffsetMap | None = None,
    known: frozenset[str] | None = None,
    **fields: Any,
) -> Span:
    """Check offsets, label and the span's own text against ``original``, then map the offsets."""
    check_offsets(start, end, len(original))
    label = check_label_name(label)
    if known is not None and label not in known:
        raise AnnotationError(f"unknown label {label!r} (not in the label scheme)")
    if text is not None and text != original[start:end]:
        raise AnnotationError(f"span text {text!r} does not match the text at {start}-{end}: {original[start:end]!r}")
    if mapper is not None:
        mapped_start, mapped_end = mapper(start), mapper(end)
        if mapped_start >= mapped_end:
            raise AnnotationError(f"span {start}-{end} covers only a normalized line break")
        start, end = mapped_start, mapped_end
    return Span(start, end, label, **fields)


def build_spans(
    raws: Iterable[Any], original: str, mapper: OffsetMap | None, known: frozenset[str] | None, make=build_span
) -> tuple[list[Span], list[str]]:
    """Every span of a record, and a message for every bad one (so a validator reports them all)."""
    spans, errors = [], []
    for i, raw in enumerate(raws, 1):
        try:
            spans.append(make(raw, original, mapper, known))
        except AnnotationError as error:
            errors.append(f"span #{i}: {error}")
    return spans, errors


def dedupe_spans(spans: list[Span]) -> list[Span]:
    """Drop exact repeats (same offsets and label), for a format that lists a span twice by
    design (a DocBin's ``ents`` and span groups). Input repeats are merged and counted by the import."""
    seen, kept = set(), []
    for span in spans:
        key = (span.start, span.end, span.label)
        if key not in seen:
            seen.add(key)
            kept.append(span)
    return kept


def document_fields(doc: Document, meta: dict) -> None:
    """Apply status, note and whose they are, carried in a record's meta (a re-imported export keeps them)."""
    if "status" in meta:
        doc.status = _enum(Status, meta.pop("status"), "meta.status")
    doc.note = check_note(meta.pop("note", "") or "", "meta.note")
    doc.annotator = annotator_named(meta.pop("annotator", ""), "meta.annotator")


def owned_spans(doc: Document, spans: list[Span], default: str = "") -> None:
    """Spans that name nobody belong to whoever the record names (else ``default``, a name
    the input's file or folder gave); "" left means the importing annotator's layer."""
    doc.annotator = doc.annotator or default
    for span in spans:
        span.annotator = span.annotator or doc.annotator
    for relation in doc.relations:  # a relation lives in the layer of its ends
        relation.annotator = relation.annotator or relation.head.annotator
        if not relation.head.annotator == relation.tail.annotator == relation.annotator:
            raise AnnotationError(f"relation {relation.label!r} links spans of different annotators "
                                  f"({relation.head.annotator!r}, {relation.tail.annotator!r}) or names a third ({relation.annotator!r})")


# Keys of an export's "meta" that describe the document row itself, not free metadata;
# "duplicates" (its sentences with copies) is the exporting database's index, rewritten by every export.
_OWN_META = ("doc_id", "title", "source", "status", "note", "annotator", "duplicates")


def text_of(data: dict) -> str:
    text = data.get("text")
    if not isinstance(text, str):
        raise AnnotationError("missing \"text\"" if text is None else f"\"text\" must be a string, got {json_type(text)}")
    if not text.strip():
        raise AnnotationError("\"text\" is empty or blank")
    return text


def meta_of(data: dict) -> dict:
    meta = data.get("meta")
    meta = {} if meta is None else meta
    if not isinstance(meta, dict):
        raise AnnotationError(f"\"meta\" must be an object, got {json_type(meta)}")
    return meta


def document_with_meta(text: str, meta: dict, source_path: str, extra: dict | None = None) -> Document:
    """A document whose title, source, status and note come from an export's ``meta``."""
    title = meta.get("title") or ""
    if not isinstance(title, str):
        raise AnnotationError("meta.title must be a string")
    check_title(title)
    free = {**(extra or {}), **{k: v for k, v in meta.items() if k not in _OWN_META}}
    doc = build_document(text, source_path=str(meta.get("source") or source_path), title=title, meta=free)
    document_fields(doc, {k: meta[k] for k in ("status", "note", "annotator") if k in meta})
    return doc


def export_meta(doc: Document) -> dict[str, Any]:
    """The ``meta`` of an export record: the document's fields (``annotator``: whose status and
    note these are), then its free metadata."""
    meta: dict[str, Any] = {"doc_id": doc.id, "title": doc.title, "source": doc.source_path, "status": str(doc.status)}
    if doc.note:
        meta["note"] = doc.note
    if doc.annotator:
        meta["annotator"] = doc.annotator
    meta.update({k: v for k, v in doc.meta.items() if k not in meta})
    return meta


def looks_like_doccano(data: dict) -> bool:
    """doccano's span keys: ``label`` (a list), older ``labels``, ``entities``, 1.x ``annotations``."""
    return isinstance(data.get("label"), list) or any(key in data for key in ("labels", "entities", "annotations"))


def json_type(value: Any) -> str:
    return {dict: "an object", list: "a list", str: "a string", bool: "a boolean", type(None): "null"}.get(
        type(value), "a number"
    )


def not_carried(options: ReadOptions, path: str, message: str, line: int | None = None) -> Problem:
    """Input the format allows but the annotator cannot keep: a warning, or an error with --strict."""
    suffix = "" if options.strict else "; left out (use --strict to refuse)"
    return Problem(path, message + suffix, line, warning=not options.strict)


def _enum(kind, value: Any, what: str):
    try:
        return kind(value)
    except ValueError:
        allowed = ", ".join(m.value for m in kind)
        raise AnnotationError(f"{what} must be one of {allowed}, got {value!r}") from None


@dataclass
class ExportLog:
    """What an export wrote, and every span or note the format could not carry."""

    path: str
    strict: bool = False
    documents: int = 0
    spans: int = 0
    relations: int = 0
    problems: list[Problem] = field(default_factory=list)
    not_carried: int = 0  # spans, notes or fields reported as lost or changed
    deduped: int = 0  # spans inside exact copies of a sentence left out (export --dedupe)

    def warn(self, doc: Document, message: str) -> None:
        """Something worth knowing that loses nothing (the span is still written)."""
        self.problems.append(Problem(self.path, f"document {doc.id} ({doc.title!r}): {message}", warning=True))

    def lost(self, doc: Document, message: str) -> None:
        """A span, note or field the format cannot carry: reported, or refused with --strict."""
        problem = Problem(self.path, f"document {doc.id} ({doc.title!r}): {message}", warning=True)
        if self.strict:
            raise ExportError(f"{problem}; export refused (--strict), the old file is untouched")
        self.problems.append(problem)
        self.not_carried += 1


def span_extras(span: Span) -> dict[str, str]:
    """What a span carries beyond offsets and label, for formats that keep it on the side."""
    extra = {"note": span.note} if span.note else {}
    if span.source != Source.HUMAN or span.provenance:
        extra["source"] = source_value(span)
    if span.state != State.ACCEPTED:
        extra["state"] = str(span.state)
    return extra


def describe(text: str, span: Span) -> str:
    return f"{span.label} span {span.start}-{span.end} {text[span.start:span.end]!r}"


__all__ = [
    "ExportLog",
    "LabelScheme",
    "annotator_named",
    "ReadOptions",
    "Record",
    "TextError",
    "build_document",
    "build_span",
    "build_spans",
    "checked_span",
    "dedupe_spans",
    "describe",
    "span_extras",
    "source_kind",
    "state_of",
    "source_value",
    "document_fields",
    "document_with_meta",
    "export_meta",
    "meta_of",
    "text_of",
    "json_type",
    "looks_like_doccano",
    "not_carried",
    "offset_map",
    "owned_spans",
]
