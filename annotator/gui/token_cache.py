"""Token boundaries per document, computed off the UI thread.

spaCy's import costs ~0.7 s, so the window never waits for it to show: tokens of
the open document are prepared in a worker thread and a caller that needs them
before they are ready waits for that one result.

A long text is not tokenized whole: spaCy's tokenizer runs at about 1 M characters a
second and holds the GIL throughout (a 100 MB article would freeze the window for a
minute and hold gigabytes of tokens). ``WindowedTokens`` tokenizes the stretch of
``WINDOW`` characters around the place asked about, on demand, cut at spaces (spaCy
never makes a token across a space, so the boundaries are the same).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import OrderedDict
from concurrent.futures import Future, ThreadPoolExecutor

from annotator.nlp.tokens import Tokens

WHOLE_UP_TO = 2_000_000  # characters: longer texts are tokenized window by window
WINDOW = 32_768
KEEP_WINDOWS = 16


class WindowedTokens:
    """The ``Tokens`` interface the article view uses (snap, next/previous boundary) over
    windows of a long text, each tokenized the first time it is needed."""

    def __init__(self, text: str, window: int = WINDOW) -> None:
        self.text, self.window = text, window
        self._tokens: OrderedDict[int, tuple[list[int], list[int]]] = OrderedDict()

    def _cut(self, number: int) -> int:
        """Where window ``number`` starts: the first space at or after its nominal start."""
        nominal = number * self.window
        if nominal <= 0:
            return 0
        if nominal >= len(self.text):
            return len(self.text)
        space = self.text.find(" ", nominal, nominal + self.window)
        return nominal if space < 0 else space

    def _windows(self) -> int:
        return max(1, -(-len(self.text) // self.window))

    def _in(self, number: int) -> tuple[list[int], list[int]]:
        """Token starts and ends (code points of the whole text) of window ``number``."""
        found = self._tokens.get(number)
        if found is None:
            low, high = self._cut(number), self._cut(number + 1)
            tokens = Tokens.of(self.text[low:high])
            found = self._tokens[number] = ([low + s for s in tokens.starts], [low + e for e in tokens.ends])
            while len(self._tokens) > KEEP_WINDOWS:
                self._tokens.popitem(last=False)
        else:
            self._tokens.move_to_end(number)
        return found

    def _number(self, pos: int) -> int:
        number = min(max(pos, 0) // self.window, self._windows() - 1)
        while number > 0 and self._cut(number) > pos:
            number -= 1
        return number

    def _first_ending_after(self, pos: int) -> tuple[int, int] | None:
        for number in range(self._number(pos), self._windows()):
            starts, ends = self._in(number)
            i = bisect_right(ends, pos)
            if i < len(ends):
                return starts[i], ends[i]
        return None

    def _last_starting_before(self, pos: int) -> tuple[int, int] | None:
        for number in range(self._number(max(pos - 1, 0)), -1, -1):
            starts, ends = self._in(number)
            i = bisect_left(starts, pos) - 1
            if i >= 0:
                return starts[i], ends[i]
        return None

    def snap(self, start: int, end: int) -> tuple[int, int]:
        """Grow ``[start, end)`` to whole tokens; a selection of only spaces stays as is."""
        first, last = self._first_ending_after(start), self._last_starting_before(end)
        if first is None or last is None or first[0] > last[0]:
            return start, end
        return min(start, first[0]), max(end, last[1])

    def next_boundary(self, pos: int) -> int:
        found = self._first_ending_after(pos)
        return found[1] if found else pos

    def previous_boundary(self, pos: int) -> int:
        found = self._last_starting_before(pos)
        return found[0] if found else pos


def tokens_of(text: str) -> Tokens | WindowedTokens:
    return Tokens.of(text) if len(text) <= WHOLE_UP_TO else WindowedTokens(text)


class TokenCache:
    def __init__(self, keep: int = 8) -> None:
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="tokens")
        self._futures: dict[int, Future[Tokens | WindowedTokens]] = {}
        self._keep = keep
        self._closed = False

    def prefetch(self, doc_id: int, text: str) -> None:
        if self._closed:  # a prefetch queued just before the window closed
            return
        if doc_id not in self._futures:
            self._futures[doc_id] = self._pool.submit(tokens_of, text)
            while len(self._futures) > self._keep:
                self._futures.pop(next(iter(self._futures)))

    def get(self, doc_id: int, text: str) -> Tokens | WindowedTokens:
        if self._closed:
            return tokens_of(text)
        self.prefetch(doc_id, text)
        return self._futures[doc_id].result()

    def close(self) -> None:
        self._closed = True
        self._pool.shutdown(wait=False, cancel_futures=True)
