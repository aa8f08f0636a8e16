"""The school lease (sync/lease.py) against the Cloud Storage emulator, with processes contending.

Several processes wait at one barrier, then each tries to take the same lease: exactly one holds
it. A lease past its time is taken over by exactly one of several contenders; a holder that
overran never deletes the lease its successor took. Clocks are injected (fixed numbers), nothing
sleeps on a real clock.
"""
from __future__ import annotations

import multiprocessing
from collections.abc import Iterator

import pytest
import requests

from sync.errors import AlreadyRunning
from sync.google.storage import Bucket
from sync.lease import Lease
from tests.gcs_emulator import running_emulator

BUCKET = "tracker-leases"
CONTENDERS = 6
T0 = 1_800_000_000.0


@pytest.fixture(scope="module")
def emulator() -> Iterator[str]:
    with running_emulator(BUCKET) as root:
        yield root


def bucket(root: str) -> Bucket:
    return Bucket(BUCKET, requests.Session(), root=root)


def _contend(root: str, key: str, now: float, holder: str, barrier, results) -> None:
    """One contender (a process of its own): wait for the others, then try to take the lease."""
    lease = Lease(bucket(root), key, seconds=600, clock=lambda: now, holder=holder)
    barrier.wait(timeout=60)
    try:
        results.put((holder, lease.take()))
    except Exception as error:   # reported, not lost in a child process
        results.put((holder, f"{error!r} caused by {error.__cause__!r}"))


def contend(root: str, key: str, now: float, count: int = CONTENDERS) -> dict[str, bool]:
    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(count), context.Queue()
    processes = [context.Process(target=_contend, args=(root, key, now, f"p{i}", barrier, results))
                 for i in range(count)]
    for process in processes:
        process.start()
    outcome = dict(results.get(timeout=120) for _ in processes)
    for process in processes:
        process.join(timeout=60)
    assert all(isinstance(won, bool) for won in outcome.values()), outcome
    return outcome


def holder_of(root: str, key: str) -> str:
    import json

    stored = bucket(root).get(f"leases/{key}")
    return "" if stored is None else json.loads(stored.data)["holder"]


def test_exactly_one_of_several_processes_holds_the_lease(emulator: str) -> None:
    outcome = contend(emulator, "school-a", T0)
    winners = [holder for holder, won in outcome.items() if won]
    assert len(outcome) == CONTENDERS
    assert len(winners) == 1
    assert holder_of(emulator, "school-a") == winners[0]


def test_an_expired_lease_is_taken_over_by_exactly_one_process(emulator: str) -> None:
    first = Lease(bucket(emulator), "school-b", seconds=600, clock=lambda: T0, holder="crashed")
    assert first.take()          # ... and its process dies without releasing
    outcome = contend(emulator, "school-b", T0 + 599)
    assert not any(outcome.values())          # not past its time: nobody takes it
    outcome = contend(emulator, "school-b", T0 + 601)
    winners = [holder for holder, won in outcome.items() if won]
    assert len(winners) == 1
    assert holder_of(emulator, "school-b") == winners[0]
    first.release()              # the overrunning holder comes back: it must not free the new lease
    assert holder_of(emulator, "school-b") == winners[0]


def test_a_released_lease_is_free_and_hold_refuses_a_second_holder(emulator: str) -> None:
    one = Lease(bucket(emulator), "school-c", clock=lambda: T0, holder="one")
    two = Lease(bucket(emulator), "school-c", clock=lambda: T0, holder="two")
    with one.hold():
        with pytest.raises(AlreadyRunning):
            with two.hold():
                pass
        assert holder_of(emulator, "school-c") == "one"
    assert holder_of(emulator, "school-c") == ""
    with two.hold():
        assert holder_of(emulator, "school-c") == "two"


def test_an_unreadable_lease_counts_as_expired(emulator: str) -> None:
    bucket(emulator).put("leases/school-d", b"not json")
    assert Lease(bucket(emulator), "school-d", clock=lambda: T0, holder="new").take()
    assert holder_of(emulator, "school-d") == "new"


def test_the_published_emulator_ignores_preconditions() -> None:
    """Why tests/gcs_emulator.py adds them: without, two creations both 'succeed'. When a new
    release of the emulator honours ifGenerationMatch, this fails and the shim can go."""
    with running_emulator(BUCKET, preconditions=False) as root:
        store = bucket(root)
        store.put("leases/x", b"1", if_generation_match=0)
        store.put("leases/x", b"2", if_generation_match=0)   # Google: 412
        assert store.get("leases/x").data == b"2"
