import pytest
from hypothesis import given
from hypothesis import strategies as st

from annotator.core.labels import default_labels, labels_from_json
from annotator.core.model import AnnotationError, Label, Span, check_offsets
from annotator.core.text import TextError, decode, normalize_newlines, title_of


@pytest.mark.parametrize(
    "start,end,length",
    [(-1, 2, 5), (3, 3, 5), (4, 2, 5), (0, 6, 5), (0.0, 2, 5), ("0", 2, 5), (True, 2, 5), (0, None, 5)],
)
def test_offsets_outside_the_rule_are_refused(start, end, length):
    with pytest.raises(AnnotationError):
        check_offsets(start, end, length)


def test_offsets_inside_the_rule_pass():
    check_offsets(0, 5, 5)
    check_offsets(4, 5, 5)


def test_span_check_refuses_unknown_source_and_blank_label():
    with pytest.raises(ValueError):
        Span(0, 1, "PERSON", source="robot").check("abc")
    with pytest.raises(AnnotationError):
        Span(0, 1, " ").check("abc")


@pytest.mark.parametrize("kwargs", [{"color": "red"}, {"color": "#12345"}, {"hotkey": "ab"}, {"name": ""}, {"name": "A\tB"}])
def test_label_rules(kwargs):
    with pytest.raises(AnnotationError):
        Label(**{"name": "X", **kwargs})


def test_default_scheme_is_spacy_english_with_unique_hotkeys():
    labels = default_labels()
    names = [l.name for l in labels]
    assert {"PERSON", "ORG", "GPE", "DATE", "CARDINAL"} <= set(names)
    assert len(names) == 18
    hotkeys = [l.hotkey for l in labels]
    assert len(set(hotkeys)) == len(hotkeys)
    assert next(l for l in labels if l.name == "PERSON").color == "#aa9cfc"  # displaCy


def test_label_scheme_with_duplicate_names_is_refused():
    with pytest.raises(AnnotationError, match="twice"):
        labels_from_json({"labels": [{"name": "A"}, {"name": "A"}]})


def test_decode_strips_bom_and_refuses_binary_and_cp1252():
    assert decode("\ufeffcafé".encode("utf-8")) == "café"
    with pytest.raises(TextError, match="NUL byte at byte 2"):
        decode(b"ab\x00cd")
    with pytest.raises(TextError, match="--encoding"):
        decode("café".encode("cp1252"))
    assert decode("café".encode("cp1252"), "cp1252") == "café"
    with pytest.raises(TextError, match="unknown encoding"):
        decode(b"abc", "no-such-codec")


def test_title_is_first_non_blank_line():
    assert title_of("\n\n  Big   news \nbody") == "Big news"
    assert title_of("   \n", fallback="file.txt") == "file.txt"


pieces = st.lists(st.sampled_from(["a", "b", " ", "\r\n", "\r", "\n", "😀", "é"]), max_size=30)


@given(pieces, st.data())
def test_newline_normalization_maps_offsets_onto_the_same_characters(parts, data):
    text = "".join(parts)
    norm = normalize_newlines(text)
    assert "\r" not in norm.text
    bounds = [0]
    for part in parts:
        bounds.append(bounds[-1] + len(part))
    # A boundary inside a CRLF pair has no counterpart in the normalized text.
    bounds = [b for b in bounds if text[b - 1 : b + 1] != "\r\n"]
    start, end = sorted(data.draw(st.lists(st.sampled_from(bounds), min_size=2, max_size=2)))
    expected = text[start:end].replace("\r\n", "\n").replace("\r", "\n")
    assert norm.text[norm.map_offset(start) : norm.map_offset(end)] == expected
