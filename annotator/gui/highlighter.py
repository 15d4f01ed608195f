"""Draws spans into the article's QTextDocument with a QSyntaxHighlighter.

Accepted spans fill their text with the label colour; suggestions get a pale tint
and a dashed underline; rejected spans are not drawn. Where spans overlap, the
outer accepted span keeps the fill and the inner one adds an underline in its own
colour, so both stay visible. Adding or removing a span re-highlights only the
blocks it touches.
"""

from __future__ import annotations

from bisect import bisect_left

from PySide6.QtGui import QSyntaxHighlighter, QTextCharFormat, QTextDocument

from annotator.core.model import Span, State
from annotator.gui.colors import ink, tint
from annotator.gui.drawn_spans import DrawnSpans
from annotator.gui.offsets import OffsetMap

FALLBACK_COLOR = "#dddddd"
SUGGESTION_TINT = 0.35


class SpanHighlighter(QSyntaxHighlighter):
    def __init__(self, document: QTextDocument) -> None:
        super().__init__(document)
        self._colors: dict[str, str] = {}
        self._drawn = DrawnSpans()
        self._formats: dict[tuple, QTextCharFormat] = {}
        self._single: dict[tuple[str, State], QTextCharFormat] = {}  # formats of lone spans

    # -- data -------------------------------------------------------------------

    def set_colors(self, colors: dict[str, str]) -> None:
        self._colors = dict(colors)
        self._formats.clear()
        self._single.clear()

    @property
    def drawn(self) -> DrawnSpans:
        """The drawn spans, sorted for bisection (the article view paints label tags from them)."""
        return self._drawn

    def load(self, offsets: OffsetMap, spans: list[Span]) -> None:
        """Take the spans of a new text; call before setPlainText so one pass draws all."""
        self._drawn = DrawnSpans(offsets, spans)

    def add(self, span: Span) -> None:
        self._drawn.add(span)
        self._redraw(self._drawn.blocks_of(span))

    def remove(self, span: Span) -> None:
        self._drawn.remove(span)
        self._redraw(self._drawn.blocks_of(span))

    def replace(self, old: Span, new: Span) -> None:
        self._drawn.remove(old)
        self._drawn.add(new)
        self._redraw([*self._drawn.blocks_of(old), *self._drawn.blocks_of(new)])

    def _redraw(self, blocks) -> None:
        doc = self.document()
        for number in sorted(set(blocks)):
            self.rehighlightBlock(doc.findBlockByNumber(number))

    # -- drawing ----------------------------------------------------------------

    def highlightBlock(self, _text: str) -> None:  # noqa: N802 - Qt override
        drawn = self._drawn
        base, high = drawn.offsets.block_range(self.currentBlock().blockNumber())
        if drawn.long and drawn.long_touch(base, high):
            self._draw_overlaps(list(drawn.touching(base, high)), base, high)
            return
        # DrawnSpans.touching, inlined: this loop runs for every span of the article.
        qs, qe, spans = drawn.qs, drawn.qe, drawn.spans
        single, set_format, reach = self._single, self.setFormat, -1
        for i in range(bisect_left(qs, base - drawn.longest), bisect_left(qs, high)):
            end = qe[i]
            if end <= base:
                continue
            start = qs[i]
            if start < reach:  # spans overlap here: draw the block again, cut at every edge
                self._draw_overlaps(list(drawn.touching(base, high)), base, high)
                return
            reach = max(reach, end)
            span = spans[i]
            fmt = single.get((span.label, span.state)) or self._format((span,))
            start = max(start, base)
            set_format(start - base, min(end, high) - start, fmt)

    def _draw_overlaps(self, entries: list[Entry], base: int, high: int) -> None:
        """Split the block into runs of mutually overlapping spans; cut each run at every edge."""
        entries.sort(key=lambda entry: entry[0])  # long spans come last from touching()
        cluster: list[Entry] = []
        reach = -1
        for entry in entries:
            if cluster and entry[0] >= reach:
                self._draw_run(cluster, base, high)
                cluster = []
            cluster.append(entry)
            reach = max(reach, entry[1])
        self._draw_run(cluster, base, high)

    def _draw_run(self, cluster: list[Entry], base: int, high: int) -> None:
        if len(cluster) == 1:
            qs, qe, span = cluster[0]
            start = max(qs, base)
            self.setFormat(start - base, min(qe, high) - start, self._format((span,)))
            return
        for start, end, cover in _segments(cluster, base, high):
            self.setFormat(start - base, end - start, self._format(cover))

    def _format(self, cover: tuple[Span, ...]) -> QTextCharFormat:
        """Fill from the outermost accepted span; underline from the innermost other one."""
        if len(cover) == 1:
            span = cover[0]
            fmt = self._single.get((span.label, span.state))
            if fmt is None:
                accepted = span.state == State.ACCEPTED
                fmt = self._single[(span.label, span.state)] = self._make_format(span if accepted else None, None if accepted else span)
            return fmt
        accepted = [s for s in cover if s.state == State.ACCEPTED]
        fill = max(accepted, key=_length) if accepted else None
        others = [s for s in cover if s is not fill]
        line = min(others, key=_length) if others else None
        key = (fill and fill.label, line and (line.label, line.state))
        fmt = self._formats.get(key)
        if fmt is None:
            fmt = self._formats[key] = self._make_format(fill, line)
        return fmt

    def _make_format(self, fill: Span | None, line: Span | None) -> QTextCharFormat:
        fmt = QTextCharFormat()
        if fill is not None:
            fmt.setBackground(tint(self._color(fill), 1.0))
        elif line is not None:
            fmt.setBackground(tint(self._color(line), SUGGESTION_TINT))
        if line is not None:
            dashed = line.state == State.SUGGESTED
            style = QTextCharFormat.UnderlineStyle.DashUnderline if dashed else QTextCharFormat.UnderlineStyle.SingleUnderline
            fmt.setUnderlineStyle(style)
            fmt.setUnderlineColor(ink(self._color(line)))
        return fmt

    def _color(self, span: Span) -> str:
        return self._colors.get(span.label, FALLBACK_COLOR)


Entry = tuple[int, int, Span]  # (Qt start, Qt end, span)


def _length(span: Span) -> int:
    return span.end - span.start


def _segments(spans: list[tuple[int, int, Span]], low: int, high: int):
    """Split [low, high) at every span edge; yield (start, end, covering spans)."""
    edges = sorted({low, high, *(min(max(e, low), high) for qs, qe, _ in spans for e in (qs, qe))})
    for start, end in zip(edges, edges[1:]):
        cover = tuple(span for qs, qe, span in spans if qs <= start and qe >= end)
        if cover and end > start:
            yield start, end, cover
