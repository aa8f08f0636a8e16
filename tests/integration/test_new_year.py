"""`python -m sync new-year`: a small school rolled into 2027-28, then synced and imported into."""
from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from sync.cli import cli
from sync.job import run_sync
from sync.local_store import LocalStore
from sync.xlsx import read_values
from tests.ctf_files import ctf_xml, pupil_xml, upn
from tests.integration.test_people_tabs_kept import with_formula_and_text_box
from tests.year_school import ASH, OAK, follow_import_to_do, make_school


def run(*args: object):
    return CliRunner().invoke(cli, ["new-year", *map(str, args)])


def digests(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and p.name != ".tracker.lock"}


@pytest.fixture
def school(tmp_path: Path) -> Path:
    folder = make_school(tmp_path / "school", settings={"Locked windows": "Autumn",
                                                        "Window ends": "18/12/2026, 26/03/2027, 16/07/2027"})
    book = load_workbook(folder / "classes/2026-27 Oak (Year 3).xlsx")
    book["Pupils"]["K3"] = "01/03/2027"   # Tom left in March
    book.save(folder / "classes/2026-27 Oak (Year 3).xlsx")
    return folder


def settings_of(school: Path) -> dict:
    return {row[0]: row[1] for row in read_values(school / "Tracker summary.xlsx")["Settings"]}


def type_settings(school: Path, **values: str | None) -> None:
    """What the head does by hand in their own Settings tab."""
    book = load_workbook(school / "Tracker summary.xlsx")
    for row in book["Settings"].iter_rows():
        key = str(row[0].value or "").replace(" ", "_").casefold()
        if key in values:
            row[1].value = values[key]
    book.save(school / "Tracker summary.xlsx")


def test_roll_over_drafts_then_creates_then_changes_nothing_once_settings_move(school):
    with_formula_and_text_box(school / "Tracker summary.xlsx")    # what openpyxl's save would lose
    people = digests(school)
    first = run(school)
    assert first.exit_code == 0, first.output
    assert "Drafted Classes next year.xlsx" in first.output
    mapping = read_values(school / "Classes next year.xlsx")["Classes next year"]
    assert mapping[0][0].startswith("From 2026-27 to 2027-28")
    assert [row[:4] for row in mapping[2:]] == [["Oak", 3, "Oak", 4], ["Ash", 6, "(leaves)", None],
                                                ["(new)", None, "Ash", 1]]
    assert {k: v for k, v in digests(school).items() if k in people} == people

    dry = run(school, "--dry-run")
    assert "Would create 2027-28 Oak (Year 4).xlsx with 2 pupils." in dry.output
    drafted = digests(school)
    assert dry.exit_code == 0 and digests(school) == drafted

    second = run(school)
    assert second.exit_code == 0, second.output
    oak = read_values(school / "classes/2027-28 Oak (Year 4).xlsx")
    assert [row[0] for row in oak["Pupils"][1:]] == [OAK[0][0], OAK[2][0]]   # Tom left: not carried
    assert oak["Pupils"][1][1:3] == ["Amira", "Hussain"] and oak["Pupils"][1][6] == "Y"
    assert dict(oak["Class"][i][:2] for i in range(4))["Academic year"] == "2027-28"
    assert [row[0] for row in read_values(school / "classes/2027-28 Ash (Year 1).xlsx")["Pupils"][1:]] == []
    assert not any(ASH[0][0] in str(row) for row in oak["Pupils"])              # Year 6 left
    # every file a person owns (Tracker summary with its formula and text box, this year's
    # workbooks, the mapping the head checked) is byte for byte as it was; only new files appeared
    assert {k: v for k, v in digests(school).items() if k in drafted} == drafted
    assert ("When the head agrees, type in the Settings tab of Tracker summary.xlsx: Academic year "
            "2027-28; Current window Autumn; Locked windows blank; Window ends 18/12/2027, "
            "26/03/2028, 16/07/2028.") in second.output
    assert settings_of(school)["Academic year"] == "2026-27"
    assert "no such option" in run(school, "--confirm").output.casefold()

    type_settings(school, academic_year="2027-28", current_window="Autumn", locked_windows=None,
                  window_ends="18/12/2027, 26/03/2028, 16/07/2028")
    after = digests(school)
    again = run(school)
    assert again.exit_code == 0 and "already moved into 2027-28; nothing to do" in again.output
    assert "delete Classes next year.xlsx" in again.output
    assert digests(school) == after


def test_a_classes_next_year_tab_the_head_made_in_tracker_summary_is_read(school):
    book = load_workbook(school / "Tracker summary.xlsx")
    sheet = book.create_sheet("Classes next year")
    for row in (["From 2026-27 to 2027-28"], ["Class now", "Year now", "Class next year", "Year next year"],
                ["Oak", 3, "Birch", 4], ["Ash", 6, "(leaves)"]):
        sheet.append(row)
    book.save(school / "Tracker summary.xlsx")
    people = digests(school)
    result = run(school)
    assert result.exit_code == 0, result.output
    assert "Created 2027-28 Birch (Year 4).xlsx with 2 pupils." in result.output
    assert not (school / "Classes next year.xlsx").exists()
    assert {k: v for k, v in digests(school).items() if k in people} == people


def test_rolled_school_syncs_and_takes_a_ctf_of_new_arrivals(school, tmp_path):
    for args in ((), ()):
        assert run(school, *args).exit_code == 0
    type_settings(school, academic_year="2027-28", current_window="Autumn", locked_windows=None,
                  window_ends="18/12/2027, 26/03/2028, 16/07/2028")
    outcome = run_sync(LocalStore(school))
    assert outcome.outcome == "complete"
    arrivals = tmp_path / "arrivals.xml"
    arrivals.write_text(ctf_xml([pupil_xml(upn=upn("802300100001"), forename="Ada", surname="Lovell",
                                           dob="2021-03-04", year=1)]), encoding="utf-8")
    result = CliRunner().invoke(cli, ["import", str(school), str(arrivals), "--class", "Ash"])
    assert result.exit_code == 0, result.output
    follow_import_to_do(school)                   # the teacher pastes the new pupil in
    ash = read_values(school / "classes/2027-28 Ash (Year 1).xlsx")
    assert ash["Pupils"][1][0] == upn("802300100001")
    assert ash["Statutory"][1][:2] == [upn("802300100001"), "Ada Lovell"]   # Year 1: EYFS, phonics
    run_sync(LocalStore(school))
    assert read_values(school / "Tracker results.xlsx")["Summary"][0][0].startswith(
        "Test Primary: Autumn 2027-28")
    assert read_values(school / "Classes next year.xlsx")["Classes next year"][0][0].startswith("From 2026-27")


def test_a_mapping_for_another_year_or_without_a_class_is_refused(school):
    assert run(school).exit_code == 0
    book = load_workbook(school / "Classes next year.xlsx")    # the head's now
    book["Classes next year"].delete_rows(3)          # the Oak row
    book.save(school / "Classes next year.xlsx")
    result = run(school)
    assert result.exit_code == 2 and "Classes next year.xlsx has no row for the class Oak" in result.stderr
    book["Classes next year"]["A1"] = "From 2024-25 to 2025-26"
    book.save(school / "Classes next year.xlsx")
    result = run(school)
    assert result.exit_code == 2 and "delete it to draft a new one" in result.stderr
