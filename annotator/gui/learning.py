"""Learned string matches as part of an undo step: tagging "Mike Pompeo" as PERSON
suggests the same token-aligned text everywhere else (source ``pattern``).

The command runs after the tag or accept in the same Batch, so one Ctrl+Z takes both
back. Undo deletes only the suggestions it created that are still pending: one the user
accepted or rejected since (maybe in another document, with its own history) stays.
Measured inline on the UI thread (bench figures in the README): ~15 ms for a name in
100 seed-like articles, ~0.2 s in 2,000; so it runs inline, which keeps it one undo step.
"""

from __future__ import annotations

from typing import Protocol

from annotator.gui.undo_commands import StoreCommand
from annotator.nlp.patterns import propagate
from annotator.store import Store


class LearningSink(Protocol):
    def suggestions_added(self, span_ids: list[int], documents: set[int]) -> None: ...
    def suggestions_removed(self, removed: list[tuple[int, int]]) -> None: ...  # (doc_id, span_id)


class LearnMatches(StoreCommand):
    def __init__(self, store: Store, sink: LearningSink, label: str, phrase: str, where: tuple[int, int, int]) -> None:
        super().__init__(f"Suggest “{phrase}” as {label} elsewhere")
        self.store, self.sink = store, sink
        self.label, self.phrase, self.where = label, phrase, where
        self.ids: list[int] = []

    def do(self) -> None:
        result = propagate(self.store, self.label, self.phrase, exclude=self.where)
        self.ids = result.ids  # a redo finds the same places again, under new ids
        self.sink.suggestions_added(result.ids, result.documents)

    def revert(self) -> None:
        removed = self.store.delete_suggestions(self.ids)
        self.ids = []
        self.sink.suggestions_removed(removed)
