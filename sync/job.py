"""The sync job: read the school's spreadsheets, let `functions/` decide, write the results.

    read (store -> reader: raw frames and problems)
      -> assess_school (functions/: pure, every decision)
      -> write (class outputs first, `Tracker summary` last; one atomic write each)

The job does not know whether the store is a folder or Google Sheets.
"""
from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pandas as pd

from functions import frames
from functions.changes import SYNC_STATE_TAB, changed_workbooks, parse_state
from functions.school import SchoolParameters, assess_school
from sync.errors import UnreadableWorkbook
from sync.outputs import (
    BESIDE,
    SETTINGS_ROW_ID,
    class_tabs,
    settings_fingerprint,
    state_tab,
    summary_tabs,
    sync_log_tab,
    with_extra_problems,
    with_sync_log,
    write_beside,
)
from sync.reader import ClassWorkbookData, check_pupils, combine, read_class_workbook
from sync.reader.characters import without_control_characters
from sync.settings import Settings, check_against_workbooks, choose_window, load_settings, workbook_headings
from sync.snapshot import place_for, snapshot_of, write_snapshot
from sync.statutory import moderation_rules, national_figures, statutory_rules
from sync.store import Store, WorkbookRef
from sync.templates import TEMPLATES_DIR
from sync.words import plural

log = logging.getLogger(__name__)

SUMMARY_NAME = "Tracker summary"
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


@dataclass
class SyncOutcome:
    """What one run did, for the Sync log, the command line and the web service."""

    school: str
    started: str
    finished: str = ""
    workbooks_read: int = 0
    workbooks_skipped: int = 0
    problems: int = 0
    errors: int = 0
    api_calls: int = 0
    outcome: str = "complete"
    window: str = ""
    next_step: str = ""     # a school with nothing to count yet: what to do next

    def summary_line(self) -> str:
        line = (f"Synced {self.school} at {self.window}: {plural(self.workbooks_read, 'workbook')} "
                f"read, {plural(self.problems, 'problem')} ({plural(self.errors, 'error')}); "
                "see the Problems tab.")
        return f"{line}\n{self.next_step}" if self.next_step else line

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def read_summary(store: Store) -> tuple[dict, list[tuple]]:
    """`Tracker summary` without control characters (`sync.reader.characters`), and a
    PROBLEMS row for each cell of a person's that held one."""
    return without_control_characters(SUMMARY_NAME, store.read_summary())


def read_school(store: Store, *, progress: Progress | None = None, summary: dict | None = None,
                settings: Settings | None = None, refs: list[WorkbookRef] | None = None,
                summary_problems: list[tuple] | None = None) -> SchoolRead:
    """Read settings and every class workbook; a bad workbook becomes problems, never a stop.
    What the caller has already read is passed in and not read again."""
    if summary is None:
        summary, summary_problems = read_summary(store)
    if settings is None:
        settings = load_settings(summary, TEMPLATES_DIR, getattr(store, "folder", None))
        if hasattr(store, "set_classes_folder"):
            store.set_classes_folder(settings.classes_folder)
    if refs is None:
        refs = store.list_class_workbooks()
    parts = [ClassWorkbookData.empty(pd.DataFrame(summary_problems or [], columns=frames.PROBLEMS))]
    unreadable: set[str] = set()
    listed = [*getattr(store, "summary_notes", []), *getattr(store, "listing_problems", [])]
    if listed:   # our old tabs in Tracker summary; files in classes/ not read, and why
        parts.append(ClassWorkbookData.empty(pd.DataFrame(listed, columns=frames.PROBLEMS)))
    headings: list[list[str]] = []
    grids: list[list[str]] = []
    for done, ref in enumerate(refs, start=1):
        try:
            workbook = store.read_workbook(ref)
        except UnreadableWorkbook as error:
            parts.append(ClassWorkbookData.empty(unreadable_workbook_problem(ref.name, error)))
            unreadable.add(ref.name)
            continue
        blanks = [(ref.name, tab, cell, "a formula saved without its value (read as blank)",
                   "a value: open the workbook in Excel or LibreOffice and save it, so the "
                   "formula's result is saved with it", "warning")
                  for tab, cell in getattr(store, "formula_blanks", ())]
        if blanks:
            parts.append(ClassWorkbookData.empty(pd.DataFrame(blanks, columns=frames.PROBLEMS)))
        workbook, cleaned = without_control_characters(ref.name, workbook)
        if cleaned:
            parts.append(ClassWorkbookData.empty(pd.DataFrame(cleaned, columns=frames.PROBLEMS)))
        if (seen := workbook_headings(workbook)) is not None:
            headings.append(seen[0])
            grids.append(seen[1])
        parts.append(read_class_workbook(ref.name, workbook, settings.subjects, list(settings.windows)))
        if progress:
            progress("Reading class workbooks", done, len(refs))
    check_against_workbooks(settings, headings, grids)
    log.info("read %d class workbooks of %s", len(refs), store.display_name)
    foreign = store.foreign_tabs(None)
    return SchoolRead(settings=settings, data=check_pupils(combine(parts)), refs=refs,
                      history=our_table(summary, "History", foreign),
                      sync_log=our_table(summary, "Sync log", foreign), unreadable=unreadable)


