"""The default label scheme (spaCy's English NER labels, displaCy colours) and a palette."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from annotator.core.model import AnnotationError, Label

# Light colours that keep black text readable (contrast >= 7:1) for labels we did not plan.
PALETTE = (
    "#a6cee3", "#b2df8a", "#fb9a99", "#fdbf6f", "#cab2d6", "#ffff99",
    "#8dd3c7", "#bebada", "#fb8072", "#80b1d3", "#fdb462", "#b3de69",
)


def palette_color(index: int) -> str:
    return PALETTE[index % len(PALETTE)]


def labels_from_json(data: Any, source: str = "label scheme") -> list[Label]:
    """Parse ``{"labels": [{"name", "color"?, "hotkey"?, "description"?}]}`` (or a bare list)."""
    items = data.get("labels") if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise AnnotationError(f"{source}: expected a list of labels under \"labels\"")
    labels, seen = [], set()
    for i, item in enumerate(items, 1):
        if not isinstance(item, dict) or "name" not in item:
            raise AnnotationError(f"{source}: label #{i} must be an object with a \"name\"")
        if not isinstance(item.get("description", ""), str):
            raise AnnotationError(f"{source}: label #{i}: \"description\" must be a string")
        try:
            label = Label(item["name"], item.get("color") or palette_color(i - 1), item.get("hotkey") or None, item.get("description", ""))
        except AnnotationError as error:
            raise AnnotationError(f"{source}: label #{i}: {error}") from None
        if label.name in seen:
            raise AnnotationError(f"{source}: label {label.name!r} is listed twice")
        seen.add(label.name)
        labels.append(label)
    return labels


def labels_to_json(labels: list[Label]) -> dict:
    return {
        "labels": [
            {"name": l.name, "color": l.color, "hotkey": l.hotkey, "description": l.description} for l in labels
        ]
    }


def default_labels(path: Path | None = None) -> list[Label]:
    from annotator.paths import resources_dir

    path = path or resources_dir() / "labels.json"
    return labels_from_json(json.loads(path.read_text(encoding="utf-8")), str(path))
