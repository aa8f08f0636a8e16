"""`python -m sync forget` and `export`: leavers erased from our outputs, counts in the Sync log,
people's workbooks listed, never deleted; everything we hold as CSV."""
from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import Workbook, load_workbook

from sync.cli import cli
from sync.google.store import GoogleStore
from sync.job import run_sync
from sync.local_store import LocalStore
from sync.new_class import create_class_workbook
from sync.reports.names import pupil_key
from sync.xlsx import read_values
from tests.integration.google_school import serve
from tests.year_school import ASH, OAK, make_school, write_csv

LAST_YEAR_OAK = "classes/2025-26 Oak (Year 3).xlsx"
LAST_YEAR_ASH = "classes/2025-26 Ash (Year 6).xlsx"


def invoke(*args: object):
    return CliRunner().invoke(cli, [*map(str, args)])


def set_setting(school: Path, key: str, value: str) -> None:
    path = school / "Tracker summary.xlsx"
    book = load_workbook(path)
    for row in book["Settings"].iter_rows():
        if row[0].value == key:
            row[1].value = value
    book.save(path)


def two_years(folder: Path) -> Path:
    """2025-26: Oak (Year 3) and Ash (Year 6) with Autumn judgements; 2026-27: Oak (Year 4)
    without Lena (she left at the end of 2025-26); Ash's Year 6 left too."""
    folder = make_school(folder, settings={"Academic year": "2025-26"})
    for name in (LAST_YEAR_OAK, LAST_YEAR_ASH):
        book = load_workbook(folder / name)
        sheet = book["Judgements"]
        column = [c.value for c in sheet[1]].index("Reading Autumn") + 1
        for row in range(2, sheet.max_row + 1):
            sheet.cell(row, column, "12")
        book.save(folder / name)
    set_setting(folder, "Academic year", "2026-27")
    create_class_workbook(folder, name="Oak", year=4, pupils_csv=write_csv(folder.parent / "oak.csv", OAK[:2]))
    return folder


@pytest.fixture
def school(tmp_path: Path) -> Path:
    """`two_years`, synced twice, with a parent report of a leaver and of someone else."""
    folder = two_years(tmp_path / "school")
    run_sync(LocalStore(folder))
    run_sync(LocalStore(folder))     # a second run: previous/ holds our earlier Tracker results
    assert CliRunner().invoke(cli, ["new-year", str(folder)]).exit_code == 0   # drafts a file of ours
    for name, who in (("Import 2025-09-05 101010.xlsx", ASH[0]), ("Import 2026-09-05 101010.xlsx", OAK[0])):
        to_do(folder / "imports" / name, who)       # when Kofi arrived; when Amira did
    reports = folder / "reports" / "2025-26" / "Autumn" / "Ash"
    reports.mkdir(parents=True)
    (reports / "Mensah Kofi.pdf").write_bytes(b"%PDF-1.4 test")
    (reports / "Shah Ruby.pdf").write_bytes(b"%PDF-1.4 test")
    (reports / ".reports.json").write_text(json.dumps({pupil_key(ASH[0][0]): "Mensah Kofi.pdf",
                                                       pupil_key("X"): "Shah Ruby.pdf"}))
    return folder


def to_do(path: Path, pupil: tuple) -> None:
    """An import to-do list (sync.mis.to_do) with one new pupil."""
    book = Workbook()
    book.active.title = "New pupils"
    book.active.append(["Class workbook", "x.xlsx", "paste into its Pupils tab at row", 2])
    book.active.append(["UPN", "First name", "Last name"])
    book.active.append(list(pupil[:3]))
    path.parent.mkdir(exist_ok=True)
    book.save(path)


def history_upns(school: Path) -> set[str]:
    return {row[2] for row in read_values(school / "Tracker results.xlsx")["History"][1:]}


