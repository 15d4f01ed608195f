"""What a user edit means: turns view requests into undo commands on the Store.

Keeps one QUndoStack per document in a QUndoGroup, so each document's history
survives switching to another one and back.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoGroup, QUndoStack

from annotator.core.model import AnnotationError, Document, Source, Span, State, Status
from annotator.gui.article_view import ArticleView
from annotator.gui.learning import LearnMatches
from annotator.gui.projecting import Change, with_projection
from annotator.gui.undo_commands import AddSpan, Batch, DeleteSpan, SetDocumentNote, SetStatus, StoreCommand, UpdateSpan
from annotator.store import DatabaseError, Store
from annotator.store.conflicts import ConflictError, explain


class Editor(QObject):
    document_edited = Signal(int)  # status or note of this document changed
    spans_edited = Signal(int)  # span set or states of this document changed
    message = Signal(str)  # something to tell the user in the status bar
    unsaved_changed = Signal(int, str)  # edits the DB refused for now, and why (0, "" when none)
    opened = Signal(int)  # a document was shown (a comparison reads its layers)

    def __init__(self, store: Store, view: ArticleView, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store, self.view = store, view
        self.undo_group = QUndoGroup(self)
        self._stacks: dict[int, QUndoStack] = {}
        self.document: Document | None = None
        self.learn_matches = False  # "Learn from my spans": tag/accept also suggests the text elsewhere
        self.learn_runner = None  # runs that search in a worker (annotator/gui/suggestions.py); None: inline
        # Edits the DB could not take (read-only, full, file gone), oldest first, with their
        # document: kept to be retried in order, never silently dropped.
        self.unsaved: list[tuple[int, StoreCommand]] = []
        self._last_error = ""

    # -- documents --------------------------------------------------------------

    def open(self, doc_id: int) -> Document:
        document = self.store.document(doc_id)
        spans = self.store.spans(doc_id)
        outside = [s for s in spans if not 0 <= s.start < s.end <= len(document.text)]
        if outside:  # only a row edited by hand (its text shortened): never drawn past the text
            spans = [s for s in spans if 0 <= s.start < s.end <= len(document.text)]
            self.message.emit(f"{len(outside)} span(s) of document {doc_id} lie outside its text (a damaged row) and are not shown.")
        self.document = document
        self.view.show_document(document.text, spans)
        self.undo_group.setActiveStack(self.stack(doc_id))
        self.opened.emit(doc_id)
        return self.document

    def stack(self, doc_id: int) -> QUndoStack:
        if doc_id not in self._stacks:
            self._stacks[doc_id] = QUndoStack(self.undo_group)
        return self._stacks[doc_id]

    def forget_history(self) -> None:
        """Another layer is edited now (another annotator, the gold layer): the old steps belong to the old one."""
        for stack in self._stacks.values():
            stack.clear()

    def refresh_open(self) -> None:
        """Show the open document as stored now (another writer changed it): its spans, status
        and note. The text is the same, so the caret, the selection and the scroll stay."""
        if self.document is None:
            return
        fresh = self.store.document(self.document.id)
        self.document.status, self.document.note, self.document.version = fresh.status, fresh.note, fresh.version
        self.reload_spans()
        self.document_edited.emit(self.document.id)

    def conflict(self, error: ConflictError) -> None:
        """Someone changed what an edit meant to change: say who and what, show what is stored."""
        doc = self.document
        self.message.emit(explain(error, self.view.spans(), doc and doc.status, doc and doc.note))
        self.refresh_open()

    def reload_spans(self) -> None:
        """Show the current document's spans as stored (e.g. after background pre-annotation)."""
        if self.document is not None:
            self.view.set_spans(self.store.spans(self.document.id))
            self.spans_edited.emit(self.document.id)

    def push(self, command: StoreCommand) -> bool:
        """Run a command made elsewhere (gui/relations.py) as one undo step of the open document."""
        return self.document is not None and self._push(command)

    def _push(self, command: StoreCommand) -> bool:
        # Note typing (mergeable commands, id != -1) stays one undo step, so it does not start work.
        if self.document.status == Status.NEW and command.id() == -1 and not isinstance(command, SetStatus):
            command = self._starting(command)
        if self.unsaved:  # queued behind the refused ones, in order; no new wait on the DB per keystroke
            self._keep_unsaved(self.document.id, command)
            return False
        try:
            command.apply()
        except ConflictError as error:
            self.conflict(error)
            return False
        except AnnotationError as error:
            self.message.emit(str(error))
            return False
        except DatabaseError as error:
            self._keep_unsaved(self.document.id, command, error)
            return False
        self.stack(self.document.id).push(command)
        return True

    # -- edits the database refused: kept, retried, or discarded -------------------

    def _keep_unsaved(self, doc_id: int, command: StoreCommand, error: DatabaseError | None = None) -> None:
        last = self.unsaved[-1] if self.unsaved else None
        merged = last and last[0] == doc_id and command.id() != -1 and last[1].id() == command.id() and last[1].mergeWith(command)
        if not merged:
            self.unsaved.append((doc_id, command))
        if error is not None:
            self._last_error = str(error)
        self._report_unsaved()

    def _report_unsaved(self) -> None:
        count = len(self.unsaved)
        why = self._last_error if count else ""
        if count:
            self.message.emit(f"Not saved: {why}")
        self.unsaved_changed.emit(count, why)

    def retry(self) -> bool:
        """Apply the unsaved edits, oldest first; stop at the first the DB still refuses."""
        while self.unsaved:
            doc_id, command = self.unsaved[0]
            try:
                command.apply()
            except AnnotationError as error:  # no longer applies (e.g. its span is gone): say so, drop it
                self.unsaved.pop(0)
                self.message.emit(f"Could not save “{command.text()}”: {error}")
                if isinstance(error, ConflictError):
                    self.refresh_open()
                continue
            except DatabaseError as error:
                self._last_error = str(error)
                self._report_unsaved()
                return False
            self.unsaved.pop(0)
            self.stack(doc_id).push(command)
        self._report_unsaved()
        return True

    def discard_unsaved(self) -> None:
        self.unsaved.clear()
        self._report_unsaved()
        self.message.emit("Unsaved edits discarded.")

    # -- undo / redo: the store work first, then the stack --------------------------

    def undo(self) -> None:
        """Ctrl+Z: an unsaved edit is simply dropped; a saved one is taken back in the DB."""
        if self.unsaved:
            _, command = self.unsaved.pop()
            self._report_unsaved()
            self.message.emit(f"Dropped the unsaved edit “{command.text()}”.")
            return
        stack = self.undo_group.activeStack()
        if stack is not None and stack.canUndo():
            self._step(stack.command(stack.index() - 1), stack.undo, "Undo")

    def redo(self) -> None:
        """Ctrl+Shift+Z: retry unsaved edits first, else redo the next step."""
        if self.unsaved:
            self.retry()
            return
        stack = self.undo_group.activeStack()
        if stack is not None and stack.canRedo():
            self._step(stack.command(stack.index()), stack.redo, "Redo")

    def _step(self, command: StoreCommand, move, verb: str) -> None:
        try:
            command.unapply() if verb == "Undo" else command.apply()
        except (AnnotationError, DatabaseError) as error:  # the stack stays where it was
            self.message.emit(f"{verb} of “{command.text()}” failed, nothing changed: {error}")
            if isinstance(error, ConflictError):
                self.refresh_open()
            return
        move()

    def _starting(self, command: StoreCommand) -> StoreCommand:
        """The first edit of a new document also marks it in progress (one undo step)."""
        batch = Batch(command.text())
        batch.add(command)
        batch.add(SetStatus(self.store, self, self.document.id, Status.IN_PROGRESS))
        return batch

    # -- spans ------------------------------------------------------------------

    def tag(self, label: str) -> None:
        """Label the selection (new span), or relabel the current span."""
        if self.document is None:
            return
        selected = self.view.selection()
        current = self.view.current
        if current and (selected is None or selected == (current.start, current.end)):
            self.relabel(current, label)
        elif selected and (trimmed := _trim(self.document.text, *selected)):
            self._add(trimmed, label)
        elif selected:
            self.message.emit("The selection is only spaces; nothing to label.")
        else:
            self.message.emit("Select some text first (mouse, or Shift+Arrow by token), then press a label key.")

    def _add(self, selected: tuple[int, int], label: str) -> None:
        same = [s for s in self.view.spans_with_extent(*selected) if s.label == label]
        if same and same[0].state != State.ACCEPTED:
            self._push(self._learning(UpdateSpan(self.store, self, same[0], f"Accept {label}", state=State.ACCEPTED), same[0], label))
            return
        if same:
            self.view.go_to_span(same[0])
            return
        command = AddSpan(self.store, self, self.document.id, Span(*selected, label, Source.HUMAN, State.ACCEPTED))
        if self._push(self._learning(command, command.span, label)):
            self.view.go_to_span(command.span)

    def relabel(self, span: Span, label: str) -> None:
        if span.label == label and span.state == State.ACCEPTED:
            return
        # Choosing a label for a suggestion is a decision: it becomes accepted.
        self._push(self._learning(UpdateSpan(self.store, self, span, f"Relabel as {label}", label=label, state=State.ACCEPTED), span, label))

    def delete_current(self) -> None:
        """Delete key: a suggestion is rejected (kept as a negative), a span deleted."""
        span = self.view.current
        if span is None:
            self.message.emit("No span at the caret: Tab goes to the next suggestion.")
        elif span.state == State.SUGGESTED:
            self._push(self._projecting(UpdateSpan(self.store, self, span, f"Reject {span.label}", state=State.REJECTED), _gone(span)))
            self.view.go_to_span(self.view.next_span(True, suggestions_only=True))
        else:
            self._push(self._projecting(DeleteSpan(self.store, self, span), _gone(span)))

    def accept_current(self) -> None:
        """Enter: accept the suggestion at the caret, or the next one; then go to the next."""
        span = self.view.current
        if span is None or span.state != State.SUGGESTED:
            span = self.view.next_span(True, suggestions_only=True)
        if span is None:
            self.message.emit("No suggestions left in this document.")
            return
        self.view.set_current(span)
        self._push(self._learning(UpdateSpan(self.store, self, span, f"Accept {span.label}", state=State.ACCEPTED), span, span.label))
        self.view.go_to_span(self.view.next_span(True, suggestions_only=True) or self.view.current)

    def _learning(self, command: StoreCommand, span: Span, label: str) -> StoreCommand:
        """With learning on, the tag or accept also suggests its text elsewhere: one undo step."""
        command = self._projecting(command, Change(span.start, span.end, label, was=span.label))
        if not self.learn_matches:
            return command
        batch = Batch(command.text())
        batch.add(command)
        where = (self.document.id, span.start, span.end)
        phrase = self.document.text[span.start : span.end]
        batch.add(LearnMatches(self.store, self, label, phrase, where, self.learn_runner))
        return batch

    def accept_all(self) -> None:
        self._review_all(State.ACCEPTED, "Accept")

    def reject_all(self) -> None:
        self._review_all(State.REJECTED, "Reject")

    def _review_all(self, state: State, verb: str) -> None:
        if self.document is None:
            return
        suggestions = [s for s in self.view.spans() if s.state == State.SUGGESTED]
        if not suggestions:
            self.message.emit("No suggestions in this document.")
            return
        batch = Batch(f"{verb} {len(suggestions)} suggestions")
        for span in suggestions:
            batch.add(UpdateSpan(self.store, self, span, verb, state=state))
        self._push(self._projecting(batch, *[Change(s.start, s.end, s.label if state == State.ACCEPTED else None, s.label) for s in suggestions]))

    def _projecting(self, command: StoreCommand, *changes: Change) -> StoreCommand:
        """A decision inside a sentence with copies is proposed in the copies too (annotator/gui/projecting.py)."""
        return with_projection(command, self.store, self, self.message.emit, self.document, changes)

    def set_span_note(self, span: Span, note: str) -> None:
        if span.note != note:
            self._push(UpdateSpan(self.store, self, span, "Edit span note", note=note))

    # -- document ---------------------------------------------------------------

    def set_status(self, status: Status) -> None:
        if self.document is None or self.document.status == status:
            return
        if not isinstance(self.document.status, Status):  # a damaged row: a status the app does not know
            self._repair_status(status)
            return
        self._push(SetStatus(self.store, self, self.document.id, status))

    def _repair_status(self, status: Status) -> None:
        """Give a row whose status the app does not know (edited by hand) a real one. Not an
        undo step: the unknown value cannot be written back (the database refuses it)."""
        was = self.document.status
        try:
            self.store.set_status(self.document.id, status)
        except ValueError as error:  # the Store stored it, then could not read back the old value as a Status
            if isinstance(error, AnnotationError):
                self.message.emit(str(error))
                return
        except DatabaseError as error:
            self.message.emit(f"Not saved: {error}")
            return
        self.message.emit(f"Status set to {status.value.replace('_', ' ')} (it was {str(was)[:40]!r}, which the annotator does not know; this cannot be undone).")
        self.document_changed(self.document.id, status=status)

    def toggle_status(self, status: Status) -> None:
        """Done / Skip shortcuts: a second press puts the document back in progress."""
        if self.document is not None:
            self.set_status(Status.IN_PROGRESS if self.document.status == status else status)

    def set_document_note(self, note: str) -> None:
        if self.document is not None and self.document.note != note:
            self._push(SetDocumentNote(self.store, self, self.document.id, note))

    # -- Sink: commands report what they changed ---------------------------------

    def _is_open(self, doc_id: int) -> bool:
        return self.document is not None and self.document.id == doc_id

    def shown_span(self, span_id: int) -> Span | None:
        """The span as this window shows it (None: not shown, its edit is not checked)."""
        return next((span for span in self.view.spans() if span.id == span_id), None)  # a list scan: ~1 ms at 20,000 spans

    def state_version(self, doc_id: int) -> int | None:
        """The version of the open document's status and note as shown (None: not open)."""
        return self.document.version if self._is_open(doc_id) else None

    def span_added(self, doc_id: int, span: Span) -> None:
        if self._is_open(doc_id):
            self.view.add_span(span)
        self.spans_edited.emit(doc_id)

    def span_removed(self, doc_id: int, span_id: int) -> None:
        if self._is_open(doc_id):
            self.view.remove_span(span_id)
        self.spans_edited.emit(doc_id)

    def span_changed(self, doc_id: int, span: Span) -> None:
        if self._is_open(doc_id):
            self.view.replace_span(span)
        self.spans_edited.emit(doc_id)

    def suggestions_added(self, span_ids: list[int], documents: set[int]) -> None:
        if self.document is not None and self.document.id in documents:
            new = set(span_ids)
            for span in self.store.spans(self.document.id):
                if span.id in new:
                    self.view.add_span(span)
        for doc_id in documents:
            self.spans_edited.emit(doc_id)
        if span_ids:
            self.message.emit(f"Learned: {len(span_ids)} more suggestion(s) in {len(documents)} document(s).")

    def suggestions_removed(self, removed: list[tuple[int, int]]) -> None:
        for doc_id, span_id in removed:
            if self._is_open(doc_id):
                self.view.remove_span(span_id)
        for doc_id in {doc_id for doc_id, _ in removed}:
            self.spans_edited.emit(doc_id)

    def document_changed(self, doc_id: int, **fields) -> None:
        if self._is_open(doc_id):
            for name, value in fields.items():  # what the command stored; no re-read of the text
                setattr(self.document, name, value)
        self.document_edited.emit(doc_id)


def _gone(span: Span) -> Change:
    return Change(span.start, span.end, None, was=span.label)


def _trim(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The selection without surrounding whitespace (keyboard selections start at a gap)."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if start < end else None
