"""Requests per Google-mode sync, counted by the stand-in, against the team's bars:
a full sync of N class workbooks reads at most N + 2 times (the summary, the Drive listing, one
read per workbook) and writes at most N + 1 times (one atomic write per spreadsheet written); a
sync when nothing changed makes at most 3 requests; a teacher's edit makes the next sync read again.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from sync.google.store import GoogleStore
from sync.job import SyncOutcome, run_sync
from sync.local_store import CLASSES_FOLDER
from tests.google_standin import StandIn
from tests.integration.google_school import NOW, demo_school, point_google_at, serve


@pytest.fixture(scope="module")
def school(tmp_path_factory) -> Path:
    """The demo's year 5 classes: two workbooks this year, two last year."""
    return demo_school(tmp_path_factory.mktemp("requests") / "school", (5,))


@pytest.fixture
def summary(standin: StandIn, school: Path, monkeypatch) -> str:
    point_google_at(standin, monkeypatch)
    return serve(standin, school)


def sync(summary: str, **options) -> SyncOutcome:
    return run_sync(GoogleStore(summary), now=NOW, **options)


def workbook_ids(standin: StandIn, summary: str) -> dict[str, str]:
    """Class workbook title -> spreadsheet id."""
    return {book.properties["title"]: book_id for book_id, book in standin.world.books.items() if book_id != summary}


def reads_of(standin: StandIn, book_id: str, since: int = 0) -> int:
    return sum(1 for r in standin.requests[since:] if r.kind == "read" and book_id in r.path)


def test_a_full_sync_reads_each_workbook_once_and_writes_each_spreadsheet_once(
        standin: StandIn, school: Path, summary: str) -> None:
    workbooks = len(list((school / CLASSES_FOLDER).glob("*.xlsx")))
    assert workbooks == 4
    outcome = sync(summary)
    assert outcome.outcome == "complete" and outcome.workbooks_read == workbooks
    assert standin.count("read") <= workbooks + 2
    assert standin.count("write") <= workbooks + 1
    books = workbook_ids(standin, summary)
    assert all(reads_of(standin, book_id) == 1 for book_id in books.values())
    # written: the summary and this year's two class workbooks; last year's are only read
    written = {r.path for r in standin.requests if r.kind == "write"}
    assert len(written) == standin.count("write") == 3
    assert not any(books[title] in path for title in books if title.startswith("2025-26") for path in written)
    assert outcome.api_calls == standin.count(), "the Sync log counts every request"
    assert all(r.status == 200 for r in standin.requests)


def test_a_second_sync_with_nothing_changed_makes_at_most_three_requests_and_reads_no_workbook(
        standin: StandIn, summary: str) -> None:
    sync(summary)
    before = len(standin.requests)
    outcome = sync(summary)
    assert outcome.outcome == "no changes" and outcome.workbooks_read == 0
    assert len(standin.requests) - before <= 3
    assert all(reads_of(standin, book_id, before) == 0 for book_id in workbook_ids(standin, summary).values())
    assert standin.read_spreadsheet(summary)["Sync log"][-1][-1] == "no changes"


def test_a_teachers_edit_makes_the_next_sync_read_every_workbook_again(
        standin: StandIn, summary: str) -> None:
    sync(summary)
    sync(summary)
    edited = workbook_ids(standin, summary)["2026-27 Maple (Year 5)"]
    standin.edit(edited, "Comments", 40, 5, "A note a teacher typed")
    before = len(standin.requests)
    outcome = sync(summary)
    assert outcome.outcome == "complete" and outcome.workbooks_read == 4
    assert reads_of(standin, edited, before) == 1
    assert sum(1 for r in standin.requests[before:] if r.kind == "read") <= 4 + 2


def test_a_workbook_taken_out_of_the_classes_folder_makes_the_next_sync_a_full_one(
        standin: StandIn, summary: str) -> None:
    sync(summary)
    with standin.world.lock:
        standin.world.delete(workbook_ids(standin, summary)["2025-26 Beech (Year 5)"])
    outcome = sync(summary)
    assert outcome.outcome == "complete" and outcome.workbooks_read == 3


def test_a_change_to_the_settings_makes_the_next_sync_a_full_one(standin: StandIn, summary: str) -> None:
    sync(summary)
    standin.edit(summary, "Staff", 30, 0, "new.teacher@school.example")
    standin.edit(summary, "Staff", 30, 1, "Teacher")
    assert sync(summary).outcome == "complete"


def test_a_full_sync_reads_every_workbook_even_when_nothing_changed(standin: StandIn, summary: str) -> None:
    sync(summary)
    before = len(standin.requests)
    outcome = sync(summary, full=True)
    assert outcome.outcome == "complete" and outcome.workbooks_read == 4
    assert sum(1 for r in standin.requests[before:] if r.kind == "read") == 4 + 2
