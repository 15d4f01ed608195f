"""Projection: a decision on a span, proposed in every copy of its sentence (issue 11).

Tagging, accepting or relabelling a span inside a sentence that has copies proposes the
span in each copy as a pending suggestion (source ``projection``); rejecting or deleting it
(and the old label of a relabel) withdraws the copies' pending suggestions with that label
at that place. The place in a copy comes from a character alignment of the two sentences
(sentences.similarity.map_span), so a copy with other edits still gets the right place.

A proposal whose text in the copy differs ("Russia" over "Russian Federation"), or whose
ends fall inside a token of the copy (map_span may keep "Russia" of "Russian"), is stored
all the same, marked in its provenance ("doc 3 40-46; text differs") and counted as MARKED.
A copy that lacks that part of the sentence gets nothing and is counted as UNPLACED. What
the copies hold decides the rest, inside the one write transaction (store.projections): a
human decision there is never overridden (SKIPPED).
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from functools import lru_cache

from annotator.core.model import Span, State
from annotator.nlp.patterns import aligned
from annotator.sentences.similarity import MappedSpan, map_span
from annotator.store.projections import ALREADY, DECIDED, PROPOSED, REMOVED, Copied, Place

TEXT_DIFFERS, OFF_TOKENS = "text differs", "off token boundaries"


@dataclass(frozen=True)
class Change:
    """What happened to the span at ``start``-``end`` of the source document."""

    start: int
    end: int
    label: str | None  # the label decided there now (tag, accept, relabel); None: gone (reject, delete)
    was: str | None = None  # its label before: withdrawn from the copies when it is not ``label``


class Outcome(StrEnum):
    PROPOSED = "proposed"
    MARKED = "marked"  # proposed, but the copy's text there differs or is off its token boundaries
    ALREADY = "already there"  # the copy already agrees
    SKIPPED = "skipped"  # a human decided at that place in the copy
    REMOVED = "removed"  # a pending suggestion of the copy withdrawn
    UNPLACED = "no place"  # the copy lacks that part of the sentence
    UNREACHED = "not reached"  # copies past MAX_COPIES of one sentence, in the window


# Copies of one sentence an edit in the window proposes in: a sentence repeated 54,000 times
# (a 3 MB line) must not stall the window; `annotator project` reaches every copy.
MAX_COPIES = 1000


_STORED = {PROPOSED: Outcome.PROPOSED, ALREADY: Outcome.ALREADY, DECIDED: Outcome.SKIPPED, REMOVED: Outcome.REMOVED}


@dataclass(frozen=True)
class CopyOutcome:
    """What one change did in one copy."""

    doc_id: int
    start: int  # the place in the copy (the source's offsets when UNPLACED)
    end: int
    label: str
    outcome: Outcome
    origin: tuple[int, int, int]  # (doc_id, start, end) of the source span
    marks: tuple[str, ...] = ()
    text: str = ""  # the copy's text at the place (proposals)


@dataclass
class ProjectionResult:
    copies: list[CopyOutcome] = field(default_factory=list)
    added: list[Span] = field(default_factory=list)  # suggestions stored (ids, for undo and the view)
    removed: list[Span] = field(default_factory=list)  # pending suggestions deleted, as they were (for undo)
    unreached: int = 0  # copies past the limit

    def counts(self) -> Counter:
        counts = Counter(c.outcome for c in self.copies)
        if self.unreached:
            counts[Outcome.UNREACHED] += self.unreached
        return counts

    def absorb(self, other: ProjectionResult) -> None:
        self.copies += other.copies
        self.added += other.added
        self.removed += other.removed
        self.unreached += other.unreached


@dataclass(frozen=True)
class _Mapped:
    place: Place
    origin: tuple[int, int, int]
    marks: tuple[str, ...] = ()
    text: str = ""
    sentence: tuple[int, int] = (0, 0)  # the copy's sentence in its document


def project(store, doc_id: int, changes: Sequence[Change], limit: int | None = MAX_COPIES) -> ProjectionResult:
    """Propose ``changes`` (made to document ``doc_id``) in every copy of their sentences (the
    first ``limit`` of each), in one store transaction. Changes outside a sentence with copies do nothing."""
    sentences = store.sentence_copies(doc_id, [(c.start, c.end) for c in changes], limit) if changes else []
    if not sentences:
        return ProjectionResult()
    proposals, withdrawals, unplaced = _places(doc_id, sentences, changes)
    proposals = _checked(store, proposals)
    written = store.write_projection([m.place for m in proposals], [m.place for m in withdrawals])
    result = ProjectionResult(unplaced, written.added, written.removed, sum(x.more for x in sentences))
    for m, outcome in zip([*withdrawals, *proposals], written.outcomes):
        kind = Outcome.MARKED if outcome == PROPOSED and m.marks else _STORED[outcome]
        result.copies.append(CopyOutcome(m.place.doc_id, m.place.start, m.place.end, m.place.label, kind, m.origin, m.marks, m.text))
    return result


def _places(doc_id: int, sentences: list[Copied], changes: Sequence[Change]):
    """The changes' places in the copies: proposals and withdrawals (_Mapped), and the
    outcomes of the copies that have no place for them."""
    starts = [x.start for x in sentences]
    proposals, withdrawals, unplaced = [], [], []
    for change in changes:
        i = bisect_right(starts, change.start) - 1
        if i < 0 or change.end > sentences[i].end:
            continue  # not inside a sentence with copies
        sentence, origin = sentences[i], (doc_id, change.start, change.end)
        withdrawn = change.was if change.was != change.label else None
        for copy in sentence.copies:
            mapped = place_in_copy(sentence.text, copy.text, change.start - sentence.start, change.end - sentence.start)
            for label, target in ((withdrawn, withdrawals), (change.label, proposals)):
                if label is None:
                    continue
                if mapped is None:
                    unplaced.append(CopyOutcome(copy.doc_id, change.start, change.end, label, Outcome.UNPLACED, origin))
                    continue
                place = Place(copy.doc_id, copy.start + mapped.start, copy.start + mapped.end, label)
                target.append(_Mapped(place, origin, () if mapped.same_text else (TEXT_DIFFERS,), sentence=(copy.start, copy.end)))
    return proposals, withdrawals, unplaced


def place_in_copy(own: str, copy: str, start: int, end: int) -> MappedSpan | None:
    """The place of ``own[start:end]`` in its copy ``copy`` (offsets within the two sentences).

    map_span's place, without white space a deletion left at its edges; where its text
    differs and the span's own text stands on token boundaries overlapping it, there instead
    (the character alignment is not word-aware: "he" of "Monday he will" aligns to "hat he"
    of "Monday that he will"). None when the copy lacks that part."""
    mapped = _trimmed(map_span(own, copy, start, end), copy)
    if mapped is None or mapped.same_text:
        return mapped
    piece, found = own[start:end], []
    at = copy.find(piece, max(0, mapped.start - len(piece) + 1))
    while at != -1 and at < mapped.end:
        if aligned(copy, at, at + len(piece)):
            found.append(at)
        at = copy.find(piece, at + 1)
    if not found:
        return mapped
    best = min(found, key=lambda x: abs(x - mapped.start))
    return MappedSpan(best, best + len(piece), True)


def _trimmed(mapped: MappedSpan | None, copy: str) -> MappedSpan | None:
    """Without the white space a deletion next to the span leaves at its edges ("the G-20" -> " G-20")."""
    if mapped is None or mapped.same_text:
        return mapped
    start, end = mapped.start, mapped.end
    while start < end and copy[start].isspace():
        start += 1
    while end > start and copy[end - 1].isspace():
        end -= 1
    return MappedSpan(start, end, False) if start < end else None


def _checked(store, proposals: list[_Mapped]) -> list[_Mapped]:
    """The proposals with their token check and provenance: where each came from, why it needs a look.

    Token boundaries come from spaCy's tokenizer on the runs of non-space text around the
    place (nlp.patterns.aligned). The copy's sentence with one character either side holds
    them whenever those characters are white space or the text's ends (nearly always: a
    sentence ends at a line break or at white space after its stop), so only that is read,
    in one query, and copies with the same sentence are tokenized once. Otherwise (a CJK
    stop, a sentence cut at 1,000 characters) the document's text is read.
    """
    bounds = [(m.place.doc_id, max(0, m.sentence[0] - 1), m.sentence[1] + 1) for m in proposals]
    windows = store.text_slices(bounds)
    cut = {doc for (doc, lo, hi), window in zip(bounds, windows) if not _whole_runs(window, lo, hi)}
    whole = dict(store.texts(cut)) if cut else {}
    checked = []
    for m, (doc, lo, _), window in zip(proposals, bounds, windows):
        text, lo = (whole[doc], 0) if doc in whole else (window, lo)
        place, marks = m.place, m.marks
        if place.end - lo > len(text) or not _aligned(text, place.start - lo, place.end - lo):  # past the text: a row changed meanwhile
            marks += (OFF_TOKENS,)
        doc_id, start, end = m.origin
        provenance = f"doc {doc_id} {start}-{end}" + (f"; {', '.join(marks)}" if marks else "")
        checked.append(_Mapped(replace(place, provenance=provenance), m.origin, marks, text[place.start - lo : place.end - lo]))
    return checked


def _whole_runs(window: str, lo: int, hi: int) -> bool:
    """Whether ``window`` (text[lo:hi]) ends at white space or at the text's ends on both sides."""
    return (lo == 0 or window[:1].isspace()) and (len(window) < hi - lo or window[-1:].isspace())


