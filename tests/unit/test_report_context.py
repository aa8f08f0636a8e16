"""One pupil's report context from their SCHOOL rows, checked against numbers worked by hand.

A year 3 pupil on the points framework, windows Autumn, Spring, Summer: expected 16, 17, 18
(E = 15 + w), last year's end 15 as baseline (window 0).
"""
from __future__ import annotations

import math
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path

import pandas as pd

from functions.framework import load_framework
from functions.report_context import has_teacher_decision, pupil_names, report_context

FRAMEWORKS = Path(__file__).resolve().parents[2] / "sheets_templates" / "frameworks"
FW = load_framework(tomllib.loads((FRAMEWORKS / "points.toml").read_text()), "points.toml")
WINDOWS = ["Autumn", "Spring", "Summer"]
NAN = math.nan


def row(window: int, value: float, *, status: str, progress: float = NAN, progress_status: str = "",
        baseline: float = 15.0, baseline_window: float = 0, mark: str = "", subject: str = "Maths",
        target: float = 18.0) -> dict:
    expected = 15 + window
    return {
        "upn": "A123456789012", "subject": subject, "year": 3, "window": window,
        "label": "" if math.isnan(value) else str(int(value)), "value": value, "gd": False,
        "mark": mark, "source": "teacher" if not math.isnan(value) else "", "on_roll": True,
        "expected": float(expected), "expected_label": str(expected), "status": status,
        "baseline": baseline, "baseline_label": "" if math.isnan(baseline) else str(int(baseline)),
        "baseline_window": baseline_window, "progress": progress,
        "expected_progress": float(window - baseline_window),   # 3 points a year over 3 windows
        "progress_status": progress_status, "target": target,
        "target_label": "" if math.isnan(target) else str(int(target)),
        "class_name": "Oak", "pupil": "Mary Jane Smith", "first_name": "Mary Jane", "last_name": "Smith",
        "window_name": WINDOWS[window - 1],
    }


def context(rows: list[dict], window: int = 2, approved: bool = True, **kwargs) -> dict:
    return report_context(pd.DataFrame(rows), window=window, window_names=WINDOWS, fw=FW,
                          school_name="Hill Primary", academic_year="2026-27",
                          comment=kwargs.get("comment", "  Well done.  "), approved=approved,
                          next_steps=kwargs.get("next_steps", {"Maths": ["Count in 4s"]}))


STEADY = [
    row(1, 16.0, status="expected", progress=1.0, progress_status="expected"),
    row(2, 16.0, status="below", progress=1.0, progress_status="less than expected"),
    row(3, 18.0, status="expected", progress=3.0, progress_status="expected"),
]


def marks_drawn(svg: str) -> list[str]:
    root = ET.fromstring(svg)
    return [c.get("data-label") for c in root.iter("{http://www.w3.org/2000/svg}circle")
            if c.get("class") == "pupil"]


def test_the_report_says_where_the_pupil_is_was_expected_and_is_heading():
    ctx = context(STEADY)
    assert (ctx["first_name"], ctx["last_name"], ctx["class_name"], ctx["year_group"]) == \
        ("Mary Jane", "Smith", "Oak", 3)
    assert (ctx["window_name"], ctx["school_name"], ctx["comment"]) == \
        ("Spring", "Hill Primary", "Well done.")
    maths = ctx["subjects"][0]
    # Spring: 16 where 17 was expected: below; 1 point up from 15 where 2 were expected by Spring.
    assert (maths["label"], maths["status"], maths["expected_label"]) == ("16", "below", "17")
    assert (maths["progress"], maths["expected_progress"], maths["progress_status"]) == \
        ("+1 point", "2 points", "less than expected")
    assert maths["progress_since"] == "since the start of the year"
    assert (maths["target_label"], maths["next_steps"]) == ("18", ["Count in 4s"])


def test_the_picture_shows_the_start_and_windows_up_to_the_report_only():
    maths = context(STEADY)["subjects"][0]
    assert marks_drawn(maths["chart_svg"]) == ["15", "16", "16"]      # no Summer 18 in a Spring report


def test_draft_unless_approved():
    assert context(STEADY, approved=False)["draft"] is True
    assert context(STEADY, approved=True)["draft"] is False


def test_an_absent_window_says_so_and_recalls_the_last_assessment():
    rows = [STEADY[0], row(2, NAN, status="not assessed", mark="ABS")]
    maths = context(rows)["subjects"][0]
    assert (maths["label"], maths["status"], maths["absent"], maths["not_required"]) == \
        ("", "not assessed", True, False)
    assert (maths["last_label"], maths["last_window_name"]) == ("16", "Autumn")
    assert maths["progress_measurable"] is False and maths["progress"] == ""


