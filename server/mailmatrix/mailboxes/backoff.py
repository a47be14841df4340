"""Mailboxes Microsoft asked us to leave alone for a while (Graph's 429 with Retry-After):
until then the panel shows stored data without calling Graph again.

Per process: a throttled mailbox is asked again by each process at most once per wait, which
is the point of honouring Retry-After (a shared Redis counter would save only that one call).
"""

from __future__ import annotations

import threading
import time

from cachetools import TTLCache

MAX_WAIT = 300.0  # seconds: a longer Retry-After is cut, so a mailbox is tried again


class GraphBackoff:
    def __init__(self, mailboxes: int = 10_000) -> None:
        self._until: TTLCache[str, float] = TTLCache(mailboxes, MAX_WAIT)
        self._lock = threading.Lock()

    def waiting(self, mailbox: str) -> float:
        """Seconds still to wait before asking Graph about ``mailbox`` (0: go ahead)."""
        with self._lock:
            until = self._until.get(mailbox, 0.0)
        return max(0.0, until - time.monotonic())

    def back_off(self, mailbox: str, seconds: float) -> None:
        with self._lock:
            self._until[mailbox] = time.monotonic() + min(max(seconds, 1.0), MAX_WAIT)
