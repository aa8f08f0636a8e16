"""The Google-mode sync of a small school under many seeded fault schedules (the team's quality bars,
Reliability: "Outputs are never half-written").

Each schedule puts 429s (some with Retry-After), 500s, 503s, non-retryable 403s, dropped connections,
lost answers (Google does the request, then the connection drops) and slow answers (some later than
the read timeout, so Google applies a write whose answer we never saw) at random request numbers. For every schedule:
- the run ends complete, or with a TrackerError whose exit code is 1 (never anything else);
- every spreadsheet is cell for cell as before the run, or as a fault-free run leaves it;
- every tab people made is unchanged;
- a following fault-free run leaves every spreadsheet as a run that never failed does.
The Sync log (finish times, request counts) and Sync state's Drive times differ on every run and
are left out of the comparisons.
"""
from __future__ import annotations

import json
import random
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from click.testing import CliRunner

from sync.cli import cli
from sync.errors import TrackerError
from sync.google.retry import RetryPolicy
from sync.job import run_sync
from tests.google_standin import StandIn
from tests.integration.standin_school import (
    ServedSchool,
    Snapshot,
    comparable,
    credentials,
    serve_school,
    snapshot,
    store_on_fake_clock,
)

NOW = datetime(2026, 11, 20, 16, 0, tzinfo=UTC)
READ_TIMEOUT = 2.0                 # a loaded machine answers a summary write in well under this
# Three failed tries of one request use up the budget: waits of 0.5-1 s, then 1-2 s, then 2-4 s
# would pass the 6 s bound (on the fake clock), so long runs of faults end the sync.
POLICY = RetryPolicy(first_delay=1.0, max_delay=4.0, give_up_after=6.0, timeout=(2.0, READ_TIMEOUT))
FAULT_FREE = RetryPolicy(timeout=(10.0, 60.0))   # no timeout of its own on a busy machine
LATE = READ_TIMEOUT + 0.2          # a slow answer that arrives after we stopped waiting
KINDS = ("429", "500", "503", "403", "drop", "lost", "slow")
WEIGHTS = (3, 2, 1, 1, 2, 2, 1)
REQUESTS_PER_SYNC = 7              # summary, listing, two workbooks read, two written, summary written
DEFAULT_SCHEDULES = 24
SWEEP_SCHEDULES = 200


@dataclass(frozen=True)
class PlannedFault:
    kind: str
    at: int
    retry_after: float | None = None
    delay: float = 0.0


def fault_schedule(seed: int) -> list[PlannedFault]:
    """One to four faults, each hitting one to three consecutive requests (a retry is the next
    request), anywhere in a sync's requests or their retries."""
    rng = random.Random(seed)
    planned = []
    for _ in range(rng.randint(1, 4)):
        kind = rng.choices(KINDS, WEIGHTS)[0]
        retry_after = float(rng.randint(0, 4)) if kind == "429" and rng.random() < 0.5 else None
        delay = rng.choice([0.05, 0.05, LATE]) if kind == "slow" else 0.0
        first = rng.randint(1, REQUESTS_PER_SYNC + 3)
        planned += [PlannedFault(kind, first + k, retry_after, delay) for k in range(rng.choice([1, 1, 2, 3]))]
    return planned


@dataclass
class Sweep:
    school: ServedSchool
    creds: object
    before: Snapshot
    final: Snapshot
    outcomes: Counter


@pytest.fixture(scope="module")
def sweep(tmp_path_factory) -> Iterator[Sweep]:
    """The school in a stand-in, its cells before any sync and after one fault-free sync."""
    with StandIn() as google:
        school = serve_school(google, tmp_path_factory.mktemp("school"))
        creds = credentials(google)
        before = snapshot(google)
        store, _ = store_on_fake_clock(school, creds, FAULT_FREE)
        assert run_sync(store, now=NOW).outcome == "complete"
        yield Sweep(school, creds, before, snapshot(google), Counter())
        assert google.schema_errors == []


def assert_as_before_or_wholly_new(sweep: Sweep, after: Snapshot, seed: int) -> None:
    for book_id, tabs in after.items():
        people = sweep.before[book_id]            # loaded before any sync: every tab is a person's
        assert {title: tabs.get(title) for title in people} == people, f"seed {seed}: people's tabs changed"
        assert comparable(tabs) in (comparable(sweep.before[book_id]), comparable(sweep.final[book_id])), \
            f"seed {seed}: a spreadsheet is neither as before nor wholly new"


