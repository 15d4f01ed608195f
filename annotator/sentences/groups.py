"""Copy groups as the store hands them out (plain records), and documents linked by them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class SentenceCopy:
    doc_id: int
    start: int  # code points into the stored document text, end exclusive
    end: int
    text: str
    similarity: float  # to the group's first sentence (1.0 for an exact copy)
    title: str = ""


@dataclass(frozen=True)
class CopyGroup:
    group: int
    kind: str  # "exact": every sentence has the same normalized text; else "near"
    sentences: tuple[SentenceCopy, ...]  # the first is the group's earliest stored sentence

    def as_json(self) -> dict:
        return {
            "group": self.group,
            "kind": self.kind,
            "sentences": [
                {"doc_id": x.doc_id, "start": x.start, "end": x.end, "text": x.text, "similarity": round(x.similarity, 4)}
                for x in self.sentences
            ],
        }


LISTED_COPIES = 50  # copies listed per sentence: a sentence with 10,000 copies must not cost 10,000^2


@dataclass(frozen=True)
class SentenceWithCopies:
    """A sentence of one document and its copies elsewhere (or in the same document)."""

    start: int
    end: int
    group: int
    kind: str
    copies: tuple[SentenceCopy, ...]  # similarity here is to this sentence; the first LISTED_COPIES
    count: int = 0  # all its copies (more than listed for a sentence repeated many times)


def components(pairs: Iterable[tuple[int, int]]) -> dict[int, int]:
    """Documents linked through shared groups: (group, doc_id) pairs -> doc_id -> component id
    (the smallest doc id of its component). Union-find with path halving: near-linear."""
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    first_doc: dict[int, int] = {}
    for group, doc in pairs:
        find(doc)
        if group in first_doc:
            a, b = find(first_doc[group]), find(doc)
            if a != b:
                parent[max(a, b)] = min(a, b)
        else:
            first_doc[group] = doc
    return {doc: find(doc) for doc in parent}
