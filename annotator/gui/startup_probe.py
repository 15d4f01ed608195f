"""Cold-start probe: with ANNOTATOR_EXIT_AFTER_SHOWN=1 the app quits once a document is on screen.

bench/bench_bundle.py times a start to this point. The probe waits for the first paint
of the article view (not just show()), prints one line and quits the event loop, so the
figure covers everything a user waits for before reading the article.
"""

from __future__ import annotations

import os
import sys

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication

ENV = "ANNOTATOR_EXIT_AFTER_SHOWN"


def requested() -> bool:
    return os.environ.get(ENV) == "1"


class FirstPaintProbe(QObject):
    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        # spaCy must load in the background after the window shows, never before.
        self.spacy_before_show = "spacy" in sys.modules
        self.painted = False
        window.view.viewport().installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.Paint and not self.painted:
            self.painted = True
            QTimer.singleShot(0, self.report)  # after this paint has finished
        return False

    def report(self) -> None:
        document = self.window.editor.document
        title = document.title if document else "no document"
        print(f"annotator: shown {title!r}; spaCy imported before show: {'yes' if self.spacy_before_show else 'no'}", flush=True)
        QApplication.instance().exit(0 if document else 1)


def install(window) -> None:
    FirstPaintProbe(window)