def assert_as_if_never_failed(sweep: Sweep, after: Snapshot, seed: int) -> None:
    assert {book_id: comparable(tabs) for book_id, tabs in after.items()} == \
        {book_id: comparable(tabs) for book_id, tabs in sweep.final.items()}, f"seed {seed}"


def run_schedule(sweep: Sweep, seed: int) -> str:
    """One faulty sync and the fault-free sync after it, checked; returns how the faulty one ended."""
    google = sweep.school.google
    sweep.school.reset()
    planned = fault_schedule(seed)
    for fault in planned:
        google.faults.add(fault.kind, at=fault.at, retry_after=fault.retry_after, delay=fault.delay)
    store, _ = store_on_fake_clock(sweep.school, sweep.creds, POLICY, seed)
    try:
        run_sync(store, now=NOW)
        outcome = "complete"
    except TrackerError as error:
        assert error.exit_code == 1, f"seed {seed}: {type(error).__name__}"
        outcome = f"failed cleanly ({type(error).__name__})"
    if any(fault.kind == "slow" and fault.delay >= LATE for fault in google.faults.schedule if fault.hits):
        time.sleep(LATE)               # let Google finish the answer we gave up on
    after = snapshot(google)
    assert_as_before_or_wholly_new(sweep, after, seed)
    if outcome == "complete":
        assert_as_if_never_failed(sweep, after, seed)
    google.faults.clear()
    store, _ = store_on_fake_clock(sweep.school, sweep.creds, FAULT_FREE, seed)
    assert run_sync(store, now=NOW).outcome in ("complete", "no changes")
    assert_as_if_never_failed(sweep, snapshot(google), seed)
    return outcome


def report(outcomes: Counter, label: str) -> None:
    complete = outcomes["complete"]
    line = {"schedules": sum(outcomes.values()), "complete": complete,
            "failed_cleanly": sum(outcomes.values()) - complete, "by_outcome": dict(sorted(outcomes.items()))}
    print(f"\nFAULT-SWEEP {label} {json.dumps(line)}")


def test_the_reference_sync_wrote_every_owned_tab_and_a_second_fault_free_run_agrees(sweep: Sweep) -> None:
    """The comparison means something: the fault-free run wrote outputs, and is repeatable."""
    written = {title for tabs in sweep.final.values() for title in tabs} - \
        {title for tabs in sweep.before.values() for title in tabs}
    assert {"Class summary", "Problems", "Summary", "History", "Sync state", "Sync log"} <= written
    sweep.school.reset()
    store, _ = store_on_fake_clock(sweep.school, sweep.creds, FAULT_FREE)
    run_sync(store, now=NOW)
    assert_as_if_never_failed(sweep, snapshot(sweep.school.google), seed=-1)


def test_a_few_dozen_fault_schedules_end_complete_or_cleanly_and_leave_no_half_written_spreadsheet(
        sweep: Sweep) -> None:
    outcomes = Counter(run_schedule(sweep, seed) for seed in range(DEFAULT_SCHEDULES))
    report(outcomes, "default")
    assert outcomes["complete"] and sum(outcomes.values()) > outcomes["complete"]   # both paths taken


@pytest.mark.slow
def test_two_hundred_fault_schedules(sweep: Sweep) -> None:
    seeds = range(1000, 1000 + SWEEP_SCHEDULES)
    outcomes = Counter(run_schedule(sweep, seed) for seed in seeds)
    report(outcomes, "slow")
    assert sum(outcomes.values()) == SWEEP_SCHEDULES


def test_a_write_google_refuses_ends_the_command_line_run_with_exit_1_and_one_sentence(
        sweep: Sweep, monkeypatch) -> None:
    """A 403 is not retried: the CLI prints one sentence naming the service account, exit 1."""
    google = sweep.school.google
    sweep.school.reset()
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(google.key_file))
    monkeypatch.setenv("TRACKER_GOOGLE_API_ROOT", google.api_root)
    google.faults.add("403", when=lambda request: request.kind == "write")
    result = CliRunner().invoke(cli, ["run", "--google", sweep.school.summary_id])
    assert result.exit_code == 1
    assert "Error: Google refused access while writing" in result.output
    assert "Traceback" not in result.output
    assert snapshot(google) == sweep.before          # the first write was refused: nothing changed
