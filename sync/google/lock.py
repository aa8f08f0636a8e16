"""A best-effort lock for one school's Google sync.

An exclusive lock (`sync.file_lock`) on a file named after the spreadsheet id in the temporary
folder. It stops two syncs of the same school in one machine (threads of the web service, or a CLI
run beside it), and the operating system releases it if the process dies. It cannot see another machine or another App Engine
instance: keep the service at one instance (app.yaml `max_instances: 1`) for the add-on's triggers.
If two syncs do overlap, each output is still one atomic batchUpdate, so the worst case is double work
and the later write wins. A Google-side lock would cost extra requests on every run.
"""
from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager

from sync.errors import AlreadyRunning
from sync.file_lock import lock_without_waiting, unlock


@contextmanager
def school_lock(spreadsheet_id: str, folder: str | None = None) -> Iterator[None]:
    """Hold the lock for the school whose `Tracker summary` is `spreadsheet_id`."""
    name = hashlib.sha256(spreadsheet_id.encode("utf-8")).hexdigest()[:16]
    path = os.path.join(folder or tempfile.gettempdir(), f"tracker-sync-{name}.lock")
    with open(path, "a+") as handle:
        if not lock_without_waiting(handle):
            raise AlreadyRunning("A sync of this school is already running; try again when it ends.")
        try:
            yield
        finally:
            unlock(handle)
