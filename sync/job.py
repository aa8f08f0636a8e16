"""The sync job: read the school's spreadsheets, let `functions/` decide, write the results.

    read (store -> reader: raw frames and problems)
      -> assess_school (functions/: pure, every decision)
      -> write (class outputs first, `Tracker summary` last; one atomic write each)

The job does not know whether the store is a folder or Google Sheets.
"""
from __future__ import annotations

import gc
import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pandas as pd

from functions import frames
from functions.changes import STATE, SYNC_STATE_TAB, next_state, nothing_changed, parse_state, settings_fingerprint
from functions.owned_tabs import SUMMARY_NAME
from functions.school import SchoolParameters, assess_school
from sync.errors import UnreadableWorkbook
from sync.outputs import class_tabs, state_tab, summary_tabs, with_extra_problems, with_sync_log, write_beside
from sync.reader import ClassWorkbookData, WorkbookRows, check_pupils, combine, read_workbook_rows
from sync.reader.characters import without_control_characters
from sync.settings import Settings, check_against_workbooks, choose_window, school_settings, workbook_headings
from sync.snapshot import place_for, snapshot_of, write_snapshot
from sync.statutory import moderation_rules, national_figures, statutory_rules
from sync.store import Store, WorkbookRef
from sync.sync_log import SYNC_LOG, SyncOutcome, our_table, sync_log_tab

__all__ = ["SyncOutcome", "check_school", "parameters", "read_school", "run_sync"]

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]


@dataclass
class SchoolRead:
    """Everything one sync read: settings, every workbook's raw frames, and our own tabs of the
    summary that the next results build on (History, Sync log)."""

    settings: Settings
    data: ClassWorkbookData
    refs: list[WorkbookRef]
    history: pd.DataFrame
    sync_log: pd.DataFrame
    unreadable: set[str] = field(default_factory=set)   # workbooks listed but not readable


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector paused (as it was after): reading a school makes millions of
    small lists and tuples, none in a cycle and nearly all gone by the end, and the collections
    on the way walked them again and again (0.13 s of a 1.6 s read at ten times the demo)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def read_summary(store: Store) -> tuple[dict, list[tuple]]:
    """`Tracker summary` without control characters (`sync.reader.characters`), and a
    PROBLEMS row for each cell of a person's that held one."""
    with collector_paused():
        return without_control_characters(SUMMARY_NAME, store.read_summary())


def read_school(store: Store, *, progress: Progress | None = None, summary: dict | None = None,
                settings: Settings | None = None, refs: list[WorkbookRef] | None = None,
                summary_problems: list[tuple] | None = None) -> SchoolRead:
    """Read settings and every class workbook; a bad workbook becomes problems, never a stop.
    What the caller has already read is passed in and not read again."""
    if summary is None:
        summary, summary_problems = read_summary(store)
    if settings is None:
        settings = school_settings(store, summary)
    if refs is None:
        refs = store.list_class_workbooks()
    with collector_paused():
        parts = [WorkbookRows(problems=list(summary_problems or []))]
        unreadable: set[str] = set()
        # our old tabs in Tracker summary; files in classes/ not read, and why
        parts.append(WorkbookRows(problems=[tuple(row.get(column) for column in frames.PROBLEMS)
                                            for row in store.listing_problems()]))
        headings: list[list[str]] = []
        grids: list[list[str]] = []
        for done, ref in enumerate(refs, start=1):
            try:
                workbook = store.read_workbook(ref)
            except UnreadableWorkbook as error:
                parts.append(WorkbookRows(problems=[unreadable_workbook_problem(ref.name, error)]))
                unreadable.add(ref.name)
                continue
            problems = [(ref.name, tab, cell, "a formula saved without its value (read as blank)",
                         "a value: open the workbook in Excel or LibreOffice and save it, so the "
                         "formula's result is saved with it", "warning")
                        for tab, cell in store.formula_blanks()]
            workbook, cleaned = without_control_characters(ref.name, workbook)
            parts.append(WorkbookRows(problems=problems + cleaned))
            if (seen := workbook_headings(workbook)) is not None:
                headings.append(seen[0])
                grids.append(seen[1])
            parts.append(read_workbook_rows(ref.name, workbook, list(settings.subjects), list(settings.windows)))
            if progress:
                progress("Reading class workbooks", done, len(refs))
        check_against_workbooks(settings, headings, grids)
        log.info("read %d class workbooks of %s", len(refs), store.display_name)
        foreign = store.foreign_tabs(None)
        return SchoolRead(settings=settings, data=check_pupils(combine(parts)), refs=refs,
                          history=our_table(summary, "History", foreign),
                          sync_log=our_table(summary, SYNC_LOG, foreign), unreadable=unreadable)


def unreadable_workbook_problem(name: str, error: UnreadableWorkbook | None = None) -> tuple:
    """The PROBLEMS row of a class workbook that cannot be read."""
    error = error or UnreadableWorkbook(name)
    return (name, "", "", error.found, error.expected, "error")


