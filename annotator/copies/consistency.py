"""Copies of a sentence whose accepted spans disagree, and making one copy like another.

Each copy group (store.copy_groups) is compared in sentence-relative terms: every accepted
span that lies wholly inside a copy is carried into the group's first sentence (the frame)
with sentences.similarity.map_span, so a near copy with edits elsewhere still lines up.
A span whose text the frame lacks is compared from its own copy instead. For each distinct
(place, label) a copy either has it, has another label at that place, has spans there with
other boundaries, has no span there (missing), or lacks that text (not compared).

A ``Difference`` is told once per disagreement: the variant most copies share is the
subject, and the copies that differ are listed under it; a variant whose every copy was
already named (as another's label or boundaries) is not told again. Spans that cross a sentence boundary
belong to no one sentence and are not compared.

Streaming: groups come one at a time (store.copy_groups), merged with one query that
walks the accepted spans inside grouped sentences in the same group order, so memory holds
one group and the whole check costs two queries (plus one per status asked for).
Cost per group: O(K x M) span comparisons for K distinct (place, label) variants and
M spans in the group's copies, plus one alignment per pair of distinct texts and span.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass, field, replace


from annotator.core.model import Source, Span, State
from annotator.sentences.groups import CopyGroup, SentenceCopy
from annotator.sentences.similarity import map_span

Mark = tuple[int, int, str]  # start, end (relative to the sentence), label
CACHED_DOCUMENTS = 256


@dataclass(frozen=True)
class Place:
    """A span, or where one would go, in one copy: code points into the document's text."""

    doc_id: int
    start: int
    end: int
    text: str
    label: str = ""  # "" for a place with no span (a missing one)

    def as_json(self) -> dict:
        found = {"doc_id": self.doc_id, "start": self.start, "end": self.end, "text": self.text}
        return found | ({"label": self.label} if self.label else {})


@dataclass(frozen=True)
class Difference:
    span: Place  # the span, in the first copy that has it
    found_in: tuple[Place, ...]  # every copy that has it (span first)
    missing: tuple[Place, ...] = ()  # copies with no span there: where it would go
    labels: tuple[Place, ...] = ()  # copies with a span at the same place but another label
    other: tuple[Place, ...] = ()  # copies with spans overlapping it at other boundaries

    def as_json(self) -> dict:
        return {
            "doc_id": self.span.doc_id, "start": self.span.start, "end": self.span.end,
            "label": self.span.label, "text": self.span.text,
            "in": [p.doc_id for p in self.found_in],
            "missing_in": [p.doc_id for p in self.missing],
            "missing_at": [p.as_json() for p in self.missing],
            "labels": [p.as_json() for p in self.labels],
            "other": [p.as_json() for p in self.other],
        }


@dataclass(frozen=True)
class Disagreement:
    group: CopyGroup
    differences: tuple[Difference, ...]

    def as_json(self) -> dict:
        sentences = [{"doc_id": x.doc_id, "start": x.start, "end": x.end, "title": x.title, "text": x.text}
                     for x in self.group.sentences]
        return {"group": self.group.group, "kind": self.group.kind, "sentences": sentences,
                "differences": [d.as_json() for d in self.differences]}


# -- reading ---------------------------------------------------------------------


class AcceptedSpans:
    """Accepted spans inside a few sentences (an edited group, the window's list): read a
    whole document at a time (one query), the last CACHED_DOCUMENTS documents kept."""

    def __init__(self, store, keep: int = CACHED_DOCUMENTS) -> None:
        self.store, self.keep = store, keep
        self._docs: OrderedDict[int, tuple[list[int], list[Span]]] = OrderedDict()

    def document(self, doc_id: int) -> tuple[list[int], list[Span]]:
        if doc_id in self._docs:
            self._docs.move_to_end(doc_id)
            return self._docs[doc_id]
        spans = self.store.spans(doc_id, [State.ACCEPTED])  # ordered by start
        self._docs[doc_id] = ([s.start for s in spans], spans)
        if len(self._docs) > self.keep:
            self._docs.popitem(last=False)
        return self._docs[doc_id]

    def inside(self, copy: SentenceCopy) -> list[Span]:
        starts, spans = self.document(copy.doc_id)
        found = []
        for span in spans[bisect_left(starts, copy.start):]:
            if span.start >= copy.end:
                break
            if span.end <= copy.end:
                found.append(span)
        return found

    def marks(self, copy: SentenceCopy) -> list[Mark]:
        return [(s.start - copy.start, s.end - copy.start, s.label) for s in self.inside(copy)]


