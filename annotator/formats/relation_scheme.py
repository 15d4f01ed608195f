"""Relation labels in a label scheme's JSON: ``"relations": [{name, color, hotkey, description,
directed, heads, tails}]`` beside ``"labels"`` (the sidecar ``NAME.labels.json``, ``labels export``).

``heads``/``tails`` name the entity labels allowed at each end (empty or absent: any);
``directed`` false: the relation reads either way. A scheme without relations has no
``"relations"`` key, so older files and older readers are unchanged.
"""

from __future__ import annotations

from typing import Any

from annotator.core.limits import json_kind, utf8_safe
from annotator.core.model import AnnotationError, RelationLabel

_STRINGS = ("name", "color", "hotkey", "description")
DEFAULT_COLOR = "#555555"


def relation_labels_to_json(labels) -> list[dict[str, Any]]:
    return [
        {"name": l.name, "color": l.color, "hotkey": l.hotkey, "description": l.description,
         "directed": l.directed, "heads": list(l.heads), "tails": list(l.tails)}
        for l in labels
    ]


def relation_labels_from_json(data: Any, source: str) -> list[RelationLabel]:
    """The ``"relations"`` of a scheme (``data`` the whole scheme object); [] when it has none."""
    items = data.get("relations") if isinstance(data, dict) else None
    if items is None:
        return []
    if not isinstance(items, list):
        raise AnnotationError(f"{source}: \"relations\" must be a list of relation labels, got {json_kind(items)}")
    labels, seen = [], set()
    for i, item in enumerate(items, 1):
        label = _relation_label(item, f"{source}: relation label #{i}")
        if label.name in seen:
            raise AnnotationError(f"{source}: relation label {label.name!r} is listed twice")
        seen.add(label.name)
        labels.append(label)
    return labels


def _relation_label(item: Any, where: str) -> RelationLabel:
    if not isinstance(item, dict) or "name" not in item:
        raise AnnotationError(f"{where} must be an object with a \"name\"")
    check_string_fields(item, _STRINGS, where)
    directed = item.get("directed", True)
    if not isinstance(directed, bool):
        raise AnnotationError(f"{where}: \"directed\" must be true or false, got {json_kind(directed)}")
    ends = {key: _names(item.get(key), f"{where}: \"{key}\"") for key in ("heads", "tails")}
    try:
        return RelationLabel(item["name"], item.get("color") or DEFAULT_COLOR, item.get("hotkey") or None,
                             item.get("description") or "", directed, **ends)
    except AnnotationError as error:
        raise AnnotationError(f"{where}: {error}") from None


def check_string_fields(item: dict, keys, where: str) -> None:
    """Each of ``keys`` a string (or null) that UTF-8 can carry: a number or a list in a scheme is
    refused naming its label, before it reaches the database."""
    for key in keys:
        value = item.get(key)
        if value is not None and not isinstance(value, str):
            raise AnnotationError(f"{where}: \"{key}\" must be a string, got {json_kind(value)}")
        if isinstance(value, str) and not utf8_safe(value):
            raise AnnotationError(f"{where}: \"{key}\" holds a lone surrogate (not UTF-8)")


def _names(value: Any, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, (list, tuple)) or not all(isinstance(name, str) for name in value):  # a DocBin's msgpack gives tuples
        raise AnnotationError(f"{where} must be a list of entity label names, got {json_kind(value)}")
    return tuple(value)
