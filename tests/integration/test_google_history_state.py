"""History in Google mode is appended to and never read back whole (sync.google.history_state):
the summary read answers History's header only, the next rows go after the old ones, and what a
merge needs comes from the hidden `History state` tab. A spreadsheet synced before reads History
whole once; a lost History state is rebuilt from one whole read, never by adding rows again."""
from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from sync.google.store import GoogleStore
from sync.job import run_sync
from tests.fakes import SimClock
from tests.google_standin import StandIn
from tests.google_standin.world import World
from tests.integration.google_school import NOW, demo_school, point_google_at, serve

MATHS_AUTUMN = 11         # Judgements column of "Maths Autumn" (0-based) in the demo's workbooks


@pytest.fixture(scope="module")
def school(tmp_path_factory) -> Path:
    return demo_school(tmp_path_factory.mktemp("history") / "school", (5,))


@pytest.fixture(scope="module")
def synced(school: Path) -> tuple[str, World]:
    """The school served and synced once in a stand-in of its own: each test starts from a copy
    of that Drive (what a first sync leaves), instead of syncing the school first itself."""
    clock = SimClock()
    with StandIn() as google, pytest.MonkeyPatch.context() as patch:
        point_google_at(google, patch)
        summary = serve(google, school)
        run_sync(GoogleStore(summary, clock=clock, sleep=clock.sleep), now=NOW)
        with google.world.lock:
            return summary, World(files=copy.deepcopy(google.world.files), books=copy.deepcopy(google.world.books),
                                  last_stamp=google.world.last_stamp)


@pytest.fixture
def summary(standin: StandIn, synced: tuple[str, World], monkeypatch) -> str:
    """The synced school's spreadsheet id, in this test's stand-in."""
    point_google_at(standin, monkeypatch)
    spreadsheet_id, world = synced
    with standin.world.lock:
        standin.world.files, standin.world.books = copy.deepcopy(world.files), copy.deepcopy(world.books)
        standin.world.last_stamp = world.last_stamp
    return spreadsheet_id


def sync(summary: str, **options):
    return run_sync(GoogleStore(summary), now=NOW, **options)


def history(standin: StandIn, summary: str) -> list[list]:
    return standin.read_spreadsheet(summary)["History"]


def change_a_judgement(standin: StandIn, summary: str) -> str:
    """A teacher lowers the first pupil's Maths Autumn by a point in a workbook of this year;
    returns the pupil's UPN."""
    book_id = next(key for key, book in sorted(standin.world.books.items(), key=lambda item: item[1].properties["title"])
                   if key != summary and book.properties["title"].startswith("2026-27"))
    rows = standin.read_spreadsheet(book_id)["Judgements"]
    column = rows[0].index("Maths Autumn")
    now = rows[1][column]
    standin.edit(book_id, "Judgements", 1, column, str(int(now) - 1) if now not in (None, "") else "20")
    return str(rows[1][0])


def summary_reads(standin: StandIn, summary: str, since: int) -> list:
    return [r for r in standin.requests[since:] if r.kind == "read" and summary in r.path]


def test_the_summary_read_answers_historys_header_only_and_new_rows_go_after_the_old(
        standin: StandIn, summary: str) -> None:
    first = history(standin, summary)
    assert len(first) > 100
    upn = change_a_judgement(standin, summary)
    store = GoogleStore(summary)
    answers: list[dict] = []
    original = store._filtered

    def recorded(*args, **kwargs):
        answers.append(original(*args, **kwargs))
        return answers[-1]

    store._filtered = recorded
    before = len(standin.requests)
    run_sync(store, now=NOW, full=True)
    assert len(summary_reads(standin, summary, before)) == 1 and len(answers) == 1
    sheets = {sheet["properties"]["title"]: sheet for sheet in answers[0]["sheets"]}
    history_data = sheets["History"]["data"]
    assert sum(len(grid.get("rowData", [])) for grid in history_data) == 1      # the header
    assert "History state" in sheets and "Settings" in sheets
    after = history(standin, summary)
    assert after[:len(first)] == first, "every old row stays as it was"
    new = after[len(first):]
    assert len(new) == 1 and new[0][2] == upn and new[0][6] == "Maths" and new[0][1] == "Autumn"
    assert upn not in json.dumps(sheets["History"]), "no pupil's old rows came back"


def test_a_sync_with_nothing_new_adds_no_history_row(standin: StandIn, summary: str) -> None:
    first = history(standin, summary)
    sync(summary, full=True)
    sync(summary, full=True)
    assert history(standin, summary) == first


def test_a_spreadsheet_synced_before_reads_history_whole_once(standin: StandIn, summary: str) -> None:
    first = history(standin, summary)
    sheet = standin.world.books[summary].sheet_by_title("History")
    for entry in sheet.developer_metadata:
        entry["metadataValue"] = "1"          # as the store before History state marked it
    sheet.range_metadata.clear()
    state = standin.world.books[summary].sheet_by_title("History state")
    standin.world.books[summary].sheets.remove(state)
    change_a_judgement(standin, summary)
    sync(summary, full=True)
    assert len(history(standin, summary)) == len(first) + 1
    sheet = standin.world.books[summary].sheet_by_title("History")     # a write makes a new copy
    assert [e["metadataValue"] for e in sheet.developer_metadata] == ["append"]
    assert [e["metadataKey"] for e in sheet.range_metadata] == ["tracker-history-header"]
    before = len(standin.requests)
    change_a_judgement(standin, summary)
    sync(summary, full=True)
    assert len(summary_reads(standin, summary, before)) == 1
    assert len(history(standin, summary)) == len(first) + 2


def test_a_lost_history_state_costs_one_whole_read_and_no_row_twice(standin: StandIn, summary: str) -> None:
    first = history(standin, summary)
    book = standin.world.books[summary]
    book.sheets.remove(book.sheet_by_title("History state"))
    before = len(standin.requests)
    sync(summary, full=True)
    assert len(summary_reads(standin, summary, before)) == 2
    assert history(standin, summary) == first
    assert standin.world.books[summary].sheet_by_title("History state") is not None


def test_the_standin_answers_only_the_sheets_a_data_filter_selects(standin: StandIn, summary: str) -> None:
    store = GoogleStore(summary)
    answer = store._filtered(summary, [{"a1Range": "Settings!A1:B2"}], "reading")
    assert [sheet["properties"]["title"] for sheet in answer["sheets"]] == ["Settings"]
    assert len(answer["sheets"][0]["data"][0]["rowData"]) == 2
    from sync.google.client import RequestRejected
    with pytest.raises(RequestRejected) as refused:
        store._filtered(summary, [{"a1Range": "No such tab"}], "reading")
    assert refused.value.status == 400