def _marks_by_group(store) -> Iterator[tuple[int, dict[tuple[int, int], list[Mark]]]]:
    """(group, {(doc_id, sentence start): its spans' marks}) for the groups with spans, in order."""
    with closing(store.spans_in_groups()) as rows:
        current, marks = None, {}
        for group, doc, sentence, start, end, label in rows:
            if group != current and marks:
                yield current, marks
                marks = {}
            current = group
            marks.setdefault((doc, sentence), []).append((start - sentence, end - sentence, label))
        if marks:
            yield current, marks


def disagreements(store, statuses: Iterable[str] | None = None,
                  cancelled: Callable[[], bool] | None = None) -> Iterator[Disagreement]:
    """Every copy group whose copies disagree, in group order. With ``statuses``, only the
    copies in documents of those statuses are compared (a group needs two of them)."""
    allowed = None if statuses is None else {d for st in set(statuses) for d in store.document_ids(st)}
    with closing(_marks_by_group(store)) as spans:  # its read session ends with the check
        pending = next(spans, None)
        for group in store.copy_groups():
            if cancelled is not None and cancelled():
                return
            while pending is not None and pending[0] < group.group:
                pending = next(spans, None)
            if pending is None or pending[0] != group.group:
                continue  # no span in any copy: nothing to disagree on
            if allowed is not None:
                group = replace(group, sentences=tuple(x for x in group.sentences if x.doc_id in allowed))
                if len(group.sentences) < 2:
                    continue
            found = differences(group.sentences, [pending[1].get((x.doc_id, x.start), []) for x in group.sentences])
            if found:
                yield Disagreement(group, found)


def disagreement_counts(store) -> dict[int, int]:
    """Document id -> how many of its sentences belong to a group whose copies disagree
    (documents without such sentences: absent)."""
    counts: Counter[int] = Counter()
    for found in disagreements(store):
        counts.update(x.doc_id for x in found.group.sentences)
    return dict(counts)


def group_now(store, group: CopyGroup, spans: AcceptedSpans | None = None) -> Disagreement | None:
    """One group checked again with its spans as stored now (after an edit)."""
    spans = spans or AcceptedSpans(store)
    found = differences(group.sentences, [spans.marks(x) for x in group.sentences])
    return Disagreement(group, found) if found else None


# -- comparing one group ---------------------------------------------------------


class _Aligner:
    """Places carried between the copies of one group, each alignment computed once."""

    def __init__(self, texts: Sequence[str]) -> None:
        unique: dict[str, int] = {}
        self.ids = [unique.setdefault(t, len(unique)) for t in texts]
        self.texts = texts
        self._memo: dict[tuple[int, int, int, int], tuple[int, int] | None] = {}

    def carry(self, a: int, b: int, start: int, end: int) -> tuple[int, int] | None:
        if self.ids[a] == self.ids[b]:
            return start, end
        key = (self.ids[a], self.ids[b], start, end)
        if key not in self._memo:
            mapped = map_span(self.texts[a], self.texts[b], start, end)
            self._memo[key] = None if mapped is None else (mapped.start, mapped.end)
        return self._memo[key]


@dataclass
class _Verdict:
    holders: list[tuple[int, Mark]] = field(default_factory=list)
    missing: list[tuple[int, tuple[int, int]]] = field(default_factory=list)
    labels: list[tuple[int, Mark]] = field(default_factory=list)
    other: list[tuple[int, Mark]] = field(default_factory=list)


def differences(copies: Sequence[SentenceCopy], marks: Sequence[Sequence[Mark]]) -> tuple[Difference, ...]:
    """What the copies' spans (``marks[i]``: copy i's, relative to its sentence) disagree on."""
    align = _Aligner([c.text for c in copies])
    keys: dict[tuple[int, int, int, str], tuple[int, Mark]] = {}
    for i, own in enumerate(marks):
        for mark in own:
            placed = align.carry(i, 0, mark[0], mark[1])
            keys.setdefault((0, *placed, mark[2]) if placed else (i, *mark), (i, mark))
    verdicts = [_verdict(key, origin, marks, align) for key, origin in keys.items()]
    verdicts.sort(key=lambda v: (-len(v.holders), v.holders[0]))
    told: set[tuple[int, Mark]] = set()
    kept = []
    for v in verdicts:
        if told.issuperset(v.holders):  # every copy with it was already named
            continue
        told.update(v.holders, v.labels, v.other)
        if v.missing or v.labels or v.other:
            kept.append(v)
    kept.sort(key=lambda v: v.holders[0])
    return tuple(_difference(v, copies) for v in kept)


