"""A school's first sync: no class workbooks, or class workbooks with no pupils yet."""
from __future__ import annotations

from datetime import date

import pandas as pd

from functions.school import SchoolParameters, assess_school
from sync.reader import ClassWorkbookData
from tests.unit.engine_fixtures import shipped

ENDS = [date(2026, 12, 20), date(2027, 3, 31), date(2027, 7, 20)]


POINTS = shipped("points")


def params(fw=POINTS) -> SchoolParameters:
    return SchoolParameters(academic_year="2026-27", fw=fw, subjects=["Reading", "Maths"],
                            window_ends=ENDS, now="2026-11-22 09:00:00")


def class_without_pupils(name: str = "2026-27 Oak (Year 3).xlsx") -> ClassWorkbookData:
    data = ClassWorkbookData.empty()
    data.classes = pd.DataFrame([{"workbook": name, "academic_year": "2026-27", "class_name": "Oak",
                                  "year_group": 3, "teacher": ""}])
    return data


def test_no_class_workbooks_gives_empty_tabs_with_their_columns_and_a_next_step():
    for fw in (shipped("points"), shipped("steps")):
        results = assess_school(ClassWorkbookData.empty(), params(fw), existing_history=pd.DataFrame())
        assert results.window_name == "Autumn" and results.current_workbooks == []
        for frame in (results.summary, results.groups, results.classes, results.completion,
                      results.watchlist, results.progress_matrix, results.interventions,
                      results.trends, results.governors, results.history, results.class_summary):
            assert len(frame) == 0 and len(frame.columns) > 0
        assert list(results.summary.columns)[:2] == ["Year", "Subject"]
        assert results.next_step == (
            "No class workbooks for 2026-27 yet: make one for each class with `new-class` "
            "(or put the teachers' workbooks in the classes folder), then sync again.")


def test_class_workbooks_with_no_pupils_say_to_fill_in_the_pupils_tab():
    results = assess_school(class_without_pupils(), params(), existing_history=pd.DataFrame())
    assert results.current_workbooks == ["2026-27 Oak (Year 3).xlsx"]
    assert len(results.summary) == 0 and len(results.class_summary) == 0
    assert results.next_step == (
        "1 class workbook for 2026-27 has no pupils yet: fill in its Pupils tab "
        "(UPN, first and last name), then sync again.")


def test_only_last_years_workbooks_say_to_make_this_years():
    last = class_without_pupils("2025-26 Oak (Year 2).xlsx")
    last.classes["academic_year"] = "2025-26"
    results = assess_school(last, params(), existing_history=pd.DataFrame())
    assert results.next_step.startswith("No class workbooks for 2026-27 yet")


def test_average_progress_says_what_one_point_means_at_the_window():
    # points: 3 a year over 3 windows, so 1.0 a window; steps: 6 a year, so 2.0 a window
    points, steps = shipped("points"), shipped("steps")
    assert (points.per_year, len(points.windows), steps.per_year, len(steps.windows)) == (3, 3, 6, 3)
    results = assess_school(ClassWorkbookData.empty(), params(points), existing_history=pd.DataFrame())
    assert results.progress_note == (
        "Average progress: points gained since the baseline; 1.0 = as expected by Autumn.")
    spring = SchoolParameters(academic_year="2026-27", fw=steps, subjects=["Reading"],
                              window_ends=ENDS, current_window="Spring")
    results = assess_school(ClassWorkbookData.empty(), spring, existing_history=pd.DataFrame())
    assert results.progress_note == (
        "Average progress: steps gained since the baseline; 4.0 = as expected by Spring.")
