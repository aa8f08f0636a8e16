"""Small hand-written fakes shared by tests and benchmarks."""
from __future__ import annotations


class SimClock:
    """A monotonic clock whose seconds pass only when someone sleeps on it: the shared clock of
    the pacer, the retrier and the stand-in's quotas in simulated-time tests."""

    def __init__(self, start: float = 0.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += max(0.0, seconds)
