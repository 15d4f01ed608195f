"""The agreement formulas against published worked examples and independent implementations
(scikit-learn, the krippendorff package, brute force), to 1e-9."""

from __future__ import annotations

from fractions import Fraction
from itertools import permutations

import krippendorff
import numpy as np
import pytest
from sklearn.metrics import cohen_kappa_score, confusion_matrix, precision_recall_fscore_support

from annotator.agreement.metrics import (
    Matches, alpha, coincidences, exact_matched, fold, kappa, one_vs_rest, overlap_matched, pair_coincidences,
)

TOLERANCE = 1e-9


def test_kappa_of_the_wikipedia_worked_example():
    """Wikipedia, "Cohen's kappa", simple example: 50 grant proposals read by A and B; both say
    yes to 20 and no to 15, A yes / B no 5, A no / B yes 10: p_o = 0.7, p_e = 0.5, kappa = 0.4."""
    table = np.array([[20, 5], [10, 15]])
    assert kappa(table) == pytest.approx(0.4, abs=TOLERANCE)
    a = ["yes"] * 25 + ["no"] * 25
    b = ["yes"] * 20 + ["no"] * 5 + ["yes"] * 10 + ["no"] * 15
    assert cohen_kappa_score(a, b) == pytest.approx(0.4, abs=TOLERANCE)


# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: nominal data,
# 4 observers, 12 units, missing values (None); the paper gives alpha = 0.743.
KRIPPENDORFF_2011 = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
]


def textbook_alpha(data: list[list[int | None]]) -> Fraction:
    """The paper's procedure in exact fractions: coincidences unit by unit, then 1 - D_o / D_e."""
    o: dict[tuple[int, int], Fraction] = {}
    for unit in zip(*data):
        values = [v for v in unit if v is not None]
        for c, k in permutations(values, 2):  # ordered pairs of distinct coders
            o[c, k] = o.get((c, k), Fraction(0)) + Fraction(1, len(values) - 1)
    n_c: dict[int, Fraction] = {}
    for (c, _), count in o.items():
        n_c[c] = n_c.get(c, Fraction(0)) + count
    n = sum(n_c.values())
    observed = sum(count for (c, k), count in o.items() if c != k)
    expected = sum(n_c[c] * n_c[k] for c in n_c for k in n_c if c != k)
    return 1 - (n - 1) * observed / expected


def test_alpha_of_krippendorffs_2011_nominal_example():
    values = np.array([[-1 if v is None else v for v in row] for row in KRIPPENDORFF_2011])
    ours = alpha(coincidences(values, 6))
    exact = textbook_alpha(KRIPPENDORFF_2011)
    assert round(float(exact), 3) == 0.743  # the published figure
    assert ours == pytest.approx(float(exact), abs=TOLERANCE)
    theirs = krippendorff.alpha(reliability_data=[[np.nan if v is None else v for v in row] for row in KRIPPENDORFF_2011],
                                level_of_measurement="nominal")
    assert ours == pytest.approx(theirs, abs=TOLERANCE)


def test_two_coders_coincidences_are_the_confusion_and_its_mirror():
    rng = np.random.default_rng(7)
    a, b = rng.integers(0, 5, 300), rng.integers(0, 5, 300)
    confusion = np.bincount(a * 5 + b, minlength=25).reshape(5, 5)
    assert np.allclose(pair_coincidences(confusion), coincidences(np.stack([a, b]), 5))


@pytest.mark.parametrize("seed", range(20))
def test_kappa_and_alpha_against_sklearn_and_krippendorff(seed):
    rng = np.random.default_rng(seed)
    categories = int(rng.integers(2, 12))
    units = int(rng.integers(20, 3000))
    skew = rng.dirichlet(np.ones(categories) * 0.5)  # some categories rare, as labels are
    a = rng.choice(categories, units, p=skew)
    agree = rng.random(units) < rng.random()
    b = np.where(agree, a, rng.choice(categories, units, p=skew))
    confusion = np.bincount(a * categories + b, minlength=categories**2).reshape(categories, categories)
    assert np.array_equal(confusion, confusion_matrix(a, b, labels=range(categories)))
    expected_kappa = cohen_kappa_score(a, b)
    assert kappa(confusion) == pytest.approx(expected_kappa, abs=TOLERANCE)
    expected_alpha = krippendorff.alpha(reliability_data=np.stack([a, b]).astype(float), level_of_measurement="nominal")
    assert alpha(pair_coincidences(confusion)) == pytest.approx(expected_alpha, abs=TOLERANCE)


