"""Per-user read and write quotas of the Sheets API (60 a minute each by default), off by default.

The clock is injectable so tests can move time instead of waiting for it.
"""
from __future__ import annotations

import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Quotas:
    enabled: bool = False
    reads_per_minute: int = 60
    writes_per_minute: int = 60
    clock: Callable[[], float] = time.monotonic
    used: dict[tuple[str, str], deque[float]] = field(default_factory=lambda: defaultdict(deque))
    lock: threading.Lock = field(default_factory=threading.Lock)

    def switch_on(self, reads: int = 60, writes: int = 60,
                  clock: Callable[[], float] | None = None) -> None:
        self.enabled, self.reads_per_minute, self.writes_per_minute = True, reads, writes
        if clock is not None:
            self.clock = clock

    def take(self, email: str, kind: str) -> bool:
        """Count one request; False when it is over the user's limit for the last 60 s."""
        if not self.enabled:
            return True
        limit = self.reads_per_minute if kind == "read" else self.writes_per_minute
        now = self.clock()
        with self.lock:
            window = self.used[(email, kind)]
            while window and window[0] <= now - 60:
                window.popleft()
            if len(window) >= limit:
                return False
            window.append(now)
            return True


def exceeded_body(kind: str, project: str = "standin-project") -> dict[str, object]:
    """Google's 429 body for a per-user-per-minute quota."""
    metric = "Read requests" if kind == "read" else "Write requests"
    quota = f"{metric} per minute per user"
    return {"error": {
        "code": 429,
        "message": f"Quota exceeded for quota metric '{metric}' and limit '{quota}' of service "
                   f"'sheets.googleapis.com' for consumer 'project_number:{project}'.",
        "status": "RESOURCE_EXHAUSTED",
        "details": [{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "RATE_LIMIT_EXCEEDED",
                     "domain": "googleapis.com",
                     "metadata": {"service": "sheets.googleapis.com", "quota_limit_value": "60",
                                  "quota_location": "global", "consumer": f"projects/{project}",
                                  "quota_metric": f"sheets.googleapis.com/{kind}_requests",
                                  "quota_limit": f"{kind.capitalize()}RequestsPerMinutePerUser"}}]}}
