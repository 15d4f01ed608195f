"""The native JSONL format, Prodigy-compatible: one document per line.

Reads ``{"text", "spans"?: [{"start","end","label",...}], "meta"?: {...}}``; unknown keys are
ignored. Writes ``{"text", "spans", "meta", "answer": "accept"}``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from annotator.core.model import AnnotationError, Document, Span, State
from annotator.core.text import TextError, decode, normalize_newlines
from annotator.formats.records import Record, build_document, build_span, dedupe_spans, document_fields
from annotator.transfer.problems import Problem

# Keys of "meta" that describe the document row itself, not free metadata.
_OWN_META = ("doc_id", "title", "source", "status", "note")


def read_jsonl(path: Path, encoding: str | None = None) -> Iterator[Record | Problem]:
    try:
        content = decode(path.read_bytes(), encoding)
    except (OSError, TextError) as error:
        yield Problem(str(path), str(error))
        return
    if not content.strip():
        yield Problem(str(path), "empty or blank file, skipped", warning=True)
        return
    for number, line in enumerate(content.split("\n"), 1):
        if not line.strip():
            continue
        try:
            yield parse_record(line, str(path))
        except json.JSONDecodeError as error:
            yield Problem(str(path), f"not valid JSON: {error.msg} (column {error.colno})", number)
        except (AnnotationError, TextError) as error:
            yield Problem(str(path), str(error), number)


def parse_record(line: str, source_path: str) -> Record:
    data = json.loads(line)
    if not isinstance(data, dict):
        raise AnnotationError(f"expected a JSON object, got {_json_type(data)}")
    text = data.get("text")
    if not isinstance(text, str):
        raise AnnotationError("missing \"text\"" if text is None else f"\"text\" must be a string, got {_json_type(text)}")
    if not text.strip():
        raise AnnotationError("\"text\" is empty or blank")
    meta = data.get("meta")
    meta = {} if meta is None else meta
    if not isinstance(meta, dict):
        raise AnnotationError(f"\"meta\" must be an object, got {_json_type(meta)}")
    raw_spans = data.get("spans")
    raw_spans = [] if raw_spans is None else raw_spans
    if not isinstance(raw_spans, list):
        raise AnnotationError(f"\"spans\" must be a list, got {_json_type(raw_spans)}")
    title = meta.get("title") or ""
    if not isinstance(title, str):
        raise AnnotationError("meta.title must be a string")
    free = {k: v for k, v in meta.items() if k not in _OWN_META}
    doc = build_document(text, source_path=str(meta.get("source") or source_path), title=title, meta=free)
    document_fields(doc, {k: meta[k] for k in ("status", "note") if k in meta})
    mapper = normalize_newlines(text).map_offset if "\r" in text else None
    spans = []
    for i, raw in enumerate(raw_spans, 1):
        try:
            spans.append(build_span(raw, text, mapper))
        except AnnotationError as error:
            raise AnnotationError(f"span #{i}: {error}") from None
    return doc, dedupe_spans(spans)


def record(doc: Document, spans: list[Span]) -> dict[str, Any]:
    """The export record of one document. Every span carries its own text."""
    meta: dict[str, Any] = {"doc_id": doc.id, "title": doc.title, "source": doc.source_path, "status": str(doc.status)}
    if doc.note:
        meta["note"] = doc.note
    meta.update({k: v for k, v in doc.meta.items() if k not in meta})
    return {"text": doc.text, "spans": [_span_record(doc.text, sp) for sp in spans], "meta": meta, "answer": "accept"}


def _span_record(text: str, span: Span) -> dict[str, Any]:
    out: dict[str, Any] = {
        "start": span.start,
        "end": span.end,
        "label": span.label,
        "text": text[span.start : span.end],
        "source": str(span.source),
    }
    if span.state != State.ACCEPTED:
        out["state"] = str(span.state)
    if span.note:
        out["note"] = span.note
    return out


def _json_type(value: Any) -> str:
    return {dict: "an object", list: "a list", str: "a string", bool: "a boolean", type(None): "null"}.get(
        type(value), "a number"
    )
