"""The web service's use cases, with every collaborator injected (Cosmic Python's bootstrap).

Routes only parse requests and shape answers; this decides who may do what and does it.
"""
from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Protocol

import requests

from sync.errors import SchoolNotFound
from sync.store import Store, Workbook
from sync.web import tasks
from sync.web.auth import TokenVerifier, require_scheduler, require_staff
from sync.web.config import WebConfig
from sync.web.locks import SchoolLocks
from sync.web.schools import QUEUED, SchoolOutcome, SchoolRegistry, run_each
from sync.web.status import status_answer

SCHEDULER_TOKEN = "scheduler token"     # what require_scheduler calls a Cloud Scheduler (OIDC) caller
SCHEDULER_INLINE_SECONDS = 1200.0       # 20 minutes: inside Cloud Scheduler's 30-minute attempt deadline

OpenSchool = Callable[[str], Store]
"""Spreadsheet id of a school's `Tracker summary` -> its store."""


class Outcome(Protocol):
    """What a sync of one school returns (the job's SyncOutcome)."""

    def summary_line(self) -> str: ...

    def as_dict(self) -> dict: ...


RunSchool = Callable[..., Outcome]
"""Sync one school (the job's `run_sync(store, full=False)`): returns an outcome with `as_dict()`
and `summary_line()`. Scheduled runs pass `full=True`: the nightly sync reads every workbook, so an
edit the incremental check cannot see waits a day at most."""
RunReports = Callable[..., Sequence[object]]
"""Write a school's parent reports (`window=`, `class_name=`): returns what was written."""


@dataclass
class Tracker:
    """One per app: configuration, locks, registry and the injected ports."""

    config: WebConfig
    open_school: OpenSchool
    run_school: RunSchool
    run_reports: RunReports
    session: requests.Session
    clock: Callable[[], float] = time.monotonic
    today: Callable[[], date] = lambda: datetime.now(UTC).date()
    locks: SchoolLocks = field(default_factory=SchoolLocks)

    def __post_init__(self) -> None:
        self.registry = SchoolRegistry(self.config.schools)
        self.verifier = TokenVerifier(self.session)

    # --- the add-on's calls -------------------------------------------------------------------

    def verify_caller(self, authorization: str | None) -> Mapping[str, object]:
        """The claims of the caller's sign-in token (Unauthenticated when it proves nothing)."""
        return self.verifier.verify(authorization, self.config.oauth_audiences)

    def staff_school(self, authorization: str | None, spreadsheet_id: str,
                     roles: Sequence[str] = (), *,
                     claims: Mapping[str, object] | None = None) -> tuple[Store, Workbook]:
        """Prove the caller is staff of the school (token first, unless `claims` already came
        from it, then its Staff tab)."""
        if claims is None:
            claims = self.verify_caller(authorization)
        if spreadsheet_id not in self.registry:
            raise SchoolNotFound("This spreadsheet is not a school this service looks after.")
        store = self.open_school(spreadsheet_id)
        summary = store.read_summary()
        require_staff(summary, str(claims["email"]), roles)
        return store, summary

    def sync(self, spreadsheet_id: str, store: Store) -> dict[str, object]:
        """Sync one school now; `AlreadyRunning` while other work on it holds its lock."""
        with self.locks.hold(spreadsheet_id):
            outcome = self.run_school(store)
        self.registry.mark_finished(spreadsheet_id, self.clock())
        return {"message": outcome.summary_line(), "outcome": outcome.as_dict()}

    def status(self, spreadsheet_id: str, summary: Workbook, workbook: str) -> dict[str, object]:
        return status_answer(summary, running=self.locks.is_running(spreadsheet_id),
                             workbook=workbook)

    def reports(self, spreadsheet_id: str, store: Store, *, window: str | None,
                class_name: str | None) -> dict[str, object]:
        """Write parent reports, under the school's lock so they never read a half-done sync."""
        with self.locks.hold(spreadsheet_id):
            written = self.run_reports(store, window=window, class_name=class_name)
        count = len(written)
        return {"message": f"Wrote {count} parent report{'s' if count != 1 else ''}.",
                "reports": count}

    # --- the schedule's calls -----------------------------------------------------------------

    def check_scheduler(self, headers: Mapping[str, str]) -> str:
        return require_scheduler(headers, on_app_engine=self.config.on_app_engine,
                                 verifier=self.verifier,
                                 scheduler_email=self.config.scheduler_email,
                                 scheduler_audience=self.config.scheduler_audience)

    def sync_all(self, caller: str = "") -> list[SchoolOutcome]:
        """Every configured school in turn, or one Cloud Task each when a queue is configured
        (then the trigger returns in seconds and each task is one school, well inside Cloud
        Tasks' 30-minute dispatch deadline). Without a queue, a Cloud Scheduler trigger runs at
        most SCHEDULER_INLINE_SECONDS (its attempt deadline is 30 minutes at most); the schools
        left over go first at its retry."""
        queued = bool(self.config.tasks_queue)
        deadline = self.config.sync_deadline_seconds
        if caller == SCHEDULER_TOKEN and not queued:
            deadline = min(deadline, SCHEDULER_INLINE_SECONDS)
        return run_each(self.registry.in_run_order(),
                        self._enqueue if queued else self._sync_by_id,
                        registry=self.registry,
                        deadline_seconds=deadline,
                        budget_seconds=0.0 if queued else self.config.school_budget_seconds,
                        clock=self.clock, done_word=QUEUED if queued else "done")

    def _sync_by_id(self, spreadsheet_id: str) -> str:
        with self.locks.hold(spreadsheet_id):
            return self.run_school(self.open_school(spreadsheet_id), full=True).summary_line()

    def _enqueue(self, spreadsheet_id: str) -> str:
        config = self.config
        task = tasks.school_task(config.tasks_queue, spreadsheet_id,
                                 service_url=config.service_url,
                                 service_account=config.scheduler_email,
                                 audience=config.scheduler_audience, day=self.today())
        return tasks.enqueue(self.session, config.tasks_queue, task)

    def sync_one_task(self, spreadsheet_id: str) -> str:
        """A Cloud Task's work: sync one configured school (409 makes Cloud Tasks retry later)."""
        if spreadsheet_id not in self.registry:
            raise SchoolNotFound("This spreadsheet is not a school this service looks after.")
        return self._sync_by_id(spreadsheet_id)
