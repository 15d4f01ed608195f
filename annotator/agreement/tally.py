"""Counts summed over batches of documents, from which every figure is computed at the end.

A batch lays its documents end to end (one position apart), so that one numpy call covers
the tokens and spans of thousands of documents; every count is a sum, so batches add up and
memory stays flat whatever the corpus size.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from annotator.agreement.metrics import alpha, coincidences, exact_matched, overlap_matched
from annotator.agreement.tagging import iob_tags


@dataclass(slots=True)
class Layer:
    """One annotator's spans in a batch: document index, positions in the batch, label number."""

    doc: np.ndarray
    starts: np.ndarray
    ends: np.ndarray
    labels: np.ndarray
    tags: np.ndarray  # IOB tag of every token of the batch
    fate: np.ndarray  # tagging.TAGGED / SNAPPED / LEFT_OUT / NO_TOKEN of every span
    lane_starts: np.ndarray  # label * stride + start: spans of one label compared on their own lane
    lane_ends: np.ndarray


@dataclass(slots=True)
class Batch:
    """Documents laid end to end: their tokens, and each annotator's spans and documents counted."""

    doc_ids: np.ndarray
    token_doc: np.ndarray  # document index of every token
    layers: dict[str, Layer]
    counted: dict[str, np.ndarray]  # per annotator: does each document count (its status)?


class BatchBuilder:
    """Collects documents one by one; ``build()`` makes the batch's arrays."""

    def __init__(self) -> None:
        self.doc_ids: list[int] = []
        self.token_parts: list[tuple[np.ndarray, np.ndarray]] = []
        self.spans: dict[str, tuple[list[int], list[int], list[int], list[int]]] = {}
        self.counted: dict[str, list[bool]] = {}
        self.chars = 0

    def add(self, doc_id: int, tokens: tuple[np.ndarray, np.ndarray], text_length: int,
            spans: dict[str, list[tuple[int, int, int]]], counted: dict[str, bool]) -> None:
        """One document: its tokens, each annotator's (start, end, label number) and whether it counts."""
        index, base = len(self.doc_ids), self.chars
        self.doc_ids.append(doc_id)
        self.token_parts.append((tokens[0] + base, tokens[1] + base))
        for name, found in spans.items():
            doc, starts, ends, labels = self.spans.setdefault(name, ([], [], [], []))
            doc.extend([index] * len(found))
            for start, end, label in found:
                starts.append(start + base)
                ends.append(end + base)
                labels.append(label)
        for name, flag in counted.items():
            self.counted.setdefault(name, []).append(flag)
        self.chars += text_length + 1

    def build(self) -> Batch:
        starts = np.concatenate([p[0] for p in self.token_parts]) if self.token_parts else np.zeros(0, np.int64)
        ends = np.concatenate([p[1] for p in self.token_parts]) if self.token_parts else np.zeros(0, np.int64)
        sizes = [len(p[0]) for p in self.token_parts]
        token_doc = np.repeat(np.arange(len(sizes), dtype=np.int32), sizes)
        layers = {name: _layer(starts, ends, lists, self.chars + 1) for name, lists in self.spans.items()}
        counted = {name: np.array(flags, dtype=bool) for name, flags in self.counted.items()}
        return Batch(np.array(self.doc_ids, dtype=np.int64), token_doc, layers, counted)


def _layer(token_starts: np.ndarray, token_ends: np.ndarray, lists, stride: int) -> Layer:
    doc, starts, ends, labels = (np.array(x, dtype=np.int64) for x in lists)
    tags, fate = iob_tags(token_starts, token_ends, starts, ends, labels)
    return Layer(doc, starts, ends, labels, tags, fate, labels * stride + starts, labels * stride + ends)