@pytest.mark.parametrize("seed", range(10))
def test_alpha_of_several_coders_with_missing_values_against_krippendorff(seed):
    rng = np.random.default_rng(100 + seed)
    coders, units, categories = int(rng.integers(3, 6)), int(rng.integers(30, 2000)), int(rng.integers(2, 8))
    truth = rng.integers(0, categories, units)
    values = np.where(rng.random((coders, units)) < 0.8, truth, rng.integers(0, categories, (coders, units)))
    values = np.where(rng.random((coders, units)) < 0.25, -1, values)  # missing values
    data = np.where(values < 0, np.nan, values.astype(float))
    expected = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
    assert alpha(coincidences(values, categories)) == pytest.approx(expected, abs=TOLERANCE)


def test_undefined_figures_are_none():
    assert kappa(np.zeros((3, 3))) is None
    assert kappa(np.array([[5, 0], [0, 0]])) is None  # one category everywhere: p_e = 1
    assert alpha(np.array([[4.0, 0], [0, 0]])) is None
    assert Matches(0, 0, 0, 0).f1 is None
    assert Matches(3, 0, 0, 0).f1 == 0.0 and Matches(0, 2, 0, 0).precision == 0.0


def random_spans(rng, count: int, lanes: int, length: int = 200) -> set[tuple[int, int]]:
    starts = rng.integers(0, length, count)
    ends = starts + rng.integers(1, 8, count)
    lane = rng.integers(0, lanes, count) * 1000
    return set(zip((lane + starts).tolist(), (lane + ends).tolist()))


def arrays(spans) -> tuple[np.ndarray, np.ndarray]:
    ordered = sorted(spans)
    return np.array([s for s, _ in ordered], dtype=np.int64), np.array([e for _, e in ordered], dtype=np.int64)


@pytest.mark.parametrize("seed", range(20))
def test_span_matching_against_brute_force(seed):
    rng = np.random.default_rng(seed)
    a = random_spans(rng, int(rng.integers(0, 80)), 3)
    b = random_spans(rng, int(rng.integers(0, 80)), 3) | set(list(a)[: len(a) // 2])
    (sa, ea), (sb, eb) = arrays(a), arrays(b)
    assert exact_matched(sa, ea, sb, eb).tolist() == [span in b for span in sorted(a)]
    assert overlap_matched(sa, ea, sb, eb).tolist() == [any(s < e2 and s2 < e for s2, e2 in b) for s, e in sorted(a)]
    assert overlap_matched(sb, eb, sa, ea).tolist() == [any(s < e2 and s2 < e for s2, e2 in a) for s, e in sorted(b)]


def test_exact_matching_of_positions_too_large_to_pack():
    big = np.array([2**61, 2**61 + 10, 5], dtype=np.int64)
    ends = big + np.array([2**40, 3, 1])
    assert exact_matched(big, ends, big[1:], ends[1:]).tolist() == [False, True, True]


@pytest.mark.parametrize("seed", range(10))
def test_exact_precision_recall_f1_against_sklearn(seed):
    """Spans as items of the union: y_true their label where A has them, y_pred where B has them."""
    rng = np.random.default_rng(seed)
    labels = ["PERSON", "ORG", "GPE"]
    a = {(s, e, labels[s // 1000]) for s, e in random_spans(rng, 60, 3)}
    b = {(s, e, labels[s // 1000]) for s, e in random_spans(rng, 60, 3)} | set(list(a)[:30])
    union = sorted(a | b)
    y_true = [x[2] if x in a else "none" for x in union]
    y_pred = [x[2] if x in b else "none" for x in union]
    p, r, f, _ = precision_recall_fscore_support(y_true, y_pred, labels=labels, average="micro")
    matched = len(a & b)
    ours = Matches(len(a), len(b), matched, matched)
    assert (ours.precision, ours.recall, ours.f1) == pytest.approx((p, r, f), abs=TOLERANCE)
    p, r, f, _ = precision_recall_fscore_support(y_true, y_pred, labels=labels, average=None)
    for i, label in enumerate(labels):
        on = lambda spans: {x for x in spans if x[2] == label}  # noqa: E731
        per = Matches(len(on(a)), len(on(b)), len(on(a) & on(b)), len(on(a) & on(b)))
        assert (per.precision, per.recall, per.f1) == pytest.approx((p[i], r[i], f[i]), abs=TOLERANCE)


def test_folding_iob_tags_into_labels_and_one_label_against_the_rest():
    rng = np.random.default_rng(3)
    a, b = rng.integers(0, 7, 500), rng.integers(0, 7, 500)  # O, B-1, I-1, B-2, I-2, B-3, I-3
    confusion = np.bincount(a * 7 + b, minlength=49).reshape(7, 7)
    to_label = (np.arange(7) + 1) // 2
    labels = fold(confusion, to_label, 4)
    assert np.array_equal(labels, confusion_matrix(to_label[a], to_label[b], labels=range(4)))
    for label in (1, 2, 3):
        expected = cohen_kappa_score(to_label[a] == label, to_label[b] == label)
        assert kappa(one_vs_rest(labels, label)) == pytest.approx(expected, abs=TOLERANCE)
