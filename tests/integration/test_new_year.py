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
from tests.year_school import ASH, OAK, make_school


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


def test_roll_over_drafts_then_creates_then_confirms_then_changes_nothing(school):
    before = digests(school / "classes")
    first = run(school)
    assert first.exit_code == 0, first.output
    assert "Drafted the tab Classes next year" in first.output
    mapping = read_values(school / "Tracker summary.xlsx")["Classes next year"]
    assert mapping[0][0].startswith("From 2026-27 to 2027-28")
    assert [row[:4] for row in mapping[2:]] == [["Oak", 3, "Oak", 4], ["Ash", 6, "(leaves)", None],
                                                ["(new)", None, "Ash", 1]]
    assert digests(school / "classes") == before

    dry = run(school, "--dry-run")
    assert "Would create 2027-28 Oak (Year 4).xlsx with 2 pupils." in dry.output
    assert digests(school / "classes") == before

    second = run(school)
    assert second.exit_code == 0, second.output
    oak = read_values(school / "classes/2027-28 Oak (Year 4).xlsx")
    assert [row[0] for row in oak["Pupils"][1:]] == [OAK[0][0], OAK[2][0]]   # Tom left: not carried
    assert oak["Pupils"][1][1:3] == ["Amira", "Hussain"] and oak["Pupils"][1][6] == "Y"
    assert dict(oak["Class"][i][:2] for i in range(4))["Academic year"] == "2027-28"
    assert [row[0] for row in read_values(school / "classes/2027-28 Ash (Year 1).xlsx")["Pupils"][1:]] == []
    assert not any(ASH[0][0] in str(row) for row in oak["Pupils"])              # Year 6 left
    assert {k: v for k, v in digests(school / "classes").items() if k.startswith("2026-27")} == before
    assert "Settings still say 2026-27" in second.output
    assert settings_of(school)["Academic year"] == "2026-27"

    confirmed = run(school, "--confirm")
    assert confirmed.exit_code == 0, confirmed.output
    assert "exists already" in confirmed.output
    settings = settings_of(school)
    assert (settings["Academic year"], settings["Current window"], settings["Locked windows"]) == (
        "2027-28", "Autumn", None)
    assert settings["Window ends"] == "18/12/2027, 26/03/2028, 16/07/2028"

    after = digests(school)
    again = run(school, "--confirm")
    assert again.exit_code == 0 and "already moved into 2027-28; nothing to do" in again.output
    assert digests(school) == after


def test_rolled_school_syncs_and_takes_a_ctf_of_new_arrivals(school, tmp_path):
    for args in ((), (), ("--confirm",)):
        assert run(school, *args).exit_code == 0
    outcome = run_sync(LocalStore(school))
    assert outcome.outcome == "complete"
    arrivals = tmp_path / "arrivals.xml"
    arrivals.write_text(ctf_xml([pupil_xml(upn=upn("802300100001"), forename="Ada", surname="Lovell",
                                           dob="2021-03-04", year=1)]), encoding="utf-8")
    result = CliRunner().invoke(cli, ["import", str(school), str(arrivals), "--class", "Ash"])
    assert result.exit_code == 0, result.output
    ash = read_values(school / "classes/2027-28 Ash (Year 1).xlsx")
    assert ash["Pupils"][1][0] == upn("802300100001")
    assert ash["Statutory"][1][:2] == [upn("802300100001"), "Ada Lovell"]   # Year 1: EYFS, phonics
    run_sync(LocalStore(school))
    summary = read_values(school / "Tracker summary.xlsx")
    assert read_values(school / "Tracker results.xlsx")["Summary"][0][0].startswith(
        "Test Primary: Autumn 2027-28")
    assert summary["Classes next year"][0][0].startswith("From 2026-27")   # a people's tab: kept


def test_a_mapping_for_another_year_or_without_a_class_is_refused(school):
    assert run(school).exit_code == 0
    book = load_workbook(school / "Tracker summary.xlsx")
    book["Classes next year"].delete_rows(3)          # the Oak row
    book.save(school / "Tracker summary.xlsx")
    result = run(school)
    assert result.exit_code == 2 and "has no row for the class Oak" in result.stderr
    book["Classes next year"]["A1"] = "From 2024-25 to 2025-26"
    book.save(school / "Tracker summary.xlsx")
    result = run(school)
    assert result.exit_code == 2 and "delete that tab to draft a new one" in result.stderr
