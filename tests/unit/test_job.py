"""The sync job's decisions, on an in-memory store (tests/fake_store.py): no files, no HTTP.

A school of two year-3 classes, Oak (Ann 16, Bob 15 in Reading at Autumn, where 16 is expected) and
Ash (Cy 17). The job reads, `functions/` decides, the store applies: these tests look only at
what the store was asked to write.
"""
from __future__ import annotations

import gc
from datetime import UTC, datetime

from sync.job import read_school, run_sync
from sync.sync_log import SYNC_LOG_COLUMNS
from tests.fake_store import FakeStore

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
LATER = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)
US = "tracker@school-sync.iam.gserviceaccount.com"
TEACHER = "j.smith@school.org"


def class_workbook(name: str, pupils: list[tuple[str, str, str]]) -> dict[str, list[list[object]]]:
    """A year-3 class workbook of 2026-27: (UPN, first name, Reading Autumn judgement) per pupil."""
    return {
        "Class": [["Class", name], ["Year group", 3], ["Teacher", "Ms Patel"], ["Academic year", "2026-27"]],
        "Pupils": [["UPN", "First name", "Last name", "Date of birth"],
                   *[[upn, first, "Test", "01/09/2018"] for upn, first, _ in pupils]],
        "Judgements": [["UPN", "Name", "Reading Autumn", "Reading Spring", "Reading Summer"],
                       *[[upn, first, mark, None, None] for upn, first, mark in pupils]],
    }


OAK = class_workbook("Oak", [("B801200005001", "Ann", "16"), ("Q801200005002", "Bob", "15")])
ASH = class_workbook("Ash", [("E801200005003", "Cy", "17")])


def school(**options) -> FakeStore:
    summary = {"Settings": [["School name", "Test Primary"], ["Academic year", "2026-27"],
                            ["Subjects", "Reading"], ["Current window", "Autumn"]],
               "Staff": [["Email", "Role"], ["head@school.org", "Head"]]}
    return FakeStore(summary=summary, workbooks={"Oak": OAK, "Ash": ASH}, **options)


def table(rows: list[list[object]]) -> tuple[list[object], list[list[object]]]:
    """The header and rows of a tab as written (a note line above the header is skipped)."""
    at = 1 if len(rows[0]) == 1 else 0
    return rows[at], rows[at + 1:]


def test_a_sync_writes_each_class_then_the_summary_with_the_sync_log_last():
    store = school()
    outcome = run_sync(store, now=NOW)
    assert outcome.outcome == "complete" and outcome.workbooks_read == 2
    assert [name for name, _ in store.writes] == ["Ash", "Oak", "Tracker summary"]
    assert store.writes[0][1] == ["Class summary", "Problems"]
    assert store.writes[-1][1][-2:] == ["Sync state", "Sync log"]
    header, rows = table(store.summary["Sync log"])
    assert header == SYNC_LOG_COLUMNS
    # Started and Finished both come from the injected clock
    assert rows == [["2026-11-20 09:00:00", "2026-11-20 09:00:00", "Autumn", 2, 0, outcome.problems,
                     outcome.errors, outcome.api_calls, "complete"]]


def test_the_sync_log_keeps_every_earlier_run_and_adds_this_one():
    store = school()
    run_sync(store, now=NOW)
    run_sync(store, now=LATER)
    _, rows = table(store.summary["Sync log"])
    assert [row[0] for row in rows] == ["2026-11-20 09:00:00", "2026-11-21 09:00:00"]
    # API calls: the summary, the listing, 2 workbooks read, 2 class writes, the summary write
    assert [row[7] for row in rows] == [7, 14]


def test_a_store_that_cannot_tell_who_changed_what_always_reads_everything():
    store = school()                                    # account "": a folder of files
    run_sync(store, now=NOW)
    assert run_sync(store, now=LATER).outcome == "complete"


