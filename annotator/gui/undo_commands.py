"""One QUndoCommand per user edit; each calls one Store method (the Store commits).

Commands tell a ``Sink`` what changed so the view updates only what it must; they
carry the document id, because history is kept per document.
"""

from __future__ import annotations

from contextlib import suppress
from typing import Protocol

from PySide6.QtGui import QUndoCommand

from annotator.core.model import Relation, Span, Status
from annotator.store import Store

SPAN_NOTE_ID = 1
DOCUMENT_NOTE_ID = 2


class Sink(Protocol):
    def span_added(self, doc_id: int, span: Span) -> None: ...
    def span_removed(self, doc_id: int, span_id: int) -> None: ...
    def span_changed(self, doc_id: int, span: Span) -> None: ...
    def document_changed(self, doc_id: int, **fields) -> None: ...  # fields: status=, note=, version=
    # What the window shows (None: not shown, so not checked): store edits name its version and
    # are refused with ConflictError when another writer changed the row since (issue 15).
    def shown_span(self, span_id: int) -> Span | None: ...
    def state_version(self, doc_id: int) -> int | None: ...


class StoreCommand(QUndoCommand):
    """Subclasses write ``do`` and ``revert``; each calls the Store, which commits.

    The editor runs ``apply`` / ``unapply`` itself, so Store errors reach it as exceptions
    (a redo or undo called by QUndoStack would swallow them and move the stack's index
    anyway), and moves the stack only after the store work succeeded; the stack's own
    redo/undo call that follows is then skipped. History thus always matches the DB.
    """

    _skip_next = False

    def apply(self) -> None:
        self.do()
        self._skip_next = True

    def unapply(self) -> None:
        self.revert()
        self._skip_next = True

    def redo(self) -> None:
        if self._skip_next:
            self._skip_next = False
            return
        self.do()

    def undo(self) -> None:
        if self._skip_next:
            self._skip_next = False
            return
        self.revert()

    def do(self) -> None:
        raise NotImplementedError

    def revert(self) -> None:
        raise NotImplementedError


class AddSpan(StoreCommand):
    def __init__(self, store: Store, sink: Sink, doc_id: int, span: Span) -> None:
        super().__init__(f"Add {span.label}")
        self.store, self.sink, self.doc_id, self.span = store, sink, doc_id, span

    def do(self) -> None:
        self.span = self.store.add_span(self.doc_id, self.span)  # keeps its id on redo
        self.sink.span_added(self.doc_id, self.span)

    def revert(self) -> None:
        self.store.delete_span(self.span.id, version=shown_version(self.sink.shown_span(self.span.id)))
        self.sink.span_removed(self.doc_id, self.span.id)


class DeleteSpan(StoreCommand):
    """Deleting a span deletes its relations (the database cascades); undo puts both back."""

    def __init__(self, store: Store, sink: Sink, span: Span) -> None:
        super().__init__(f"Delete {span.label}")
        self.store, self.sink, self.span = store, sink, span
        self.relations: list[Relation] = []

    def do(self) -> None:
        self.span, self.relations = self.store.delete_span_with_relations(self.span.id, version=shown_version(self.sink.shown_span(self.span.id)))
        self.sink.span_removed(self.span.document_id, self.span.id)

    def revert(self) -> None:
        self.span, self.relations = self.store.restore_span(self.span, self.relations)
        self.sink.span_added(self.span.document_id, self.span)


class UpdateSpan(StoreCommand):
    """Change label, state or note; note edits typed in a row merge into one step."""

    def __init__(self, store: Store, sink: Sink, span: Span, text: str, **changes) -> None:
        super().__init__(text)
        self.store, self.sink, self.span_id, self.doc_id = store, sink, span.id, span.document_id
        self.before = {name: getattr(span, name) for name in changes}
        self.after = changes

    def id(self) -> int:
        return SPAN_NOTE_ID if set(self.after) == {"note"} else -1

    def mergeWith(self, other: QUndoCommand) -> bool:  # noqa: N802 - Qt override
        if not isinstance(other, UpdateSpan) or other.span_id != self.span_id:
            return False
        self.after = other.after
        return True

    def do(self) -> None:
        self._write(self.before, self.after)

    def revert(self) -> None:
        self._write(self.after, self.before)

    def _write(self, expected: dict, values: dict) -> None:
        """Write ``values`` over a span that should still hold ``expected`` (see checked_version)."""
        version = checked_version(self.sink.shown_span(self.span_id), expected)
        _, after = self.store.update_span(self.span_id, version=version, **values)
        self.sink.span_changed(self.doc_id, after)


