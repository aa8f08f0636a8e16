"""The same generated school synced in local mode and in Google mode (through the stand-in), at the
same moment, gives the same owned tabs value for value, and leaves every people-owned tab as it was.

Google mode writes `Class summary` and `Problems` into each class workbook; local mode writes them to
summaries/<workbook>.xlsx. Problems name a workbook by its file name locally ("… .xlsx") and by its
spreadsheet title in Google mode: the only difference allowed.
"""
from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest

from functions.aggregates.groups import SUMMER_BORN_MONTHS
from sync.google.store import GoogleStore
from sync.job import SyncOutcome, read_school, run_sync
from sync.local_store import CLASSES_FOLDER, RESULTS_FILE, SUMMARIES_FOLDER, SUMMARY_FILE, LocalStore
from sync.store import WorkbookRef
from sync.xlsx import read_values
from tests.google_standin import StandIn
from tests.integration.google_school import NOW, demo_school, point_google_at, serve

SUMMARY_TABS = ["Summary", "Groups", "Classes", "Completion", "Watchlist", "Progress matrix",
                "Interventions", "Trends", "Governors", "History", "Problems"]
PEOPLE_SUMMARY_TABS = ["Settings", "Staff"]
CLASS_OUTPUTS = ["Class summary", "Problems"]


@dataclass
class Synced:
    local: Path                      # the local-mode school after its sync
    local_before: dict[str, dict]    # every classes/*.xlsx and the summary, read before the sync
    local_outcome: SyncOutcome
    google: StandIn
    summary_id: str
    google_before: dict[str, dict]   # spreadsheet id -> tabs, right after loading
    google_outcome: SyncOutcome
    titles: dict[str, str]           # spreadsheet id -> title


def local_snapshot(folder: Path) -> dict[str, dict]:
    books = {path.name: read_values(path) for path in sorted((folder / CLASSES_FOLDER).glob("*.xlsx"))}
    books[SUMMARY_FILE] = read_values(folder / SUMMARY_FILE)
    return books


@pytest.fixture(scope="module", params=["years 1 and 5", pytest.param("whole demo", marks=pytest.mark.slow)])
def synced(request, tmp_path_factory) -> Synced:
    root = tmp_path_factory.mktemp("parity")
    source = demo_school(root / "source", () if request.param == "whole demo" else (1, 5))
    local = root / "local"
    shutil.copytree(source, local)
    local_before = local_snapshot(local)
    local_outcome = run_sync(LocalStore(local), now=NOW)
    with StandIn() as google, pytest.MonkeyPatch.context() as monkeypatch:
        point_google_at(google, monkeypatch)
        summary_id = serve(google, source)
        titles = {book_id: book.properties["title"] for book_id, book in google.world.books.items()}
        google_before = {book_id: google.read_spreadsheet(book_id) for book_id in titles}
        google_outcome = run_sync(GoogleStore(summary_id), now=NOW)
        yield Synced(local, local_before, local_outcome, google, summary_id, google_before,
                     google_outcome, titles)
        assert google.schema_errors == []


def normalised(rows: list[list[object]]) -> list[list[object]]:
    """Rows without trailing empty cells or rows; "" and None are both an empty cell; whole
    floats as ints (Google answers 3.0 where openpyxl has 3); dates as dates."""
    def cell(value: object) -> object:
        if value == "":
            return None
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, datetime):
            return value.date() if value == datetime(value.year, value.month, value.day) else value
        return value

    out = []
    for row in rows:
        values = [cell(value) for value in row]
        while values and values[-1] is None:
            values.pop()
        out.append(values)
    while out and not out[-1]:
        out.pop()
    return out


def without_xlsx(rows: list[list[object]]) -> list[list[object]]:
    """Problems rows with each local file name ("4B.xlsx") as its spreadsheet title ("4B"), in
    the Workbook column and in the words that name another workbook."""
    return [[value.replace(".xlsx", "") if isinstance(value, str) else value for value in row]
            for row in rows]


def test_both_modes_sync_the_same_school_at_the_same_window(synced: Synced) -> None:
    local, google = synced.local_outcome, synced.google_outcome
    assert (google.outcome, google.window) == (local.outcome, local.window) == ("complete", "Autumn")
    assert google.workbooks_read == local.workbooks_read == len(list((synced.local / CLASSES_FOLDER).glob("*.xlsx")))
    assert (google.problems, google.errors) == (local.problems, local.errors)


