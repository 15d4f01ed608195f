"""Token boundaries per document, computed off the UI thread.

spaCy's import costs ~0.7 s, so the window never waits for it to show: tokens of
the open document are prepared in a worker thread and a caller that needs them
before they are ready waits for that one result.
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor

from annotator.nlp.tokens import Tokens


class TokenCache:
    def __init__(self, keep: int = 8) -> None:
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="tokens")
        self._futures: dict[int, Future[Tokens]] = {}
        self._keep = keep
        self._closed = False

    def prefetch(self, doc_id: int, text: str) -> None:
        if self._closed:  # a prefetch queued just before the window closed
            return
        if doc_id not in self._futures:
            self._futures[doc_id] = self._pool.submit(Tokens.of, text)
            while len(self._futures) > self._keep:
                self._futures.pop(next(iter(self._futures)))

    def get(self, doc_id: int, text: str) -> Tokens:
        if self._closed:
            return Tokens.of(text)
        self.prefetch(doc_id, text)
        return self._futures[doc_id].result()

    def close(self) -> None:
        self._closed = True
        self._pool.shutdown(wait=False, cancel_futures=True)
