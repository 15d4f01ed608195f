"""Draws spans into the article's QTextDocument with a QSyntaxHighlighter.

Accepted spans fill their text with the label colour; suggestions get a pale tint
and a dashed underline; rejected spans are not drawn. Where spans overlap, the
outer accepted span keeps the fill and the inner one adds an underline in its own
colour, so both stay visible. Spans are indexed by Qt block, so adding or removing
one re-highlights only the blocks it touches.
"""

from __future__ import annotations

from collections import defaultdict

from PySide6.QtGui import QSyntaxHighlighter, QTextCharFormat, QTextDocument

from annotator.core.model import Span, State
from annotator.gui.colors import ink, tint
from annotator.gui.offsets import OffsetMap

FALLBACK_COLOR = "#dddddd"
SUGGESTION_TINT = 0.35


class SpanHighlighter(QSyntaxHighlighter):
    def __init__(self, document: QTextDocument) -> None:
        super().__init__(document)
        self._colors: dict[str, str] = {}
        self._offsets = OffsetMap.of("")
        self._spans: dict[int, tuple[int, int, Span]] = {}  # id -> (qt start, qt end, span)
        self._by_block: dict[int, list[int]] = defaultdict(list)
        self._formats: dict[tuple, QTextCharFormat] = {}

    # -- data -------------------------------------------------------------------

    def set_colors(self, colors: dict[str, str]) -> None:
        self._colors = dict(colors)
        self._formats.clear()

    def load(self, offsets: OffsetMap, spans: list[Span]) -> None:
        """Index the spans of a new text; call before setPlainText so one pass draws all."""
        self._offsets = offsets
        self._spans.clear()
        self._by_block.clear()
        for span in spans:
            self._index(span)

    def add(self, span: Span) -> None:
        blocks = self._index(span)
        self._redraw(blocks)

    def remove(self, span_id: int) -> None:
        self._redraw(self._unindex(span_id))

    def replace(self, span: Span) -> None:
        blocks = self._unindex(span.id) | self._index(span)
        self._redraw(blocks)

    def _index(self, span: Span) -> set[int]:
        if span.state == State.REJECTED:
            return set()
        qs, qe = self._offsets.to_qt_range(span.start, span.end)
        self._spans[span.id] = (qs, qe, span)
        blocks = set(range(self._offsets.block_of(qs), self._offsets.block_of(max(qs, qe - 1)) + 1))
        for number in blocks:
            self._by_block[number].append(span.id)
        return blocks

    def _unindex(self, span_id: int) -> set[int]:
        found = self._spans.pop(span_id, None)
        if found is None:
            return set()
        qs, qe, _ = found
        blocks = set(range(self._offsets.block_of(qs), self._offsets.block_of(max(qs, qe - 1)) + 1))
        for number in blocks:
            self._by_block[number].remove(span_id)
        return blocks

    def _redraw(self, blocks: set[int]) -> None:
        doc = self.document()
        for number in sorted(blocks):
            self.rehighlightBlock(doc.findBlockByNumber(number))

    # -- drawing ----------------------------------------------------------------

    def highlightBlock(self, _text: str) -> None:  # noqa: N802 - Qt override
        block = self.currentBlock()
        ids = self._by_block.get(block.blockNumber())
        if not ids:
            return
        base = block.position()
        high = base + block.length() - 1
        for cluster in _clusters([self._spans[i] for i in ids]):
            if len(cluster) == 1:
                qs, qe, span = cluster[0]
                start, end = max(qs, base), min(qe, high)
                self.setFormat(start - base, end - start, self._format((span,)))
                continue
            for start, end, cover in _segments(cluster, base, high):
                self.setFormat(start - base, end - start, self._format(cover))

    def _format(self, cover: tuple[Span, ...]) -> QTextCharFormat:
        """Fill from the outermost accepted span; underline from the innermost other one."""
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


def _length(span: Span) -> int:
    return span.end - span.start


def _clusters(spans: list[tuple[int, int, Span]]):
    """Group spans into runs that overlap each other (most runs are one span)."""
    spans.sort(key=lambda item: item[0])
    cluster, reach = [], -1
    for item in spans:
        if cluster and item[0] >= reach:
            yield cluster
            cluster, reach = [], -1
        cluster.append(item)
        reach = max(reach, item[1])
    if cluster:
        yield cluster


def _segments(spans: list[tuple[int, int, Span]], low: int, high: int):
    """Split [low, high) at every span edge; yield (start, end, covering spans)."""
    edges = sorted({low, high, *(min(max(e, low), high) for qs, qe, _ in spans for e in (qs, qe))})
    for start, end in zip(edges, edges[1:]):
        cover = tuple(span for qs, qe, span in spans if qs <= start and qe >= end)
        if cover and end > start:
            yield start, end, cover
