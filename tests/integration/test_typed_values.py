"""Typed values read the same in both modes: a percent cell is a percentage (Sheets stores a typed
`100%` as the number 1, sent as the JSON integer 1; a local workbook holds 1.0), a date where a
score belongs is a Problems row saying what the spreadsheet did, and a formula gives its result."""
from __future__ import annotations

import math
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest

from functions.scores import parse_score
from sync.google.store import GoogleStore
from sync.store import WorkbookRef
from sync.xlsx import read_values
from tests.fakes import SimClock
from tests.google_standin import TEACHER
from tests.google_standin.load import book_from_xlsx
from tests.unit.engine_fixtures import shipped

CELLS = {   # Tests cell -> (value stored, number format)
    "B2": (1, "0%"),                          # typed 100%
    "B3": (0.725, "0.0%"),                    # typed 72.5%
    "B4": (datetime(2026, 10, 8), "d/m"),     # typed 8/10 in a UK spreadsheet
    "B5": (72, "General"),
    "B6": ("36/50", "@"),
}


@pytest.fixture(scope="module")
def points():
    return shipped("points")


@pytest.fixture
def workbook(tmp_path) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Tests"
    sheet["A1"], sheet["B1"] = "UPN", "Maths Autumn"
    for address, (value, number_format) in CELLS.items():
        sheet[address] = value
        sheet[address].number_format = number_format
    path = tmp_path / "Year 3 Oak.xlsx"
    book.save(path)
    return path


def google_read(google, path: Path) -> list[list[object]]:
    with google.world.lock:
        book = book_from_xlsx(google.world, path, TEACHER, [])
        google.world.files[book.id].shared_with.add(google.service_account)
    clock = SimClock()
    return GoogleStore("unused", clock=clock, sleep=clock.sleep).read_workbook(WorkbookRef(book.id, "Oak"))["Tests"]


def scores(rows: list[list[object]], points) -> list[tuple[float, str]]:
    return [(parse_score(row[1], points).percent, parse_score(row[1], points).error) for row in rows[1:]]


def test_both_modes_read_the_same_cells_the_same_way(google, workbook, points):
    local, remote = read_values(workbook)["Tests"], google_read(google, workbook)
    assert [row[1] for row in local[1:]] == ["100%", "72.5%", datetime(2026, 10, 8), 72, "36/50"]
    assert [row[1] for row in remote[1:]] == [row[1] for row in local[1:]]
    read = scores(local, points)
    assert [percent for percent, _ in read if not math.isnan(percent)] == [100, 72.5, 72, 72]
    date_error = read[2][1]
    assert "not a date" in date_error and "8 October" in date_error and "80%" in date_error


def test_what_a_teacher_types_into_google_sheets_is_read_as_they_meant_it(google, points):
    oak = google.create_spreadsheet("Year 3 Oak", {"Tests": [["UPN", "Maths Autumn"], ["A1"], ["A2"], ["A3"],
                                                             ["A4"], ["A5"]]})
    for row, text in enumerate(["100%", "8/10", "36/50", "72", "0.5%"], start=1):
        google.type_in(oak, "Tests", row, 1, text)
    assert google.cell(oak, "Tests", 1, 1)["userEnteredValue"] == {"numberValue": 1}   # as Sheets stores it
    clock = SimClock()
    rows = GoogleStore("unused", clock=clock, sleep=clock.sleep).read_workbook(WorkbookRef(oak, "Oak"))["Tests"]
    values = [row[1] for row in rows[1:]]
    assert values[0] == "100%" and values[2] == "36/50" and values[3] == 72 and values[4] == "0.5%"
    assert isinstance(values[1], datetime) and (values[1].day, values[1].month) == (8, 10)
    assert [parse_score(v, points).percent for v in (values[0], values[3], values[4])] == [100, 72, 0.5]
    assert parse_score(values[1], points).error.startswith("a score, not a date")


def test_a_formula_is_read_as_its_result_not_its_text(google):
    oak = google.create_spreadsheet("Year 3 Oak", {"Tests": [["UPN", "Maths Autumn"], ["A1", "=36/50*100"]]})
    clock = SimClock()
    rows = GoogleStore("unused", clock=clock, sleep=clock.sleep).read_workbook(WorkbookRef(oak, "Oak"))["Tests"]
    assert rows[1][1] == 72
