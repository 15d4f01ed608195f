"""A corpus of hard text for the format tests, and helpers to compare stores."""

from __future__ import annotations

import json

import pytest

from annotator.core.model import Label
from annotator.store import Store
from annotator.transfer.importing import import_paths

# Raw texts as they arrive: CRLF line endings are normalized at import.
TEXTS = [
    "👩‍🔬 Marie Curie met 東京 officials 🇫🇷 today.\r\nCafe\u0301 Noël opened in Paris.\r\n\r\nThe Eiffel Tower stands.",
    "مرحبا from Cairo 👍🏽, said Ahmed.\nThe 🏳️‍🌈 parade crossed Berlin.",
    "Dr. Müller visited São Paulo and 北京 in 2024.",
]
# (document, covered text, label, note); overlapping spans in documents 0 and 2.
SPANS = [
    (0, "👩‍🔬 Marie Curie", "PERSON", "scientist 🧪"),
    (0, "Marie Curie", "PERSON", ""),
    (0, "東京", "GPE", ""),
    (0, "🇫🇷", "GPE", "flag"),
    (0, "Cafe\u0301 Noël", "ORG", "combining acute"),
    (0, "Paris", "GPE", ""),
    (0, "The Eiffel Tower", "SHIP", "custom label"),
    (0, "Eiffel Tower", "FAC", ""),
    (1, "Cairo", "GPE", ""),
    (1, "Ahmed", "PERSON", "RTL text before"),
    (1, "Berlin", "GPE", ""),
    (2, "Müller", "PERSON", ""),
    (2, "São Paulo", "GPE", ""),
    (2, "São", "GPE", "overlaps São Paulo"),
    (2, "北京", "GPE", ""),
]
SHIP = Label("SHIP", "#123456", "s", "Ships")


def source_lines() -> list[dict]:
    """Prodigy lines with offsets into the raw (CRLF) texts."""
    lines = []
    for number, raw in enumerate(TEXTS):
        spans = []
        for doc, covered, label, note in SPANS:
            if doc == number:
                start = raw.index(covered)
                spans.append({"start": start, "end": start + len(covered), "label": label, "text": covered, "note": note})
        lines.append({"text": raw, "spans": spans, "meta": {"note": f"document note {number}", "status": "done"}})
    return lines


def fill(store: Store, tmp_path) -> None:
    store.save_labels([SHIP])
    src = tmp_path / "corpus-source.jsonl"
    src.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in source_lines()), encoding="utf-8")
    import_paths(store, [src])


def span_table(store: Store) -> list[list[tuple]]:
    """Per document (in order): its spans as (start, end, label, covered text, note)."""
    table = []
    for doc, spans in store.iter_export():
        table.append(sorted((s.start, s.end, s.label, doc.text[s.start : s.end], s.note) for s in spans))
    return table


def files_of(path) -> dict[str, bytes]:
    """A file's bytes, or a folder's files by name (for comparing exports)."""
    if path.is_dir():
        return {p.name: p.read_bytes() for p in sorted(path.iterdir())}
    return {path.name: path.read_bytes()}


@pytest.fixture
def corpus(tmp_path):
    """A store holding the hard corpus (import this fixture into a test module)."""
    with Store(tmp_path / "corpus.db") as store:
        fill(store, tmp_path)
        yield store
