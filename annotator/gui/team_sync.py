"""Several writers on one database (issue 15): the window sees the others' changes and keeps
the "My documents" choice.

Every POLL_MS a QTimer asks the store which documents others changed since the last token
(Store.changes_since: one primary-key range read, a few milliseconds even on a server). The open
document, if among them, is read again in place (Editor.refresh_open: caret, selection and scroll
stay); the list forgets those rows and counts again when documents came or went. A database that
cannot be reached is simply asked again at the next tick; edits meanwhile queue as for any
refused write (the unsaved banner).
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer

from annotator.store import DatabaseError

POLL_MS = 1000  # others' changes show within about 1 s (the issue asks for 2 s)
MINE_KEY = "documents/mine"


class TeamSync(QObject):
    def __init__(self, window) -> None:
        super().__init__(window)
        self.window, self.store = window, window.store
        try:
            self.token = self.store.change_token()
        except DatabaseError:
            self.token = 0  # unreachable now: the first poll that works catches up
        self.timer = QTimer(self, interval=POLL_MS)
        self.timer.timeout.connect(self.poll)
        self.timer.start()
        mine = window.documents.mine
        mine.setChecked(window.settings.value(MINE_KEY, False, type=bool))
        mine.toggled.connect(lambda on: window.settings.setValue(MINE_KEY, on))

    def poll(self) -> set[int]:
        """Show what others changed since the last poll; the ids of those documents."""
        try:
            self.token, changed = self.store.changes_since(self.token)
            if changed:
                self._show(changed)
        except DatabaseError:
            return set()  # asked again at the next tick
        return changed

    def _show(self, changed: set[int]) -> None:
        editor, documents = self.window.editor, self.window.documents
        if editor.document is not None and editor.document.id in changed and not editor.unsaved:
            editor.refresh_open()  # not while edits wait to be saved: they were made on what is shown
        model = documents.model
        if model.store.count_documents(model.status, model.text, mine=model.mine) != model.rowCount():
            current = documents.current_id()
            model.refresh()
            if current is not None:
                documents.select_id(current, emit=False)
        else:
            for doc_id in changed:
                model.forget(doc_id)
        self.window._update_progress()
