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
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

from functions.school import SchoolParameters, SchoolResults, assess_school
from sync.outputs import class_tabs, summary_tabs
from sync.reader import ClassWorkbookData, check_pupils, combine, read_class_workbook
from sync.settings import Settings, load_settings
from sync.store import Store, WorkbookRef

log = logging.getLogger(__name__)

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "sheets_templates"
Progress = Callable[[str, int, int], None]


@dataclass
class SchoolRead:
    """Everything one sync read: settings, every workbook's raw frames, and the summary's tabs."""

    settings: Settings
    data: ClassWorkbookData
    refs: list[WorkbookRef]
    summary: dict
    history: pd.DataFrame
    sync_log: pd.DataFrame


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
    details: list[str] = field(default_factory=list)

    def summary_line(self) -> str:
        return (f"Synced {self.school} at {self.window}: {self.workbooks_read} workbooks read, "
                f"{self.problems} problems ({self.errors} errors); see the Problems tab.")

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def read_school(store: Store, *, progress: Progress | None = None) -> SchoolRead:
    """Read settings and every class workbook; a bad workbook becomes problems, never a stop."""
    summary = store.read_summary()
    settings = load_settings(summary, TEMPLATES_DIR, getattr(store, "folder", None))
    refs = store.list_class_workbooks()
    parts = []
    for done, ref in enumerate(refs, start=1):
        parts.append(read_class_workbook(ref.name, store.read_workbook(ref), settings.subjects,
                                         list(settings.windows)))
        if progress:
            progress("Reading class workbooks", done, len(refs))
    log.info("read %d class workbooks of %s", len(refs), store.display_name)
    return SchoolRead(settings=settings, data=check_pupils(combine(parts)), refs=refs, summary=summary,
                      history=_owned_table(summary, "History"),
                      sync_log=_owned_table(summary, "Sync log"))


def parameters(settings: Settings, *, window: str | None, now: str) -> SchoolParameters:
    return SchoolParameters(
        academic_year=settings.academic_year,
        fw=settings.framework,
        subjects=list(settings.subjects),
        window_ends=list(settings.window_ends),
        current_window=window or settings.current_window or None,
        locked_windows=list(settings.locked_windows),
        now=now,
    )


def run_sync(store: Store, *, full: bool = False, window: str | None = None,
             now: datetime | None = None, progress: Progress | None = None) -> SyncOutcome:
    """Sync one school end to end. Raises a TrackerError subclass on an expected failure."""
    now = now or datetime.now(timezone.utc)
    stamp = now.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
    outcome = SyncOutcome(school=store.display_name, started=stamp)
    began = time.monotonic()
    with store.lock():
        school = read_school(store, progress=progress)
        results = assess_school(school.data, parameters(school.settings, window=window, now=stamp),
                                existing_history=school.history)
        outcome.window = results.window_name
        outcome.workbooks_read = len(school.refs)
        outcome.problems = len(results.problems)
        outcome.errors = int((results.problems["Severity"] == "error").sum())
        current = [ref for ref in school.refs if ref.name in set(results.current_workbooks)]
        for done, ref in enumerate(current, start=1):
            store.write_class_outputs(ref, class_tabs(results, ref.name))
            if progress:
                progress("Writing class summaries", done, len(current))
        outcome.finished = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
        outcome.api_calls = getattr(store, "reads", 0) + getattr(store, "writes", 0) + 1
        store.write_summary(summary_tabs(results, school, store.foreign_tabs(None), outcome))
    log.info("synced %s in %.1fs", store.display_name, time.monotonic() - began)
    return outcome


def check_school(store: Store, *, window: str | None = None) -> pd.DataFrame:
    """Read and validate only: the problems a sync would report, nothing written."""
    school = read_school(store)
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
    results = assess_school(school.data, parameters(school.settings, window=window, now=stamp),
                            existing_history=school.history)
    return results.problems


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
