"""Projection in the window: tagging, accepting, relabelling, rejecting or deleting a span
inside a sentence that has copies proposes the same change in every copy
(annotator.copies.projection), in the same undo step as the edit.

The command runs after the edit in one Batch, so one Ctrl+Z takes back both: its undo
deletes the suggestions it stored that are still pending (one the user decided on since
stays) and puts back the pending suggestions it removed; a redo works the places out again.
Unlike learned matches it runs on the UI thread: it touches only the copies of one sentence
(100 copies: ~20 ms, bench/bench_projection.py).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from annotator.copies.projection import Change, describe, project  # Change: for the editor too
from annotator.core.model import Document
from annotator.gui.undo_commands import Batch, Sink, StoreCommand
from annotator.store import Store


class ProjectChanges(StoreCommand):
    def __init__(self, store: Store, sink: Sink, tell: Callable[[str], None], document: Document, changes: Sequence[Change]) -> None:
        super().__init__("Propose in the copies")
        self.store, self.sink, self.tell = store, sink, tell
        self.doc_id, self.changes = document.id, list(changes)
        self.added: list[int] = []
        self.removed = []

    def do(self) -> None:
        result = project(self.store, self.doc_id, self.changes)
        self.added, self.removed = [span.id for span in result.added], result.removed
        for span in result.removed:
            self.sink.span_removed(span.document_id, span.id)
        for span in result.added:
            self.sink.span_added(span.document_id, span)
        if result.copies:
            self.tell(f"Copies of this sentence: {describe(result.counts())}.")

    def revert(self) -> None:
        deleted, restored = self.store.undo_projection(self.added, self.removed)
        self.added, self.removed = [], []
        for doc_id, span_id in deleted:
            self.sink.span_removed(doc_id, span_id)
        for span in restored:
            self.sink.span_added(span.document_id, span)


def with_projection(command: StoreCommand, store: Store, sink: Sink, tell: Callable[[str], None], document: Document,
                    changes: Sequence[Change]) -> StoreCommand:
    """``command`` and the projection of its ``changes`` as one undo step; ``command`` alone
    when no change lies inside a sentence with copies."""
    if not store.has_copies(document.id, [(c.start, c.end) for c in changes]):
        return command
    batch = Batch(command.text())
    batch.add(command)
    batch.add(ProjectChanges(store, sink, tell, document, changes))
    return batch
