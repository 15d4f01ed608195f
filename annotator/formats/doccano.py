"""doccano JSONL: ``{"text", "label": [[start, end, "LABEL"], ...]}`` (older files say ``"labels"``),
the relation form ``{"text", "entities": [{"id","start_offset","end_offset","label"}], "relations": [...]}``,
or doccano 1.x's ``{"text", "annotations": [{"label","start_offset","end_offset","user"}]}``, whose
``user`` is kept as the span's annotator. doccano 1.x's plain JSONL export writes label ids
(numbers) rather than names: such labels are imported under the number, with a warning.

Offsets are code points, end exclusive. Relations cannot be kept: they are reported per line.
doccano keeps metadata as extra top-level keys (older versions under ``"meta"``); both are kept.
Export writes the ``label`` form, the document fields under ``meta``, and what doccano has no
place for (span notes, a source other than human, a state other than accepted) under
``span_info`` as ``[start, end, "LABEL", {"note", "source", "state"}]``; doccano ignores it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from annotator.core.model import AnnotationError, Label, Span
from annotator.formats import scheme
from annotator.formats.jsonl import read_records, write_lines
from annotator.formats.records import (
    ExportLog,
    LabelScheme,
    ReadOptions,
    Record,
    build_span,
    build_spans,
    document_with_meta,
    export_meta,
    json_type,
    meta_of,
    offset_map,
    span_extras,
    text_of,
)
from annotator.core.problems import Problem

NAME = "doccano"
_KNOWN_KEYS = {"text", "label", "labels", "entities", "relations", "annotations", "meta", "span_info", "id"}
SPAN_KEYS = ("label", "labels", "entities", "annotations")  # any of these says: a doccano record


def read(path: Path, options: ReadOptions = ReadOptions()) -> Iterator[Record | Problem | LabelScheme]:
    numbered: set[str] = set()
    for item in read_records(path, options, parse_record):
        if isinstance(item, tuple):
            numbered.update(span.label for span in item[1] if span.label.isdigit())
        yield item
    if numbered:
        names = ", ".join(sorted(numbered, key=int))
        yield Problem(str(path), f"labels given as doccano label ids ({names}), imported under those numbers; rename them in Labels", warning=True)


def parse_record(data: Any, source_path: str, known: frozenset[str] | None = None) -> tuple[Record, list[str], list[str]]:
    if not isinstance(data, dict):
        raise AnnotationError(f"expected a JSON object, got {json_type(data)}")
    if "spans" in data:
        raise AnnotationError("this looks like Prodigy JSONL (\"spans\"), not doccano; use --format prodigy")
    text = text_of(data)
    extra = {k: v for k, v in data.items() if k not in _KNOWN_KEYS}
    doc = document_with_meta(text, meta_of(data), source_path, extra)
    items, unsupported, make = _raw_spans(data)
    mapper = offset_map(text)
    info = _span_info(data.get("span_info"), mapper or (lambda offset: offset))
    spans, errors = build_spans(items, text, mapper, known, make)
    for span in spans:
        for field, value in info.get((span.start, span.end, span.label), {}).items():
            setattr(span, field, value)
    return (doc, spans), errors, unsupported


def _raw_spans(data: dict) -> tuple[list, list[str], Any]:
    """The span items, what cannot be kept (relations), and how to build a span from an item."""
    relations = _list(data, "relations")
    unsupported = [f"{len(relations)} relation(s) cannot be imported"] if relations else []
    if "entities" in data:
        return _list(data, "entities"), unsupported, _entity_span
    if "annotations" in data:
        return _list(data, "annotations"), unsupported, _entity_span
    return _list(data, "label" if "label" in data else "labels"), unsupported, _triple_span


def _list(data: dict, key: str) -> list:
    value = data.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise AnnotationError(f"\"{key}\" must be a list, got {json_type(value)}")
    return value


def _triple_span(item: Any, original: str, mapper, known) -> Span:
    if isinstance(item, str):
        raise AnnotationError(f"label {item!r} is not [start, end, label]; text classification is not supported")
    if not (isinstance(item, list) and len(item) == 3):
        raise AnnotationError(f"expected [start, end, label], got {item!r}")
    return build_span({"start": item[0], "end": item[1], "label": item[2]}, original, mapper, known)


def _entity_span(item: Any, original: str, mapper, known) -> Span:
    """An ``entities`` item, or a doccano 1.x ``annotations`` item (with its ``user``)."""
    if not (isinstance(item, dict) and {"start_offset", "end_offset", "label"} <= item.keys()):
        raise AnnotationError(f"an entity needs start_offset, end_offset and label, got {item!r}")
    raw = {"start": item["start_offset"], "end": item["end_offset"], "label": _label_name(item["label"])}
    if item.get("user") is not None:
        raw["annotator"] = _user(item["user"])
    return build_span(raw, original, mapper, known)


def _label_name(label: Any) -> Any:
    """doccano 1.x's plain export names labels by their id: keep the number as the name."""
    return str(label) if isinstance(label, int) and not isinstance(label, bool) else label


def _user(user: Any) -> str:
    if isinstance(user, bool) or not isinstance(user, (int, str)):
        raise AnnotationError(f"annotation user must be a name or an id, got {json_type(user)}")
    return str(user)


def _span_info(value: Any, mapper) -> dict[tuple[int, int, str], dict]:
    """Our own ``span_info`` extension: note, source and state by (start, end, label)."""
    info = {}
    if value is not None and not isinstance(value, list):
        raise AnnotationError(f"span_info must be a list, got {json_type(value)}")
    for item in value or []:
        if not (isinstance(item, list) and len(item) == 4 and isinstance(item[3], dict)):
            raise AnnotationError("span_info entries must be [start, end, label, {...}]")
        fields = build_span({"start": 0, "end": 1, "label": "x", **item[3]}, "x")
        start, end, label = item[:3]
        if not (isinstance(start, int) and isinstance(end, int)):
            raise AnnotationError("span_info offsets must be integers")
        info[(mapper(start), mapper(end), label)] = {"note": fields.note, "source": fields.source, "provenance": fields.provenance, "state": fields.state}
    return info


# -- writing ------------------------------------------------------------------


def write(out: Path, items: Iterable[Record], labels: list[Label], log: ExportLog) -> None:
    write_lines(out, (record(doc, spans, log) for doc, spans in items))
    scheme.write_sidecar(out, labels)


def record(doc, spans: list[Span], log: ExportLog | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {"id": doc.id, "text": doc.text, "label": [[sp.start, sp.end, sp.label] for sp in spans]}
    data["meta"] = export_meta(doc)
    info = [[sp.start, sp.end, sp.label, span_extras(sp)] for sp in spans if span_extras(sp)]
    if info:
        data["span_info"] = info
    if log is not None:
        log.documents += 1
        log.spans += len(spans)
    return data
