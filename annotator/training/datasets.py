"""Train, dev and test DocBins of one annotator's accepted spans, split leak-free.

The split is ``annotator split``'s (transfer.splitting): documents linked by copied sentences
stay in one split, and its manifest (split.json, beside the DocBins) lists each split's document
ids, which ``evaluate`` reads back from the database. The documents are those the annotator
worked on (status in progress or done, unless ``statuses`` says otherwise): a document never
opened has no accepted spans, and training on it would teach that its entities are none.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from annotator.store.service import Store
from annotator.training.errors import TrainingError
from annotator.transfer.exporting import export
from annotator.transfer.splitting import SPLIT_JSON, split

RATIOS = {"train": 80.0, "dev": 10.0, "test": 10.0}
DEFAULT_STATUSES = ("in_progress", "done")
MIN_EXAMPLES = 10  # spans of a label in train below which the model will hardly learn it


@dataclass
class Corpus:
    folder: Path  # train.spacy, dev.spacy, test.spacy and split.json
    labels: list[str]
    documents: dict[str, int]  # per split
    counts: dict[str, dict[str, int]]  # label -> split -> accepted spans
    fingerprints: dict[str, str]  # split -> digest of its documents' ids and contents
    statuses: list[str]
    warnings: list[str] = field(default_factory=list)

    def path(self, name: str) -> Path:
        return self.folder / f"{name}.spacy"

    @property
    def manifest(self) -> Path:
        return self.folder / SPLIT_JSON


def fingerprint(documents: Iterable[tuple[int, str]]) -> str:
    """A digest of (id, content hash) pairs in id order: the same documents in the same database."""
    digest = hashlib.sha256()
    for doc_id, content in sorted(documents):
        digest.update(f"{doc_id}:{content}\n".encode())
    return digest.hexdigest()


def prepare(store: Store, folder: Path, *, labels: list[str] | None = None, statuses: Iterable[str] | None = None,
            seed: int = 0, cancelled: Callable[[], bool] | None = None) -> Corpus:
    """Write ``folder`` (which must not exist) with the three DocBins and split.json; refusals
    (no spans, too few documents for a dev split) raise TrainingError before any training."""
    statuses = sorted(set(statuses or DEFAULT_STATUSES))
    survey = _survey(store, statuses, labels)
    _refuse_thin(store, survey, statuses, labels)
    if store.pending_copy_index():  # a database from before the index: its copies must be known to split
        store.build_copy_index(cancelled=cancelled)
    report = split(store, folder, RATIOS, seed=seed, fmt="spacy", statuses=statuses)
    chosen = _read_documents(folder / SPLIT_JSON)
    if not report.documents["dev"]:
        raise TrainingError(f"{len(survey)} document(s) are too few for a dev split (80/10/10; documents linked by copied sentences stay "
                            f"together, the largest such set holds {report.largest_unit}): training needs held-out documents to pick "
                            "its best step; annotate a few more documents (10 or more); nothing was written")
    if labels:  # the split wrote every label; keep the chosen ones (same documents, same order)
        for name, docs in chosen.items():
            export(store, folder / f"{name}.spacy", "spacy", documents=docs, labels=labels, statuses=statuses)
    return _corpus(folder, survey, chosen, statuses, labels)


def _survey(store: Store, statuses: list[str], labels: list[str] | None) -> dict[int, tuple[str, Counter]]:
    """Per selected document: its content hash and its accepted spans per label."""
    return {doc.id: (doc.content_hash, Counter(span.label for span in spans))
            for doc, spans in store.iter_export(statuses=statuses, labels=labels)}


def _refuse_thin(store: Store, survey: dict, statuses: list[str], labels: list[str] | None) -> None:
    which = f"of {store.annotator!r} with status {' or '.join(statuses)}"
    what = f" with the labels {', '.join(labels)}" if labels else ""
    if not any(counts for _, counts in survey.values()):
        raise TrainingError(f"no accepted spans{what} in the {len(survey)} document(s) {which}: tag or accept spans in the window "
                            "(a document you tag is in progress), or choose other --status, --labels or --annotator; nothing was written")
    if len(survey) == 1:
        raise TrainingError(f"only one document {which}: training needs documents to learn from and others held out to "
                            "check it; annotate more documents (10 or more); nothing was written")


def _read_documents(manifest: Path) -> dict[str, list[int]]:
    import json

    with open(manifest, encoding="utf-8") as handle:
        return json.load(handle)["documents"]


def _corpus(folder: Path, survey: dict, chosen: dict[str, list[int]], statuses: list[str], labels: list[str] | None) -> Corpus:
    counts: dict[str, dict[str, int]] = {}
    for name, docs in chosen.items():
        for doc in docs:
            for label, n in survey[doc][1].items():
                counts.setdefault(label, dict.fromkeys(chosen, 0))[name] += n
    for label in labels or ():
        counts.setdefault(label, dict.fromkeys(chosen, 0))
    corpus = Corpus(folder, sorted(counts), {n: len(d) for n, d in chosen.items()}, counts,
                    {n: fingerprint((doc, survey[doc][0]) for doc in d) for n, d in chosen.items()}, statuses)
    corpus.warnings = _warnings(corpus)
    return corpus


def _warnings(corpus: Corpus) -> list[str]:
    warnings = []
    for label, per in sorted(corpus.counts.items()):
        if per["train"] < MIN_EXAMPLES or not per["dev"]:
            warnings.append(f"label {label} has few examples (train {per['train']}, dev {per['dev']}, test {per['test']}): the model will "
                            f"hardly learn it or its score means little; tag more (aim for {MIN_EXAMPLES}+ in train and some in dev)")
    if not corpus.documents["test"]:
        warnings.append("the test split is empty (too few documents): `annotator evaluate MODEL --split dev` still works")
    return warnings
