"""Interventions, Trends and Governors, worked out by hand."""
import math
import tomllib
from pathlib import Path

import pandas as pd

from functions.aggregates import governors, interventions, trends, trends_by_year
from functions.frames import INTERVENTIONS
from functions.framework import load_framework
from tests.unit.aggregates_school import school

COUNTED = ("NA",)   # the marks counted in percentages (points.toml: NA; ABS is left out)

POINTS = Path(__file__).parents[2] / "sheets_templates" / "frameworks" / "points.toml"


def points():
    return load_framework(tomllib.loads(POINTS.read_text()), str(POINTS))


def taken(*rows):
    return pd.DataFrame([("Oak.xlsx", *row, "") for row in rows], columns=INTERVENTIONS)


def test_intervention_progress_runs_from_the_window_before_it_starts_to_its_end_or_now():
    frame = school(
        dict(upn="A", window=1, value=15), dict(upn="A", window=3, value=18),
        dict(upn="B", window=3, value=14, baseline=12, baseline_window=0),
        dict(upn="C", window=2, value=15, baseline=14, baseline_window=1),
        dict(upn="A", subject="Maths", window=2, value=20), dict(upn="A", subject="Maths", window=3),
    )
    table = interventions(frame, taken(
        ("A", "Reading", "Reading boost", "Spring", "Summer"),   # 18 - 15 = 3, expected 2 windows = 2
        ("B", "Reading", "Reading boost", "Autumn", ""),         # running: 14 - baseline 12 = 2, expected 3
        ("C", "Reading", "Reading boost", "Autumn", "Spring"),   # baseline is this year's: not measured
        ("A", "Maths", "Number sense", "Summer", ""),            # no Summer value yet
        ("A", "Maths", "Number sense", "Term 4", ""),            # not a window: left out
    ), points(), 3)
    assert list(table.columns) == ["Intervention", "Subject", "Pupils", "Measured", "Average progress",
                                   "Average expected progress", "Difference"]
    boost = table[table["Intervention"] == "Reading boost"].iloc[0]
    assert (boost["Pupils"], boost["Measured"]) == (3, 2)
    assert (boost["Average progress"], boost["Average expected progress"], boost["Difference"]) == (2.5, 2.5, 0.0)
    number = table[table["Intervention"] == "Number sense"].iloc[0]
    assert (number["Pupils"], number["Measured"]) == (1, 0) and math.isnan(number["Average progress"])


def test_an_intervention_ending_after_the_current_window_is_measured_to_now():
    frame = school(dict(upn="A", window=1, value=15), dict(upn="A", window=2, value=17))
    table = interventions(frame, taken(("A", "Reading", "Boost", "Spring", "Summer")), points(), 2)
    assert table[["Average progress", "Average expected progress", "Difference"]].values.tolist() == [[2.0, 1.0, 1.0]]


def trend_schools():
    this = school(
        dict(upn="A", window=1, value=16, status="expected"),
        dict(upn="B", window=1, value=15, status="below"),
        dict(upn="C", window=1, year=4, value=20, status="above"),
        dict(upn="A", window=2, value=17, status="expected"),
    )
    last = school(
        dict(upn="D", window=1, value=16, status="expected"),
        dict(upn="E", window=1, value=16, status="expected"),
        dict(upn="F", window=1, value=15, status="below"),
        dict(upn="G", window=1, year=5, value=20, status="below"),   # no year 5 this year
    )
    return this, last


def test_trends_compare_the_same_year_groups_not_the_same_pupils():
    table = trends_by_year(*trend_schools(), COUNTED)
    assert list(table.columns) == ["Window", "Subject", "Year", "% expected or above",
                                   "% expected or above last year"]
    rows = {(w, y): (now, before) for w, y, now, before in
            table[["Window", "Year", "% expected or above", "% expected or above last year"]].values.tolist()}
    assert rows[("Autumn", 3)] == (50.0, 66.7)
    assert rows[("Autumn", 4)][0] == 100.0 and math.isnan(rows[("Autumn", 4)][1])
    assert rows[("Autumn", "All")] == (66.7, 66.7)        # 2 of 3 each year; last year's year 5 left out
    assert table["Window"].tolist() == ["Autumn"] * 3 + ["Spring"] * 2


