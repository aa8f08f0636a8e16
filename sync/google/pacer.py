"""Keep a sync under Google's per-user quota: 60 reads and 60 writes a minute.

A sliding-window log per kind: before a request, if `limit` requests of that kind were sent in the
last `window` seconds, wait until the oldest leaves the window (plus a small margin for clock skew
between us and Google). Large trusts slow down instead of running into 429s. One pacer should be
shared by every store of the same service account in a process (`shared_pacer`).
"""
from __future__ import annotations

import functools
import threading
import time
from collections import deque
from collections.abc import Callable

KINDS = ("read", "write")


class Pacer:
    """Blocks in `acquire(kind)` just long enough to stay within the quota."""

    def __init__(self, limit: int = 60, window: float = 60.0, margin: float = 0.5, *,
                 clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.limit, self.window, self.margin = limit, window, margin
        self.clock, self.sleep = clock, sleep
        self.sent: dict[str, deque[float]] = {kind: deque() for kind in KINDS}
        self.waited = 0.0
        self._locks = {kind: threading.Lock() for kind in KINDS}

    def acquire(self, kind: str) -> None:
        """Wait until one more `kind` request fits in the quota, then count it as sent now."""
        with self._locks[kind]:
            sent = self.sent[kind]
            if len(sent) >= self.limit:
                wait = sent[-self.limit] + self.window + self.margin - self.clock()
                if wait > 0:
                    self.waited += wait
                    self.sleep(wait)
            now = self.clock()
            sent.append(now)
            while sent and sent[0] <= now - self.window - self.margin:
                sent.popleft()


@functools.cache
def shared_pacer() -> Pacer:
    """The process's one pacer for the service account (the quota is per user, not per store)."""
    return Pacer()
