"""Two syncs of one school never interleave, and a teacher's edit during a sync is never lost
("One sync of a school at a time"; "Nothing people typed is ever changed or lost").

What holds, mode by mode:
- Local mode: `LocalStore.lock()` is an OS lock (flock) on the school folder's `.tracker.lock`; any
  second sync, in this process or another, is refused at once: exit 3 at the command line.
- Google mode: the job holds `GoogleStore.lock()`, an flock named after the `Tracker summary` id in
  the machine's temporary folder; the web service also holds its in-process `SchoolLocks` around
  each piece of work. A command-line run and the web service on the same machine therefore refuse
  each other (exit 3 / HTTP 409). Across machines nothing locks: the deployment keeps one App Engine
  instance (app.yaml), and each output is still one atomic batchUpdate, so an overlap costs double
  work, never a half-written spreadsheet (sync/google/lock.py).
- A teacher's edit lands in a tab people own; our writes only replace our own tabs, so the edit
  survives. The incremental check cannot see an edit made between our read and our own write of
  the same workbook (we are then its last modifier: functions/changes.py), so the next incremental
  run skips it and the nightly full run (`full=True`) picks it up.
"""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from sync.cli import cli
from sync.google.lock import school_lock
from sync.google.retry import RetryPolicy
from sync.job import run_sync
from sync.local_store import LocalStore
from sync.store import WorkbookRef
from sync.web import create_app
from sync.web.config import WebConfig
from tests.google_standin import StandIn, mint_id_token
from tests.integration.fuzz_school import GOOD, build_school
from tests.integration.standin_school import ServedSchool, credentials, serve_school, snapshot, store_on_fake_clock

NOW = datetime(2026, 11, 20, 16, 0, tzinfo=UTC)
AUDIENCE = "1234-addon.apps.googleusercontent.com"
HEAD = "head@fuzz.sch.uk"                      # the tiny school's Staff tab
ASH = GOOD.removesuffix(".xlsx")
MATHS_AUTUMN = 11                              # Judgements column of "Maths Autumn" (0-based)
AMARA = "R010000000010"                        # row 1 of Ash's Judgements: "17 GD" in Maths Autumn


@pytest.fixture
def school(google: StandIn, tmp_path: Path) -> ServedSchool:
    return serve_school(google, tmp_path / "school")


def test_local_a_second_sync_of_a_folder_being_synced_is_refused_with_exit_3(tmp_path: Path) -> None:
    build_school(tmp_path)
    summary = (tmp_path / "Tracker summary.xlsx").read_bytes()
    with LocalStore(tmp_path).lock():               # a first sync is running
        result = CliRunner().invoke(cli, ["run", str(tmp_path)])
    assert result.exit_code == 3
    assert "is running" in result.output
    assert (tmp_path / "Tracker summary.xlsx").read_bytes() == summary
    assert not (tmp_path / "summaries").exists()
    assert CliRunner().invoke(cli, ["run", str(tmp_path)]).exit_code == 0   # the lock was let go


