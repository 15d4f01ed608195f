"""The tooltip of the spans under the mouse in the article view."""

from __future__ import annotations

import html

from annotator.core.model import Span, State
from annotator.gui.display import LABEL, TOOLTIP, shown


def tooltip_html(spans: list[Span]) -> str:
    """Rich text built from escaped parts, so notes like ``<b>`` show literally."""
    rows = []
    for span in spans:
        state = "suggestion" if span.state == State.SUGGESTED else span.state.value
        row = f"<b>{html.escape(shown(span.label, LABEL))}</b> &middot; {html.escape(span.source.value)} &middot; {html.escape(state)}"
        if span.note:  # a note can be any length: the tooltip shows its start
            row += "<br>" + html.escape(shown(span.note, TOOLTIP, one_line=False)).replace("\n", "<br>")
        rows.append(row)
    return "<qt>" + "<hr>".join(rows) + "</qt>"
