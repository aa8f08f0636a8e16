"""Only a teacher's judgement is a pupil's position: from cells to Classes and Completion.

Class 3A (year 3, points), Reading at Autumn, where E = 16:
  U1  judged 16                      -> expected, assessed, entered
  U2  judgement "banana", test 85%   -> not assessed (the cell named), test suggests 16 GD
  U3  blank, test 85%                -> not assessed, test suggests 16 GD
  U4  ABS                            -> entered, left out of percentages
So Classes: 4 pupils, 1 assessed, 100% expected; Completion: 4 due, 2 entered (U1, U4).
"""
from __future__ import annotations

from dataclasses import replace
from datetime import date

import pandas as pd

from functions import aggregates, frames
from functions.assess import assess
from functions.positions import build_positions
from tests.unit.engine_fixtures import shipped

POINTS = shipped("points")
COUNTED = POINTS.marks_in_percentages
ENDS = [date(2026, 12, 20), date(2027, 3, 31), date(2027, 7, 20)]
CELLS = [("Judgements", "C2", "U1", "16"), ("Judgements", "C3", "U2", "banana"),
         ("Tests", "C3", "U2", "85%"), ("Tests", "C4", "U3", "85%"), ("Judgements", "C5", "U4", "ABS")]


def school_at_autumn(fw):
    upns = ["U1", "U2", "U3", "U4"]
    pupils = pd.DataFrame({"workbook": "3A", "upn": upns, "year": 3, "joined_on": pd.NaT,
                           "left_on": pd.NaT})
    cells = pd.DataFrame([{"workbook": "3A", "academic_year": "2026-27", "tab": tab, "cell": cell,
                           "upn": upn, "subject": "Reading", "window": "Autumn", "raw": raw}
                          for tab, cell, upn, raw in CELLS], columns=frames.CELLS)
    positions, problems = build_positions(cells, pd.DataFrame(columns=frames.TICKS),
                                          pd.DataFrame(columns=frames.STATEMENTS), pupils, fw, ENDS,
                                          ["Reading"], current_window=1)
    school = assess(positions, pd.DataFrame(columns=frames.BASELINES), fw).assign(
        class_name="3A", pupil=lambda f: "Pupil " + f["upn"],
        window_name=lambda f: f["window"].map({1: "Autumn", 2: "Spring", 3: "Summer"}))
    return school, problems


def test_no_judgement_is_not_assessed_whatever_the_suggestions_say():
    school, problems = school_at_autumn(POINTS)
    autumn = school[school["window"] == 1].set_index("upn")
    assert autumn["status"].tolist() == ["expected", "not assessed", "not assessed", "not assessed"]
    assert autumn.loc["U2", "reasons"].startswith(
        "not assessed: the judgement in Judgements C3 could not be read (see Problems)")
    assert autumn.loc["U3", "reasons"].startswith("not assessed: no teacher judgement")
    assert autumn.loc[["U2", "U3"], "test_label"].tolist() == ["16 GD", "16 GD"]   # shown beside
    assert problems[["cell", "found", "severity"]].values.tolist() == [["C3", "banana", "error"]]
    assert not autumn["watchlist"].astype(bool).any()


def test_classes_assessed_and_completion_entered_agree():
    school, _ = school_at_autumn(POINTS)
    classes = aggregates.classes(school, 1, COUNTED).iloc[0]
    assert (classes["Pupils"], classes["Assessed"], classes["% expected or above"]) == (4, 1, 100.0)
    completion = aggregates.completion(school, 1).iloc[0]
    assert (completion["Due"], completion["Entered"], completion["Missing"]) == (4, 2, "Pupil U2, Pupil U3")
    # entered = assessed + the ABS mark, which is entered but left out of the percentages
    assert completion["Entered"] == classes["Assessed"] + 1


def test_opted_in_a_test_fills_only_the_blank_cell():
    school, _ = school_at_autumn(replace(POINTS, suggestions_fill_blanks=True))
    autumn = school[school["window"] == 1].set_index("upn")
    assert autumn[["source", "label", "status"]].values.tolist() == [
        ["teacher", "16", "expected"], ["", "", "not assessed"], ["test", "16 GD", "greater depth"],
        ["", "", "not assessed"]]
    assert aggregates.classes(school, 1, COUNTED).iloc[0]["Assessed"] == 2
    assert aggregates.completion(school, 1).iloc[0]["Entered"] == 2     # a suggestion is not entered
