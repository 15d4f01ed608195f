"""The self-test's checks, shared by its headless steps (annotator.selftest) and its window
steps (annotator.gui.selftest_steps).

Both import this module; neither imports the other for it, so the only edge between them
stays the self-test's one lazy entry into the window (annotator.selftest.open_window).
"""

from __future__ import annotations

from annotator.core.model import Source, Span, State


class SelfTestError(RuntimeError):
    """A check failed: the message says what was expected and what was found."""


def check(condition: bool, message: str) -> None:
    if not condition:
        raise SelfTestError(message)


def expect_tagged(spans: list[Span], start: int, end: int, label: str) -> Span:
    """The accepted human span at [start, end) with ``label``; shared with the GUI steps."""
    found = [s for s in spans if (s.start, s.end, s.label, s.source, s.state) == (start, end, label, Source.HUMAN, State.ACCEPTED)]
    check(len(found) == 1, f"expected one accepted human {label} span at {start}-{end}, found {len(found)}")
    return found[0]
