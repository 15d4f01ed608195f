"""spaCy DocBin: strict alignment, ents without overlaps, every span in spans["sc"], and training."""

from __future__ import annotations

import subprocess
import sys

import pytest
from format_helpers import SEEDS, jsonl, refused, stored, write

from annotator.core.model import Span
from annotator.formats.tokenization import blank_english
from annotator.nlp.tokens import Tokens
from annotator.transfer.exporting import export
from annotator.transfer.importing import import_paths
from annotator.core.problems import ExportError




def docs_of(path):
    from spacy.tokens import DocBin

    return list(DocBin().from_bytes(path.read_bytes()).get_docs(blank_english().vocab))


def test_ents_without_overlaps_and_every_span_in_sc(store, tmp_path):
    text = "The Eiffel Tower in Paris 🇫🇷."
    spans = [(0, 16, "FAC"), (4, 16, "FAC"), (20, 25, "GPE"), (20, 25, "CITY"), (26, 28, "GPE")]
    import_paths(store, [jsonl(tmp_path / "in.jsonl", {"text": text, "spans": [{"start": s, "end": e, "label": l} for s, e, l in spans]})])
    log = export(store, tmp_path / "out.spacy")
    (doc,) = docs_of(tmp_path / "out.spacy")
    assert doc.text == text and log.problems == [] and log.spans == 5
    assert sorted((s.start_char, s.end_char, s.label_) for s in doc.spans["sc"]) == sorted(spans)
    assert [(e.start_char, e.end_char, e.label_) for e in doc.ents] == [(0, 16, "FAC"), (20, 25, "GPE"), (26, 28, "GPE")]  # at one place, the first stored wins


def test_misaligned_spans_are_reported_with_document_and_offsets(store, tmp_path):
    import_paths(store, [jsonl(tmp_path / "in.jsonl", {"text": "Bonjourno Paris", "spans": [{"start": 0, "end": 7, "label": "X"}, {"start": 10, "end": 15, "label": "GPE"}]})])
    log = export(store, tmp_path / "out.spacy")
    assert [str(p) for p in log.problems] == [
        f"{tmp_path / 'out.spacy'}: document 1 ('Bonjourno Paris'): X span 0-7 'Bonjour' does not fall on token boundaries; not exported"
    ]
    (doc,) = docs_of(tmp_path / "out.spacy")
    assert [(s.start_char, s.label_) for s in doc.spans["sc"]] == [(10, "GPE")]
    (tmp_path / "out.spacy").write_bytes(b"earlier export")
    with pytest.raises(ExportError, match="0-7 'Bonjour'.*refused"):
        export(store, tmp_path / "out.spacy", strict=True)
    assert (tmp_path / "out.spacy").read_bytes() == b"earlier export"


def test_docbin_from_another_tool_is_read_from_ents_and_span_groups(store, tmp_path):
    from spacy.tokens import DocBin

    nlp = blank_english()
    doc = nlp.make_doc("Ada Lovelace met Babbage in London.")
    doc.ents = [doc.char_span(0, 12, "PERSON"), doc.char_span(28, 34, "GPE")]
    doc.spans["custom"] = [doc.char_span(17, 24, "PERSON"), doc.char_span(0, 12, "PERSON")]
    write(tmp_path / "other.spacy", DocBin(docs=[doc]).to_bytes())
    assert import_paths(store, [tmp_path / "other.spacy"]).added == 1
    assert stored(store) == [(1, "Ada Lovelace", "PERSON", ""), (1, "Babbage", "PERSON", ""), (1, "London", "GPE", "")]


def test_not_a_docbin_is_named(store, tmp_path):
    bad = write(tmp_path / "bad.spacy", b"this is not msgpack at all")
    (problem,) = refused(store, [bad])
    assert problem.startswith(f"{bad}: not a spaCy DocBin file")


def test_unknown_label_in_docbin_names_the_document(tmp_path):
    from annotator.transfer.validating import validate_paths
    from spacy.tokens import DocBin

    nlp = blank_english()
    docs = [nlp.make_doc("Rome"), nlp.make_doc("Oslo")]
    docs[1].ents = [docs[1].char_span(0, 4, "TOWN")]
    write(tmp_path / "x.spacy", DocBin(docs=docs).to_bytes())
    result = validate_paths([tmp_path / "x.spacy"], known_labels={"GPE"})
    assert [str(p) for p in result.problems] == [
        f"{tmp_path / 'x.spacy'}: document 2: span 0-4: unknown label 'TOWN' (not in the label scheme)"
    ]


def test_spacy_train_consumes_the_exported_seeds(store, tmp_path):
    """A blank English NER trains a few steps on the exported seed articles."""
    from spacy.cli.init_config import init_config

    import_paths(store, [SEEDS])
    for doc, _ in store.iter_export():
        tokens = Tokens.of(doc.text)
        capitalized = [(s, e) for s, e in zip(tokens.starts, tokens.ends) if doc.text[s:e].istitle() and e - s > 3]
        for i, (start, end) in enumerate(capitalized[:12]):
            store.add_span(doc.id, Span(start, end, ("PERSON", "ORG", "GPE")[i % 3]))
    seeds = tmp_path / "seeds.spacy"
    log = export(store, seeds)
    assert log.documents >= 2 and log.spans >= 20 and log.problems == []
    config = tmp_path / "config.cfg"
    init_config(lang="en", pipeline=["ner"], optimize="efficiency", gpu=False).to_disk(config)
    command = [
        sys.executable, "-m", "spacy", "train", str(config), "--output", str(tmp_path / "model"),
        "--paths.train", str(seeds), "--paths.dev", str(seeds),
        "--training.max_steps", "4", "--training.eval_frequency", "2", "--system.seed", "0",
    ]
    proc = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    import spacy

    trained = spacy.load(tmp_path / "model" / "model-last")
    assert set(trained.get_pipe("ner").labels) == {"PERSON", "ORG", "GPE"}
