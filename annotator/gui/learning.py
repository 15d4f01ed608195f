"""Learned string matches as part of an undo step: tagging "Mike Pompeo" as PERSON
suggests the same token-aligned text everywhere else (source ``pattern``).

The command runs after the tag or accept in the same Batch, so one Ctrl+Z takes both
back. Undo deletes only the suggestions it created that are still pending: one the user
accepted or rejected since (maybe in another document, with its own history) stays.

The search runs off the UI thread when the editor has a ``background`` runner: measured
on 2,000 seed-like articles it takes 0.3-0.7 s for a name found in most of them (15-180 ms
on 100-200 articles), too long for the event loop. It never holds the database's write lock
while it searches or decides: the store writes its suggestions in short transactions (a few
tens of milliseconds each), so the user's own edits go on meanwhile. An undo that comes
while the search still runs cancels it (it stops after the batch or write under way), then
takes back what it stored.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from annotator.gui.undo_commands import StoreCommand
from annotator.nlp.patterns import propagate
from annotator.store import Store


class LearningSink(Protocol):
    def suggestions_added(self, span_ids: list[int], documents: set[int]) -> None: ...
    def suggestions_removed(self, removed: list[tuple[int, int]]) -> None: ...  # (doc_id, span_id)


# Returns a BackgroundJob (annotator/gui/background.py), not started yet, that will run
# ``find(cancelled)`` with the job's own ``cancelled()`` check.
Runner = Callable[[Callable[[Callable[[], bool] | None], object]], object]


class LearnMatches(StoreCommand):
    def __init__(self, store: Store, sink: LearningSink, label: str, phrase: str, where: tuple[int, int, int], background: Runner | None = None) -> None:
        super().__init__(f"Suggest “{phrase}” as {label} elsewhere")
        self.store, self.sink, self.background = store, sink, background
        self.label, self.phrase, self.where = label, phrase, where
        self.ids: list[int] = []
        self.job = None  # the search still running, or whose result is not delivered yet

    def _find(self, cancelled: Callable[[], bool] | None = None):
        return propagate(self.store, self.label, self.phrase, exclude=self.where, cancelled=cancelled)

    def do(self) -> None:
        self.ids = []
        if self.background is None:
            self._found(None, self._find())
            return
        job = self.job = self.background(self._find)
        job.succeeded.connect(lambda result: self._found(job, result))
        job.failed.connect(lambda _error: self._forget(job))
        job.start()  # after connecting: a quick search must not finish unheard

    def _found(self, job, result) -> None:
        if job is not self.job:  # undone meanwhile: revert took this result over
            return
        self.job = None
        self.ids = result.ids  # a redo finds the same places again, under new ids
        self.sink.suggestions_added(result.ids, result.documents)

    def _forget(self, job) -> None:
        if job is self.job:
            self.job = None

    def revert(self) -> None:
        if self.job is not None:  # still searching: stop it, then take back what it stored
            self.job.cancel()
            self.job.wait()
            self.ids = self.job.result.ids if self.job.result is not None else []
            self.job = None
        removed = self.store.delete_suggestions(self.ids)
        self.ids = []
        self.sink.suggestions_removed(removed)
