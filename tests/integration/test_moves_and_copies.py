"""A pupil who moved class and a copied class workbook, synced in local mode and in Google mode
(through the stand-in): the same figures, the same Problems, one parent report from the new class."""
from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl

from functions.pupils import upn_check_letter
from sync.google.store import GoogleStore
from sync.job import run_sync
from sync.local_store import RESULTS_FILE, SUMMARIES_FOLDER, LocalStore
from sync.new_class import create_class_workbook
from sync.report_job import write_reports_for_school
from sync.templates import new_tracker_summary
from sync.xlsx import read_values
from tests.integration.google_school import NOW, serve

ANN = upn_check_letter("801200005001") + "801200005001"
BOB = upn_check_letter("801200005002") + "801200005002"
OAK, ASH = "2026-27 Oak (Year 3).xlsx", "2026-27 Ash (Year 3).xlsx"
COPY = "2026-27 Ash (Year 3) - Copy.xlsx"


def put(path: Path, tab: str, upn: str, column: str, value: object) -> None:
    book = openpyxl.load_workbook(path)
    sheet = book[tab]
    header = [cell.value for cell in sheet[1]]
    row = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, 1).value == upn)
    sheet.cell(row, header.index(column) + 1, value)
    book.save(path)


def school(folder: Path) -> Path:
    """Ann leaves Oak on 15/01/2027 and joins Ash on 18/01/2027; Bob stays in Oak. Oak's teacher
    typed 15 for Ann at Autumn and Spring; Ash's teacher typed 17 at Spring. A stale copy of Ash
    says 14."""
    folder.mkdir()
    new_tracker_summary(folder / "Tracker summary.xlsx",
                        {"School name": "New Primary", "Academic year": "2026-27",
                         "Current window": "Spring"}, [])
    (folder / "oak.csv").write_text(f"UPN,First name,Last name,Left on\n{ANN},Ann,Lee,15/01/2027\n"
                                    f"{BOB},Bob,Day,\n")
    (folder / "ash.csv").write_text(f"UPN,First name,Last name,Joined on\n{ANN},Ann,Lee,18/01/2027\n")
    oak = create_class_workbook(folder, name="Oak", year=3, pupils_csv=folder / "oak.csv")
    ash = create_class_workbook(folder, name="Ash", year=3, pupils_csv=folder / "ash.csv")
    for column, value in (("Reading Autumn", "15"), ("Reading Spring", "15")):
        put(oak, "Judgements", ANN, column, value)
    put(oak, "Judgements", BOB, "Reading Spring", "17")
    put(ash, "Judgements", ANN, "Reading Spring", "17")
    put(ash, "Comments", ANN, "Comment", "Settled in well.")
    shutil.copy(ash, ash.with_name(COPY))
    put(ash.with_name(COPY), "Judgements", ANN, "Reading Spring", "14")
    for csv in folder.glob("*.csv"):
        csv.unlink()
    return folder


def reading_year_3(summary: dict) -> list:
    header = summary["Summary"][1]
    rows = [dict(zip(header, row, strict=False)) for row in summary["Summary"][2:]]
    return next([r["Pupils"], r["Assessed"], r["% expected or above"]] for r in rows
                if str(r["Year"]) == "3" and r["Subject"] == "Reading")


def problems_of(rows: list) -> list:
    return [row[1:5] for row in rows[1:] if row and row[0] is not None]


def test_a_move_and_a_copy_in_local_mode(tmp_path):
    folder = school(tmp_path / "school")
    outcome = run_sync(LocalStore(folder), now=NOW)
    summary = read_values(folder / RESULTS_FILE)
    # Reading Spring: Ann counts once, in Ash, at 17 (expected); Bob 17 (expected): 2 of 2
    assert reading_year_3(summary) == [2, 2, 100.0]
    assert problems_of(summary["Problems"]) == [[
        "Class", None, f"Ash 2026-27 in {ASH} and {COPY}",
        f"one workbook per class and year: {ASH} is used and the others are left out; "
        "delete or move the copy"]]
    assert outcome.errors == 1
    oak = read_values(folder / SUMMARIES_FOLDER / OAK)["Class summary"]
    header = oak[1]
    ann = [dict(zip(header, row, strict=False)) for row in oak[2:] if row[0] == ANN and row[3] == "Reading"][0]
    assert (ann["Status"], ann["Reasons"]) == ("left", "left on 15/01/2027: counts in Ash from 18/01/2027")
    assert not (folder / SUMMARIES_FOLDER / COPY).exists()
    written = write_reports_for_school(LocalStore(folder))
    assert sorted(path.parent.name for path in written) == ["Ash", "Oak"]   # Ann in Ash, Bob in Oak
    assert len([path for path in written if "Ann" in path.name]) == 1


def test_a_move_and_a_copy_in_google_mode_give_the_same_figures(tmp_path, google):
    folder = school(tmp_path / "school")
    local = shutil.copytree(folder, tmp_path / "local")
    run_sync(LocalStore(local), now=NOW)
    local_summary = read_values(local / RESULTS_FILE)
    summary_id = serve(google, folder)
    outcome = run_sync(GoogleStore(summary_id), now=NOW)
    assert outcome.errors == 1
    tabs = google.read_spreadsheet(summary_id)
    assert reading_year_3(tabs) == reading_year_3(local_summary) == [2, 2, 100.0]
    assert problems_of(tabs["Problems"]) == [[
        "Class", None, f"Ash 2026-27 in {ASH[:-5]} and {COPY[:-5]}",
        f"one workbook per class and year: {ASH[:-5]} is used and the others are left out; "
        "delete or move the copy"]]
    assert google.schema_errors == []
