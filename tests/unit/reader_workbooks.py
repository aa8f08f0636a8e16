"""Messy class workbooks built in memory, as a store would hand them to the reader."""
from __future__ import annotations

import datetime

SUBJECTS = ["Reading", "Writing", "Maths"]
WINDOWS = ["Autumn", "Spring", "Summer"]
ANN = "B801200005001"    # check letters worked by hand: see tests/unit/test_pupils.py
BOB = "Q801200005002"


def class_tab(year_group: object = 3, academic_year: object = "2026-27") -> list[list[object]]:
    return [["Class", "Oak"], ["Year group", year_group], ["Teacher", "Ms Patel"],
            ["Academic year", academic_year]]


def messy_workbook() -> dict[str, list[list[object]]]:
    """Renamed-case headers, shuffled and extra columns, blank rows, dates in three forms."""
    return {
        " class ": class_tab(),
        "PUPILS": [
            [],
            ["  last   NAME", "upn", "First name", "Date of Birth", "Nurture", "sen", "Joined on",
             "Pupil Premium", "Year"],
            ["Smith", ANN, "Ann", "03/04/2019", "Y", "k", 46270, "Y", None],
            [None, None, None],
            ["Jones", BOB, "Bob", datetime.datetime(2019, 5, 1), None, None, "2026-09-03", None, "Y4"],
        ],
        "judgements": [
            ["Name", "UPN", "Maths Spring", "Reading Autumn", "Notes", "Reading Baseline"],
            ["Ann", ANN, "#N/A", "16", "good", "15"],
            ["Bob", BOB, None, " 15 GD ", None, None],
            [None, None, None, None],
        ],
        "Tests": [["UPN", "Reading Autumn"], [ANN, "72%"], [BOB, "36/50"]],
    }
