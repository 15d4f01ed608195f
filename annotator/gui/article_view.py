"""The article: read-only text with highlighted spans, token-wise caret and tagging keys.

The view speaks code points to the rest of the app; Qt positions never leave it
(conversion goes through ``OffsetMap``). It only reports what the user asked for
(signals); the editor decides what to store.

With label names shown, each drawn span is followed by a tag with its label's name:
the view owns a ``LabelTagLayer`` (``tag_layer``) and tells it what changed (text,
spans, scrolling, size, font); the layer makes their room, finds and paints them.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QPoint, QPointF, QRect, Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QMouseEvent, QTextCursor, QTextOption
from PySide6.QtWidgets import QApplication, QPlainTextEdit, QToolTip, QWidget

from annotator.core.model import Span, State
from annotator.gui.copy_marks import CopyMarks
from annotator.gui.highlighter import SpanHighlighter
from annotator.gui.label_tags import LabelTag
from annotator.gui.offsets import OffsetMap
from annotator.gui.span_frame import current_outline, paint_frame
from annotator.gui.span_index import SpanIndex, drawn
from annotator.gui.span_tooltip import tooltip_html
from annotator.gui.tag_layer import LabelTagLayer
from annotator.nlp.tokens import Tokens

NO_SNAP = Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.ControlModifier
READABLE_COLUMNS = 92  # longest line, in average characters; wider windows get side margins
Key = Qt.Key


class ArticleView(QPlainTextEdit):
    label_requested = Signal(str)  # a label hotkey was pressed
    accept_requested = Signal()  # Enter
    delete_requested = Signal()  # Delete / Backspace
    current_span_changed = Signal(object)  # Span | None

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("article")
        self.setReadOnly(True)
        flags = Qt.TextInteractionFlag
        self.setTextInteractionFlags(flags.TextSelectableByMouse | flags.TextSelectableByKeyboard)
        self.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self.setUndoRedoEnabled(False)  # the text never changes; our undo lives in QUndoStack
        self.document().setDocumentMargin(18)
        self._highlighter = SpanHighlighter(self.document())
        self._text, self._offsets, self._spans = "", OffsetMap.of(""), SpanIndex()
        self._current: Span | None = None
        self._hotkeys, self._colors = {}, {}  # label names by key, colours by label name
        self.overlays: list = []  # more painters over the text, each ``paint(area, offsets)`` (gui/compare_marks.py)
        self.tokens: Callable[[], Tokens | None] = lambda: None
        self._tag_layer = LabelTagLayer(self, self._highlighter, lambda: self._offsets)
        self.copy_marks = CopyMarks(self, lambda: self._offsets)  # sentences with copies (gui/copies_in_window.py loads them)
        self.cursorPositionChanged.connect(self._follow_caret)
        self.verticalScrollBar().valueChanged.connect(self._tag_layer.ensure_room)  # before the new blocks are painted
        self.set_label_names_shown(True)

    # -- content ----------------------------------------------------------------

    def set_labels(self, colors: dict[str, str], hotkeys: dict[str, str]) -> None:
        """Label colours by name and label names by hotkey; redraws at once."""
        self._colors, self._hotkeys = dict(colors), dict(hotkeys)
        self._highlighter.set_colors(colors)
        self._highlighter.rehighlight()
        self._show_current()

    def show_document(self, text: str, spans: list[Span]) -> None:
        self._text = text
        self._offsets = OffsetMap.of(text)
        self.copy_marks.clear()  # the old article's; the new ones are loaded once it is shown
        self._spans = SpanIndex(spans)
        self._highlighter.load(self._offsets, spans)
        blocked = self.blockSignals(True)  # the caret reset must not pick a span
        self.setTextCursor(QTextCursor(self.document()))  # new text takes the caret's format: not a room's
        self.setPlainText(self._offsets.display(text))  # long paragraphs cut; the highlighter draws every block now
        self.blockSignals(blocked)
        self._tag_layer.load(text)
        self._current = None
        self._show_current()
        self.current_span_changed.emit(None)

    def set_spans(self, spans: list[Span]) -> None:
        """Replace every span, keeping the text, the caret and the scroll position."""
        self._spans = SpanIndex(spans)
        self._highlighter.load(self._offsets, spans)
        self._highlighter.rehighlight()
        self._tag_layer.spans_reloaded()
        current = self._current and self._spans.get(self._current.id)
        self._current = None
        self.set_current(current if current and current.state != State.REJECTED else None)
        self._show_current()

    def spans(self) -> list[Span]:
        """All spans of the document (rejected ones too), in text order."""
        return self._spans.ordered()

    def spans_with_extent(self, start: int, end: int) -> list[Span]:
        return self._spans.with_extent(start, end)

    def add_span(self, span: Span) -> None:
        self._spans.add(span)
        self._highlighter.add(span)
        self._tag_layer.spans_changed(span)

    def remove_span(self, span_id: int) -> None:
        span = self._spans.remove(span_id)
        if span is not None:
            self._highlighter.remove(span)
            self._tag_layer.spans_changed(span)
        if self._current and self._current.id == span_id:
            self.set_current(None)

    def replace_span(self, span: Span) -> None:
        old = self._spans.remove(span.id)
        self._spans.add(span)
        if old is None:
            self._highlighter.add(span)
            self._tag_layer.spans_changed(span)
        else:
            self._highlighter.replace(old, span)
            self._tag_layer.spans_changed(old, span)
        if self._current and self._current.id == span.id:
            self.set_current(span if span.state != State.REJECTED else None)

    # -- label names on the text -------------------------------------------------

    def label_names_shown(self) -> bool:
        return self._tag_layer.shown

    def set_label_names_shown(self, on: bool) -> None:
        """A tag with the label's name after every drawn span (View > Show label names)."""
        self._tag_layer.set_shown(on)

    def label_tags(self, area: QRect | None = None) -> list[LabelTag]:
        """The tags painted in ``area`` of the viewport (default: all of it), in text order."""
        return self._tag_layer.tags(area or self.viewport().rect())

    def tag_at(self, point: QPoint | QPointF) -> LabelTag | None:
        """The tag under a viewport point, if any."""
        return self._tag_layer.tag_at(point)

    def _out_of_room(self, event: QMouseEvent) -> QMouseEvent:
        """The event moved off a tag's room onto the caret spot after it."""
        point = event.position()
        moved = self._tag_layer.past_room(point)
        if moved is None:
            return event
        return QMouseEvent(event.type(), moved, event.globalPosition() + (moved - point), event.button(), event.buttons(), event.modifiers())

    # -- positions in code points ----------------------------------------------

    def selection(self) -> tuple[int, int] | None:
        cursor = self.textCursor()
        if not cursor.hasSelection():
            return None
        return self._offsets.to_cp_range(cursor.selectionStart(), cursor.selectionEnd())

    def copy(self) -> None:
        """Copy gives the stored text (a long paragraph's display breaks are spaces there).

        Through QClipboard.setText, whose data Qt makes and owns: a QMimeData made in Python
        (an override of createMimeDataFromSelection) is freed twice once the clipboard holds
        it, and the app segfaults as it quits."""
        selected = self.selection()
        if selected:
            QApplication.clipboard().setText(self._text[selected[0] : selected[1]])

    def caret(self) -> int:
        return self._offsets.to_cp(self.textCursor().position())

    def select(self, anchor: int, caret: int) -> None:
        """Select from ``anchor`` to ``caret`` (code points; either order); scrolls it into view."""
        cursor = self.textCursor()
        cursor.setPosition(self._offsets.to_qt(anchor))
        cursor.setPosition(self._offsets.to_qt(caret), QTextCursor.MoveMode.KeepAnchor)
        self._set_cursor(cursor)

    def move_caret(self, pos: int, keep_anchor: bool = False) -> None:
        cursor = self.textCursor()
        mode = QTextCursor.MoveMode.KeepAnchor if keep_anchor else QTextCursor.MoveMode.MoveAnchor
        cursor.setPosition(self._offsets.to_qt(pos), mode)
        self._set_cursor(cursor)

    def _set_cursor(self, cursor: QTextCursor) -> None:
        self.setTextCursor(cursor)
        self.ensureCursorVisible()

    def point_of(self, pos: int) -> QPoint:
        """Viewport point of the caret at code point ``pos`` (tooltips, tests)."""
        cursor = QTextCursor(self.document())
        cursor.setPosition(self._offsets.to_qt(pos))
        return self.cursorRect(cursor).center()

    def visible_spans_at(self, pos: int) -> list[Span]:
        """Drawn spans containing code point ``pos``, innermost first."""
        return self._spans.at(pos)

    def spans_at_point(self, point: QPoint | QPointF) -> list[Span]:
        """Drawn spans under a viewport point (its tag's span, else innermost first)."""
        tag = self.tag_at(point)
        pos = self._offsets.to_cp(self.cursorForPosition(QPointF(point).toPoint()).position())
        # The nearest caret position may be just after the character under the mouse.
        return [tag.span] if tag else self.visible_spans_at(pos) or self.visible_spans_at(pos - 1)

    @property
    def offsets(self) -> OffsetMap:
        """The open article's map of code points to Qt positions (overlays measure with it)."""
        return self._offsets

    # -- current span -----------------------------------------------------------

    @property
    def current(self) -> Span | None:
        return self._current

    def set_current(self, span: Span | None) -> None:
        if span == self._current:
            return
        self._current = span
        self._show_current()
        self.current_span_changed.emit(span)

    def _show_current(self) -> None:
        """Outline the span the side panel edits (one extra selection: cheap)."""
        span = self._current
        self.setExtraSelections([] if span is None else [current_outline(self.textCursor(), self._offsets, span, self._colors.get(span.label, "#dddddd"))])

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().paintEvent(event)
        self.copy_marks.paint(event.rect())
        for overlay in self.overlays:
            overlay.paint(event.rect(), self._offsets)
        self._tag_layer.paint(event.rect(), self._colors)
        if self._current is not None:
            paint_frame(self, self._offsets, self._current.start, self._current.end)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._tag_layer.font_changed()

    def _follow_caret(self) -> None:
        """Keyboard users select a span by moving the caret into it."""
        selected = self.selection()
        if selected:
            match = [s for s in self._spans.with_extent(*selected) if drawn(s)]
            self.set_current(match[0] if match else None)
            return
        pos = self.caret()
        inside = self.visible_spans_at(pos)
        self.set_current(inside[0] if inside else None)

    def next_span(self, forward: bool, suggestions_only: bool) -> Span | None:
        """The next (or previous) drawn span after the current span, or the caret."""
        here = self._current
        key = (here.start, here.end, here.id) if here else (self.caret(), -1, -1)
        wanted = (lambda s: s.state == State.SUGGESTED) if suggestions_only else drawn
        return self._spans.step(key, forward, wanted)

    def go_to_span(self, span: Span | None) -> None:
        """Make ``span`` current: caret at its start, no selection, so its colours show."""
        if span is None:
            return
        self.move_caret(span.start)
        self.set_current(span)

    # -- layout -----------------------------------------------------------------

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        """Keep lines to a readable length by centring the text column on wide windows.

        Qt routes the viewport's resizes here too, so the margins depend only on the
        widget's own width and are set only when they change (no resize loop).
        """
        column = self.fontMetrics().averageCharWidth() * READABLE_COLUMNS + 2 * self.document().documentMargin()
        spare = max(0, int(self.width() - column - self.verticalScrollBar().sizeHint().width() - 2 * self.frameWidth()))
        margins = (spare // 2, 0, spare - spare // 2, 0)
        current = self.viewportMargins()
        if margins != (current.left(), current.top(), current.right(), current.bottom()):
            self.setViewportMargins(*margins)
        super().resizeEvent(event)
        self._tag_layer.ensure_room()  # a taller view shows more blocks

    # -- keys and mouse ---------------------------------------------------------

    def event(self, event: QEvent) -> bool:
        # Tab would move focus out of the view; here it walks the suggestions.
        if event.type() == QEvent.Type.KeyPress and event.key() in (Key.Key_Tab, Key.Key_Backtab):
            self.keyPressEvent(event)
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        if event.matches(QKeySequence.StandardKey.Copy):
            self.copy()
        elif not self._handle_key(event):
            super().keyPressEvent(event)

    def _handle_key(self, event: QKeyEvent) -> bool:
        key, mods = event.key(), event.modifiers()
        shift = bool(mods & Qt.KeyboardModifier.ShiftModifier)
        plain = not (mods & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.MetaModifier))
        if key in (Key.Key_Left, Key.Key_Right) and plain:
            self._move_by_token(key == Key.Key_Right, shift)
        elif key in (Key.Key_Left, Key.Key_Right) and mods & Qt.KeyboardModifier.AltModifier:
            self._move_by_character(key == Key.Key_Right, shift)
        elif key in (Key.Key_Tab, Key.Key_Backtab):
            self.go_to_span(self.next_span(key == Key.Key_Tab and not shift, suggestions_only=True))
        elif key in (Key.Key_BracketRight, Key.Key_BracketLeft) and plain:
            self.go_to_span(self.next_span(key == Key.Key_BracketRight, suggestions_only=False))
        elif key in (Key.Key_Return, Key.Key_Enter) and plain:
            self.accept_requested.emit()
        elif key in (Key.Key_Delete, Key.Key_Backspace) and plain:
            self.delete_requested.emit()
        elif key == Key.Key_Escape:
            self.move_caret(self.caret())
            self.set_current(None)
        elif plain and (label := self._label_for(event.text())):
            self.label_requested.emit(label)
        else:
            return False
        return True

    def _label_for(self, text: str) -> str | None:
        """The label of a hotkey; with Caps Lock on, "P" still means the label on "p"."""
        if not text:
            return None
        return self._hotkeys.get(text) or self._hotkeys.get(text.lower())

    def _move_by_token(self, forward: bool, extend: bool) -> None:
        tokens = self.tokens()
        if tokens is None:
            self._move_by_character(forward, extend)
            return
        pos = self.caret()
        target = tokens.next_boundary(pos) if forward else tokens.previous_boundary(pos)
        if target == pos:  # at a token edge already: step over the gap to the next token
            target = tokens.next_boundary(pos + 1) if forward else tokens.previous_boundary(pos - 1)
        self.move_caret(max(0, min(target, self._offsets.length)), keep_anchor=extend)

    def _move_by_character(self, forward: bool, extend: bool) -> None:
        mode = QTextCursor.MoveMode.KeepAnchor if extend else QTextCursor.MoveMode.MoveAnchor
        op = QTextCursor.MoveOperation.NextCharacter if forward else QTextCursor.MoveOperation.PreviousCharacter
        cursor = self.textCursor()
        cursor.movePosition(op, mode)
        self._set_cursor(cursor)

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        tag = self.tag_at(event.position()) if event.button() == Qt.MouseButton.LeftButton else None
        if tag is not None and not event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
            self.go_to_span(tag.span)  # a click on a tag picks its span, the outer one of a nest too
            return
        super().mousePressEvent(self._out_of_room(event))

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        super().mouseMoveEvent(self._out_of_room(event))

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        tag = self.tag_at(event.position()) if event.button() == Qt.MouseButton.LeftButton else None
        if tag is not None:
            self.go_to_span(tag.span)
            return
        super().mouseDoubleClickEvent(self._out_of_room(event))

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        super().mouseReleaseEvent(self._out_of_room(event))
        if event.button() == Qt.MouseButton.LeftButton and not (event.modifiers() & NO_SNAP):
            self.snap_selection()

    def snap_selection(self) -> None:
        """Grow the selection to whole tokens, keeping the caret on the side it was."""
        selected, tokens = self.selection(), self.tokens()
        if not selected or tokens is None:
            return
        start, end = tokens.snap(*selected)
        if (start, end) == selected:
            return
        if self.textCursor().position() < self.textCursor().anchor():
            self.select(end, start)
        else:
            self.select(start, end)

    # -- tooltips ---------------------------------------------------------------

    def viewportEvent(self, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.ToolTip:
            spans = self.spans_at_point(event.pos())
            if spans:
                QToolTip.showText(event.globalPos(), tooltip_html(spans), self.viewport())
            else:
                QToolTip.hideText()
            return True
        return super().viewportEvent(event)

