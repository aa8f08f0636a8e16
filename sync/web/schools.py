"""The schools this service looks after, and syncing each in turn within a deadline."""
from __future__ import annotations

import logging
import threading
import time
import traceback
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass

from sync.errors import AlreadyRunning, StoreUnavailable, TrackerError

log = logging.getLogger(__name__)

DONE = "done"
QUEUED = "queued"
FAILED = "failed"
ALREADY_RUNNING = "already running"
LEFT_FOR_NEXT_RUN = "left for the next run"


@dataclass(frozen=True)
class SchoolOutcome:
    """How one school's part of a scheduled run ended, in words fit for the log and the answer."""

    spreadsheet_id: str
    outcome: str
    message: str
    seconds: float = 0.0
    retry: bool = False   # a later run may succeed (Google unavailable, lock held, out of time)

    def as_json(self) -> dict[str, object]:
        """The outcome with the JSON names the API uses."""
        fields = asdict(self)
        return {"spreadsheetId": fields.pop("spreadsheet_id"), **fields}


class SchoolRegistry:
    """The configured schools, ordered so that the ones a run did not finish go first next time.

    The memory of what finished lives in this process only; after a restart the order is the
    configured one again, which is still correct, only less fair.
    """

    def __init__(self, schools: Iterable[str]) -> None:
        self._schools = tuple(schools)
        self._finished_at: dict[str, float] = {}
        self._guard = threading.Lock()

    def __contains__(self, spreadsheet_id: object) -> bool:
        return spreadsheet_id in self._schools

    def __len__(self) -> int:
        return len(self._schools)

    def in_run_order(self) -> list[str]:
        """Never-finished schools first (in configured order), then the longest-ago finished."""
        with self._guard:
            position = {school: index for index, school in enumerate(self._schools)}
            return sorted(self._schools,
                          key=lambda s: (self._finished_at.get(s, float("-inf")), position[s]))

    def mark_finished(self, spreadsheet_id: str, at: float) -> None:
        """Remember that the school's work ended (done or failed for good) at time `at`."""
        with self._guard:
            self._finished_at[spreadsheet_id] = at


def run_each(schools: list[str], work: Callable[[str], str], *, registry: SchoolRegistry,
             deadline_seconds: float, budget_seconds: float,
             clock: Callable[[], float] = time.monotonic,
             done_word: str = DONE) -> list[SchoolOutcome]:
    """Run `work` for each school in turn and record each outcome; one failure stops nothing.

    A school is started only while at least `budget_seconds` remain before `deadline_seconds`;
    the rest are left for the next run (and go first then). `work` returns a short message.
    """
    started = clock()
    outcomes = []
    for school in schools:
        if clock() - started > deadline_seconds - budget_seconds:
            outcomes.append(SchoolOutcome(school, LEFT_FOR_NEXT_RUN,
                                          "Not started: the run's time was up.", retry=True))
            continue
        outcomes.append(_run_one(school, work, registry, clock, done_word))
    for outcome in outcomes:
        log.info("school %s: %s (%.1fs)", outcome.spreadsheet_id, outcome.outcome, outcome.seconds)
    return outcomes


def _run_one(school: str, work: Callable[[str], str], registry: SchoolRegistry,
             clock: Callable[[], float], done_word: str) -> SchoolOutcome:
    began = clock()
    try:
        message = work(school)
    except AlreadyRunning as error:
        return SchoolOutcome(school, ALREADY_RUNNING, str(error), clock() - began, retry=True)
    except TrackerError as error:
        registry.mark_finished(school, clock())
        return SchoolOutcome(school, FAILED, str(error), clock() - began,
                             retry=isinstance(error, StoreUnavailable))
    except Exception as error:  # one school's bug must not stop the others
        # The message may quote data; log where it happened, not what it said.
        log.error("school %s failed with %s at:\n%s", school, type(error).__name__,
                  "".join(traceback.format_tb(error.__traceback__)))
        registry.mark_finished(school, clock())
        return SchoolOutcome(school, FAILED, "The sync failed unexpectedly; see the service log.",
                             clock() - began, retry=True)
    registry.mark_finished(school, clock())
    return SchoolOutcome(school, done_word, message, clock() - began)
