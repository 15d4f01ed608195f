"""Render the annotation window on the seed articles to PNG files.

Usage:
    python docs/make_screenshot.py [--out docs/screenshot.png] [--size 1280x800]

Builds a throw-away database from seeds/ with a few accepted spans, model suggestions,
a nested span and notes, opens the real main window (fresh settings, so label names
show after the spans, as by default) and saves what it shows
(QWidget.grab, so no window manager is needed). Runs offscreen when there is no
display; under Xvfb (``xvfb-run python docs/make_screenshot.py``) it uses X11.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from annotator.core.model import Source, Span, State, Status  # noqa: E402
from annotator.store import Store  # noqa: E402
from annotator.transfer.importing import import_paths  # noqa: E402

# (phrase, label, state, occurrence) on the first seed article ("World News");
# brackets mark the span inside a phrase that says where it is.
MARKS = [
    ("Russian Federation", "GPE", State.ACCEPTED, 0),
    ("Pompeo", "PERSON", State.ACCEPTED, 0),
    ("Vladimir Putin", "PERSON", State.ACCEPTED, 0),
    ("U.S.", "GPE", State.ACCEPTED, 0),
    ("Mike Pompeo", "PERSON", State.ACCEPTED, 0),
    ("the Black Sea resort city of Sochi", "LOC", State.ACCEPTED, 0),
    ("Sochi", "GPE", State.ACCEPTED, 0),
    ("southern [Russia]", "GPE", State.SUGGESTED, 0),
    ("May 14, 2019", "DATE", State.ACCEPTED, 0),
    ("Putin", "PERSON", State.SUGGESTED, 1),
    ("Mueller", "PERSON", State.SUGGESTED, 0),
    ("2016", "DATE", State.ACCEPTED, 0),
    ("USA", "GPE", State.SUGGESTED, 0),
    ("Kremlin", "ORG", State.ACCEPTED, 0),
    ("Wednesday", "DATE", State.SUGGESTED, 0),
    ("Iran", "GPE", State.ACCEPTED, 0),
    ("Washington", "GPE", State.SUGGESTED, 0),
    ("Syria", "GPE", State.ACCEPTED, 0),
    ("Lavrov", "PERSON", State.SUGGESTED, 0),
    ("Europe", "LOC", State.ACCEPTED, 0),
    ("China", "GPE", State.ACCEPTED, 0),
]
NOTES = {"Mike Pompeo": "US Secretary of State at the time", "the Black Sea resort city of Sochi": "LOC around a nested GPE"}


def build_database(path: Path) -> Store:
    store = Store(path)
    import_paths(store, [ROOT / "seeds"])
    doc_id = store.document_ids()[0]
    text = store.document(doc_id).text
    for phrase, label, state, occurrence in MARKS:
        start = -1
        for _ in range(occurrence + 1):
            start = text.index(phrase.replace("[", "").replace("]", ""), start + 1)
        inner = phrase.split("[")[-1].split("]")[0]
        start += max(phrase.find("["), 0)
        source = Source.MODEL if state == State.SUGGESTED else Source.HUMAN
        store.add_span(doc_id, Span(start, start + len(inner), label, source, state, note=NOTES.get(phrase, "")))
    store.set_document_note(doc_id, "Two headlines repeat; check the title span.")
    store.set_status(store.document_ids()[1], Status.DONE)
    return store


def shoot(out: Path, width: int, height: int) -> None:
    from PySide6.QtCore import QSettings

    from annotator.gui.app import make_application
    from annotator.gui.main_window import MainWindow

    app = make_application([])
    with tempfile.TemporaryDirectory() as folder:
        store = build_database(Path(folder) / "screenshot.db")
        window = MainWindow(store, QSettings(str(Path(folder) / "settings.ini"), QSettings.Format.IniFormat))
        window.resize(width, height)
        window.show()
        app.processEvents()
        text = window.editor.document.text
        window.view.go_to_span(next(s for s in window.view.spans() if text[s.start : s.end] == "Mike Pompeo"))
        save(app, window, store, out)


def save(app, window, store: Store, out: Path) -> None:
    """Focus the article, save what the window shows to ``out``, close window and store."""
    window.view.setFocus()
    app.processEvents()
    out.parent.mkdir(parents=True, exist_ok=True)
    window.grab().save(str(out))
    window.closing_anyway = True
    window.close()
    store.close()
    print(f"wrote {out} ({window.width()}x{window.height()}, platform {app.platformName()})")


def main(shoot=shoot, out: Path = ROOT / "docs" / "screenshot.png", what: str = "the annotation window") -> int:
    parser = argparse.ArgumentParser(description=f"Render {what} to a PNG.")
    parser.add_argument("--out", type=Path, default=out)
    parser.add_argument("--size", default="1280x800", help="WIDTHxHEIGHT")
    args = parser.parse_args()
    width, height = (int(v) for v in args.size.lower().split("x"))
    shoot(args.out, width, height)
    return 0


if __name__ == "__main__":
    sys.exit(main())
