"""One demo school, built and synced once per test session, shared by the local-mode e2e tests.

Building and syncing the demo costs about 15 s of CPU, so tests never sync the shared folder
again: a test that needs to change or re-sync the school works on `copy_school(...)`.
"""
from __future__ import annotations

import hashlib
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest

from sync.job import SyncOutcome, run_sync
from sync.local_store import LocalStore
from sync.xlsx import read_values
from tests.demo_copies import demo_copy

FIRST_SYNC = datetime(2026, 11, 22, 8, 0, 0, tzinfo=UTC)
PEOPLE_TABS = ("Settings", "Staff")


@dataclass(frozen=True)
class SyncedSchool:
    """The demo school after one sync, with what its people-owned files held before it."""

    folder: Path
    pristine: Path                       # the same school as built, never synced
    teacher_files_before: dict[str, str]  # classes/<file> -> sha256 of its bytes
    people_tabs_before: dict[str, list]   # Settings and Staff of Tracker summary, every cell
    outcome: SyncOutcome

    @property
    def summary_path(self) -> Path:
        """The people's workbook: Settings, Staff (the sync only reads it)."""
        return self.folder / "Tracker summary.xlsx"

    @property
    def results_path(self) -> Path:
        """The school's figures: the tabs the sync writes."""
        return self.folder / "Tracker results.xlsx"


def file_digests(folder: Path) -> dict[str, str]:
    """sha256 of every file under `folder`, by path relative to it."""
    return {str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(folder.rglob("*")) if path.is_file()}


def people_tabs(summary_path: Path) -> dict[str, list]:
    values = read_values(summary_path)
    return {title: values[title] for title in PEOPLE_TABS}


def tab_frame(rows: list[list[object]]) -> pd.DataFrame:
    """An owned tab as a frame: header in row 1, or in row 2 under a one-cell note."""
    rows = [row for row in rows if any(value not in (None, "") for value in row)]
    filled = sum(value not in (None, "") for value in rows[0])
    header_at = 1 if filled == 1 and len(rows) > 1 else 0
    header = list(rows[header_at])
    body = [list(row) + [None] * (len(header) - len(row)) for row in rows[header_at + 1:]]
    return pd.DataFrame([row[: len(header)] for row in body], columns=header)


def all_owned_cells(school: Path) -> dict[str, dict[str, list]]:
    """Every tab of every file the sync writes: Tracker results and summaries/*."""
    outputs = sorted(path for path in (school / "summaries").glob("*.xlsx") if path.is_file())
    files = [school / "Tracker results.xlsx", *outputs]
    return {path.name: read_values(path) for path in files}


def copy_school(school: Path, destination: Path) -> Path:
    """A private copy of a school folder (metadata kept), for a test that syncs or edits it."""
    shutil.copytree(school, destination, copy_function=shutil.copy2)
    return destination


@pytest.fixture(scope="session")
def synced_school(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SyncedSchool]:
    """The demo school (seed 1, points) synced once at FIRST_SYNC. Read it; never sync or edit it."""
    root = tmp_path_factory.mktemp("demo")
    pristine = root / "pristine"
    demo_copy(pristine, seed=1, framework="points")
    folder = copy_school(pristine, root / "school")
    teacher_files = file_digests(folder / "classes")
    people = people_tabs(folder / "Tracker summary.xlsx")
    outcome = run_sync(LocalStore(folder), now=FIRST_SYNC)
    yield SyncedSchool(folder=folder, pristine=pristine, teacher_files_before=teacher_files,
                       people_tabs_before=people, outcome=outcome)
