"""One piece of work per school at a time, within this process.

The lock holds across App Engine instances because the deployment sends all work to one
instance (`basic_scaling: max_instances: 1` in app.yaml) served by one gunicorn worker process
with threads: every trigger of a school meets the same `SchoolLocks`. docs/web-service.md says why.
"""
from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from sync.errors import AlreadyRunning


class SchoolLocks:
    """Non-blocking per-school locks: a second holder is refused at once, never queued."""

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._running: set[str] = set()

    @contextmanager
    def hold(self, school_id: str) -> Iterator[None]:
        """Hold the school's lock for the block; `AlreadyRunning` if someone else holds it."""
        with self._guard:
            if school_id in self._running:
                raise AlreadyRunning("A sync of this school is already running; "
                                     "try again when it has finished.")
            self._running.add(school_id)
        try:
            yield
        finally:
            with self._guard:
                self._running.discard(school_id)

    def is_running(self, school_id: str) -> bool:
        """Whether some work on the school holds its lock right now."""
        with self._guard:
            return school_id in self._running