_aligned = lru_cache(maxsize=1024)(aligned)  # copies of one sentence share their windows


def describe(counts: Counter, every: bool = False) -> str:
    """"3 proposed, 1 marked (...), 2 skipped (...)": the outcomes in a fixed order, the main four
    always with ``every``, else only those that happened."""
    main = (Outcome.PROPOSED, Outcome.MARKED, Outcome.SKIPPED, Outcome.ALREADY)
    parts = [f"{counts[o]} {o.value}{_WHY.get(o, '')}" for o in Outcome if counts[o] or (every and o in main)]
    return ", ".join(parts) or "nothing to do"


_WHY = {
    Outcome.MARKED: " (stored; text differs or off token boundaries)",
    Outcome.SKIPPED: " (a human decided there)",
    Outcome.UNPLACED: " (the copy lacks that part)",
    Outcome.UNREACHED: f" (past the first {MAX_COPIES:,} copies of a sentence; `annotator project` reaches them)",
}


@dataclass
class ProjectReport:
    """What ``project_accepted`` did, over many documents."""

    documents: int = 0  # documents with accepted spans in sentences that have copies
    spans: int = 0  # those spans
    counts: Counter = field(default_factory=Counter)
    marked: list[CopyOutcome] = field(default_factory=list)  # each stored proposal that needs a look

    def summary(self) -> str:
        return f"projected {self.spans} accepted span(s) of {self.documents} document(s) onto their copies: {describe(self.counts, every=True)}"


def project_accepted(store, statuses: Sequence[str] = (), progress=None, cancelled=None) -> ProjectReport:
    """Every accepted span of the documents with these statuses (all: none given) proposed in
    the copies of its sentence; one transaction per document. Re-running writes nothing new."""
    with_copies = store.copy_counts()
    wanted = set(store.document_ids()) if not statuses else {i for st in statuses for i in store.document_ids(st)}
    ids = sorted(wanted & with_copies.keys())
    report = ProjectReport()
    for done, doc_id in enumerate(ids, 1):
        if cancelled is not None and cancelled():
            break
        spans = store.spans(doc_id, [State.ACCEPTED])
        result = project(store, doc_id, [Change(sp.start, sp.end, sp.label) for sp in spans], limit=None)
        origins = {c.origin for c in result.copies}
        report.documents += bool(origins)
        report.spans += len(origins)
        report.counts.update(result.counts())
        report.marked += [c for c in result.copies if c.outcome == Outcome.MARKED]
        if progress is not None:
            progress(done, len(ids))
    return report
