"""brat standoff: T lines and notes kept; what brat has and we do not, reported per line."""

from __future__ import annotations

import pytest
from format_helpers import refused, stored, write

from annotator.core.problems import ExportError
from annotator.core.model import Label
from annotator.store import Store
from annotator.transfer.exporting import export
from annotator.transfer.importing import import_paths

TEXT = "Marie Curie met Pierre in Paris 🇫🇷.\nThey worked in Warsaw."


def pair(folder, ann, text=TEXT, name="doc"):
    write(folder / f"{name}.txt", text)
    return write(folder / f"{name}.ann", ann)


def test_t_lines_and_notes(store, tmp_path):
    ann = pair(tmp_path / "b", "T1\tPERSON 0 11\tMarie Curie\nT2\tGPE 26 31\tParis\n#1\tAnnotatorNotes T1\tphysicist\nT3\tGPE 32 34\t🇫🇷\n")
    report = import_paths(store, [tmp_path / "b"])
    assert report.added == 1 and report.warnings == []
    assert stored(store) == [(1, "Marie Curie", "PERSON", "physicist"), (1, "Paris", "GPE", ""), (1, "🇫🇷", "GPE", "")]
    assert store.document(1).source_path == str(ann.with_suffix(".txt"))


def test_unsupported_lines_are_reported_per_line_and_the_file_still_imported(store, tmp_path):
    ann = pair(
        tmp_path,
        "T1\tPERSON 0 11\tMarie Curie\n"
        "T2\tPERSON 0 5;16 22\tMarie Pierre\n"
        "R1\tMarried Arg1:T1 Arg2:T2\n"
        "A1\tNegated T1\n"
        "E1\tMeet:T1 Agent:T2\n"
        "N1\tReference T1 Wikidata:Q7186\tMarie Curie\n"
        "*\tAlias T1 T2\n"
        "#1\tAnnotatorNotes T2\tnote on the discontinuous one\n",
    )
    report = import_paths(store, [ann])
    tail = "; left out (use --strict to refuse)"
    assert [str(w) for w in report.warnings] == [
        f"{ann}:2: discontinuous span T2 (0 5;16 22) is not supported{tail}",
        f"{ann}:3: R1: its end T2 is not imported (see its line){tail}",
        f"{ann}:4: attribute annotation A1 is not supported{tail}",
        f"{ann}:5: E1: its end T2 is not imported (see its line){tail}",
        f"{ann}:6: normalization annotation N1 is not supported{tail}",
        f"{ann}:7: equivalence: its end T2 is not imported (see its line){tail}",
        f"{ann}:8: comment on T2, which is not imported{tail}",
    ]
    assert stored(store) == [(1, "Marie Curie", "PERSON", "")]


def test_strict_refuses_unsupported_lines(store, tmp_path):
    ann = pair(tmp_path, "T1\tPERSON 0 11\tMarie Curie\nA1\tNegated T1\n")
    assert refused(store, [ann], strict=True) == [f"{ann}:2: attribute annotation A1 is not supported"]


def test_crlf_text_offsets_are_mapped(store, tmp_path):
    raw = "Paris\r\nRome\r\nBerlin"
    pair(tmp_path, "T1\tGPE 7 11\tRome\nT2\tGPE 13 19\tBerlin\n", text=raw)
    import_paths(store, [tmp_path / "doc.txt"])
    assert stored(store) == [(1, "Rome", "GPE", ""), (1, "Berlin", "GPE", "")]


def test_bad_lines_name_file_and_line(store, tmp_path):
    ann = pair(tmp_path, "T1\tPERSON 0 11\tMarie Curie\nT2\tPERSON 0 11\tMarie Curry\nT3 PERSON 0 5\nT4\tGPE 70 80\tnowhere\nX1\twhat\n#1\tnote\n")
    assert refused(store, [ann]) == [
        f"{ann}:2: span text 'Marie Curry' does not match the text at 0-11: 'Marie Curie'",
        f"{ann}:3: a T line must be 'T<n><TAB>LABEL START END<TAB>text'",
        f"{ann}:4: span end 80 is beyond the text (58 characters)",
        f"{ann}:5: not a brat annotation line: 'X1\\twhat'",
        f"{ann}:6: a comment line must be '#<n><TAB>TYPE ID<TAB>text'",
    ]


