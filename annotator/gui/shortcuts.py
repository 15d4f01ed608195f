"""Every keyboard shortcut of the window, as Help > Keyboard shortcuts (F1) lists them."""

from __future__ import annotations

from html import escape

SHORTCUTS = [
    ("Select + label key", "label the selection (mouse selections snap to tokens; hold Ctrl or Alt not to snap)"),
    ("← / →", "move by token"),
    ("Shift+← / →", "extend the selection by token"),
    ("Alt+← / →, Alt+Shift+← / →", "move or extend by character"),
    ("label key on a span", "relabel it (a suggestion becomes accepted)"),
    ("Tab / Shift+Tab", "next / previous suggestion"),
    ("] / [", "next / previous span"),
    ("Enter", "accept the suggestion at the caret, or the next one"),
    ("Delete", "reject a suggestion, delete a span"),
    ("Esc", "clear the selection; in a note: back to the article"),
    ("Ctrl+E / Ctrl+Shift+E", "edit the span note / the document note"),
    ("Ctrl+D / Ctrl+K", "mark the document done / skipped"),
    ("Ctrl+PgDown / Ctrl+PgUp", "next / previous document"),
    ("Ctrl+Shift+A / Ctrl+Shift+R", "accept / reject all suggestions in the document"),
    ("Ctrl+J / Ctrl+Shift+J", "next / previous copy of the sentence at the caret (Copies in the side panel; click one to go there)"),
    ("Ctrl+Shift+D", "copies that disagree: list them, open one, make one copy like another (Review menu)"),
    ("Ctrl+Shift+C", "compare two annotators (Review menu); then Alt+1 / Alt+2 / Alt+3 / Alt+0 take A's version, B's, both or neither, Alt+A all agreements, Alt+↓ / Alt+↑ next / previous disagreement"),
    ("Ctrl+Shift+P", "pre-annotate with spaCy (in the background; Cancel in the status bar)"),
    ("Ctrl+Z / Ctrl+Shift+Z", "undo / redo (history is kept per document); redo also retries edits not saved yet"),
    ("Ctrl+I", "import files (in the background; Cancel leaves the database as it was)"),
    ("Ctrl+F", "find in the article (the match can be labelled)"),
    ("Ctrl+Shift+F", "filter the document list by title or text"),
    ("Ctrl+L", "labels: names, colours, keys"),
    ("Ctrl+Shift+L", "show / hide the label names after the spans (View > Show label names)"),
    ("Ctrl+R, ] / [, Enter, label key", "new relation from the span at the caret to another; or drag from a label tag, or Alt+click the other span"),
    ("Ctrl+Alt+R", "the relations of the span at the caret (Enter go, F2 relabel, Del delete)"),
]


def shortcuts_html() -> str:
    rows = "".join(f"<tr><td><b>{escape(keys)}</b></td><td>{escape(what)}</td></tr>" for keys, what in SHORTCUTS)
    return f"<table cellspacing='0' cellpadding='4'>{rows}</table>"