def unreadable_workbook_problem(name: str, error: UnreadableWorkbook | None = None) -> pd.DataFrame:
    error = error or UnreadableWorkbook(name)
    return pd.DataFrame([[name, "", "", error.found, error.expected, "error"]],
                        columns=frames.PROBLEMS)


def parameters(settings: Settings, *, window: str | None, now: str) -> SchoolParameters:
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
    )


def run_sync(store: Store, *, full: bool = False, window: str | None = None,
             now: datetime | None = None, progress: Progress | None = None) -> SyncOutcome:
    """Sync one school end to end. Raises a TrackerError subclass on an expected failure.

    When the store can tell who last changed each workbook (Google mode) and nothing changed
    since the last sync, only the Sync log is written. When anything changed, every workbook is
    read: the school's figures need every class.
    """
    now = now or datetime.now(UTC)
    stamp = now.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")
    outcome = SyncOutcome(school=store.display_name, started=stamp)
    began = time.monotonic()
    with store.lock():
        if hasattr(store, "check_outputs_closed"):
            store.check_outputs_closed()   # nothing is written while a person has an output open
        summary, summary_problems = read_summary(store)
        outcome.school = store.display_name   # Google: the spreadsheet's title, known once read
        settings = load_settings(summary, TEMPLATES_DIR, getattr(store, "folder", None))
        choose_window(settings, window)   # a window that does not exist stops here, before any write
        if hasattr(store, "set_classes_folder"):
            store.set_classes_folder(settings.classes_folder)
        refs = store.list_class_workbooks()
        state = parse_state(summary.get(SYNC_STATE_TAB) or [])
        fingerprint = settings_fingerprint(summary)
        if not full and _nothing_changed(store, refs, state, fingerprint):
            outcome.outcome = "no changes"
            outcome.workbooks_skipped = len(refs)
            outcome.finished = _clock()
            outcome.api_calls = _api_calls(store) + 1
            store.write_summary([sync_log_tab(
                our_table(summary, "Sync log", store.foreign_tabs(None)), outcome)])
            return outcome
        school = read_school(store, progress=progress, summary=summary, settings=settings, refs=refs,
                             summary_problems=summary_problems)
        results = assess_school(school.data, parameters(settings, window=window, now=stamp),
                                existing_history=school.history)
        _point_at_results(results.problems, getattr(store, "results_name", ""))
        outcome.window = results.window_name
        outcome.next_step = results.next_step
        outcome.workbooks_read = len(refs)
        beside: list[dict] = []
        current = [ref for ref in refs if ref.name in set(results.current_workbooks)]
        for done, ref in enumerate(current, start=1):
            tabs, problems = write_beside(class_tabs(results, ref.name, settings.school_name),
                                         store.foreign_tabs(ref), ref.name)
            beside += problems + list(store.write_class_outputs(ref, tabs))
            if progress:
                progress("Writing class summaries", done, len(current))
        if hasattr(store, "retire_class_outputs"):
            store.retire_class_outputs({ref.name for ref in refs} - school.unreadable)
        tabs = summary_tabs(results, settings.school_name)
        tabs.append(state_tab(refs, fingerprint))
        tabs, problems = write_beside(tabs, store.foreign_tabs(None), "Tracker summary")
        outcome.problems = len(results.problems) + len(beside) + len(problems)
        outcome.errors = int((results.problems["Severity"] == "error").sum())
        outcome.finished = _clock()
        outcome.api_calls = _api_calls(store) + 1   # + the summary write below
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
                                          synced_at, settings.trust, settings.framework.kind))