def test_forget_leavers_removes_their_rows_and_reports_and_lists_teachers_workbooks(school):
    leavers = {ASH[0][0], ASH[1][0], OAK[2][0]}
    assert leavers <= history_upns(school)
    classes_before = {p.name: p.read_bytes() for p in (school / "classes").iterdir()}
    dry = invoke("forget", school, "--left-before", "2026-09-01", "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "Would remove: 3 pupils; 3 History rows" in dry.output
    assert leavers <= history_upns(school)

    result = invoke("forget", school, "--left-before", "2026-09-01")
    assert result.exit_code == 0, result.output
    assert ("Removed: 3 pupils; 3 History rows; 1 parent report; 2 earlier copies of our files; "
            "1 import to-do list.") in result.output
    assert [p.name for p in (school / "imports").iterdir()] == ["Import 2026-09-05 101010.xlsx"]
    assert history_upns(school) == {OAK[0][0], OAK[1][0]}
    assert not (school / "reports/2025-26/Autumn/Ash/Mensah Kofi.pdf").exists()
    assert (school / "reports/2025-26/Autumn/Ash/Shah Ruby.pdf").exists()        # not a leaver's key
    assert not (school / "previous/Tracker results.xlsx").exists()
    assert not list((school / "previous").glob("*/Tracker summary.xlsx"))
    for name in (LAST_YEAR_OAK, LAST_YEAR_ASH):
        assert f"  {name}" in result.output
    assert {p.name: p.read_bytes() for p in (school / "classes").iterdir()} == classes_before
    log = read_values(school / "Tracker results.xlsx")["Sync log"]
    assert log[-1][-1] == "forget: 3 pupils; 3 History rows; 1 report"
    text = json.dumps(log, default=str)
    assert not any(upn in text for upn in leavers) and "Mensah" not in text and "Kofi" not in text
    run_sync(LocalStore(school))     # the audit line survives the next sync
    assert read_values(school / "Tracker results.xlsx")["Sync log"][-2][-1].startswith("forget: 3 pupils")


def test_forget_after_the_school_deleted_last_years_workbooks_stays_forgotten(school):
    assert invoke("forget", school, "--left-before", "2026-09-01").exit_code == 0
    for name in (LAST_YEAR_OAK, LAST_YEAR_ASH):
        (school / name).unlink()
    run_sync(LocalStore(school))
    assert history_upns(school) == {OAK[0][0], OAK[1][0]}


def test_forget_one_pupil_by_upn_and_by_the_retention_period(school):
    result = invoke("forget", school, "--upn", ASH[1][0])
    assert result.exit_code == 0 and "Removed: 1 pupil; 1 History row;" in result.output
    assert ASH[1][0] not in history_upns(school) and ASH[0][0] in history_upns(school)
    on_roll = invoke("forget", school, "--upn", OAK[0][0])
    assert on_roll.exit_code == 2 and "on roll this year" in on_roll.stderr
    none_set = invoke("forget", school)
    assert none_set.exit_code == 2 and "Retention years" in none_set.stderr
    set_setting(school, "Retention years", "1")
    # left 31/08/2026; a year's retention has not passed in 2026-27
    kept = invoke("forget", school)
    assert kept.exit_code == 0 and "Nobody to forget." in kept.output


def test_export_writes_every_tab_as_csv(school, tmp_path):
    out = tmp_path / "export"
    result = invoke("export", school, out)
    assert result.exit_code == 0, result.output
    with open(out / "Tracker summary" / "History.csv", encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle))
    assert rows[0][:3] == ["Academic year", "Window", "UPN"] and len(rows) == 6
    with open(out / "classes" / "2026-27 Oak (Year 4)" / "Pupils.csv", encoding="utf-8-sig") as handle:
        pupils = list(csv.reader(handle))
    assert [row[0] for row in pupils[1:]] == [OAK[0][0], OAK[1][0]]
    assert pupils[1][4] == "2018-02-14"
    assert (out / "summaries").is_dir()
    assert "reports/2025-26/Autumn/Ash/Mensah Kofi.pdf" in (out / "reports.csv").read_text(encoding="utf-8-sig")
    again = invoke("export", school, out)
    assert again.exit_code == 2 and "is not empty" in again.stderr


