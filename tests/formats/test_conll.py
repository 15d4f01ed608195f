"""CoNLL IOB2: the file layout, sentences never split inside a span, what is reported, reading."""

from __future__ import annotations

import pytest
from format_helpers import jsonl, refused, stored, write

from annotator.core.problems import InputError
from annotator.store import Store
from annotator.transfer.exporting import export
from annotator.transfer.importing import import_paths


def test_layout_docstart_tabs_and_sentences(store, tmp_path):
    text = "Marie Curie won.\nShe moved to Paris.\n\nDr. Smith agreed."
    spans = [{"start": 0, "end": 11, "label": "PERSON"}, {"start": 30, "end": 35, "label": "GPE"}, {"start": 38, "end": 47, "label": "PERSON"}]
    import_paths(store, [jsonl(tmp_path / "in.jsonl", {"text": text, "spans": spans}, {"text": "Second one"})])
    log = export(store, tmp_path / "out.conll")
    assert log.problems == [] and (log.documents, log.spans) == (2, 3)
    assert (tmp_path / "out.conll").read_text(encoding="utf-8") == (
        "-DOCSTART-\tO\n\n"
        "Marie\tB-PERSON\nCurie\tI-PERSON\nwon\tO\n.\tO\n\n"
        "She\tO\nmoved\tO\nto\tO\nParis\tB-GPE\n.\tO\n\n"
        "Dr.\tB-PERSON\nSmith\tI-PERSON\nagreed\tO\n.\tO\n\n"
        "-DOCSTART-\tO\n\n"
        "Second\tO\none\tO\n\n"
    )


def test_a_sentence_break_inside_a_span_waits_for_its_end(store, tmp_path):
    text = "Visit New\nYork today."
    import_paths(store, [jsonl(tmp_path / "in.jsonl", {"text": text, "spans": [{"start": 6, "end": 14, "label": "GPE"}]})])
    export(store, tmp_path / "out.conll")
    assert (tmp_path / "out.conll").read_text(encoding="utf-8") == "-DOCSTART-\tO\n\nVisit\tO\nNew\tB-GPE\nYork\tI-GPE\n\ntoday\tO\n.\tO\n\n"


def test_misaligned_spans_are_reported(store, tmp_path):
    import_paths(store, [jsonl(tmp_path / "in.jsonl", {"text": "Bonjourno Paris", "spans": [{"start": 0, "end": 7, "label": "X"}]})])
    log = export(store, tmp_path / "out.conll")
    assert [p.message for p in log.problems] == ["document 1 ('Bonjourno Paris'): X span 0-7 'Bonjour' does not fall on token boundaries; not exported"]


def test_import_joins_tokens_and_reads_iob1_bioes_and_space_columns(store, tmp_path):
    src = write(
        tmp_path / "in.conll",
        "-DOCSTART- -X- -X- O\n\n"
        "EU NNP B-NP I-ORG\nrejects VBZ B-VP O\nGerman JJ B-NP I-MISC\ncall NN I-NP O\n\n"
        "-DOCSTART-\tO\n\n"
        "New\tB-GPE\nYork\tE-GPE\nand\tO\nRome\tS-GPE\nLa\tB-LOC\nPaz\tL-LOC\nx\tU-LOC\n",
    )
    report = import_paths(store, [src])
    assert report.added == 2
    assert store.document(1).text == "EU rejects German call"
    assert store.document(2).text == "New York and Rome La Paz x"
    assert stored(store) == [
        (1, "EU", "ORG", ""), (1, "German", "MISC", ""),
        (2, "New York", "GPE", ""), (2, "Rome", "GPE", ""), (2, "La Paz", "LOC", ""), (2, "x", "LOC", ""),
    ]


def test_imported_conll_exports_the_same_tokens_even_where_spacy_would_split(store, tmp_path):
    content = "-DOCSTART-\tO\n\ndon't\tO\nstop\tO\nU.S.A.-based\tB-ORG\nfirm\tI-ORG\n\nnext\tO\nline\tO\n\n"
    write(tmp_path / "in.conll", content)
    import_paths(store, [tmp_path / "in.conll"])
    export(store, tmp_path / "out.conll")
    assert (tmp_path / "out.conll").read_text(encoding="utf-8") == content


def test_bad_lines_name_file_and_line(tmp_path):
    src = write(tmp_path / "bad.conll", "ok\tO\nlonely\nbad\tB_PER\nNew York\tB-GPE\nfine\tO\r\n")
    with Store(tmp_path / "x.db") as store:
        assert refused(store, [src]) == [
            f"{src}:2: expected 'token<TAB>tag'",
            f"{src}:3: tag 'B_PER' is not O, B-, I-, E-, S-, L- or U- with a label",
            f"{src}:4: token 'New York' contains a space",
        ]


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_every_line_ending_keeps_every_token_and_line_number(store, tmp_path, newline):
    lines = ["-DOCSTART-\tO", "", "EU\tB-ORG", "rejects\tO", "German\tB-MISC", "", "Peter\tB-PER", "Blackburn\tI-PER", "bad"]
    src = tmp_path / "old-mac.conll"
    src.write_bytes(newline.join(lines).encode() + newline.encode())
    with pytest.raises(InputError) as info:
        import_paths(store, [src])
    assert [str(p) for p in info.value.problems] == [f"{src}:9: expected 'token<TAB>tag'"]
    src.write_bytes(newline.join(lines[:-1]).encode() + newline.encode())
    import_paths(store, [src])
    ((doc, spans),) = list(store.iter_export())
    assert doc.text == "EU rejects German\nPeter Blackburn"
    assert [(doc.text[s.start : s.end], s.label) for s in spans] == [("EU", "ORG"), ("German", "MISC"), ("Peter Blackburn", "PER")]
