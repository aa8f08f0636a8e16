"""One sync of a school at a time across processes and machines: a lease on a Cloud Storage object.

Taking the lease creates `leases/<key>` only if it does not exist (`ifGenerationMatch=0`): Cloud
Storage lets exactly one of several contending creations succeed and answers the others 412. The
object holds who took it and until when. A lease whose holder died is not held forever: once its
time is past, the next taker replaces it on condition that its generation is still the one it read
(`ifGenerationMatch=N`), so of two takers of one expired lease exactly one wins too. Releasing
deletes the object on the same condition, so a holder that overran its time never deletes the
lease someone else has since taken.

The lease's time (`seconds`) must outlast the work it guards: a school's task is bounded well inside
it (docs/web-service.md). The clock is injected, so tests move it rather than wait.
"""
from __future__ import annotations

import json
import logging
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sync.errors import AlreadyRunning
from sync.google.storage import Bucket, PreconditionFailed

log = logging.getLogger(__name__)
LEASE_SECONDS = 45 * 60.0
"""Longer than any one school's work: a Cloud Task's dispatch deadline is 30 minutes at most."""
PREFIX = "leases/"
LEASE_TYPE = "text/plain"   # JSON text; the emulator misreads an upload sent as application/json
BUSY = "A sync of this school is already running; try again when it has finished."


class Lease:
    """A lease named `key` in `bucket`; `hold()` holds it for a block."""

    def __init__(self, bucket: Bucket, key: str, *, seconds: float = LEASE_SECONDS,
                 clock: Callable[[], float] = time.time, holder: str | None = None) -> None:
        self.bucket, self.name, self.seconds, self.clock = bucket, PREFIX + key, seconds, clock
        self.holder = holder or uuid.uuid4().hex
        self.generation: int | None = None

    def _body(self) -> bytes:
        return json.dumps({"holder": self.holder, "expires": self.clock() + self.seconds}).encode()

    def take(self) -> bool:
        """Take the lease; False when someone holds it and its time is not past."""
        if self._create():
            return True
        current = self.bucket.get(self.name)
        if current is None:        # released between our two calls: try once more
            return self._create()
        if _expires(current.data) > self.clock():
            return False
        try:                       # expired: replace it only if nobody replaced it first
            self.generation = self.bucket.put(self.name, self._body(),
                                              if_generation_match=current.generation,
                                              content_type=LEASE_TYPE).generation
        except PreconditionFailed:
            return False
        log.warning("took over an expired lease %s", self.name)
        return True

    def _create(self) -> bool:
        """Create the lease, holding it; False when it exists already."""
        try:
            self.generation = self.bucket.put(self.name, self._body(), if_generation_match=0,
                                              content_type=LEASE_TYPE).generation
            return True
        except PreconditionFailed:
            return False

    def release(self) -> None:
        """Give the lease back, unless it expired and someone else holds it now."""
        if self.generation is None:
            return
        try:
            self.bucket.delete(self.name, if_generation_match=self.generation)
        except PreconditionFailed:
            log.warning("lease %s was taken over after it expired", self.name)
        self.generation = None

    @contextmanager
    def hold(self) -> Iterator[None]:
        """Hold the lease for the block; `AlreadyRunning` at once when someone else holds it."""
        if not self.take():
            raise AlreadyRunning(BUSY)
        try:
            yield
        finally:
            self.release()


def _expires(data: bytes) -> float:
    """When the lease in `data` runs out; an unreadable lease counts as expired."""
    try:
        return float(json.loads(data)["expires"])
    except (ValueError, KeyError, TypeError):
        return 0.0
