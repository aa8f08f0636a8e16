"""A generated school for the Google-mode tests: the demo, optionally cut down to a few year groups,
served by the stand-in as a school's Google Drive would hold it."""
from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from sync.local_store import CLASSES_FOLDER
from tests.demo_copies import demo_copy
from tests.google_standin import TEACHER, StandIn
from tests.google_standin.load import load_school

NOW = datetime(2026, 11, 2, 19, 0, tzinfo=UTC)
"""A fixed sync time for both modes: the demo's Autumn 2026-27."""


def demo_school(folder: Path, year_groups: tuple[int, ...] = ()) -> Path:
    """The demo school in `folder`; with `year_groups`, only the class workbooks of those year
    groups (this year's and last year's) are kept, for a quicker test."""
    demo_copy(folder, seed=1)
    if year_groups:
        wanted = tuple(f"(Year {year}).xlsx" for year in year_groups)
        for path in (folder / CLASSES_FOLDER).glob("*.xlsx"):
            if not path.name.endswith(wanted):
                path.unlink()
    return folder


def serve(standin: StandIn, folder: Path) -> str:
    """Load a local-mode school into the stand-in (shared with the service account, as a school
    would share it); returns the `Tracker summary` spreadsheet id."""
    with standin.world.lock:
        spreadsheet_id = load_school(standin.world, folder, TEACHER, standin.service_account)
        for item in standin.world.files.values():
            item.shared_with.add(standin.service_account)
    return spreadsheet_id


def point_google_at(standin: StandIn, monkeypatch: pytest.MonkeyPatch) -> None:
    """GOOGLE_APPLICATION_CREDENTIALS and TRACKER_GOOGLE_API_ROOT naming the stand-in."""
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(standin.key_file))
    monkeypatch.setenv("TRACKER_GOOGLE_API_ROOT", standin.api_root)
