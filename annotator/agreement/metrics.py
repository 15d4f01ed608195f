"""The agreement formulas on numpy arrays: no store, no spaCy, vectorised over all the units.

Spans are compared as ``(start, end)`` pairs in "lanes": the caller places a span of label
``l`` at ``l * stride + start`` (``stride`` past the longest text), so spans of different
labels can neither be equal nor overlap, and one sorted pass serves every label.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

_KEY_LIMIT = 1 << 62  # packed (start, length) keys stay below int64's range


def kappa(confusion: np.ndarray) -> float | None:
    """Cohen's kappa (Cohen 1960) of a square confusion matrix (rows: A's category, columns: B's).

    kappa = (p_o - p_e) / (1 - p_e), p_o the share of units both put in one category,
    p_e = sum_k (row_k / N) (column_k / N) the share expected by chance. Computed as
    (N trace - sum_k row_k column_k) / (N^2 - sum_k row_k column_k) in exact integers.
    None when undefined: no units, or both put every unit in one same category (p_e = 1).
    """
    counts = np.asarray(confusion, dtype=np.int64)
    n = int(counts.sum())
    chance = sum(int(r) * int(c) for r, c in zip(counts.sum(axis=1), counts.sum(axis=0)))
    if n == 0 or n * n == chance:
        return None
    return (n * int(np.trace(counts)) - chance) / (n * n - chance)


def alpha(coincidences: np.ndarray) -> float | None:
    """Krippendorff's alpha for nominal data (Krippendorff 2011, "Computing Krippendorff's
    Alpha-Reliability", section C) from a coincidence matrix o:

    alpha = 1 - D_o / D_e = 1 - (n - 1) * sum_{c != k} o_ck / sum_{c != k} n_c n_k,
    n_c the row sums of o and n their total (the pairable values).
    None when undefined: fewer than two pairable values, or all of them one category.
    """
    o = np.asarray(coincidences, dtype=np.float64)
    n = o.sum()
    n_c = o.sum(axis=1)
    expected = n * n - float(n_c @ n_c)  # sum over c != k of n_c n_k
    if n < 2 or expected <= 0:
        return None
    return float(1 - (n - 1) * (n - np.trace(o)) / expected)


def pair_coincidences(confusion: np.ndarray) -> np.ndarray:
    """Two coders, no missing value: each unit gives the pairs (a, b) and (b, a), weight 1/(2-1)."""
    counts = np.asarray(confusion, dtype=np.float64)
    return counts + counts.T


def coincidences(values: np.ndarray, categories: int) -> np.ndarray:
    """The coincidence matrix of m coders x U units of category numbers (-1: missing value).

    o_ck = sum over units u with m_u >= 2 values of the ordered pairs of coders (i, j), i != j,
    with values (c, k), each pair weighted 1 / (m_u - 1) (Krippendorff 2011, section C).
    """
    values = np.asarray(values)
    present = values >= 0
    m_u = present.sum(axis=0)
    weight = np.zeros(values.shape[1])
    np.divide(1.0, m_u - 1, out=weight, where=m_u >= 2)
    o = np.zeros(categories * categories)
    for i in range(len(values)):
        for j in range(i + 1, len(values)):
            both = present[i] & present[j] & (m_u >= 2)
            o += np.bincount(values[i, both] * categories + values[j, both], weights=weight[both],
                             minlength=categories * categories)
    o = o.reshape(categories, categories)
    return o + o.T  # the pairs (j, i) are the pairs (i, j) mirrored


def exact_matched(starts: np.ndarray, ends: np.ndarray, other_starts: np.ndarray, other_ends: np.ndarray) -> np.ndarray:
    """For each span, whether the other side has a span of the very same (start, end) (lanes)."""
    if not len(starts) or not len(other_starts):
        return np.zeros(len(starts), dtype=bool)
    width = int(max((ends - starts).max(), (other_ends - other_starts).max())) + 1
    if (int(max(starts.max(), other_starts.max())) + 1) * width < _KEY_LIMIT:
        return np.isin(starts * width + (ends - starts), other_starts * width + (other_ends - other_starts))
    rows = np.concatenate([np.column_stack([starts, ends]), np.column_stack([other_starts, other_ends])])
    _, inverse, counts = np.unique(rows, axis=0, return_inverse=True, return_counts=True)
    return counts[inverse.ravel()[: len(starts)]] > 1  # spans are unique on each side


def overlap_matched(starts: np.ndarray, ends: np.ndarray, other_starts: np.ndarray, other_ends: np.ndarray) -> np.ndarray:
    """For each span, whether some span of the other side shares a character with it (lanes).

    Among the other spans starting before this one ends, the furthest end reaches past its start.
    """
    if not len(starts) or not len(other_starts):
        return np.zeros(len(starts), dtype=bool)
    order = np.argsort(other_starts, kind="stable")
    reach = np.maximum.accumulate(other_ends[order])
    before = np.searchsorted(other_starts[order], ends, side="left")  # other spans starting before the end
    return (before > 0) & (reach[np.maximum(before - 1, 0)] > starts)


@dataclass(frozen=True, slots=True)
class Matches:
    """Spans of A (the reference) and of B, and how many of each the other side matches."""

    a: int
    b: int
    a_matched: int
    b_matched: int

    @property
    def precision(self) -> float | None:
        """B's spans that match one of A; None without spans of B."""
        return self.b_matched / self.b if self.b else None

    @property
    def recall(self) -> float | None:
        """A's spans that one of B matches; None without spans of A."""
        return self.a_matched / self.a if self.a else None

    @property
    def f1(self) -> float | None:
        """2PR / (P + R); 0 when one side has no span, None when neither has any."""
        p, r = self.precision, self.recall
        if p is None and r is None:
            return None
        if not p or not r:
            return 0.0
        return 2 * p * r / (p + r)


def one_vs_rest(confusion: np.ndarray, k: int) -> np.ndarray:
    """The 2x2 confusion of category k against all others (row and column 0: k)."""
    both = int(confusion[k, k])
    a_only = int(confusion[k].sum()) - both
    b_only = int(confusion[:, k].sum()) - both
    return np.array([[both, a_only], [b_only, int(confusion.sum()) - both - a_only - b_only]])


def fold(confusion: np.ndarray, groups: np.ndarray, size: int) -> np.ndarray:
    """Sum the rows and columns of the categories put in one group (``groups[k]``: k's group)."""
    out = np.zeros((size, size), dtype=np.int64)
    np.add.at(out, (groups[:, None], groups[None, :]), confusion)
    return out
