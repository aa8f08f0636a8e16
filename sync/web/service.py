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
from sync.web.auth import Forbidden, NotConfigured, TokenVerifier, require_scheduler, require_staff
from sync.web.config import WebConfig
from sync.web.locks import SchoolLocks
from sync.web.schools import QUEUED, SchoolOutcome, SchoolRegistry, run_each
from sync.web.status import status_answer
from sync.web.tasks import enqueue, school_task, trust_task


def _run_trust(trust_id: str, *, waiting_since: str | None) -> TrustLine:
    from sync.trust import run_trust_google

    return run_trust_google(trust_id, waiting_since=waiting_since)

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
class TrustLine(Protocol):
    """What writing a trust's summary returns (sync.trust.TrustOutcome)."""

    def summary_line(self) -> str: ...


RunTrust = Callable[..., TrustLine]
"""Write a trust's Trust summary (`sync.trust.run_trust_google(trust_id, waiting_since=...)`):
returns an outcome with `summary_line()`; raises AlreadyRunning while schools are still to sync."""
TRUST_WAITS = 6
"""Tries of a trust's task that wait for schools not yet synced tonight; the next try writes the
Trust summary anyway, those schools shown as missing (and counted again the next night)."""
RunReports = Callable[..., Sequence[object]]
"""Write a school's parent reports (`window=`, `class_name=`): returns what was written."""
RunNewYear = Callable[..., Sequence[str]]
"""Roll a school into next year (`sync.year.new_year.new_year(store, dry_run=...)`): the lines it
says (counts and class names, never a pupil's)."""


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
    run_trust: RunTrust | None = None
    run_new_year: RunNewYear | None = None
    now: Callable[[], datetime] = lambda: datetime.now(UTC)

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
        """Write parent reports, under the school's lock (this instance's, then the school's lease
        across instances) so they never read a half-done sync."""
        with self.locks.hold(spreadsheet_id), store.lock():
            written = self.run_reports(store, window=window, class_name=class_name)
        count = len(written)
        return {"message": f"Wrote {count} parent report{'s' if count != 1 else ''}.",
                "reports": count}

    def new_year(self, spreadsheet_id: str, store: Store, *, dry_run: bool) -> dict[str, object]:
        """Draft next year's classes, or create next year's class spreadsheets from the draft
        (what `python -m sync new-year --google` does), under this instance's lock for the school
        (the command takes the school's own lock too)."""
        if self.run_new_year is None:
            raise NotConfigured("This service cannot roll a school into next year.")
        with self.locks.hold(spreadsheet_id):
            lines = list(self.run_new_year(store, dry_run=dry_run))
        return {"message": "\n".join(lines), "lines": lines}

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
        night = self.now()
        schools = run_each(self.registry.in_run_order(),
                        self._enqueue if queued else self._sync_by_id,
                        registry=self.registry,
                        deadline_seconds=deadline,
                        budget_seconds=0.0 if queued else self.config.school_budget_seconds,
                        clock=self.clock, done_word=QUEUED if queued else "done")
        if not queued or not self.config.trusts:
            return schools
        trusts = run_each(list(self.config.trusts), lambda trust: self._enqueue_trust(trust, night),
                          registry=SchoolRegistry(self.config.trusts), deadline_seconds=deadline,
                          budget_seconds=0.0, clock=self.clock, done_word=QUEUED)
        return schools + trusts

    def _enqueue_trust(self, trust_id: str, night: datetime) -> str:
        config = self.config
        task = trust_task(config.tasks_queue, trust_id, service_url=config.service_url,
                                service_account=config.scheduler_email,
                                audience=config.scheduler_audience, now=night)
        return enqueue(self.session, config.tasks_queue, task)

    def trust_now(self, claims: Mapping[str, object], trust_id: str) -> dict[str, object]:
        """A trust leader's button: the Trust summary now. Only a trust-level role in the trust's
        own Staff tab may; a school's staff are not staff of the trust."""
        from sync.trust import trust_role, trust_settings

        if trust_id not in self.config.trusts:
            raise SchoolNotFound("This spreadsheet is not a trust this service looks after.")
        settings = trust_settings(self.open_school(trust_id).read_summary())
        if trust_role(settings, str(claims["email"])) is None:
            raise Forbidden("Your email address is not in this trust's Staff tab as Trust leader or "
                            "Trust admin; ask the trust to add it.")
        with self.locks.hold(trust_id):
            outcome = (self.run_trust or _run_trust)(trust_id, waiting_since=None)
        return {"message": outcome.summary_line()}

    def trust_from_task(self, trust_id: str, since: str, tries: int) -> str:
        """A trust's task: its Trust summary, once its schools have synced since `since` (409
        before, so Cloud Tasks tries again later), or anyway after TRUST_WAITS tries."""
        if trust_id not in self.config.trusts:
            raise SchoolNotFound("This spreadsheet is not a trust this service looks after.")
        run = self.run_trust or _run_trust
        waiting = since if tries < TRUST_WAITS else None
        return run(trust_id, waiting_since=waiting).summary_line()

    def _sync_by_id(self, spreadsheet_id: str) -> str:
        with self.locks.hold(spreadsheet_id):
            return self.run_school(self.open_school(spreadsheet_id), full=True).summary_line()

    def _enqueue(self, spreadsheet_id: str) -> str:
        config = self.config
        task = school_task(config.tasks_queue, spreadsheet_id,
                                 service_url=config.service_url,
                                 service_account=config.scheduler_email,
                                 audience=config.scheduler_audience, day=self.today())
        return enqueue(self.session, config.tasks_queue, task)

    def sync_one_task(self, spreadsheet_id: str) -> str:
        """A Cloud Task's work: sync one configured school (409 makes Cloud Tasks retry later)."""
        if spreadsheet_id not in self.registry:
            raise SchoolNotFound("This spreadsheet is not a school this service looks after.")
        return self._sync_by_id(spreadsheet_id)