def test_forget_and_export_through_the_google_stand_in(google, tmp_path):
    summary_id = serve(google, two_years(tmp_path / "school"))
    run_sync(GoogleStore(summary_id))
    before = google.read_spreadsheet(summary_id)
    assert {ASH[0][0], ASH[1][0], OAK[2][0]} <= {row[2] for row in before["History"][1:]}
    result = invoke("forget", "--google", summary_id, "--left-before", "2026-09-01")
    assert result.exit_code == 0, result.output
    assert "Removed: 3 pupils; 3 History rows" in result.output
    assert "Removed: 3 pupils; 3 History rows; 0 parent reports." in result.output   # no Reports folder set
    after = google.read_spreadsheet(summary_id)
    assert {row[2] for row in after["History"][1:]} == {OAK[0][0], OAK[1][0]}
    assert after["History"][1:] == [row for row in before["History"][1:] if row[2] in (OAK[0][0], OAK[1][0])]
    assert after["Settings"] == before["Settings"] and after["Staff"] == before["Staff"]
    assert after["Sync log"][-1][-1] == "forget: 3 pupils; 3 History rows; 0 reports"
    run_sync(GoogleStore(summary_id), full=True)   # the workbooks are still there: recorded again
    assert {ASH[0][0]} <= {row[2] for row in google.read_spreadsheet(summary_id)["History"][1:]}

    out = tmp_path / "export"
    exported = invoke("export", "--google", summary_id, out)
    assert exported.exit_code == 0, exported.output
    with open(out / "Tracker summary" / "History.csv", encoding="utf-8-sig") as handle:
        assert next(csv.reader(handle))[:3] == ["Academic year", "Window", "UPN"]
    assert (out / "classes" / "2026-27 Oak (Year 4)" / "Class summary.csv").is_file()


def test_forget_reads_a_manifest_listing_old_and_new_names(school):
    """A report run killed half-way leaves a pupil's old and new file names in the manifest."""
    folder = school / "reports" / "2025-26" / "Autumn" / "Ash"
    (folder / "Mensah Kofi (old).pdf").write_bytes(b"%PDF-1.4 test")
    (folder / ".reports.json").write_text(json.dumps({
        pupil_key(ASH[0][0]): ["Mensah Kofi (old).pdf", "Mensah Kofi.pdf"],
        pupil_key("X"): ["Shah Ruby.pdf"]}))
    result = invoke("forget", school, "--left-before", "2026-09-01")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in folder.glob("*.pdf")) == ["Shah Ruby.pdf"]


def test_forget_says_where_people_files_still_hold_the_pupil_and_changes_none_of_them(school):
    """Tom left Oak in November: this year's workbook still holds him (every tab and row named),
    and so does an old History tab in Tracker summary from before the figures moved to Tracker
    results. Nothing a person owns is changed; each place is named for a person to delete."""
    this_year = school / "classes" / "2026-27 Oak (Year 4).xlsx"
    book = load_workbook(this_year)
    book["Pupils"]["K3"] = "20/11/2026"
    book.save(this_year)
    book = load_workbook(school / "Tracker summary.xlsx")
    old = book.create_sheet("History")
    old.append(["Academic year", "Window", "UPN"])
    old.append(["2025-26", "Autumn", OAK[1][0]])
    old.append(["2025-26", "Autumn", OAK[0][0]])
    book.create_sheet("Sync log").append(["Started"])
    book.save(school / "Tracker summary.xlsx")
    people = {p: p.read_bytes() for p in [school / "Tracker summary.xlsx", *(school / "classes").iterdir()]}

    result = invoke("forget", school, "--upn", OAK[1][0])
    assert result.exit_code == 0, result.output
    assert ("  classes/2026-27 Oak (Year 4).xlsx: delete Pupils row 3, Judgements row 3, Tests row 3, "
            "Reading grid row 4") in result.output
    assert "  classes/2025-26 Oak (Year 3).xlsx" in result.output
    assert ("Tracker summary.xlsx still holds 1 of their rows in tabs the sync wrote there before its "
            "figures moved to Tracker results.xlsx (History): delete those tabs (this command never "
            "changes Tracker summary.xlsx).") in result.output
    assert "the next sync records these pupils again" in result.output
    assert {p: p.read_bytes() for p in people} == people