def parameters(settings: Settings, *, window: str | None, now: str,
               results_name: str = SUMMARY_NAME) -> SchoolParameters:
    return SchoolParameters(
        academic_year=settings.academic_year,
        fw=settings.framework,
        subjects=list(settings.subjects),
        window_ends=list(settings.window_ends),
        current_window=choose_window(settings, window) or settings.current_window or None,
        locked_windows=list(settings.locked_windows),
        now=now,
        statutory=statutory_rules(),
        national=national_figures(),
        moderation=moderation_rules(settings.framework.kind),
        history_workbook=results_name,
    )


def run_sync(store: Store, *, full: bool = False, window: str | None = None,
             now: datetime | None = None, progress: Progress | None = None) -> SyncOutcome:
    """Sync one school end to end. Raises a TrackerError subclass on an expected failure.

    When the store can tell who last changed each workbook (Google mode) and nothing changed
    since the last sync, only the Sync log is written. When anything changed, every workbook is
    read: the school's figures need every class. `now` fixes the clock (Started and Finished).
    """
    stamp = _clock(now)
    outcome = SyncOutcome(school=store.display_name, started=stamp)
    began = time.monotonic()
    with store.lock():
        store.check_outputs_closed()   # nothing is written while a person has an output open
        summary, summary_problems = read_summary(store)
        outcome.school = store.display_name   # Google: the spreadsheet's title, known once read
        settings = school_settings(store, summary)
        choose_window(settings, window)   # a window that does not exist stops here, before any write
        refs = store.list_class_workbooks()
        listing = pd.DataFrame([[ref.id, ref.modified, ref.modified_by] for ref in refs], columns=STATE)
        fingerprint = settings_fingerprint(summary)
        if not full and nothing_changed(listing, parse_state(summary.get(SYNC_STATE_TAB) or []),
                                        fingerprint, store.account_email):
            outcome.outcome = "no changes"
            outcome.workbooks_skipped = len(refs)
            outcome.finished = _clock(now)
            outcome.api_calls = store.request_count() + 1
            store.write_summary([sync_log_tab(
                our_table(summary, SYNC_LOG, store.foreign_tabs(None)), outcome)])
            return outcome
        school = read_school(store, progress=progress, summary=summary, settings=settings, refs=refs,
                             summary_problems=summary_problems)
        results = assess_school(school.data, parameters(settings, window=window, now=stamp,
                                                        results_name=store.results_name),
                                existing_history=school.history)
        outcome.window = results.window_name
        outcome.next_step = results.next_step
        outcome.workbooks_read = len(refs)
        beside: list[dict] = []
        current = [ref for ref in refs if ref.name in set(results.current_workbooks)]
        tabs_of = class_tabs(results, [ref.name for ref in current], settings.school_name)
        for done, ref in enumerate(current, start=1):
            tabs, problems = write_beside(tabs_of[ref.name], store.foreign_tabs(ref), ref.name)
            beside += problems + list(store.write_class_outputs(ref, tabs))
            if progress:
                progress("Writing class summaries", done, len(current))
        store.retire_class_outputs({ref.name for ref in refs} - school.unreadable)
        tabs = summary_tabs(results, settings.school_name)
        tabs.append(state_tab(next_state(listing, fingerprint)))
        tabs, problems = write_beside(tabs, store.foreign_tabs(None), SUMMARY_NAME)
        outcome.problems = len(results.problems) + len(beside) + len(problems)
        outcome.errors = int((results.problems["Severity"] == "error").sum())
        outcome.finished = _clock(now)
        outcome.api_calls = store.request_count() + 1   # + the summary write below
        tabs = with_sync_log(with_extra_problems(tabs, beside + problems), school.sync_log, outcome)
        store.write_summary(tabs)
        keep_snapshot(store, settings, results, stamp)
    log.info("synced %s in %.1fs", store.display_name, time.monotonic() - began)
    return outcome


def keep_snapshot(store: Store, settings: Settings, results, synced_at: str) -> None:
    """The window's pupil-level results snapshot (sync/snapshot.py), for a trust's figures."""
    place = place_for(store, settings)
    if place is not None:
        write_snapshot(place, snapshot_of(results, settings.school_name or store.display_name,
                                          synced_at, settings.trust, settings.framework.kind,
                                          settings.framework.marks_in_percentages))


def _clock(now: datetime | None = None) -> str:
    """`now` (injected: tests, benchmarks) or the time, as the Sync log writes it."""
    return (now or datetime.now(UTC)).astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")


def check_school(store: Store, *, window: str | None = None, now: datetime | None = None) -> pd.DataFrame:
    """Read and validate only: the problems a sync would report, nothing written."""
    school = read_school(store)
    choose_window(school.settings, window)
    results = assess_school(school.data, parameters(school.settings, window=window, now=_clock(now),
                                                    results_name=store.results_name),
                            existing_history=school.history)
    return results.problems
