from annotator.nlp.resolve import resolve


def test_clean_spans_pass_unchanged():
    out = resolve("Putin met Pompeo", [(10, 16, "PERSON"), (0, 5, "PERSON")])
    assert out.spans == [(0, 5, "PERSON"), (10, 16, "PERSON")]
    assert (out.misaligned, out.overlapping) == (0, 0)


def test_whitespace_edges_are_trimmed_and_blank_or_outside_spans_dropped():
    text = "x\nSochi \n y"
    out = resolve(text, [(1, 8, "GPE"), (7, 9, "GPE"), (5, 99, "GPE"), (3, 3, "GPE")])
    assert out.spans == [(2, 7, "GPE")]
    assert text[2:7] == "Sochi"
    assert out.misaligned == 4


def test_overlaps_keep_the_longest_then_the_first_given():
    out = resolve("Mike Pompeo and Putin", [(5, 11, "PERSON"), (0, 11, "PERSON"), (16, 21, "PERSON"), (16, 21, "ORG")])
    assert out.spans == [(0, 11, "PERSON"), (16, 21, "PERSON")]
    assert out.overlapping == 2