def test_a_forgotten_pupil_is_not_brought_back_by_an_import_unless_they_rejoined(school, tmp_path):
    from tests.ctf_files import ctf_xml, pupil_xml

    lena = OAK[2]                                 # left at the end of 2025-26
    assert invoke("forget", school, "--upn", lena[0]).exit_code == 0
    kept = (school / ".tracker-forgotten.json").read_text()
    assert lena[0] not in kept and lena[1] not in kept and lena[2] not in kept       # keyed hashes only
    assert len(json.loads(kept)["pupils"]) == 1
    old_export = tmp_path / "old.xml"             # an old CTF that still lists her
    old_export.write_text(ctf_xml([pupil_xml(upn=lena[0], forename=lena[1], surname=lena[2],
                                             dob="2018-05-01", year=4)]), encoding="utf-8")
    to_dos = sorted((school / "imports").iterdir())
    left_out = invoke("import", school, old_export, "--class", "Oak")
    assert left_out.exit_code == 0, left_out.output
    assert "Left out: old.xml, Pupil 1 is a pupil the school forgot (erased) on" in left_out.output
    assert "Nothing to change." in left_out.output and sorted((school / "imports").iterdir()) == to_dos
    assert lena[0] not in left_out.output and lena[1] not in left_out.output
    back = invoke("import", school, old_export, "--class", "Oak", "--rejoined", lena[0], "--dry-run")
    assert back.exit_code == 0, back.output
    assert "Join: old.xml, Pupil 1 joins Oak" in back.output
    bad = invoke("import", school, old_export, "--rejoined", "A12345")
    assert bad.exit_code == 2 and len(bad.output.strip().splitlines()) == 1
    # forgetting again keeps one list, one key
    key = json.loads(kept)["key"]
    assert invoke("forget", school, "--upn", ASH[0][0]).exit_code == 0
    again = json.loads((school / ".tracker-forgotten.json").read_text())
    assert again["key"] == key and len(again["pupils"]) == 2
    # export carries the list as Google holds it: a note with the key, then keyed hashes and days
    assert invoke("export", school, tmp_path / "out").exit_code == 0
    exported = (tmp_path / "out" / "Tracker summary" / "Forgotten pupils.csv").read_text(encoding="utf-8-sig")
    assert key in exported and lena[0] not in exported and ASH[0][0] not in exported
    assert len(exported.strip().splitlines()) == 4


def test_a_google_school_keeps_its_forgotten_pupils_in_a_hidden_tab_without_upns(google, tmp_path):
    from tests.ctf_files import ctf_xml, pupil_xml

    summary_id = serve(google, two_years(tmp_path / "school"))
    lena = OAK[2]
    forgot = invoke("forget", "--google", summary_id, "--upn", lena[0])
    assert forgot.exit_code == 0, forgot.output
    sheet = google.world.books[summary_id].sheet_by_title("Forgotten pupils")
    assert sheet is not None and sheet.properties.get("hidden") is True
    rows = google.read_spreadsheet(summary_id)["Forgotten pupils"]
    assert len(rows) == 3 and lena[0] not in str(rows)
    old_export = tmp_path / "old.xml"
    old_export.write_text(ctf_xml([pupil_xml(upn=lena[0], forename=lena[1], surname=lena[2],
                                             dob="2018-05-01", year=4)]), encoding="utf-8")
    left_out = invoke("import", "--google", summary_id, old_export, "--class", "Oak")
    assert left_out.exit_code == 0, left_out.output
    assert "is a pupil the school forgot (erased) on" in left_out.output
    synced = invoke("run", "--google", summary_id)          # a sync keeps the list
    assert synced.exit_code == 0, synced.output
    assert google.read_spreadsheet(summary_id)["Forgotten pupils"] == rows
