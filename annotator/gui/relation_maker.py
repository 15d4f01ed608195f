"""Drawing a new relation, with the mouse or with the keys only; Esc cancels at every step.

- Mouse: drag from a span's label tag onto another span (a dashed arrow follows the
  mouse), or Alt+click the tail while the head is the selected span.
- Keys: on the head span press Ctrl+R, go to the tail with the span keys (] / [, Tab),
  press Enter (or Ctrl+R again).
Then the label is picked in a ``RelationPicker``. The status bar says what to do at each
step. The maker watches the article's key and mouse events (event filters), so the view
itself knows nothing of relations.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QPoint, QPointF, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence, QMouseEvent

from annotator.core.model import RelationLabel, Span
from annotator.gui.article_view import ArticleView
from annotator.gui.display import LABEL, shown
from annotator.gui.relation_arrows import RelationLayer
from annotator.gui.relation_picker import RelationPicker

START_KEY = QKeySequence("Ctrl+R")
DRAG_DISTANCE = 6  # px the mouse moves off a tag before a drag draws an arrow
Key, Mod = Qt.Key, Qt.KeyboardModifier
MOUSE = (QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove, QEvent.Type.MouseButtonRelease)


class RelationMaker(QObject):
    def __init__(self, view: ArticleView, layer: RelationLayer, text: Callable[[], str], labels: Callable[[], list[RelationLabel]],
                 create: Callable[[Span, Span, str], None], say: Callable[[str], None]) -> None:
        super().__init__(view)
        self.view, self.layer, self.text, self.labels, self.create, self.say = view, layer, text, labels, create, say
        self.head: Span | None = None
        self.mode: str | None = None  # None, "press" (on a tag), "drag", "keys", "picking"
        self.picker: RelationPicker | None = None
        self._press = QPointF()
        self._viewport = view.viewport()  # kept: the filter asks nothing of a view being destroyed
        view.installEventFilter(self)
        self._viewport.installEventFilter(self)
        view.current_span_changed.connect(self._current_changed)

    # -- events -------------------------------------------------------------------

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt override
        kind = event.type()
        if kind == QEvent.Type.KeyPress and watched is self.view:
            return self._key(event)
        if kind in MOUSE and watched is self._viewport:
            if kind == QEvent.Type.MouseButtonPress:
                return self._press_event(event)
            if kind == QEvent.Type.MouseMove:
                return self._move_event(event)
            if kind == QEvent.Type.MouseButtonRelease:
                return self._release_event(event)
        return False

    def _key(self, event: QKeyEvent) -> bool:
        starting = _is_start_key(event)
        if self.mode == "keys":
            if event.key() == Key.Key_Escape:
                self.cancel("Relation cancelled.")
            elif starting or (event.key() in (Key.Key_Return, Key.Key_Enter) and not event.modifiers() & ~Mod.KeypadModifier):
                self._tail_chosen(self.view.current)
            else:
                return False  # span keys, arrows: the view moves to the tail
            return True
        if starting:
            self.start_keys()
            return True
        return False

    def _press_event(self, event: QMouseEvent) -> bool:
        if event.button() != Qt.MouseButton.LeftButton or self.mode in ("keys", "picking"):
            return False
        point = event.position()
        if event.modifiers() & Mod.AltModifier and self.view.current is not None:
            under = self._span_at(point)
            if under is not None and under.id != self.view.current.id:  # Alt+click the tail
                self.head = self.view.current
                self._tail_chosen(under)
                return True
            return False  # Alt+drag: an exact (unsnapped) selection
        tag = self.view.tag_at(point)
        if tag is not None and not event.modifiers() & Mod.ShiftModifier:
            self.mode, self.head, self._press = "press", tag.span, point  # the view still picks the tag's span
        return False

    def _move_event(self, event: QMouseEvent) -> bool:
        if self.mode == "press" and (event.position() - self._press).manhattanLength() >= DRAG_DISTANCE:
            self.mode = "drag"
            self.say(f"Relation from “{self._name(self.head)}”: release on the tail span; Esc cancels.")
        if self.mode != "drag":
            return False
        under = self._span_at(event.position())
        self.layer.pending = (self.head, under if under is not None and under.id != self.head.id else event.position())
        self.view.viewport().update()
        return True

    def _release_event(self, event: QMouseEvent) -> bool:
        if self.mode == "press":
            self.mode = None
            return False
        if self.mode != "drag":
            return False
        under = self._span_at(event.position())
        if under is None or under.id == self.head.id:
            self.cancel("No relation: release the arrow on another span.")
        else:
            self._tail_chosen(under)
        return True

    def _current_changed(self, span: Span | None) -> None:
        if self.mode == "keys":
            self.layer.pending = (self.head, span if span is not None else self.head)
            self.view.viewport().update()

    # -- steps --------------------------------------------------------------------

    def start_keys(self) -> None:
        """Ctrl+R on the head span."""
        head = self.view.current
        if head is None:
            self.say("Put the caret on the span the relation starts from (] / [ go from span to span), then press Ctrl+R.")
            return
        self.head, self.mode = head, "keys"
        self.layer.pending = (head, head)
        self.view.viewport().update()
        self.say(f"Relation from “{self._name(head)}”: go to the tail span with ] / [ (or Tab), then Enter or Ctrl+R; Esc cancels.")

    def _tail_chosen(self, tail: Span | None) -> None:
        if tail is None or tail.id == self.head.id:
            self.say("Go to another span first (] / [), then Enter; Esc cancels.")
            return
        labels = self.labels()
        if not labels:
            self.cancel("No relation labels yet: add some in Edit > Labels… (Ctrl+L), tab Relations.")
            return
        self.mode = "picking"
        self.layer.pending = (self.head, tail)
        self.view.viewport().update()
        head = self.head
        self.picker = RelationPicker(labels, head.label, tail.label, self.view)
        self.picker.picked.connect(lambda name: self._picked(head, tail, name))
        self.picker.cancelled.connect(lambda: self.cancel("Relation cancelled."))
        self.say(f"“{self._name(head)}” → “{self._name(tail)}”: press the relation's key, or type to filter and Enter; Esc cancels.")
        self.picker.popup(self.view.viewport().mapToGlobal(self.view.point_of(tail.end) + QPoint(0, 12)))

    def _picked(self, head: Span, tail: Span, name: str) -> None:
        self._reset()
        self.create(head, tail, name)
        self.view.setFocus()

    def cancel(self, message: str = "") -> None:
        self._reset()
        if message:
            self.say(message)
        self.view.setFocus()

    def _reset(self) -> None:
        self.mode, self.layer.pending = None, None
        self.view.viewport().update()

    def _name(self, span: Span) -> str:
        return shown(self.text()[span.start : min(span.end, span.start + LABEL)], LABEL)

    def _span_at(self, point: QPointF) -> Span | None:
        spans = self.view.spans_at_point(point)
        return spans[0] if spans else None


def _is_start_key(event: QKeyEvent) -> bool:
    return QKeySequence(event.keyCombination()) == START_KEY
