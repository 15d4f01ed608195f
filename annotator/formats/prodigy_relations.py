"""Relations in Prodigy JSONL and our native JSONL, in the shape Prodigy's ``rel.manual`` writes:

    {"head": 14, "child": 5, "label": "Pos-Reg",
     "head_span": {"start": 63, "end": 88, "token_start": 12, "token_end": 14, "label": "GGP"},
     "child_span": {"start": 21, "end": 29, "token_start": 5, "token_end": 5, "label": "GGP"}}

``head``/``child`` are token indices: the LAST token of each end (``token_end``, inclusive),
as rel.manual writes them and spaCy's relation-extraction project reads them. We read an end
from ``head_span``/``child_span`` (start, end, label) and take the record's span there; a
span named only by a relation (rel.manual often leaves it out of ``spans``) is added to the
record. Without ``head_span``, the token index names the span that ends at that token (the
record's ``tokens`` give its offsets). An end with no label and no span (a relation between
bare tokens, rel.manual's dependency mode) cannot be kept: reported, never dropped silently.

Our exports write the same shape plus what Prodigy has no key for (``source``, ``state``,
``note``, ``annotator``); ``head``/``child`` only when the record carries ``tokens`` (the
prodigy format), since they index tokens. Offsets identify the ends, so they survive re-import.
"""

from __future__ import annotations

from typing import Any

from annotator.core.model import AnnotationError, Relation, Span
from annotator.formats.records import ExportLog, OffsetMap, build_span, json_type
from annotator.formats.relation_records import RelationRules, build_relation, relation_fields, written_relations

_ENDS = (("head", "head_span"), ("child", "child_span"))
_SPAN_KEYS = ("start", "end", "token_start", "token_end", "label")


class _NotCarried(Exception):
    """An end that is a bare token, not a span: the relation is reported, not refused."""


def read_relations(
    data: dict, spans: list[Span], text: str, mapper: OffsetMap | None, known, rules: RelationRules
) -> tuple[list[Relation], list[str], list[str]]:
    """The record's relations, a message per bad one, and one per relation that cannot be kept.
    Spans named only by a relation are appended to ``spans``."""
    raw = data.get("relations")
    if raw is None:
        return [], [], []
    if not isinstance(raw, list):
        raise AnnotationError(f"\"relations\" must be a list, got {json_type(raw)}")
    ends = _Ends(spans, text, mapper, known, data.get("tokens"))
    relations, errors, not_kept = [], [], []
    for number, item in enumerate(raw, 1):
        try:
            if not isinstance(item, dict):
                raise AnnotationError(f"must be an object, got {json_type(item)}")
            head, tail = (ends.find(item, token_key, span_key) for token_key, span_key in _ENDS)
            relations.append(build_relation(head, tail, item.get("label"), rules, item))
        except _NotCarried as reason:
            not_kept.append(f"relation #{number} ({item.get('label')!r}): {reason}; relations between bare tokens are not supported")
        except AnnotationError as error:
            errors.append(f"relation #{number}: {error}")
    return relations, errors, not_kept


class _Ends:
    """Finds (or adds) the span a relation end names."""

    def __init__(self, spans: list[Span], text: str, mapper: OffsetMap | None, known, tokens: Any) -> None:
        self.spans, self.text, self.mapper, self.known, self.tokens = spans, text, mapper, known, tokens
        self.at: dict[tuple[int, int], list[Span]] = {}
        for span in spans:
            self.at.setdefault((span.start, span.end), []).append(span)

    def find(self, item: dict, token_key: str, span_key: str) -> Span:
        named = item.get(span_key)
        if isinstance(named, dict):
            return self._of_span(named, span_key)
        if named is not None:
            raise AnnotationError(f"\"{span_key}\" must be an object, got {json_type(named)}")
        token = item.get(token_key)
        if isinstance(token, int) and not isinstance(token, bool):
            return self._of_token(token, token_key)
        raise AnnotationError(f"needs \"{span_key}\" (start, end, label) or \"{token_key}\" (a token index)")

    def _of_span(self, named: dict, key: str) -> Span:
        start, end, label = named.get("start"), named.get("end"), named.get("label")
        if not (isinstance(start, int) and isinstance(end, int)) or isinstance(start, bool) or isinstance(end, bool):
            raise AnnotationError(f"\"{key}\" needs integer start and end, got {start!r}, {end!r}")
        probe = build_span({"start": start, "end": end, "label": label if isinstance(label, str) else "_"}, self.text, self.mapper)
        here = self.at.get((probe.start, probe.end), [])
        matching = [span for span in here if label is None or span.label == label]
        if matching:
            return matching[0]
        if label is None:
            raise _NotCarried(f"\"{key}\" {start}-{end} has no label and no span is there")
        span = build_span({"start": start, "end": end, "label": label}, self.text, self.mapper, self.known)
        self.spans.append(span)  # named only by the relation: rel.manual often leaves it out of "spans"
        self.at.setdefault((span.start, span.end), []).append(span)
        return span

    def _of_token(self, index: int, key: str) -> Span:
        tokens = self.tokens if isinstance(self.tokens, list) else []
        token = tokens[index] if 0 <= index < len(tokens) else None
        end = token.get("end") if isinstance(token, dict) else None
        if not isinstance(end, int):
            raise AnnotationError(f"\"{key}\" {index} names no token of the record's \"tokens\"")
        mapped = self.mapper(end) if self.mapper else end
        ending = [span for (_, span_end), spans in self.at.items() if span_end == mapped for span in spans]
        if not ending:
            raise _NotCarried(f"\"{key}\" token {index} ends no span")
        return ending[0]


# -- writing ------------------------------------------------------------------


def relation_records(doc, spans: list[Span], span_records: list[dict], log: ExportLog | None) -> list[dict[str, Any]]:
    """The ``relations`` of an export record; ``span_records`` are the written spans (with
    ``token_start``/``token_end`` where the record has tokens)."""
    written = written_relations(doc, spans, log if log is not None else ExportLog(""))
    out = []
    for relation, head, tail in written:
        ends = [{k: span_records[i][k] for k in _SPAN_KEYS if k in span_records[i]} for i in (head, tail)]
        item: dict[str, Any] = {key: end["token_end"] for (key, _), end in zip(_ENDS, ends) if "token_end" in end}
        item.update({key: end for (_, key), end in zip(_ENDS, ends)})
        item["label"] = relation.label
        item.update(relation_fields(relation))
        out.append(item)
    return out
