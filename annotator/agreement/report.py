"""Agreement read from a store: which annotators and documents count, then every pair's figures.

A document counts for a pair when both annotators gave it one of the chosen statuses (by
default: both marked it done), or always with ``all_documents``. Spans are the accepted ones.
The documents are read once, in id order, and tokenized once, whatever the number of pairs.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import combinations

from annotator.agreement.figures import pair_figures
from annotator.agreement.tagging import token_bounds
from annotator.agreement.tally import Batch, BatchBuilder, GroupTally, PairTally
from annotator.core.annotators import GOLD
from annotator.core.model import AnnotationError, Status

BATCH_CHARS = 4_000_000  # text per batch: numpy calls stay few, arrays stay small
LOWEST = 10


def agreement(store, annotators: Iterable[str] | None = None, labels: Iterable[str] | None = None,
              statuses: Iterable[str] = (Status.DONE,), all_documents: bool = False, lowest: int = LOWEST) -> dict:
    """The figures of every pair of the annotators (default: all with a layer but gold), as JSON."""
    names = chosen_annotators(store, annotators)
    label_names = chosen_labels(store, labels)
    only = None if labels is None else label_names  # the labels of the spans read
    wanted = None if all_documents else {Status(s) for s in statuses}
    counted = _counted(store.layer_statuses(names), names, wanted)
    unmarked = dict.fromkeys(names, wanted is None or Status.NEW in wanted)  # documents without a status row
    pairs = [PairTally(a, b, len(label_names), keep=max(lowest, 0)) for a, b in combinations(names, 2)]
    group = GroupTally(names, len(label_names)) if len(names) > 2 else None
    documents = None if all(unmarked.values()) else sorted(d for d, by in counted.items() if sum(by.values()) >= 2)
    if documents != []:
        for batch in _batches(store, names, label_names, only, documents, lambda d: counted.get(d, unmarked)):
            for tally in (*pairs, *([group] if group else [])):
                tally.add(batch)
    if not any(t.documents for t in pairs):
        raise AnnotationError(_nothing_shared(store, names, wanted))
    return {
        "annotators": names,
        "documents_counted": _which(wanted),
        "labels": only,
        "lowest_by": "f1_exact",
        "pairs": [pair_figures(t, label_names, lambda ids: {d: store.document(d).title for d in ids}) for t in pairs],
        **({"all_annotators": {"annotators": names, "alpha_tokens": group.alpha(), "tokens": group.units}} if group else {}),
    }


def chosen_annotators(store, names: Iterable[str] | None) -> list[str]:
    """The named annotators as stored (unknown ones refused), or every layer with something in it
    but gold; refused when fewer than two."""
    if names is not None:
        resolved = list(dict.fromkeys(store.resolve_annotators(names)))
        if len(resolved) < 2:
            raise AnnotationError(f"agreement needs two annotators or more; --annotators names {', '.join(resolved) or 'none'}")
        return resolved
    layers = store.annotators()
    found = [x.name for x in layers if x.name != GOLD and (x.spans or x.documents)]
    if len(found) < 2:
        known = ", ".join(f"{x.name} ({x.spans} spans)" for x in layers) or "none"
        raise AnnotationError(f"agreement needs two annotators or more with spans or statuses; this database has {known}. "
                              "Annotate with --annotator NAME (or ANNOTATOR_NAME), or merge another annotator's database")
    return found


def chosen_labels(store, labels: Iterable[str] | None) -> list[str]:
    """The labels compared, by name (label numbers follow: a tie between spans of one extent
    goes to the first name); an unknown one is refused."""
    known = sorted(label.name for label in store.labels())
    if labels is None:
        return known
    wanted = sorted(set(labels))
    unknown = [name for name in wanted if name not in known]
    if unknown:
        raise AnnotationError(f"no label {', '.join(map(repr, unknown))} in this database (labels: {', '.join(known)})")
    return wanted


def _counted(statuses: dict[int, dict[str, Status]], names: list[str], wanted: set[Status] | None) -> dict[int, dict[str, bool]]:
    """Document id -> annotator -> does the document count for them (absent ids: only new)."""
    if wanted is None:
        return {}
    return {doc: {n: by.get(n, Status.NEW) in wanted for n in names} for doc, by in statuses.items()}


def _batches(store, names: list[str], label_names: list[str], labels, documents: list[int] | None,
             counted) -> Iterator[Batch]:
    """Batches of about BATCH_CHARS of text; ``counted(doc_id)``: annotator -> does it count."""
    numbers = {name: n for n, name in enumerate(label_names, start=1)}
    builder = BatchBuilder()
    for document, layers in store.iter_layers(names, documents=documents, labels=labels):
        spans = {name: [(s.start, s.end, numbers[s.label]) for s in found] for name, found in layers.items()}
        builder.add(document.id, token_bounds(document.text), len(document.text), spans, counted(document.id))
        if builder.chars >= BATCH_CHARS:
            yield builder.build()
            builder = BatchBuilder()
    if builder.doc_ids:
        yield builder.build()


def _which(wanted: set[Status] | None) -> str:
    if wanted is None:
        return "all"
    return "both " + " or ".join(s.value for s in Status if s in wanted)


def _nothing_shared(store, names: list[str], wanted: set[Status] | None) -> str:
    if wanted is None:
        return f"the database has no document to compare {', '.join(names)} on"
    done = {name: x.done for x in store.annotators() for name in names if x.name == name}
    counts = ", ".join(f"{name} {done.get(name, 0)} done" for name in names)
    return (f"no document counts: none has status {_which(wanted).removeprefix('both ')} for two of "
            f"{', '.join(names)} ({counts}); mark documents done (Ctrl+D), choose --status, or use --all-documents")


def document_agreement(store, a: str, b: str, labels: Iterable[str] | None = None,
                       documents: Iterable[int] | None = None) -> dict[int, float | None]:
    """Exact-match F1 of B against A in each document (default: all), whatever its status (the
    window's list): 2 * spans in both / (A's spans + B's spans); None where neither has a span.
    No tokens and no span read into Python: the store counts them (store.layer_match_counts)."""
    a, b = store.resolve_annotators([a, b])
    wanted = store.document_ids() if documents is None else list(documents)
    counts = store.layer_match_counts(a, b, labels=labels, documents=documents)
    found: dict[int, float | None] = {}
    for doc_id in wanted:
        spans_a, spans_b, both = counts.get(doc_id, (0, 0, 0))
        found[doc_id] = 2 * both / (spans_a + spans_b) if spans_a + spans_b else None
    return found
