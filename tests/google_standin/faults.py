"""Fault injection by schedule: the failures Google's API really shows, at chosen requests.

    standin.faults.add("429", at=3, retry_after=2)          # the 3rd API request
    standin.faults.add("drop", when=lambda r: r.kind == "write")   # every write, once
    standin.faults.add("slow", at=5, delay=2.0)             # answers after 2 s
    standin.faults.add("lost", when=is_upload)              # does it, then drops the connection

"drop" hangs up before doing anything; "lost" does what was asked and hangs up instead of
answering, as when Google's answer is lost on the way (the client cannot tell the two apart).
"""
from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field

KINDS = ("429", "500", "503", "403", "drop", "lost", "slow")


@dataclass(frozen=True)
class RequestInfo:
    number: int        # 1-based count of API requests the stand-in has seen
    method: str
    path: str          # "/sheets.googleapis.com/v4/spreadsheets/ID" (no query)
    kind: str          # "read" | "write"
    email: str


@dataclass
class Fault:
    kind: str
    at: int | None = None
    when: Callable[[RequestInfo], bool] | None = None
    times: int = 1                 # how many matching requests it hits (0 = every one)
    retry_after: float | None = None
    delay: float = 0.0
    hits: int = 0

    def matches(self, request: RequestInfo) -> bool:
        if self.times and self.hits >= self.times:
            return False
        if self.at is not None and request.number != self.at:
            return False
        return self.when is None or self.when(request)


@dataclass
class Faults:
    schedule: list[Fault] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, *, at: int | None = None,
            when: Callable[[RequestInfo], bool] | None = None, times: int = 1,
            retry_after: float | None = None, delay: float = 0.0) -> Fault:
        if kind not in KINDS:
            raise ValueError(f"fault kind must be one of {KINDS}, not {kind!r}")
        fault = Fault(kind, at, when, times, retry_after, delay)
        with self.lock:
            self.schedule.append(fault)
        return fault

    def clear(self) -> None:
        with self.lock:
            self.schedule.clear()

    def pick(self, request: RequestInfo) -> Fault | None:
        """The first scheduled fault for this request, counted as used."""
        with self.lock:
            for fault in self.schedule:
                if fault.matches(request):
                    fault.hits += 1
                    return fault
        return None
