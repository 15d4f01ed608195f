"""Prodigy JSONL, the native format: one document per line, code-point offsets, end exclusive.

Reads ``{"text", "spans"?: [{"start","end","label",...}], "meta"?: {...}, "answer"?}``; keys it
does not know (``tokens``, ``_input_hash``, ...) are ignored. A span's ``source`` is free text
(Prodigy writes the model or patterns name): kept as provenance, mapped to our kinds.

Two kinds of record, told apart by ``_view_id`` (see is_binary):
- a manual record (``ner_manual``, ``spans_manual``, our exports) holds the whole answer:
  answered ``reject`` or ``ignore`` it is imported with status ``skipped`` and its answer
  kept in ``meta["prodigy_answer"]``;
- a binary record (``ner.teach``: view ``ner``) asks about its one span: ``reject`` makes
  that span a rejected suggestion, ``accept`` an accepted span, ``ignore`` a pending
  suggestion; the document itself is not skipped.
Prodigy keeps one record per answer, so a text comes back several times: the import merges
them into one document. ``relations`` are read and written as rel.manual has them (see
prodigy_relations). Writes ``{"text", "tokens", "spans", "relations"?, "meta", "answer"}``; spans
carry ``token_start`` and ``token_end`` (inclusive, as Prodigy has it) when they fall on token boundaries.

Annotators: every span carries its ``annotator`` and ``meta.annotator`` says whose status and note
the record holds. The prodigy format also writes ``_annotator_id`` / ``_session_id`` as Prodigy
names a session (see session_annotator), the output file's name standing for the dataset; read
back, they name the record's annotator when ``meta.annotator`` does not.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from annotator.core.model import AnnotationError, Document, Label, Span, State, Status
from annotator.formats import scheme
from annotator.formats.jsonl import read_records, write_lines
from annotator.formats.prodigy_relations import read_relations, relation_records
from annotator.formats.relation_records import NO_RULES, RelationRules
from annotator.formats.records import (
    ExportLog,
    LabelScheme,
    ReadOptions,
    Record,
    annotator_named,
    build_spans,
    describe,
    document_with_meta,
    export_meta,
    json_type,
    looks_like_doccano,
    meta_of,
    offset_map,
    source_value,
    text_of,
)
from annotator.core.problems import Problem

NAME = "prodigy"
_NOT_ACCEPTED = ("reject", "ignore")
# Views that ask about one suggestion at a time (ner.teach, spans.teach, textcat.teach...).
BINARY_VIEWS = frozenset({"ner", "spans", "binary", "classification"})
_ANSWER_STATE = {"accept": State.ACCEPTED, "reject": State.REJECTED, "ignore": State.SUGGESTED}
ANSWER_KEY = "prodigy_answer"  # where a reject/ignore answer is kept in the document's meta


def read(path: Path, options: ReadOptions = ReadOptions()) -> Iterator[Record | Problem | LabelScheme]:
    not_accepted = 0
    for item in read_records(path, options, parse_record):
        if isinstance(item, tuple):
            not_accepted += item[0].meta.get(ANSWER_KEY) in _NOT_ACCEPTED
        yield item
    if not_accepted:
        yield Problem(str(path), f"{not_accepted} record(s) answered reject/ignore, imported with status skipped", warning=True)


def parse_record(data: Any, source_path: str, known: frozenset[str] | None = None, rules: RelationRules = NO_RULES) -> tuple[Record, list[str], list[str]]:
    """The record of one line, the messages of its bad spans and relations, and what cannot be kept."""
    if not isinstance(data, dict):
        raise AnnotationError(f"expected a JSON object, got {json_type(data)}")
    _refuse_doccano(data)
    text = text_of(data)
    meta = meta_of(data)
    raw_spans = data.get("spans")
    raw_spans = [] if raw_spans is None else raw_spans
    if not isinstance(raw_spans, list):
        raise AnnotationError(f"\"spans\" must be a list, got {json_type(raw_spans)}")
    doc = document_with_meta(text, meta, source_path)
    doc.annotator = doc.annotator or session_annotator(data, source_path)
    mapper = offset_map(text)
    spans, errors = build_spans(raw_spans, text, mapper, known)
    doc.relations, relation_errors, not_kept = read_relations(data, spans, text, mapper, known, rules)
    answer = data.get("answer")
    if answer not in (None, "accept", *_NOT_ACCEPTED):
        raise AnnotationError(f"\"answer\" must be accept, reject or ignore, got {answer!r}")
    if is_binary(data, raw_spans):
        for span in spans:
            span.state = _ANSWER_STATE[answer or "accept"]
    elif answer in _NOT_ACCEPTED:
        doc.status = Status.SKIPPED
        doc.meta[ANSWER_KEY] = answer
    return (doc, spans), errors + relation_errors, not_kept


def is_binary(data: dict, raw_spans: list) -> bool:
    """A binary answer about one suggested span (ner.teach), not a whole manual annotation.

    ``_view_id`` says so when present (``ner``, ``spans``, ...: binary; ``ner_manual``,
    ``spans_manual``, ``blocks``: manual). Without it, a record with exactly one span that
    carries a model ``score`` is taken as binary; anything else as manual.
    """
    view = data.get("_view_id")
    if isinstance(view, str):
        return view in BINARY_VIEWS
    return len(raw_spans) == 1 and isinstance(raw_spans[0], dict) and "score" in raw_spans[0]


# An unnamed Prodigy session is named after the time it started: it names no one.
_UNNAMED_SESSION = re.compile(r"^\d{4}-\d{2}-\d{2}_\d{2}-\d{2}-\d{2}$")


def session_annotator(data: dict, source_path: str) -> str:
    """The annotator a Prodigy record names in ``_annotator_id`` / ``_session_id``; "" for no one.

    Prodigy (v1.7+, "Multi-user sessions" in its README, support.prodi.gy/t/1644) records an
    answer given at ``/?session=alex`` on the dataset ``ner_person`` as ``ner_person-alex`` in
    both keys; published db-out files hold e.g. ``"handover_db-user1"``. An unnamed session holds
    the time it started (``"2024-02-06_10-17-19"``). Where ``_annotator_id`` is the bare name and
    ``_session_id`` ends with it, the name is taken as is. Otherwise the dataset is cut off: the
    file's own name when the id starts with it (``prodigy db-out ner_person > ner_person.jsonl``),
    else everything up to the last "-".
    """
    given, session = data.get("_annotator_id"), data.get("_session_id")
    value = given if isinstance(given, str) and given.strip() else session
    if not isinstance(value, str) or not value.strip() or _UNNAMED_SESSION.match(value.strip()):
        return ""
    value = value.strip()
    if isinstance(session, str) and session != value and session.endswith(f"-{value}"):
        return annotator_named(value, "_annotator_id")
    dataset = f"{Path(source_path).stem}-"
    if value.startswith(dataset) and len(value) > len(dataset):
        return annotator_named(value[len(dataset):], "_annotator_id")
    _, dash, name = value.rpartition("-")
    return annotator_named(name if dash and name else value, "_annotator_id")


def _refuse_doccano(data: dict) -> None:
    """A doccano line read as Prodigy would lose its spans without a word: refuse it."""
    if "spans" not in data and looks_like_doccano(data):
        raise AnnotationError("this looks like doccano JSONL (\"label\"/\"labels\"/\"entities\"/\"annotations\"), not Prodigy; use --format doccano")


# -- writing ------------------------------------------------------------------


def write(out: Path, items: Iterable[Record], labels: list[Label], log: ExportLog, tokens: bool = True, sessions: bool = True, relation_labels=()) -> None:
    """``sessions``: write Prodigy's ``_annotator_id`` / ``_session_id`` (the output's name as the dataset)."""
    dataset = Path(out).stem if sessions else None
    write_lines(out, (_logged(record(doc, spans, tokens, log, dataset), log) for doc, spans in items))
    scheme.write_sidecar(out, labels, relation_labels)


def _logged(data: dict, log: ExportLog) -> dict:
    log.documents += 1
    log.spans += len(data["spans"])
    return data


def record(doc: Document, spans: list[Span], tokens: bool = False, log: ExportLog | None = None, dataset: str | None = None) -> dict[str, Any]:
    """The export record of one document. Every span carries its own text and annotator."""
    meta = {k: v for k, v in export_meta(doc).items() if k != ANSWER_KEY}  # written as "answer" below
    answer = doc.meta.get(ANSWER_KEY) if doc.status == Status.SKIPPED and doc.meta.get(ANSWER_KEY) in _NOT_ACCEPTED else "accept"
    out: dict[str, Any] = {"text": doc.text}
    span_records = [_span_record(doc.text, sp) for sp in spans]
    if tokens:
        out["tokens"] = _add_token_indices(doc, spans, span_records, log)
    out["spans"] = span_records
    if doc.relations:
        out["relations"] = relation_records(doc, spans, span_records, log)
    out.update(meta=meta, answer=answer)
    if dataset is not None and doc.annotator:  # Prodigy's shape for a named session
        out["_annotator_id"] = out["_session_id"] = f"{dataset}-{doc.annotator}"
    return out


def _span_record(text: str, span: Span) -> dict[str, Any]:
    out: dict[str, Any] = {
        "start": span.start,
        "end": span.end,
        "label": span.label,
        "text": text[span.start : span.end],
        "source": source_value(span),
    }
    if span.annotator:
        out["annotator"] = span.annotator
    if span.state != State.ACCEPTED:
        out["state"] = str(span.state)
    if span.note:
        out["note"] = span.note
    return out


def _add_token_indices(doc: Document, spans: list[Span], records: list[dict], log: ExportLog | None) -> list[dict]:
    from annotator.formats.tokenization import aligned, spacy_doc

    tokenized = spacy_doc(doc)
    for span, data in zip(spans, records):
        found = aligned(tokenized, span)
        if found is not None:
            data["token_start"], data["token_end"] = found.start, found.end - 1
        elif log is not None:
            log.warn(doc, f"{describe(doc.text, span)} is not on token boundaries; written without token_start/token_end")
    return _token_records(tokenized)


def _token_records(tokenized) -> list[dict]:
    """Prodigy's token objects. Read from arrays: iterating spaCy Token objects costs twice as much."""
    from spacy.attrs import IDX, LENGTH, SPACY

    text = tokenized.text
    rows = tokenized.to_array([IDX, LENGTH, SPACY]).tolist() if len(tokenized) else []
    return [
        {"text": text[start : start + length], "start": start, "end": start + length, "id": i, "ws": bool(space)}
        for i, (start, length, space) in enumerate(rows)
    ]
