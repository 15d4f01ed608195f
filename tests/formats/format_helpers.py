"""Small helpers shared by the per-format tests."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.transfer.importing import import_paths
from annotator.core.problems import InputError

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def write(path, content):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return path


def jsonl(path, *records):
    return write(path, "".join((r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)) + "\n" for r in records))


def refused(store, paths, **kwargs) -> list[str]:
    """The problems of an import that must be refused as a whole, as printed."""
    with pytest.raises(InputError) as info:
        import_paths(store, paths, **kwargs)
    assert store.count_documents() == 0, "a refused import wrote something"
    return [str(p) for p in info.value.problems]


def stored(store) -> list[tuple]:
    """Every stored span as (document id, covered text, label, note)."""
    out = []
    for doc, spans in store.iter_export(states=("accepted", "suggested", "rejected")):
        out += [(doc.id, doc.text[s.start : s.end], s.label, s.note) for s in spans]
    return out