def test_google_the_web_refuses_a_sync_while_a_command_line_run_holds_the_school(
        google: StandIn, school: ServedSchool) -> None:
    app = create_app(WebConfig(schools=(school.summary_id,), oauth_audiences=(AUDIENCE,)))
    token = mint_id_token(HEAD, AUDIENCE)
    with school_lock(school.summary_id):            # what `python -m sync run --google` holds
        answer = app.test_client().post("/api/sync", json={"spreadsheetId": school.summary_id},
                                        headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 409
    assert "already running" in answer.get_json()["error"]
    assert google.count("write") == 0


def test_google_a_command_line_run_is_refused_while_the_web_sync_is_writing(
        google: StandIn, school: ServedSchool) -> None:
    app = create_app(WebConfig(schools=(school.summary_id,), oauth_audiences=(AUDIENCE,)))
    token = mint_id_token(HEAD, AUDIENCE)
    writing = threading.Event()

    def first_write(request) -> bool:
        if request.kind == "write":
            writing.set()
            return True
        return False

    google.faults.add("slow", when=first_write, delay=2.0)   # the web sync is held in its first write

    def web_sync():
        return app.test_client().post("/api/sync", json={"spreadsheetId": school.summary_id},
                                      headers={"Authorization": f"Bearer {token}"})

    with ThreadPoolExecutor(max_workers=1) as pool:
        web = pool.submit(web_sync)
        assert writing.wait(timeout=60)
        command_line = CliRunner().invoke(cli, ["run", "--google", school.summary_id])
        answer = web.result(timeout=120)
    assert command_line.exit_code == 3
    assert "already running" in command_line.output
    assert answer.status_code == 200, answer.get_data(as_text=True)
    assert google.count("write") == 1 + len(school.class_ids)    # one sync's writes, not two


def test_two_syncs_started_together_in_one_process_give_one_sync(google: StandIn, school: ServedSchool) -> None:
    creds = credentials(google)
    google.faults.add("slow", when=lambda request: request.kind == "read", delay=1.0)  # the first read

    def sync(seed: int) -> str:
        store, _ = store_on_fake_clock(school, creds, RetryPolicy(), seed)
        try:
            return run_sync(store, now=NOW).outcome
        except Exception as error:  # the refusal is what we count
            return type(error).__name__

    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = sorted(pool.map(sync, range(2)))
    assert outcomes == ["AlreadyRunning", "complete"]
    assert google.count("write") == 1 + len(school.class_ids)


def _edit_before_writing(store, google: StandIn, workbook_id: str, value: str) -> None:
    """The teacher changes a judgement after our read of the workbook, before our write to it."""
    write = store.write_class_outputs

    def edited_then_written(ref: WorkbookRef, tabs):
        if ref.id == workbook_id:
            google.edit(workbook_id, "Judgements", 1, MATHS_AUTUMN, value)
        return write(ref, tabs)

    store.write_class_outputs = edited_then_written


def _maths_autumn(google: StandIn, workbook_id: str) -> list:
    rows = google.read_spreadsheet(workbook_id)["Class summary"]
    header = rows[1]
    row = next(r for r in rows[2:] if r[0] == AMARA and r[header.index("Subject")] == "Maths")
    return [row[header.index("Judgement")], row[header.index("Value")]]


def test_a_teachers_edit_during_a_sync_is_kept_and_the_full_sync_picks_it_up(
        google: StandIn, school: ServedSchool) -> None:
    creds = credentials(google)
    ash = school.class_ids[ASH]
    store, _ = store_on_fake_clock(school, creds, RetryPolicy())
    _edit_before_writing(store, google, ash, "16")
    assert run_sync(store, now=NOW).outcome == "complete"
    teacher_row = google.read_spreadsheet(ash)["Judgements"][1]
    assert [teacher_row[0], teacher_row[MATHS_AUTUMN]] == [AMARA, "16"]     # the edit is still there
    assert _maths_autumn(google, ash) == ["17 GD", 17]          # this run read the value before the edit

    store, _ = store_on_fake_clock(school, creds, RetryPolicy())
    assert run_sync(store, now=NOW).outcome == "no changes"      # the documented blind spot
    store, _ = store_on_fake_clock(school, creds, RetryPolicy())
    assert run_sync(store, full=True, now=NOW).outcome == "complete"
    assert _maths_autumn(google, ash) == ["16", 16]
    assert google.read_spreadsheet(ash)["Judgements"][1][MATHS_AUTUMN] == "16"


def test_a_teachers_edit_after_our_write_is_seen_by_the_next_incremental_sync(
        google: StandIn, school: ServedSchool) -> None:
    creds = credentials(google)
    ash = school.class_ids[ASH]
    store, _ = store_on_fake_clock(school, creds, RetryPolicy())
    write_summary = store.write_summary

    def edit_then_write_summary(tabs):
        google.edit(ash, "Judgements", 1, MATHS_AUTUMN, "18")   # after Ash's outputs were written
        return write_summary(tabs)

    store.write_summary = edit_then_write_summary
    run_sync(store, now=NOW)
    people_before = {title: cells for title, cells in snapshot(google)[ash].items()
                     if title not in ("Class summary", "Problems")}

    store, _ = store_on_fake_clock(school, creds, RetryPolicy())
    outcome = run_sync(store, now=NOW)
    assert outcome.outcome == "complete" and outcome.workbooks_read == 2
    assert _maths_autumn(google, ash) == ["18", 18]
    assert {title: cells for title, cells in snapshot(google)[ash].items()
            if title not in ("Class summary", "Problems")} == people_before
