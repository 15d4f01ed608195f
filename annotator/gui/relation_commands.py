"""One undo command per relation edit: create, relabel, note, delete; each calls one Store
method (the Store commits) and tells a ``RelationSink`` what changed.

A relation undone and redone keeps its id (``restore_relations`` puts the very row back),
so a later command on it (a relabel further up the stack) still finds it.
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtGui import QUndoCommand

from annotator.core.model import Relation
from annotator.gui.undo_commands import StoreCommand, checked_version, shown_version
from annotator.store import Store

RELATION_NOTE_ID = 3  # note typing on one relation merges into one step (span notes are 1, document notes 2)


class RelationSink(Protocol):
    def relation_added(self, doc_id: int, relation: Relation) -> None: ...
    def relation_removed(self, doc_id: int, relation_id: int) -> None: ...
    def shown_relation(self, relation_id: int) -> Relation | None: ...  # its version: edits are checked (issue 15)


class AddRelation(StoreCommand):
    def __init__(self, store: Store, sink: RelationSink, doc_id: int, head_id: int, tail_id: int, label: str) -> None:
        super().__init__(f"Add relation {label}")
        self.store, self.sink, self.doc_id = store, sink, doc_id
        self.head_id, self.tail_id, self.label = head_id, tail_id, label
        self.relation: Relation | None = None

    def do(self) -> None:
        if self.relation is None:
            self.relation = self.store.add_relation(self.head_id, self.tail_id, self.label)
        else:
            self.store.restore_relations([self.relation])  # redo: the same row, the same id
        self.sink.relation_added(self.doc_id, self.relation)

    def revert(self) -> None:
        self.store.delete_relation(self.relation.id, version=shown_version(self.sink.shown_relation(self.relation.id)))
        self.sink.relation_removed(self.doc_id, self.relation.id)


class DeleteRelation(StoreCommand):
    def __init__(self, store: Store, sink: RelationSink, doc_id: int, relation: Relation) -> None:
        super().__init__(f"Delete relation {relation.label}")
        self.store, self.sink, self.doc_id, self.relation = store, sink, doc_id, relation

    def do(self) -> None:
        self.relation = self.store.delete_relation(self.relation.id, version=shown_version(self.sink.shown_relation(self.relation.id)))
        self.sink.relation_removed(self.doc_id, self.relation.id)

    def revert(self) -> None:
        self.store.restore_relations([self.relation])
        self.sink.relation_added(self.doc_id, self.relation)


class UpdateRelation(StoreCommand):
    """Relabel, or edit the note (note typing in a row is one step)."""

    def __init__(self, store: Store, sink: RelationSink, doc_id: int, relation: Relation, text: str, **change) -> None:
        super().__init__(text)
        (self.field,) = change  # "label" or "note"
        self.store, self.sink, self.doc_id, self.relation_id = store, sink, doc_id, relation.id
        self.before, self.after = getattr(relation, self.field), change[self.field]

    def id(self) -> int:
        return RELATION_NOTE_ID if self.field == "note" else -1

    def mergeWith(self, other: QUndoCommand) -> bool:  # noqa: N802 - Qt override
        if not isinstance(other, UpdateRelation) or other.relation_id != self.relation_id or other.field != self.field:
            return False
        self.after = other.after
        return True

    def do(self) -> None:
        self._write(self.before, self.after)

    def revert(self) -> None:
        self._write(self.after, self.before)

    def _write(self, expected: str, value: str) -> None:
        """As UpdateSpan._write: a relation another writer changed since is not written over."""
        version = checked_version(self.sink.shown_relation(self.relation_id), {self.field: expected})
        write = self.store.relabel_relation if self.field == "label" else self.store.set_relation_note
        relation = write(self.relation_id, value, version)
        self.sink.relation_added(self.doc_id, relation)  # replaces the one with its id
