"""A school's first sync, in both modes: no class workbooks yet, then a class made by `new-class`
with no pupils. Empty summary tabs with their headers and one sentence saying what to do next."""
from __future__ import annotations

from pathlib import Path

from sync.google.store import GoogleStore
from sync.job import run_sync
from sync.local_store import RESULTS_FILE, SUMMARIES_FOLDER, LocalStore
from sync.new_class import create_class_workbook
from sync.templates import new_tracker_summary
from sync.xlsx import read_values
from tests.integration.google_school import NOW, serve

NO_WORKBOOKS = ("No class workbooks for 2026-27 yet: make one for each class with `new-class` "
                "(or put the teachers' workbooks in the classes folder), then sync again.")
NO_PUPILS = ("1 class workbook for 2026-27 has no pupils yet: fill in its Pupils tab "
             "(UPN, first and last name), then sync again.")


def new_school(folder: Path) -> Path:
    folder.mkdir()
    new_tracker_summary(folder / "Tracker summary.xlsx",
                        {"School name": "New Primary", "Academic year": "2026-27"}, [])
    return folder


def test_a_new_school_syncs_in_local_mode_and_says_what_to_do_next(tmp_path):
    school = new_school(tmp_path / "new")
    outcome = run_sync(LocalStore(school), now=NOW)           # no classes folder at all
    assert (outcome.outcome, outcome.next_step) == ("complete", NO_WORKBOOKS)
    assert outcome.summary_line().endswith(NO_WORKBOOKS)
    (school / "classes").mkdir()
    assert run_sync(LocalStore(school), now=NOW).next_step == NO_WORKBOOKS
    create_class_workbook(school, name="Oak", year=3)
    outcome = run_sync(LocalStore(school), now=NOW)
    assert (outcome.workbooks_read, outcome.errors, outcome.next_step) == (1, 0, NO_PUPILS)
    summary = read_values(school / RESULTS_FILE)
    assert summary["Summary"][0][0] == f"New Primary: Autumn 2026-27. {NO_PUPILS}"
    assert summary["Summary"][1][:2] == ["Year", "Subject"] and len(summary["Summary"]) == 2
    assert summary["Classes"][1][:2] == ["Year", "Class"] and len(summary["Classes"]) == 2
    outputs = read_values(school / SUMMARIES_FOLDER / "2026-27 Oak (Year 3).xlsx")
    assert outputs["Class summary"][1][0] == "UPN" and len(outputs["Class summary"]) == 2


def test_a_new_school_syncs_in_google_mode_with_the_same_sentence(tmp_path, google):
    school = new_school(tmp_path / "new")
    (school / "classes").mkdir()
    summary_id = serve(google, school)
    outcome = run_sync(GoogleStore(summary_id), now=NOW)
    assert (outcome.outcome, outcome.next_step) == ("complete", NO_WORKBOOKS)
    create_class_workbook(school, name="Oak", year=3)
    summary_id = serve(google, school)
    outcome = run_sync(GoogleStore(summary_id), now=NOW)
    assert (outcome.workbooks_read, outcome.errors, outcome.next_step) == (1, 0, NO_PUPILS)
    assert google.schema_errors == []