def test_trends_tab_is_one_row_per_window_with_this_and_last_year_per_subject():
    table = trends(*trend_schools(), COUNTED)
    assert list(table.columns) == ["Window", "Reading", "Reading last year"]
    assert table["Window"].tolist() == ["Autumn", "Spring"]
    assert table["Reading"].tolist() == [66.7, 100.0]
    assert table["Reading last year"].tolist()[0] == 66.7 and math.isnan(table["Reading last year"][1])


def test_governors_hide_any_row_under_5_pupils_and_a_gap_that_would_reveal_fewer_than_5():
    summary = pd.DataFrame([[3, "Reading", 30, 28, 75.0, 20.0, 1.5, 10.0],
                            [4, "Reading", 4, 4, 50.0, 25.0, 1.0, 25.0]],
                           columns=["Year", "Subject", "Pupils", "Assessed", "% expected or above",
                                    "% greater depth or above", "Average progress", "% falling behind"])
    groups = pd.DataFrame([["Reading", "Pupil premium", 8, 26, 50.0, 80.0, -30.0, 0.5, 1.7],
                           ["Reading", "EHCP (E)", 2, 32, 0.0, 78.1, -78.1, 0.0, 1.6],
                           ["Reading", "Gender: F", 31, 3, 77.4, 66.7, 10.7, 1.5, 1.0]],
                          columns=["Subject", "Group", "Pupils in group", "Pupils outside group",
                                   "% expected or above in group", "% expected or above outside group",
                                   "Gap", "Average progress in group", "Average progress outside group"])
    table = governors(summary, groups)
    assert list(table.columns) == ["Section", "Subject", "Year or group", "Pupils", "% expected or above",
                                   "% greater depth or above", "Average progress", "% falling behind", "Gap"]
    rows = {r["Year or group"]: r for r in table.to_dict("records")}
    assert [rows["3"][c] for c in ("Pupils", "% expected or above", "% falling behind")] == [30, 75.0, 10.0]
    assert all(rows["4"][c] == "fewer than 5" for c in ("Pupils", "% expected or above",
                                                         "% greater depth or above", "Average progress",
                                                         "% falling behind"))
    assert (rows["Pupil premium"]["Pupils"], rows["Pupil premium"]["Gap"]) == (8, -30.0)
    assert rows["EHCP (E)"]["% expected or above"] == "fewer than 5" and rows["EHCP (E)"]["Gap"] == "fewer than 5"
    assert rows["Gender: F"]["% expected or above"] == 77.4 and rows["Gender: F"]["Gap"] == "fewer than 5"
    assert table["Section"].tolist() == ["Year groups"] * 2 + ["Groups"] * 3


def test_governors_show_a_group_of_exactly_5_pupils_and_hide_one_of_4():
    """The threshold is 5 (functions.aggregates.governors.SMALL): 5 pupils are shown with their
    figures, 4 are not; the gap shows when exactly 5 are outside the group."""
    summary = pd.DataFrame([[5, "Maths", 5, 5, 60.0, 20.0, 1.0, 20.0],       # 3 of 5 expected: 60%
                            [6, "Maths", 4, 4, 75.0, 25.0, 1.0, 25.0]],
                           columns=["Year", "Subject", "Pupils", "Assessed", "% expected or above",
                                    "% greater depth or above", "Average progress", "% falling behind"])
    groups = pd.DataFrame([["Maths", "EAL", 5, 5, 40.0, 80.0, -40.0, 0.5, 1.5],   # 2 of 5 against 4 of 5
                           ["Maths", "SEN support (K)", 4, 6, 25.0, 83.3, -58.3, 0.0, 1.7]],
                          columns=["Subject", "Group", "Pupils in group", "Pupils outside group",
                                   "% expected or above in group", "% expected or above outside group",
                                   "Gap", "Average progress in group", "Average progress outside group"])
    rows = {r["Year or group"]: r for r in governors(summary, groups).to_dict("records")}
    assert [rows["5"][c] for c in ("Pupils", "% expected or above", "% falling behind")] == [5, 60.0, 20.0]
    assert rows["6"]["Pupils"] == rows["6"]["% expected or above"] == "fewer than 5"
    assert [rows["EAL"][c] for c in ("Pupils", "% expected or above", "Gap")] == [5, 40.0, -40.0]
    assert rows["SEN support (K)"]["Pupils"] == rows["SEN support (K)"]["Gap"] == "fewer than 5"