def test_a_pupil_who_joined_in_spring_has_progress_from_spring():
    joined = [row(2, 16.0, status="below", progress=0.0, baseline=16.0, baseline_window=2,
                  progress_status="expected"),
              row(3, 18.0, status="expected", progress=2.0, baseline=16.0, baseline_window=2,
                  progress_status="more than expected")]
    at_spring = context(joined, window=2)["subjects"][0]
    assert at_spring["progress_measurable"] is False                 # first assessment here
    at_summer = context(joined, window=3)["subjects"][0]
    # 2 points since Spring where (3 - 2) * 3 / 3 = 1 was expected
    assert (at_summer["progress"], at_summer["expected_progress"], at_summer["progress_since"]) == \
        ("+2 points", "1 point", "since Spring")
    assert marks_drawn(at_summer["chart_svg"]) == ["16", "18"]       # no start-of-year mark


def test_a_pupil_with_no_judgements_yet_still_has_a_context():
    nothing = [row(w, NAN, status="not assessed", baseline=NAN, baseline_window=NAN) for w in (1, 2)]
    maths = context(nothing)["subjects"][0]
    assert (maths["label"], maths["status"], maths["absent"], maths["last_label"]) == \
        ("", "not assessed", False, "")
    assert (maths["progress_measurable"], maths["progress_since"]) == (False, "")
    assert (maths["assessed"], maths["chart_svg"], maths["target_label"]) == (False, "", "")
    assert not has_teacher_decision(pd.DataFrame(nothing), 2)


def test_a_suggestion_never_reaches_the_report_as_a_judgement():
    # Spring's 17 came from a test (the school let suggestions fill blank cells): not a judgement.
    suggested = [STEADY[0], {**row(2, 17.0, status="expected", progress=2.0,
                                   progress_status="expected"), "source": "test"}]
    maths = context(suggested)["subjects"][0]
    assert (maths["assessed"], maths["label"], maths["status"]) == (False, "", "not assessed")
    assert (maths["progress_measurable"], maths["chart_svg"], maths["target_label"]) == (False, "", "")
    assert not has_teacher_decision(pd.DataFrame(suggested), 2)
    assert has_teacher_decision(pd.DataFrame(suggested), 1)       # Autumn's 16 was the teacher's
    # and a later report draws only the teacher's judgements: Autumn 16, not Spring's suggested 17
    later = context(suggested + [row(3, 18.0, status="expected")], window=3)["subjects"][0]
    assert marks_drawn(later["chart_svg"]) == ["15", "16", "18"]
    assert (later["last_label"], later["last_window_name"]) == ("16", "Autumn")


def test_a_mark_is_a_teachers_decision_so_the_pupil_still_gets_a_report():
    away = [row(2, NAN, status="not assessed", mark="ABS")]
    assert has_teacher_decision(pd.DataFrame(away), 2)


def test_subjects_keep_their_order_and_only_those_with_a_row_at_the_window():
    rows = STEADY + [row(w, 16.0, status="expected", subject="Art") for w in (1, 3)] + \
        [row(2, 17.0, status="expected", subject="Reading")]
    assert [s["name"] for s in context(rows)["subjects"]] == ["Maths", "Reading"]


def test_names_fall_back_to_splitting_the_pupil_column_at_the_last_space():
    frame = pd.DataFrame([{"pupil": "Mary Jane Smith"}])
    assert pupil_names(frame) == ("Mary Jane", "Smith")


def test_nullable_number_columns_read_the_same_as_floats():
    rows = pd.DataFrame([STEADY[0], row(2, NAN, status="not assessed", mark="ABS")]).astype(
        {"value": "Float64", "progress": "Float64", "baseline_window": "Int64"})
    maths = report_context(rows, window=2, window_names=WINDOWS, fw=FW, school_name="Hill Primary",
                           academic_year="2026-27", comment="", approved=True,
                           next_steps={})["subjects"][0]
    assert (maths["label"], maths["last_label"], maths["progress_measurable"]) == ("", "16", False)
    assert maths["chart_svg"] == ""                 # not assessed this window: no picture


def test_a_report_says_absent_or_not_required_by_the_marks_meaning_in_the_framework():
    from dataclasses import replace
    from types import MappingProxyType

    fw = replace(FW, marks=("ILL", "NA"), mark_meanings=MappingProxyType({"ILL": "absent", "NA": "not required"}))
    for mark, absent, not_required in (("ILL", True, False), ("NA", False, True)):
        rows = [STEADY[0], row(2, NAN, status="not assessed", mark=mark)]
        maths = report_context(pd.DataFrame(rows), window=2, window_names=WINDOWS, fw=fw,
                               school_name="Hill Primary", academic_year="2026-27", comment="",
                               approved=True, next_steps={})["subjects"][0]
        assert (maths["absent"], maths["not_required"]) == (absent, not_required)
