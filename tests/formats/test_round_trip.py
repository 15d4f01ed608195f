"""For every format: export -> import -> export gives the same output, spans and notes.

What a format cannot carry (overlaps and notes in CoNLL, document notes in brat) is reported
by the first export, never dropped silently.
"""

from __future__ import annotations

import pytest

from annotator.store import Store
from annotator.transfer.exporting import export
from annotator.transfer.importing import import_paths

from format_corpus import SHIP, SPANS, corpus, files_of, span_table  # noqa: F401 (corpus is a fixture)

OUTPUTS = {"prodigy": "out.jsonl", "doccano": "out.jsonl", "brat": "out", "spacy": "out.spacy", "conll": "out.conll"}
# Formats that keep every span and span note of the corpus (overlaps included).
LOSSLESS = ("prodigy", "doccano", "brat", "spacy")


def trip(corpus, tmp_path, fmt):
    first = tmp_path / "first" / OUTPUTS[fmt]
    again = tmp_path / "again" / OUTPUTS[fmt]
    first.parent.mkdir(), again.parent.mkdir()
    log = export(corpus, first, fmt)
    with Store(tmp_path / "b.db") as other:
        report = import_paths(other, [first], fmt=fmt)
        assert report.added == 3 and report.warnings == []
        export(other, again, fmt)
        return log, other.labels(), span_table(other), first, again


@pytest.mark.parametrize("fmt", LOSSLESS + ("conll",))
def test_second_export_is_identical(corpus, tmp_path, fmt):
    _, _, _, first, again = trip(corpus, tmp_path, fmt)
    assert files_of(again) == files_of(first)
    sidecar = {"prodigy": "out.labels.json", "doccano": "out.labels.json", "conll": "out.labels.json"}.get(fmt)
    if sidecar:
        assert (again.parent / sidecar).read_bytes() == (first.parent / sidecar).read_bytes()


@pytest.mark.parametrize("fmt", LOSSLESS)
def test_spans_and_notes_survive(corpus, tmp_path, fmt):
    log, _, table, _, _ = trip(corpus, tmp_path, fmt)
    assert sorted(table) == sorted(span_table(corpus))  # brat files come back in name order
    assert sum(map(len, table)) == len(SPANS)
    if fmt != "brat":
        assert log.problems == []


@pytest.mark.parametrize("fmt", LOSSLESS + ("conll",))
def test_label_colour_and_hotkey_travel(corpus, tmp_path, fmt):
    _, labels, _, _, _ = trip(corpus, tmp_path, fmt)
    (ship,) = [label for label in labels if label.name == "SHIP"]
    assert (ship.color, ship.hotkey) == (SHIP.color, SHIP.hotkey)


def test_texts_are_normalized_and_sliced_exactly(corpus):
    for doc, spans in corpus.iter_export():
        assert "\r" not in doc.text
    table = span_table(corpus)
    assert {(row[2], row[3]) for doc in table for row in doc} == {(label, covered) for _, covered, label, _ in SPANS}


def test_brat_reports_document_notes_it_cannot_carry(corpus, tmp_path):
    log, _, _, _, _ = trip(corpus, tmp_path, "brat")
    assert len(log.problems) == 3
    assert all("brat has no place for a document note" in p.message for p in log.problems)


def test_conll_reports_overlaps_and_notes(corpus, tmp_path):
    log, _, table, _, _ = trip(corpus, tmp_path, "conll")
    messages = [p.message for p in log.problems]
    overlaps = [m for m in messages if "overlaps another span" in m]
    assert len(overlaps) == 3  # 'Marie Curie', 'Eiffel Tower', 'São' lose to the longer span around them
    assert any("'Marie Curie'" in m for m in overlaps) and any("'São'" in m for m in overlaps)
    span_notes = sum(1 for _, _, _, note in SPANS if note)
    assert sum("CoNLL has no place for notes" in m for m in messages) == span_notes - 1  # the note of 'São' goes with its span
    assert sum(map(len, table)) == len(SPANS) - 3