def test_nothing_changed_since_the_last_sync_writes_only_the_sync_log():
    store = school(account=US, modified={"Oak": "2026-11-19T10:00:00Z", "Ash": "2026-11-19T10:00:00Z"},
                   modified_by={"Oak": TEACHER, "Ash": TEACHER})
    run_sync(store, now=NOW)
    store.writes.clear()
    store.modified["Oak"] = "2026-11-20T09:00:05Z"       # our own write of Oak's outputs moved its time
    store.modified_by["Oak"] = US
    reads_before = store.requests
    outcome = run_sync(store, now=LATER)
    assert (outcome.outcome, outcome.workbooks_read, outcome.workbooks_skipped) == ("no changes", 0, 2)
    assert store.writes == [("Tracker summary", ["Sync log"])]
    assert store.requests == reads_before + 3           # summary, listing, the Sync log write
    _, rows = table(store.summary["Sync log"])
    assert [row[-1] for row in rows] == ["complete", "no changes"]


def test_a_teachers_change_or_a_settings_change_or_full_reads_everything_again():
    store = school(account=US, modified={"Oak": "2026-11-19T10:00:00Z", "Ash": "2026-11-19T10:00:00Z"},
                   modified_by={"Oak": TEACHER, "Ash": TEACHER})
    run_sync(store, now=NOW)
    assert run_sync(store, now=LATER, full=True).outcome == "complete"
    store.summary["Settings"].append(["School name", "Renamed Primary"])
    store.summary["Settings"] = [row for row in store.summary["Settings"] if row[1] != "Test Primary"]
    assert run_sync(store, now=LATER).outcome == "complete"
    assert run_sync(store, now=LATER).outcome == "no changes"
    store.modified["Ash"] = "2026-11-21T08:00:00Z"        # a teacher typed in Ash
    assert run_sync(store, now=LATER).outcome == "complete"


def test_our_tab_goes_beside_a_persons_tab_of_the_same_name_and_problems_says_so():
    store = school(people_tabs={"Summary"})
    store.summary["Summary"] = [["The head's own notes"]]
    outcome = run_sync(store, now=NOW)
    assert store.summary["Summary"] == [["The head's own notes"]]       # theirs untouched
    assert "Summary (tracker)" in store.writes[-1][1] and "Summary" not in store.writes[-1][1]
    header, rows = table(store.summary["Problems"])
    beside = [row for row in rows if row[1] == "Summary"]
    assert beside == [["Tracker summary", "Summary", "", "a tab named 'Summary' that a person made",
                       "the sync's own tab; it wrote 'Summary (tracker)' instead", "warning"]]
    assert outcome.problems == len(rows)


def test_our_history_beside_a_persons_history_is_the_one_read_back():
    store = school(people_tabs={"History"})
    store.summary["History"] = [["Their own history"], ["not ours"]]
    run_sync(store, now=NOW)
    ours = store.summary["History (tracker)"]
    run_sync(store, now=LATER)
    assert store.summary["History (tracker)"] == ours       # read back as ours, nothing added twice
    assert store.summary["History"] == [["Their own history"], ["not ours"]]


def test_one_class_failing_is_a_problem_and_the_others_are_written():
    store = school()
    run_sync(store, now=NOW)
    store.unreadable = {"Oak"}
    outcome = run_sync(store, now=LATER)
    assert (outcome.outcome, outcome.errors) == ("complete", 1)
    assert [name for name, _ in store.writes[-2:]] == ["Ash", "Tracker summary"]   # Oak: nothing
    assert store.retired == {"Oak"}                # its old summary no longer looks current
    _, rows = table(store.summary["Problems"])
    assert rows[0] == ["Oak", "", "", "a file that cannot be opened as a spreadsheet",
                       "an .xlsx workbook saved by Excel or LibreOffice (this class is left out)", "error"]
    _, classes = table(store.summary["Classes"])
    assert [row[:6] for row in classes] == [[3, "Ash", "Reading", 1, 1, 100.0]]


def test_reading_pauses_the_cycle_collector_and_leaves_it_as_it_was():
    store = school()
    seen = []
    read_workbook = store.read_workbook

    def reading(ref):
        seen.append(gc.isenabled())
        return read_workbook(ref)

    store.read_workbook = reading
    assert gc.isenabled()
    read_school(store)
    assert seen == [False, False] and gc.isenabled()
    gc.disable()
    try:
        read_school(store)
        assert not gc.isenabled()
    finally:
        gc.enable()