@dataclass(slots=True)
class PairTally:
    """What one pair of annotators' figures are computed from (label numbers 1..labels; 0 is O)."""

    a: str
    b: str
    labels: int
    documents: int = 0
    confusion: np.ndarray = field(init=False)  # IOB tag of A x IOB tag of B, over tokens
    per_label: np.ndarray = field(init=False)  # rows: spans A, B, exact matched, partial A, partial B
    fates: np.ndarray = field(init=False)  # rows A, B: spans tagged, snapped, left out, without token
    keep: int = 10  # documents of lowest exact F1 kept
    lowest: np.ndarray = field(init=False)  # rows: doc id, spans A, spans B, exact matched; a column a document

    def __post_init__(self) -> None:
        tags = 2 * self.labels + 1
        self.confusion = np.zeros((tags, tags), dtype=np.int64)
        self.per_label = np.zeros((5, self.labels + 1), dtype=np.int64)
        self.fates = np.zeros((2, 4), dtype=np.int64)
        self.lowest = np.zeros((4, 0), dtype=np.int64)

    def add(self, batch: Batch) -> None:
        docs = batch.counted[self.a] & batch.counted[self.b]
        if not docs.any():
            return
        self.documents += int(docs.sum())
        la, lb = batch.layers[self.a], batch.layers[self.b]
        tokens = docs[batch.token_doc]
        k = len(self.confusion)
        self.confusion += np.bincount(la.tags[tokens] * k + lb.tags[tokens], minlength=k * k).reshape(k, k)
        a, b = docs[la.doc], docs[lb.doc]
        exact = exact_matched(la.lane_starts[a], la.lane_ends[a], lb.lane_starts[b], lb.lane_ends[b])
        partial_a = overlap_matched(la.lane_starts[a], la.lane_ends[a], lb.lane_starts[b], lb.lane_ends[b])
        partial_b = overlap_matched(lb.lane_starts[b], lb.lane_ends[b], la.lane_starts[a], la.lane_ends[a])
        labels_a, labels_b = la.labels[a], lb.labels[b]
        rows = (labels_a, labels_b, labels_a[exact], labels_a[partial_a], labels_b[partial_b])  # as per_label's rows
        self.per_label += np.stack([np.bincount(x, minlength=self.labels + 1) for x in rows])
        self.fates[0] += np.bincount(la.fate[a], minlength=4)
        self.fates[1] += np.bincount(lb.fate[b], minlength=4)
        m = len(docs)
        counts = [np.bincount(la.doc[a], minlength=m), np.bincount(lb.doc[b], minlength=m), np.bincount(la.doc[a][exact], minlength=m)]
        self.lowest = lowest_documents(np.concatenate([self.lowest, np.stack([batch.doc_ids, *counts])[:, docs]], axis=1), self.keep)


def lowest_documents(rows: np.ndarray, keep: int) -> np.ndarray:
    """The ``keep`` documents (columns of doc id, spans A, spans B, exact matched) of lowest exact
    F1 = 2 matched / (spans A + spans B), ties by id; documents neither tagged are left out."""
    rows = rows[:, rows[1] + rows[2] > 0]
    return rows[:, np.lexsort((rows[0], 2 * rows[3] / (rows[1] + rows[2])))[:keep]]


@dataclass(slots=True)
class GroupTally:
    """Krippendorff's alpha over tokens of all the chosen annotators together: a token's value
    from an annotator whose document does not count (its status) is missing."""

    names: list[str]
    labels: int
    matrix: np.ndarray = field(init=False)  # coincidences of IOB tags
    units: int = 0  # tokens with at least two values

    def __post_init__(self) -> None:
        tags = 2 * self.labels + 1
        self.matrix = np.zeros((tags, tags))

    def add(self, batch: Batch) -> None:
        values = np.stack([np.where(batch.counted[name][batch.token_doc], batch.layers[name].tags, -1) for name in self.names])
        pairable = (values >= 0).sum(axis=0) >= 2
        self.units += int(pairable.sum())
        self.matrix += coincidences(values[:, pairable], len(self.matrix))

    def alpha(self) -> float | None:
        return alpha(self.matrix)