@pytest.mark.parametrize("title", [*SUMMARY_TABS, "Statutory", "Moderation"])   # the last two:
# not in SUMMARY_TABS, since a class workbook has a people's tab named Statutory (checked below)
def test_every_owned_summary_tab_has_the_same_values_in_both_modes(synced: Synced, title: str) -> None:
    local = normalised(read_values(synced.local / RESULTS_FILE)[title])
    google = normalised(synced.google.read_spreadsheet(synced.summary_id)[title])
    if title == "Problems":
        local = without_xlsx(local)
    assert len(local) > 1, f"the local {title} tab has no rows to compare"
    assert google == local


def test_every_class_summary_and_class_problems_tab_has_the_same_values_in_both_modes(synced: Synced) -> None:
    compared = 0
    for path in sorted((synced.local / SUMMARIES_FOLDER).glob("*.xlsx")):
        book_id = next(i for i, title in synced.titles.items() if title == path.stem)
        local_tabs = read_values(path)
        google_tabs = synced.google.read_spreadsheet(book_id)
        assert normalised(google_tabs["Class summary"]) == normalised(local_tabs["Class summary"]), path.stem
        assert normalised(google_tabs["Problems"]) == without_xlsx(normalised(local_tabs["Problems"])), path.stem
        compared += 1
    this_year = [p for p in (synced.local / CLASSES_FOLDER).glob("*.xlsx") if p.name.startswith("2026-27")]
    assert compared == len(this_year) > 0


def test_people_owned_tabs_are_unchanged_cell_for_cell_in_google_mode(synced: Synced) -> None:
    for book_id, before in synced.google_before.items():
        after = synced.google.read_spreadsheet(book_id)
        people = [title for title in before if title not in (*SUMMARY_TABS, *CLASS_OUTPUTS)]
        assert people, synced.titles[book_id]
        for title in people:
            assert after[title] == before[title], f"{synced.titles[book_id]} / {title}"
    summary_before = synced.google_before[synced.summary_id]
    assert set(PEOPLE_SUMMARY_TABS) <= set(summary_before)


def test_people_owned_tabs_are_unchanged_cell_for_cell_in_local_mode(synced: Synced) -> None:
    after = local_snapshot(synced.local)
    for name, before in synced.local_before.items():
        titles = PEOPLE_SUMMARY_TABS if name == SUMMARY_FILE else list(before)
        for title in titles:
            assert after[name][title] == before[title], f"{name} / {title}"


def test_dates_read_through_google_give_the_same_summer_born_and_on_roll_pupils(synced: Synced) -> None:
    """The stand-in serves dates as serial numbers with a DATE format; the store reads the format and
    gives datetimes, as calamine does for a local workbook, and the reader makes the same days."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        point_google_at(synced.google, monkeypatch)
        store = GoogleStore(synced.summary_id)
        google = read_school(store)
        pupils_tab = store.read_workbook(WorkbookRef(store.list_class_workbooks()[0].id, ""))["Pupils"]
    local = read_school(LocalStore(synced.local))
    date_of_birth = [i for i, name in enumerate(pupils_tab[0]) if str(name).lower().startswith("date of birth")][0]
    assert all(isinstance(row[date_of_birth], datetime) for row in pupils_tab[1:] if row[date_of_birth])

    columns = ["academic_year", "upn", "date_of_birth", "joined_on", "left_on"]

    def days(data: pd.DataFrame) -> pd.DataFrame:
        return data[columns].sort_values(["academic_year", "upn"]).reset_index(drop=True)

    local_days, google_days = days(local.data.pupils), days(google.data.pupils)
    pd.testing.assert_frame_equal(google_days, local_days)
    summer_born = local_days["date_of_birth"].dt.month.isin(SUMMER_BORN_MONTHS)
    assert 0 < summer_born.sum() < len(local_days), "the school should have summer-born pupils and others"
    moved = local_days["joined_on"].notna() | local_days["left_on"].notna()
    assert moved.any(), "the school should have pupils who joined or left"
    assert (google_days["date_of_birth"].dt.month.isin(SUMMER_BORN_MONTHS) == summer_born).all()