def test_missing_text_file_is_named(store, tmp_path):
    ann = write(tmp_path / "alone.ann", "T1\tX 0 1\ta\n")
    assert refused(store, [ann]) == [f"{tmp_path / 'alone.txt'}: no such file; brat needs NAME.txt and NAME.ann side by side"]


def test_export_writes_t_lines_notes_and_confs(store, tmp_path):
    pair(tmp_path / "in", "T1\tPERSON 0 11\tMarie Curie\n#1\tAnnotatorNotes T1\tline one\n")
    import_paths(store, [tmp_path / "in"])
    store.update_span(1, note="line one\nline two")
    store.save_labels([Label("MY TYPE", "#010203")])
    out = tmp_path / "out"
    log = export(store, out, "brat")
    assert (out / "doc.txt").read_text(encoding="utf-8") == TEXT
    assert (out / "doc.ann").read_text(encoding="utf-8") == "T1\tPERSON 0 11\tMarie Curie\n#1\tAnnotatorNotes T1\tline one line two\n"
    assert "PERSON\tbgColor:#aa9cfc\n" in (out / "visual.conf").read_text()
    assert "p\tPERSON\n" in (out / "kb_shortcuts.conf").read_text()
    assert "MY TYPE" not in (out / "annotation.conf").read_text()  # brat type names cannot hold spaces
    assert [p.message.split(": ", 1)[1] for p in log.problems] == [
        "note of PERSON span 0-11 'Marie Curie' has line breaks; brat keeps one line, written with spaces"
    ]


def test_spans_over_line_breaks_survive(store, tmp_path):
    start, end = TEXT.index("🇫🇷"), TEXT.index(" worked")
    pair(tmp_path / "in", f"T1\tLOC {start} {end}\t🇫🇷. They\n")  # brat writes a line break in the span text as a space
    import_paths(store, [tmp_path / "in"])
    assert stored(store) == [(1, "🇫🇷.\nThey", "LOC", "")]
    export(store, tmp_path / "out", "brat")
    with Store(tmp_path / "again.db") as again:
        import_paths(again, [tmp_path / "out"])
        assert stored(again) == stored(store)


def test_export_replaces_an_earlier_export_but_never_other_files(store, tmp_path):
    pair(tmp_path / "in", "T1\tPERSON 0 11\tMarie Curie\n")
    import_paths(store, [tmp_path / "in"])
    out = tmp_path / "out"
    export(store, out, "brat")
    write(out / "doc-000099.ann", "not the export's")  # a file the export did not write is kept
    export(store, out, "brat")
    assert sorted(p.name for p in out.iterdir()) == [
        ".annotator-export.json", "annotation.conf", "doc-000099.ann", "doc.ann", "doc.txt", "kb_shortcuts.conf", "visual.conf"
    ]
    mine = tmp_path / "mine"
    write(mine / "thesis.tex", "precious")
    write(mine / "doc.ann", "my own annotations")
    with pytest.raises(ExportError, match=r"would overwrite 1 file\(s\) it did not write: doc.ann; nothing was written"):
        export(store, mine, "brat")
    assert sorted(p.name for p in mine.iterdir()) == ["doc.ann", "thesis.tex"]
    assert (mine / "doc.ann").read_text() == "my own annotations"
    assert [p.name for p in tmp_path.iterdir() if "partial" in p.name or p.name.endswith(".old")] == []


def test_txt_with_ann_sibling_is_brat_and_without_is_plain_text(store, tmp_path):
    pair(tmp_path / "mixed", "T1\tPERSON 0 11\tMarie Curie\n", name="a")
    write(tmp_path / "mixed" / "b.txt", "Just an article.")
    report = import_paths(store, [tmp_path / "mixed"])
    assert report.added == 2 and stored(store) == [(1, "Marie Curie", "PERSON", "")]


def test_a_t_id_defined_twice_is_named_on_its_line(store, tmp_path):
    ann = pair(tmp_path / "in", "T1\tPERSON 0 11\tMarie Curie\nT1\tPERSON 0 5\tMarie\n")
    assert refused(store, [ann]) == [f"{ann}:2: T1 is defined twice (again on this line); brat ids must be unique in a file"]