class SetStatus(StoreCommand):
    def __init__(self, store: Store, sink: Sink, doc_id: int, status: Status) -> None:
        super().__init__(f"Mark {status.value.replace('_', ' ')}")
        self.store, self.sink, self.doc_id, self.status = store, sink, doc_id, status
        self.previous: Status | None = None

    def do(self) -> None:
        version = self.sink.state_version(self.doc_id)
        self.previous = self.store.set_status(self.doc_id, self.status, version)
        self.sink.document_changed(self.doc_id, status=self.status, **_next(version))

    def revert(self) -> None:
        version = self.sink.state_version(self.doc_id)
        self.store.set_status(self.doc_id, self.previous, version)
        self.sink.document_changed(self.doc_id, status=self.previous, **_next(version))


class SetDocumentNote(StoreCommand):
    def __init__(self, store: Store, sink: Sink, doc_id: int, note: str) -> None:
        super().__init__("Edit document note")
        self.store, self.sink, self.doc_id, self.note = store, sink, doc_id, note
        self.previous: str | None = None

    def id(self) -> int:
        return DOCUMENT_NOTE_ID

    def mergeWith(self, other: QUndoCommand) -> bool:  # noqa: N802 - Qt override
        if not isinstance(other, SetDocumentNote) or other.doc_id != self.doc_id:
            return False
        self.note = other.note
        return True

    def do(self) -> None:
        version = self.sink.state_version(self.doc_id)
        previous = self.store.set_document_note(self.doc_id, self.note, version)
        if self.previous is None:
            self.previous = previous
        self.sink.document_changed(self.doc_id, note=self.note, **_next(version))

    def revert(self) -> None:
        version = self.sink.state_version(self.doc_id)
        self.store.set_document_note(self.doc_id, self.previous, version)
        self.sink.document_changed(self.doc_id, note=self.previous, **_next(version))


class Batch(StoreCommand):
    """Several commands as one undo step (e.g. accept all suggestions)."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.children: list[StoreCommand] = []  # keeps the Python wrappers alive

    def add(self, command: StoreCommand) -> None:
        self.children.append(command)

    def do(self) -> None:
        _all_or_none([command.do for command in self.children], [command.revert for command in self.children])

    def revert(self) -> None:
        reverts = [command.revert for command in reversed(self.children)]
        _all_or_none(reverts, [command.do for command in reversed(self.children)])


def shown_version(shown: Span | Relation | None) -> int | None:
    """The version of a row as the window shows it; None (not shown): its edit is not checked."""
    return None if shown is None else shown.version


def checked_version(shown: Span | Relation | None, expected: dict) -> int | None:
    """The version to write a shown row with when it should still hold ``expected``: -1 (which
    no row has, so the store refuses and names the writer) when another writer changed those
    fields since, so an undo never takes back their work."""
    if shown is not None and any(getattr(shown, name) != value for name, value in expected.items()):
        return -1
    return shown_version(shown)


def _next(version: int | None) -> dict:
    """The status and note row's version after a checked write of ``version`` (0: none yet -> 1)."""
    return {} if version is None else {"version": version + 1}


def _all_or_none(steps: list, inverses: list) -> None:
    """Run the steps; if one fails, take back the ones done (best effort) and re-raise,
    so a batch that fails half-way (e.g. the disk fills up) leaves the DB as it was."""
    for done, step in enumerate(steps):
        try:
            step()
        except Exception:
            for inverse in reversed(inverses[:done]):
                with suppress(Exception):  # the original error is the one to report
                    inverse()
            raise
