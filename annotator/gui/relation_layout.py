"""Where the relation arcs go on screen: plain numbers in, plain numbers out (no painter).

The article's lines are tight (no room can be reserved between them: QPlainTextEdit's
layout ignores a block's line height), so an arc is drawn as brat draws it, legs up from
its two spans and a rounded run across, but its run and its label are put in the gap
*between* two text lines (a line's top edge), one line higher per level. Short arcs take
the low levels and longer ones the higher levels (staggered by distance), and two runs
in the same gap never share a stretch of it, so labels do not stack on one line. Only
the legs cross text, thin and half transparent.

Several arcs ending at one span get their legs spread across its width, in the order
of their other ends, so they do not run down one line either.

A label pill is taller than the gap, so it covers the foot of the line above and the head
of the line below. Given the text lines' ink (``Ink``), a label moves sideways along its
run to where no glyphs lie under it (past a short line's end, over a blank line), and an
arc takes the lowest free level where its label finds such a place; failing that, the
lowest free level, the label in the middle of its run.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

MAX_LEVEL = 3  # gaps above the upper end's line; busier lines share the top one
RISE = 3.0  # px above a line's top edge (the gap) that a level-0 run sits
PAD = 4.0  # px kept free between two runs (or labels) in one gap


@dataclass(frozen=True, slots=True)
class End:
    """A span end on screen: its first line's box, viewport pixels."""

    left: float
    top: float
    right: float


@dataclass(frozen=True, slots=True)
class Ink:
    """Where a text line's glyphs lie on screen (viewport pixels): a box, word gaps ignored."""

    top: float
    bottom: float
    left: float
    right: float


@dataclass(frozen=True, slots=True)
class ArcRequest:
    key: object  # what the caller paints (a Relation); handed back on its Arc
    head: End
    tail: End
    label_width: float  # px of the label's pill


@dataclass(frozen=True, slots=True)
class Arc:
    key: object
    head: tuple[float, float]  # where the head leg meets its span (x, top of the line)
    tail: tuple[float, float]
    run_y: float  # the gap the run and the label sit in
    level: int
    label_x: float  # the label's centre, on the run

    @property
    def label_center(self) -> tuple[float, float]:
        return self.label_x, self.run_y


@dataclass(frozen=True, slots=True)
class _Place:
    level: int
    label_x: float
    stretch: tuple[float, float]  # of the gap, run and label, PAD included
    blank: bool  # no glyphs under the label


def lay_out(requests: list[ArcRequest], line_spacing: float, max_level: int = MAX_LEVEL, rise: float = RISE,
            ink: Sequence[Ink] = (), label_height: float = 0.0, ceiling: float = float("-inf")) -> list[Arc]:
    """Arcs for ``requests``: legs spread over their spans, runs staggered in the gaps, labels
    (``label_height`` tall) where they cover none of ``ink`` if they can; a label that would
    reach above ``ceiling`` (the screen's top) is no better placed than one over ink."""
    xs = _spread_legs(requests)
    order = sorted(range(len(requests)), key=lambda i: (abs(xs[i][1] - xs[i][0]), min(xs[i])))
    taken: dict[int, list[tuple[float, float]]] = defaultdict(list)  # gap (rounded y) -> stretches in use
    arcs: list[Arc | None] = [None] * len(requests)
    for i in order:
        request, (hx, tx) = requests[i], xs[i]
        top = min(request.head.top, request.tail.top) - rise
        run = (min(hx, tx), max(hx, tx))
        place = _place(taken, run, top, line_spacing, max_level, request.label_width, _Band(ink, label_height, ceiling))
        run_y = top - place.level * line_spacing
        taken[round(run_y)].append(place.stretch)
        arcs[i] = Arc(request.key, (hx, request.head.top), (tx, request.tail.top), run_y, place.level, place.label_x)
    return arcs


def _place(taken: dict, run: tuple[float, float], top: float, spacing: float, max_level: int, width: float, band: _Band) -> _Place:
    """The lowest free level whose label can sit over blank; else the lowest free one; else the top one."""
    free = None
    for level in range(max_level + 1):
        place = _at(level, run, top - level * spacing, width, band)
        if not any(a < place.stretch[1] and place.stretch[0] < b for a, b in taken.get(round(top - level * spacing), ())):
            if place.blank:
                return place
            free = free or place
    return free or _at(max_level, run, top - max_level * spacing, width, band)


def _at(level: int, run: tuple[float, float], run_y: float, width: float, band: _Band) -> _Place:
    middle, half = (run[0] + run[1]) / 2, width / 2
    x = _blank_x(run, middle, width, band.covered(run_y))
    label_x = middle if x is None else x
    stretch = (min(run[0], label_x - half) - PAD, max(run[1], label_x + half) + PAD)
    return _Place(level, label_x, stretch, x is not None and run_y - band.half >= band.ceiling)


class _Band:
    """The ink a label centred at some height would cover, line boxes widened by PAD."""

    def __init__(self, ink: Sequence[Ink], label_height: float, ceiling: float) -> None:
        self.ink, self.half, self.ceiling = ink, label_height / 2, ceiling

    def covered(self, y: float) -> list[tuple[float, float]]:
        return sorted((line.left - PAD, line.right + PAD) for line in self.ink if line.top < y + self.half and y - self.half < line.bottom)


def _blank_x(run: tuple[float, float], middle: float, width: float, covered: list[tuple[float, float]]) -> float | None:
    """The label centre on ``run`` nearest ``middle`` whose label covers none of ``covered``; None if none."""
    best = None
    edge = float("-inf")
    for a, b in [*covered, (float("inf"), float("inf"))]:  # the blank stretches lie between the covered ones
        low, high = max(edge + width / 2, run[0]), min(a - width / 2, run[1])
        if low <= high:
            x = min(max(middle, low), high)
            best = x if best is None or abs(x - middle) < abs(best - middle) else best
        edge = max(edge, b)
    return best


def _spread_legs(requests: list[ArcRequest]) -> list[list[float]]:
    """The x of each request's head and tail leg: a span with n legs gets them at
    1/(n+1), 2/(n+1)... of its width, ordered by where the other end lies."""
    legs: dict[End, list[tuple[float, int, int]]] = defaultdict(list)  # span box -> (other end's x, request, 0 head / 1 tail)
    for i, request in enumerate(requests):
        legs[request.head].append((_middle(request.tail), i, 0))
        legs[request.tail].append((_middle(request.head), i, 1))
    xs = [[0.0, 0.0] for _ in requests]
    for end, at in legs.items():
        at.sort()
        step = (end.right - end.left) / (len(at) + 1)
        for n, (_other, i, side) in enumerate(at, 1):
            xs[i][side] = end.left + n * step
    return xs


def _middle(end: End) -> float:
    return (end.left + end.right) / 2
