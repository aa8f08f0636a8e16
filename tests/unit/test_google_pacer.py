"""The pacer on a simulated clock: at most 60 reads and 60 writes in any minute, and a 200-workbook
trust finishes within 10% of the time the quota itself imposes."""
from __future__ import annotations

from sync.google.pacer import Pacer
from tests.fakes import SimClock


def busiest_minute(times: list[float], window: float = 60.0) -> int:
    return max(sum(1 for other in times if start <= other < start + window) for start in times)


def test_the_61st_read_waits_for_the_first_to_leave_the_minute():
    clock = SimClock()
    pacer = Pacer(limit=60, window=60, margin=0.5, clock=clock, sleep=clock.sleep)
    for _ in range(60):
        pacer.acquire("read")
    assert clock.now == 0
    pacer.acquire("read")
    assert clock.now == 60.5


def test_reads_do_not_hold_up_writes():
    clock = SimClock()
    pacer = Pacer(clock=clock, sleep=clock.sleep)
    for _ in range(60):
        pacer.acquire("read")
    pacer.acquire("write")
    assert clock.now == 0


def test_a_200_workbook_trust_finishes_within_ten_percent_of_the_quota_time():
    clock = SimClock()
    pacer = Pacer(clock=clock, sleep=clock.sleep)
    log: dict[str, list[float]] = {"read": [], "write": []}

    def request(kind: str) -> None:
        pacer.acquire(kind)
        log[kind].append(clock.now)
        clock.now += 0.05                      # the request itself

    request("read")                            # the Drive listing
    request("read")                            # Tracker summary
    for _ in range(200):
        request("read")
        request("write")
    request("write")                           # Tracker summary's owned tabs
    # 202 reads at 60 a minute: the 202nd can start no earlier than minute 3 (180 s); 201 writes too
    quota_time = 180
    assert quota_time <= clock.now <= 1.1 * quota_time
    assert busiest_minute(log["read"]) <= 60 and busiest_minute(log["write"]) <= 60
