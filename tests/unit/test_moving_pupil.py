"""A pupil who leaves one class and joins another in the same year counts in the new class from
the day they joined: the new teacher's judgement is used, the old class shows them as left."""
from __future__ import annotations

from datetime import date

import pandas as pd

from functions import frames
from functions.pupils import class_at_windows
from functions.school import SchoolParameters, assess_school
from sync.reader import ClassWorkbookData
from tests.unit.engine_fixtures import shipped

ENDS = [date(2026, 12, 20), date(2027, 3, 31), date(2027, 7, 20)]
OAK, ASH = "2026-27 Oak (Year 3).xlsx", "2026-27 Ash (Year 3).xlsx"


def pupil(workbook: str, upn: str, first: str, joined: str = "", left: str = "") -> dict:
    return {"workbook": workbook, "academic_year": "2026-27", "class_name": workbook.split()[1],
            "row": 2, "upn_cell": "A2", "upn": upn, "first_name": first, "last_name": "Test",
            "pupil": f"{first} Test", "year": 3, "date_of_birth": pd.NaT,
            "joined_on": pd.Timestamp(joined) if joined else pd.NaT,
            "left_on": pd.Timestamp(left) if left else pd.NaT,
            "gender": "", "pupil_premium": False, "sen": "N", "eal": False}


def membership(*rows: dict) -> pd.DataFrame:
    return class_at_windows(pd.DataFrame(rows, columns=frames.PUPILS), ENDS)


def test_a_move_in_january_counts_in_the_old_class_at_autumn_and_the_new_one_after():
    table = membership(pupil(OAK, "M", "Mo", left="2027-01-15"),
                       pupil(ASH, "M", "Mo", joined="2027-01-18"))
    assert table[["window", "workbook", "on_roll"]].values.tolist() == [
        [1, OAK, True],     # 20/12/2026: still in Oak (left 15/01/2027)
        [2, ASH, True],     # 31/03/2027: joined Ash 18/01/2027
        [3, ASH, True]]


def test_a_move_on_a_window_end_counts_in_the_class_joined_that_day():
    table = membership(pupil(OAK, "M", "Mo", left="2026-12-20"),
                       pupil(ASH, "M", "Mo", joined="2026-12-20"))
    assert table.loc[table["window"] == 1, "workbook"].tolist() == [ASH]


def test_without_a_joined_on_date_the_class_not_yet_left_counts_until_the_left_on_date():
    table = membership(pupil(OAK, "M", "Mo", left="2027-01-15"), pupil(ASH, "M", "Mo"))
    assert table["workbook"].tolist() == [OAK, ASH, ASH]


def test_a_pupil_who_left_the_school_stays_in_their_class_not_on_roll():
    table = membership(pupil(OAK, "L", "Lee", left="2027-01-15"))
    assert table[["workbook", "on_roll"]].values.tolist() == [[OAK, True], [OAK, False], [OAK, False]]


def cells(*rows: tuple) -> pd.DataFrame:
    """(workbook, cell, upn, window, raw): Reading judgements."""
    return pd.DataFrame([{"workbook": w, "academic_year": "2026-27", "tab": "Judgements", "cell": c,
                          "upn": u, "subject": "Reading", "window": win, "raw": raw}
                         for w, c, u, win, raw in rows], columns=frames.CELLS)


def school_with_a_mover() -> ClassWorkbookData:
    """Mo leaves Oak on 15/01/2027 and joins Ash on 18/01/2027. Pat stays in Oak.
    Oak's teacher had typed 15 for Mo at Autumn and (before he left) 15 at Spring; Ash's
    teacher judges him 17 at Spring. Pat: 16 at Autumn, 17 at Spring."""
    data = ClassWorkbookData.empty()
    data.classes = pd.DataFrame([
        {"workbook": OAK, "academic_year": "2026-27", "class_name": "Oak", "year_group": 3, "teacher": "A"},
        {"workbook": ASH, "academic_year": "2026-27", "class_name": "Ash", "year_group": 3, "teacher": "B"}])
    data.pupils = pd.DataFrame([pupil(OAK, "M", "Mo", left="2027-01-15"), pupil(OAK, "P", "Pat"),
                                pupil(ASH, "M", "Mo", joined="2027-01-18")], columns=frames.PUPILS)
    data.cells = cells((OAK, "C2", "M", "Autumn", "15"), (OAK, "D2", "M", "Spring", "15"),
                       (OAK, "C3", "P", "Autumn", "16"), (OAK, "D3", "P", "Spring", "17"),
                       (ASH, "D2", "M", "Spring", "17"))
    return data


def assessed():
    params = SchoolParameters(academic_year="2026-27", fw=shipped("points"), subjects=["Reading"],
                              window_ends=ENDS, current_window="Spring", now="2027-03-20 09:00:00")
    return assess_school(school_with_a_mover(), params, existing_history=pd.DataFrame())


def test_the_new_teachers_judgement_counts_from_the_day_the_pupil_joined():
    results = assessed()
    mo = results.school[results.school["upn"] == "M"].set_index("window")
    # Autumn: Oak's 15 (expected 16 at Autumn of year 3: below); Spring: Ash's 17 (expected 17)
    assert (mo.loc[1, "class_name"], mo.loc[1, "value"], mo.loc[1, "status"]) == ("Oak", 15, "below")
    assert (mo.loc[2, "class_name"], mo.loc[2, "value"], mo.loc[2, "status"]) == ("Ash", 17, "expected")
    # progress since his first position this year: 17 - 15 = +2 where +1 was expected
    assert (mo.loc[2, "progress"], mo.loc[2, "progress_status"]) == (2, "more than expected")


def test_the_old_class_shows_the_pupil_as_left_and_counts_only_its_own():
    results = assessed()
    summary = results.class_summary
    oak = summary[summary["workbook"] == OAK].set_index("UPN")
    ash = summary[summary["workbook"] == ASH].set_index("UPN")
    assert (oak.loc["M", "Status"], oak.loc["M", "Reasons"]) == (
        "left", "left on 15/01/2027: counts in Ash from 18/01/2027")
    assert oak.loc["M", "Judgement"] == "" and oak.loc["P", "Status"] == "expected"
    assert (ash.loc["M", "Judgement"], ash.loc["M", "Status"]) == ("17", "expected")
    classes = results.classes.set_index("Class")
    assert (classes.loc["Oak", "Pupils"], classes.loc["Ash", "Pupils"]) == (1, 1)


def test_history_records_each_window_under_the_class_the_pupil_was_in():
    history = assessed().history
    mo = history[history["UPN"] == "M"].set_index("Window")
    assert (mo.loc["Autumn", "Class"], mo.loc["Autumn", "Label"]) == ("Oak", "15")
    assert (mo.loc["Spring", "Class"], mo.loc["Spring", "Label"]) == ("Ash", "17")