def _verdict(key: tuple[int, int, int, str], origin: tuple[int, Mark], marks: Sequence[Sequence[Mark]], align: _Aligner) -> _Verdict:
    frame, start, end, label = key
    verdict = _Verdict()
    for j, own in enumerate(marks):
        place = (origin[1][0], origin[1][1]) if j == origin[0] else align.carry(frame, j, start, end)
        same, near = [], []
        for mark in own:
            framed = align.carry(j, frame, mark[0], mark[1])
            if (mark[0], mark[1]) == place or framed == (start, end):
                same.append(mark)
            elif _overlap(mark, place) or _overlap(framed, (start, end)):
                near.append(mark)
        held = [m for m in same if m[2] == label]
        if held:
            verdict.holders.append((j, held[0]))
        elif same:
            verdict.labels.extend((j, m) for m in same)
        elif near:
            verdict.other.extend((j, m) for m in near)
        elif place is not None:
            verdict.missing.append((j, place))
    return verdict


def _overlap(a: Sequence[int] | None, b: Sequence[int] | None) -> bool:
    return a is not None and b is not None and a[0] < b[1] and b[0] < a[1]


def _difference(v: _Verdict, copies: Sequence[SentenceCopy]) -> Difference:
    def place(j: int, start: int, end: int, label: str = "") -> Place:
        x = copies[j]
        return Place(x.doc_id, x.start + start, x.start + end, x.text[start:end], label)

    found = tuple(place(j, *m) for j, m in v.holders)
    return Difference(
        found[0], found,
        missing=tuple(place(j, *p) for j, p in v.missing),
        labels=tuple(place(j, *m) for j, m in v.labels),
        other=tuple(place(j, *m) for j, m in v.other),
    )


# -- making one copy like another ------------------------------------------------


@dataclass(frozen=True)
class AlikePlan:
    """What makes the target copy's accepted spans those of the model copy."""

    remove: tuple[Span, ...] = ()  # accepted spans of the target the model lacks
    accept: tuple[Span, ...] = ()  # suggested or rejected spans of the target at a wanted place
    add: tuple[Span, ...] = ()  # new accepted spans (target document offsets)
    unplaced: int = 0  # model spans whose text the target lacks
    other_text: int = 0  # spans placed on other text ("Russia" over "Russian Federation")

    def empty(self) -> bool:
        return not (self.remove or self.accept or self.add)


def alike_plan(store, target: SentenceCopy, model: SentenceCopy) -> AlikePlan:
    """The target copy's spans inside its sentence replaced by the model copy's, carried
    through map_span. Suggestions elsewhere in the sentence are left as they are."""
    wanted: dict[tuple[int, int, str], Span] = {}
    unplaced = other_text = 0
    for span in AcceptedSpans(store).inside(model):
        carried = _carried(model.text, target.text, span.start - model.start, span.end - model.start)
        if carried is None:
            unplaced += 1
            continue
        start, end = target.start + carried[0], target.start + carried[1]
        other_text += target.text[carried[0]:carried[1]] != span_text(model, span)
        wanted.setdefault((start, end, span.label), Span(start, end, span.label, Source.HUMAN, State.ACCEPTED, note=span.note))
    remove, accept = [], []
    for span in store.spans(target.doc_id):
        if not target.start <= span.start < span.end <= target.end:
            continue
        key = (span.start, span.end, span.label)
        if span.state == State.ACCEPTED and key not in wanted:
            remove.append(span)
        elif key in wanted:
            accept.extend([span] if span.state != State.ACCEPTED else [])
            del wanted[key]
    return AlikePlan(tuple(remove), tuple(accept), tuple(wanted.values()), unplaced, other_text)


def span_text(copy: SentenceCopy, span: Span) -> str:
    return copy.text[span.start - copy.start:span.end - copy.start]


def _carried(source: str, target: str, start: int, end: int) -> tuple[int, int] | None:
    """A span of ``source`` placed in ``target``: aligned, without white space at its ends,
    and widened to whole words where the alignment cut a word the span did not cut
    ("Russia" over "Russian Federation" ends inside "Russian")."""
    mapped = map_span(source, target, start, end)
    if mapped is None:
        return None
    piece = target[mapped.start:mapped.end]
    new_start, new_end = mapped.start + len(piece) - len(piece.lstrip()), mapped.end - len(piece) + len(piece.rstrip())
    if new_start >= new_end:
        return None
    if not _cuts_word(source, start):
        while _cuts_word(target, new_start):
            new_start -= 1
    if not _cuts_word(source, end):
        while _cuts_word(target, new_end):
            new_end += 1
    return new_start, new_end


def _cuts_word(text: str, at: int) -> bool:
    return 0 < at < len(text) and text[at - 1].isalnum() and text[at].isalnum()
