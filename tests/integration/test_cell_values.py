"""Values in cells that used to break a sync (issue 13): control characters pasted from Word, a name
that is an error value, a formula with no saved value. Each is a Problems row naming the cell; the
rest of the school syncs, and the value itself is never printed or logged."""
from __future__ import annotations

import logging
import re
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from functions.report_context import pupil_names
from sync.job import check_school, run_sync
from sync.local_store import LocalStore
from sync.reports.names import report_stems, safe_name
from sync.xlsx import read_values
from tests.integration.fuzz_school import FUZZED, GOOD, build_school

NOW = datetime(2026, 11, 20, 16, 0, tzinfo=UTC)


def problems(folder: Path) -> list[list]:
    rows = read_values(folder / "Tracker results.xlsx")["Problems"]
    return [row for row in rows[1:] if row and row[0] is not None]


def every_text(folder: Path) -> str:
    files = [folder / "Tracker results.xlsx", *sorted((folder / "summaries").glob("*.xlsx"))]
    return "\n".join(str(value) for path in files for rows in read_values(path).values()
                     for row in rows for value in row if value is not None)


@pytest.fixture
def school(tmp_path: Path) -> Path:
    build_school(tmp_path / "school")
    return tmp_path / "school"


MARKER = "tracker-test-raw-value"


def edit(path: Path, tab: str, cell: str, value: object, error: bool = False) -> None:
    """Put `value` in the cell as a program that writes raw control characters would (openpyxl
    refuses them, and with lxml cannot even write them: the saved XML is patched instead)."""
    raw = isinstance(value, str) and re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", value) is not None
    book = load_workbook(path)
    book[tab][cell] = "placeholder"
    book[tab][cell]._value = MARKER if raw else value
    if error:
        book[tab][cell].data_type = "e"
    book.save(path)
    if raw:
        with zipfile.ZipFile(path) as archive:
            entries = [(info, archive.read(info)) for info in archive.infolist()]
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            for info, data in entries:
                archive.writestr(info, data.replace(MARKER.encode(), str(value).encode("utf-8")))


@pytest.mark.parametrize("pasted", ["Am\x0bara", "Am_x000B_ara", "Am\x1fara\x07"])
def test_control_characters_are_stripped_with_a_warning_naming_the_cell(
        school: Path, pasted: str, caplog: pytest.LogCaptureFixture) -> None:
    edit(school / "classes" / GOOD, "Pupils", "B2", pasted)
    with caplog.at_level(logging.DEBUG):
        outcome = run_sync(LocalStore(school), now=NOW)
    assert outcome.outcome == "complete"
    (row,) = [row for row in problems(school) if "control character" in str(row[3])]
    assert row[:3] == [GOOD, "Pupils", "B2"] and row[5] == "warning"
    assert "Amara" not in str(row) and "Am" not in str(row[3])
    text = every_text(school)
    assert "Amara Adams" in text
    assert "\x0b" not in text and "_x000B_" not in text
    assert "Amara" not in caplog.text


def test_control_characters_in_the_school_name_do_not_stop_the_sync(school: Path) -> None:
    book = load_workbook(school / "Tracker summary.xlsx")
    row = next(row for row in book["Settings"].iter_rows() if row[0].value == "School name")
    row[1].value = "placeholder"
    row[1]._value = "Fuzz_x000B_ Primary"
    book.save(school / "Tracker summary.xlsx")
    assert run_sync(LocalStore(school), now=NOW).outcome == "complete"
    assert [row[:2] for row in problems(school) if "control character" in str(row[3])] == \
        [["Tracker summary", "Settings"]]


@pytest.mark.parametrize("check", [False, True])
def test_a_name_that_is_an_error_value_without_judgements_is_a_problem_row(school: Path,
                                                                           check: bool) -> None:
    path = school / "classes" / GOOD
    edit(path, "Pupils", "B2", "#N/A", error=True)
    book = load_workbook(path)
    for cell in book["Judgements"][2][2:]:
        cell.value = None
    book.save(path)
    if check:
        found = check_school(LocalStore(school))
        rows = found[(found["Workbook"] == GOOD) & (found["Tab"] == "Pupils")]
    else:
        assert run_sync(LocalStore(school), now=NOW).outcome == "complete"
        rows = pd.DataFrame([row for row in problems(school) if row[0] == GOOD and row[1] == "Pupils"],
                            columns=["Workbook", "Tab", "Cell", "Found", "Expected", "Severity"])
        assert (school / "summaries" / FUZZED).is_file()
    assert list(rows["Cell"]) == ["B2"]


def test_a_pupil_with_no_names_is_never_called_none() -> None:
    rows = pd.DataFrame({"first_name": [None], "last_name": [float("nan")], "pupil": [float("nan")]})
    assert pupil_names(rows) == ("", "")
    assert "None" not in report_stems([("A1", "", "")])["A1"]


@pytest.mark.parametrize("name", ["Adams\u202egpj.exe", "Ad\u200bams", "Ad\u2066ams\u2069", "Ad\ufeffams"])
def test_bidi_and_zero_width_characters_never_reach_file_names(name: str) -> None:
    cleaned = safe_name(name)
    assert all(ch not in cleaned for ch in "\u202e\u200b\u2066\u2069\ufeff")
    assert cleaned.startswith("Ad")


def test_a_formula_with_no_saved_value_is_a_warning_naming_the_cell(school: Path) -> None:
    path = school / "classes" / GOOD
    book = load_workbook(path)
    sheet = book["Tests"]
    column = next(cell.column_letter for cell in sheet[1] if cell.value == "Reading Autumn")
    sheet[f"{column}3"] = "=40+32"   # openpyxl saves a formula with no cached value, as some tools do
    book.save(path)
    assert run_sync(LocalStore(school), now=NOW).outcome == "complete"
    (row,) = [row for row in problems(school) if row[0] == GOOD and row[2] == f"{column}3"]
    assert row[1] == "Tests" and row[5] == "warning" and "formula" in row[3]
