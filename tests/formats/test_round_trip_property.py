"""Property: for generated hard texts and token-aligned spans, every format round-trips them."""

from __future__ import annotations

import json
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.formats.tokenization import non_overlapping
from annotator.nlp.tokens import Tokens
from annotator.store import Store
from annotator.transfer.exporting import export
from annotator.transfer.importing import import_paths

PIECES = ["👩‍🔬", "🇫🇷", "👍🏽", "e\u0301", "東京", "\u200fשלום\u200f", "مرحبا", "\r\n", "\n", " ", "Marie", "Curie", "\u00a0", "\t", ".", "U.S.", "don't", "\u2028"]
Tokens.of("warm up")  # load spaCy before Hypothesis runs strategies (it seeds `random` when loading)
OUTPUTS = {"prodigy": "o.jsonl", "doccano": "o.jsonl", "brat": "o", "spacy": "o.spacy", "conll": "o.conll"}


@st.composite
def documents(draw):
    text = "".join(draw(st.lists(st.sampled_from(PIECES), min_size=1, max_size=20)))
    normalized = text.replace("\r\n", "\n")
    tokens = Tokens.of(normalized)
    if not normalized.strip() or not len(tokens):
        return normalized, []
    pairs = draw(st.lists(st.tuples(st.integers(0, len(tokens) - 1), st.integers(0, 3)), max_size=4))
    spans = {(tokens.starts[i], tokens.ends[min(i + n, len(tokens) - 1)]) for i, n in pairs}
    labels = draw(st.lists(st.sampled_from(["PERSON", "GPE"]), min_size=len(spans), max_size=len(spans)))
    return normalized, [(s, e, label) for (s, e), label in zip(sorted(spans), labels)]


def spans_after_trip(folder, text, spans, fmt):
    src = folder / "src.jsonl"
    src.write_text(json.dumps({"text": text, "spans": [{"start": s, "end": e, "label": l, "note": f"n{s}"} for s, e, l in spans]}) + "\n")
    with Store(folder / "a.db") as a:
        import_paths(a, [src])
        log = export(a, folder / OUTPUTS[fmt], fmt)
    with Store(folder / "b.db") as b:
        import_paths(b, [folder / OUTPUTS[fmt]], fmt=fmt)
        ((doc, got),) = list(b.iter_export())
    return log, doc.text, sorted((s.start, s.end, s.label, s.note) for s in got)


@settings(max_examples=15, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(documents(), st.sampled_from(["prodigy", "doccano", "brat", "spacy"]))
def test_lossless_formats_keep_every_token_aligned_span(tmp_path_factory, document, fmt):
    text, spans = document
    if not text.strip():
        return
    log, got_text, got = spans_after_trip(tmp_path_factory.mktemp(fmt), text, spans, fmt)
    assert got_text == text
    assert got == sorted((s, e, l, f"n{s}") for s, e, l in spans)
    assert log.problems == []


@settings(max_examples=15, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(documents())
def test_conll_keeps_the_covered_words_of_non_overlapping_spans(tmp_path_factory, document):
    text, spans = document
    if not text.strip():
        return
    log, got_text, got = spans_after_trip(tmp_path_factory.mktemp("conll"), text, spans, "conll")
    kept, overlapping = non_overlapping(spans, key=lambda s: (s[0], s[1]))
    assert sum("overlaps another span" in p.message for p in log.problems) == len(overlapping)
    tokens = Tokens.of(text)
    expected = [([text[a:b] for a, b in zip(tokens.starts, tokens.ends) if s <= a and b <= e], l) for s, e, l in kept]
    assert [(re.split("[ \n]", got_text[s:e]), l) for s, e, l, _ in got] == expected  # tokens, now joined by spaces
