"""A small store with three annotators' layers over the seed paragraphs, and the same data as
plain Python for the independent computations of the tests.

Each annotator's spans derive from one truth (token-aligned spans) with disagreements: spans
dropped, relabelled, moved to other tokens, cut inside a token, nested in another, or added.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from annotator.core.model import Document, Span, Status
from annotator.core.text import content_hash
from annotator.nlp.tokens import Tokens
from annotator.store import Store
from tests.conftest import SEEDS

ANNOTATORS = ("alice", "bob", "carol")
LABELS = ("PERSON", "ORG", "GPE", "DATE")
EXTRA = "👩‍🔬 Marie Curie met  the U.S. delegation in Paris.\n\nThen 🇫🇷 France\r\nsigned."


@dataclass
class Corpus:
    path: Path
    doc_ids: list[int]
    texts: dict[int, str]
    spans: dict[str, dict[int, set[tuple[int, int, str]]]]  # annotator -> doc id -> (start, end, label)
    done: dict[str, set[int]]  # annotator -> documents they marked done


def paragraphs() -> list[str]:
    found = [p.strip() for path in sorted(SEEDS.glob("*.txt")) for p in path.read_text(encoding="utf-8").split("\n\n")]
    return list(dict.fromkeys(p for p in found if len(p) > 40)) + [EXTRA.replace("\r\n", "\n")]


def truth(rng, text: str) -> set[tuple[int, int, str]]:
    tokens = Tokens.of(text)
    spans, at = set(), 0
    while at < len(tokens):
        at += int(rng.integers(1, 6))
        last = min(len(tokens) - 1, at + int(rng.integers(0, 3)))
        if at < len(tokens):
            spans.add((tokens.starts[at], tokens.ends[last], LABELS[int(rng.integers(0, len(LABELS)))]))
        at = last + 1
    return spans


def variant(rng, text: str, spans: set[tuple[int, int, str]]) -> set[tuple[int, int, str]]:
    """One annotator's version of the truth."""
    tokens = Tokens.of(text)
    out = set()
    for start, end, label in sorted(spans):
        roll = rng.random()
        if roll < 0.1:
            continue  # missed
        if roll < 0.2:
            label = LABELS[int(rng.integers(0, len(LABELS)))]
        elif roll < 0.28:
            i = tokens.starts.index(start)
            end = tokens.ends[min(len(tokens) - 1, i + int(rng.integers(0, 4)))]  # other boundaries
        elif roll < 0.31 and end - start > 2:
            end -= 1  # cuts its last token
        elif roll < 0.34:
            out.add((start, end, LABELS[(LABELS.index(label) + 1) % len(LABELS)]))  # nested twice
        out.add((start, end, label))
    if rng.random() < 0.5:
        start = int(rng.integers(0, len(text) - 3))
        out.add((start, start + int(rng.integers(1, 3)), LABELS[0]))  # anywhere, maybe only spaces
    return out


def build(path: Path, seed: int = 0) -> Corpus:
    rng = np.random.default_rng(seed)
    texts = paragraphs()
    layers = []
    for text in texts:
        base = truth(rng, text)
        layers.append({name: variant(rng, text, base) for name in ANNOTATORS})
    records = [(Document(None, f"paragraph {i}", text, content_hash=content_hash(text)), [Span(s, e, label, annotator=name) for name, found in layer.items() for s, e, label in sorted(found)])
               for i, (text, layer) in enumerate(zip(texts, layers))]
    with Store(path, annotator="alice") as store:
        doc_ids = list(store.add_documents(records).added)
    n = len(doc_ids)
    done = {"alice": set(doc_ids[: n - 2]), "bob": set(doc_ids[2:]), "carol": set(doc_ids[: n // 2]) | {doc_ids[-1]}}
    for name, ids in done.items():
        with Store(path, annotator=name) as store:
            for doc_id in ids:
                store.set_status(doc_id, Status.DONE)
            if doc_ids[-2] not in ids:
                store.set_status(doc_ids[-2], Status.IN_PROGRESS)
    spans = {name: {d: layer[name] for d, layer in zip(doc_ids, layers)} for name in ANNOTATORS}
    return Corpus(path, doc_ids, dict(zip(doc_ids, texts)), spans, done)
