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
"""

from __future__ import annotations

from collections import defaultdict
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

    @property
    def label_center(self) -> tuple[float, float]:
        return (self.head[0] + self.tail[0]) / 2, self.run_y


def lay_out(requests: list[ArcRequest], line_spacing: float, max_level: int = MAX_LEVEL, rise: float = RISE) -> list[Arc]:
    """Arcs for ``requests``: legs spread over their spans, runs staggered in the gaps."""
    xs = _spread_legs(requests)
    order = sorted(range(len(requests)), key=lambda i: (abs(xs[i][1] - xs[i][0]), min(xs[i])))
    taken: dict[int, list[tuple[float, float]]] = defaultdict(list)  # gap (rounded y) -> stretches in use
    arcs: list[Arc | None] = [None] * len(requests)
    for i in order:
        request, (hx, tx) = requests[i], xs[i]
        top = min(request.head.top, request.tail.top)
        middle, half = (hx + tx) / 2, request.label_width / 2
        stretch = (min(hx, tx, middle - half) - PAD, max(hx, tx, middle + half) + PAD)
        level = _free_level(taken, top - rise, line_spacing, stretch, max_level)
        run_y = top - rise - level * line_spacing
        taken[round(run_y)].append(stretch)
        arcs[i] = Arc(request.key, (hx, request.head.top), (tx, request.tail.top), run_y, level)
    return arcs


def _free_level(taken: dict, top: float, spacing: float, stretch: tuple[float, float], max_level: int) -> int:
    for level in range(max_level + 1):
        used = taken.get(round(top - level * spacing), ())
        if not any(a < stretch[1] and stretch[0] < b for a, b in used):
            return level
    return max_level


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