def _point_at_results(problems: pd.DataFrame, results_name: str) -> None:
    """Where our tabs live in a workbook of their own (local mode: `Tracker results`), a problem
    found in one of them (History) names that workbook, not `Tracker summary`."""
    if results_name:
        ours = (problems["Workbook"] == SUMMARY_NAME) & (problems["Tab"] == "History")
        problems.loc[ours, "Workbook"] = results_name


def _clock() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S")


def _api_calls(store: Store) -> int:
    """Requests (Google) or file reads and writes (local) so far."""
    counts = getattr(store, "counts", None)
    if counts is not None:
        return counts.reads + counts.writes
    return getattr(store, "reads", 0) + getattr(store, "writes", 0)


def _nothing_changed(store: Store, refs: list[WorkbookRef], state: pd.DataFrame, fingerprint: str) -> bool:
    """True when the store knows who changed what (Google) and no one but us changed anything."""
    account = getattr(store, "account_email", "")
    if not account or state.empty or not refs:
        return False
    settings_row = state[state["id"] == SETTINGS_ROW_ID]
    if settings_row.empty or settings_row["modified"].iloc[0] != fingerprint:
        return False
    read_last_time = state[state["id"] != SETTINGS_ROW_ID]
    if set(read_last_time["id"]) != {r.id for r in refs}:
        return False    # a workbook was added, or removed from the folder
    listing = pd.DataFrame({"id": [r.id for r in refs], "modified": [r.modified for r in refs],
                            "modified_by": [r.modified_by for r in refs]})
    return not changed_workbooks(listing, read_last_time, account).any()


def check_school(store: Store, *, window: str | None = None) -> pd.DataFrame:
    """Read and validate only: the problems a sync would report, nothing written."""
    school = read_school(store)
    choose_window(school.settings, window)
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S")
    results = assess_school(school.data, parameters(school.settings, window=window, now=stamp),
                            existing_history=school.history)
    _point_at_results(results.problems, getattr(store, "results_name", ""))
    return results.problems


def our_table(summary: dict, title: str, foreign: set[str]) -> pd.DataFrame:
    """Our own tab `title` as we wrote it last time, found by the store's marker (a tab people made
    is `foreign`), never by its name alone: where a person has a tab called "History", ours is
    "History (tracker)" (sync.outputs.write_beside), and theirs is never read as ours."""
    for candidate in (title, f"{title}{BESIDE}"):
        if candidate in summary and candidate not in foreign:
            return _owned_table(summary, candidate)
    return pd.DataFrame()


def _owned_table(summary: dict, title: str) -> pd.DataFrame:
    """An owned tab we wrote last time (header in row 1, or row 2 under a note), as a frame."""
    rows = summary.get(title) or []
    rows = [row for row in rows if any(value not in (None, "") for value in row)]
    if not rows:
        return pd.DataFrame()
    header_at = 0 if len(rows[0]) > 1 and rows[0][1] not in (None, "") else 1
    header = [str(value) if value is not None else "" for value in rows[header_at]]
    body = [list(row) + [None] * (len(header) - len(row)) for row in rows[header_at + 1:]]
    return pd.DataFrame([row[: len(header)] for row in body], columns=header)
