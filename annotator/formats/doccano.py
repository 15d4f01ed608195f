"""doccano JSONL: ``{"text", "label": [[start, end, "LABEL"], ...]}`` (older files say ``"labels"``),
the relation form ``{"text", "entities": [{"id","start_offset","end_offset","label"}], "relations": [...]}``,
or doccano 1.x's ``{"text", "annotations": [{"label","start_offset","end_offset","user"}]}``, whose
``user`` is kept as the span's annotator. doccano 1.x's plain JSONL export writes label ids
(numbers) rather than names: such labels are imported under the number, with a warning.

Offsets are code points, end exclusive. Relations of the entities form are kept (see
doccano_relations); relations beside any other form have no entity ids to name, and are reported.
doccano keeps metadata as extra top-level keys (older versions under ``"meta"``); both are kept.
Export writes the ``label`` form, or the entities form when the export holds relations (one form
per file, as a doccano project imports it), the document fields under ``meta``, and what doccano
has no place for (span notes, a source other than human, a state other than accepted) under
``span_info`` as ``[start, end, "LABEL", {"note", "source", "state"}]``; doccano ignores it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import partial
from pathlib import Path
from typing import Any

from annotator.core.model import AnnotationError, Label, Span
from annotator.formats import scheme
from annotator.formats.doccano_relations import EntityIds, Numbering, read_relations
from annotator.formats.relation_records import NO_RULES, RelationRules
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
    for item in read_records(path, options, partial(parse_record, seen=EntityIds())):
        if isinstance(item, tuple):
            numbered.update(span.label for span in item[1] if span.label.isdigit())
        yield item
    if numbered:
        names = ", ".join(sorted(numbered, key=int))
        yield Problem(str(path), f"labels given as doccano label ids ({names}), imported under those numbers; rename them in Labels", warning=True)


def parse_record(
    data: Any, source_path: str, known: frozenset[str] | None = None, rules: RelationRules = NO_RULES, seen: EntityIds | None = None
) -> tuple[Record, list[str], list[str]]:
    """``seen``: the entity ids of the file's earlier records (a relation to one is across documents)."""
    if not isinstance(data, dict):
        raise AnnotationError(f"expected a JSON object, got {json_type(data)}")
    if "spans" in data:
        raise AnnotationError("this looks like Prodigy JSONL (\"spans\"), not doccano; use --format prodigy")
    text = text_of(data)
    extra = {k: v for k, v in data.items() if k not in _KNOWN_KEYS}
    doc = document_with_meta(text, meta_of(data), source_path, extra)
    items, make = _raw_spans(data)
    mapper = offset_map(text)
    info = _span_info(data.get("span_info"), mapper or (lambda offset: offset))
    spans, ids, errors = _spans(items, text, mapper, known, make)
    for span in spans:
        for field, value in info.get((span.start, span.end, span.label), {}).items():
            setattr(span, field, value)
    relations, unsupported = _list(data, "relations"), []
    if relations and "entities" not in data:
        unsupported = [f"{len(relations)} relation(s) beside \"label\"/\"annotations\" name no entity ids (only the \"entities\" form carries them)"]
    elif relations:
        seen = seen if seen is not None else EntityIds()
        doc.relations, relation_errors = read_relations(relations, ids, seen, rules)
        errors += relation_errors
    if seen is not None:
        seen.add(ids, text)
    return (doc, spans), errors, unsupported


def _raw_spans(data: dict) -> tuple[list, Any]:
    """The span items, and how to build a span from an item."""
    if "entities" in data:
        return _list(data, "entities"), _entity_span
    if "annotations" in data:
        return _list(data, "annotations"), _entity_span
    return _list(data, "label" if "label" in data else "labels"), _triple_span


def _spans(items: list, text: str, mapper, known, make) -> tuple[list[Span], dict[Any, Span], list[str]]:
    """The spans, each entity's span by its ``id`` (the ends of relations), and a message per bad item."""
    spans, errors = build_spans(items, text, mapper, known, make)
    if len(spans) != len(items):  # a bad item: the record is refused, its relations are not read
        return spans, {}, errors
    ids = {item["id"]: span for item, span in zip(items, spans) if isinstance(item, dict) and isinstance(item.get("id"), (int, str))}
    return spans, ids, errors


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


def write(out: Path, items: Iterable[Record], labels: list[Label], log: ExportLog, relation_labels=(), relation_form: bool = False) -> None:
    """``relation_form``: write every record in the entities form (the export holds relations)."""
    numbering = Numbering() if relation_form else None
    write_lines(out, (record(doc, spans, log, numbering) for doc, spans in items))
    scheme.write_sidecar(out, labels, relation_labels)


def record(doc, spans: list[Span], log: ExportLog | None = None, numbering: Numbering | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {"id": doc.id, "text": doc.text}
    if numbering is None:
        data["label"] = [[sp.start, sp.end, sp.label] for sp in spans]
        if doc.relations and log is not None:
            log.lost(doc, f"{len(doc.relations)} relation(s) not exported: the doccano export is in the label form")
    else:
        data.update(numbering.record(doc, spans, log))
    data["meta"] = export_meta(doc)
    info = [[sp.start, sp.end, sp.label, span_extras(sp)] for sp in spans if span_extras(sp)]
    if info:
        data["span_info"] = info
    if log is not None:
        log.documents += 1
        log.spans += len(spans)
    return data
