"""Render the window with relations drawn over seed article 003 to docs/relations.png.

Usage:
    xvfb-run -s "-screen 0 1280x800x24" python docs/make_relations_screenshot.py [--out docs/relations.png] [--size 1280x800]

A throw-away database from seeds/: the article's people, places and the S-400 as spans
(every occurrence), and a dozen relations between them, several on dense lines; the span
"Pompeo" of the Pyongyang paragraph is selected, so its arcs stand out and the Relations
box lists them. Runs offscreen when there is no display (fonts then differ from X11's).
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "docs"))
if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from annotator.core.model import RelationLabel, Span  # noqa: E402
from annotator.store import Store  # noqa: E402
from annotator.transfer.importing import import_paths  # noqa: E402
from make_screenshot import main, save  # noqa: E402

TITLE = "It's time to restore US-Russia ties"
NAMES = {  # longest first, so that "Mike Pompeo" is one span, not "Pompeo" inside it
    "Russian Federation": "GPE", "Nicolas Maduro": "PERSON", "Donald Trump": "PERSON", "United States": "GPE",
    "Yury Ushakov": "PERSON", "North Korea": "GPE", "Mike Pompeo": "PERSON", "Heiko Maas": "PERSON", "Pyongyang": "GPE",
    "Venezuela": "GPE", "Washington": "GPE", "Pompeo": "PERSON", "Lavrov": "PERSON", "Russia": "GPE", "Turkey": "GPE",
    "S-400": "PRODUCT", "Putin": "PERSON", "Syria": "GPE", "Iran": "GPE",
}
LABELS = [
    RelationLabel("met", "#1971c2", "m", directed=False, heads=("PERSON",), tails=("PERSON",)),
    RelationLabel("delivered_to", "#e8590c", "d", heads=("PRODUCT",)),
    RelationLabel("works_with", "#7048e8", "w", directed=False),
    RelationLabel("visited", "#2f9e44", "v", heads=("PERSON",), tails=("GPE",)),
    RelationLabel("located_in", "#0c8599", "l", tails=("GPE",)),
    RelationLabel("criticized", "#c2255c", "c"),
]
# (head, its occurrence, label, tail, its occurrence): occurrences of the span's text, from 0
RELATIONS = [
    ("Putin", 0, "met", "Pompeo", 0), ("S-400", 0, "delivered_to", "Turkey", 0), ("Russia", 1, "works_with", "Yury Ushakov", 0),
    ("United States", 0, "works_with", "Russian Federation", 0), ("Pompeo", 3, "visited", "Pyongyang", 0),
    ("Pyongyang", 0, "located_in", "North Korea", 0), ("Lavrov", 0, "criticized", "Washington", 0),
    ("Washington", 0, "criticized", "Venezuela", 0), ("Pompeo", 4, "criticized", "Nicolas Maduro", 0),
    ("Pompeo", 5, "criticized", "Putin", 1), ("Heiko Maas", 0, "met", "Pompeo", 6), ("Mike Pompeo", 0, "met", "Donald Trump", 1),
]


def spans_of(text: str) -> list[Span]:
    pattern = re.compile("|".join(re.escape(name) for name in NAMES), re.UNICODE)
    return [Span(m.start(), m.end(), NAMES[m.group()]) for m in pattern.finditer(text) if not text[m.end() : m.end() + 1].isalnum()]


def build_database(path: Path) -> tuple[Store, int]:
    store = Store(path)
    import_paths(store, [ROOT / "seeds"])
    doc_id = next(i for i in store.document_ids() if store.document(i).title.startswith(TITLE))
    text = store.document(doc_id).text
    for span in spans_of(text):
        store.add_span(doc_id, span)
    store.save_relation_labels(LABELS)
    stored = store.spans(doc_id)
    for head, head_n, label, tail, tail_n in RELATIONS:
        store.add_relation(_nth(stored, text, head, head_n).id, _nth(stored, text, tail, tail_n).id, label)
    return store, doc_id


def _nth(spans: list[Span], text: str, name: str, n: int) -> Span:
    return [span for span in spans if text[span.start : span.end] == name][n]


def shoot(out: Path, width: int, height: int) -> None:
    from PySide6.QtCore import QSettings

    from annotator.gui.app import make_application
    from annotator.gui.main_window import MainWindow

    app = make_application([])
    with tempfile.TemporaryDirectory() as folder:
        store, doc_id = build_database(Path(folder) / "relations.db")
        window = MainWindow(store, QSettings(str(Path(folder) / "settings.ini"), QSettings.Format.IniFormat))
        window.resize(width, height)
        window.show()
        window.open_document(doc_id)
        app.processEvents()
        text = window.editor.document.text
        window.view.go_to_span(_nth(window.view.spans(), text, "Pompeo", 3))
        window.view.verticalScrollBar().setValue(0)
        save(app, window, store, out)


if __name__ == "__main__":
    sys.exit(main(shoot, ROOT / "docs" / "relations.png", "the window with relations"))
