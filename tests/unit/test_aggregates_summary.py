"""Summary and Classes: figures worked out by hand from a small school (see each test)."""
import math

import pandas as pd
import pytest

from functions.aggregates import classes, summary
from tests.unit.aggregates_school import school

COUNTED = ("NA",)   # the marks counted in percentages (points.toml: NA; ABS is left out)

Y3, Y4 = 3, 4


@pytest.fixture
def autumn_school() -> pd.DataFrame:
    """Year 3 (Oak): A expected, B greater depth, C well below and falling behind, D `NA`,
    E `ABS`, F no position at all, G left before Autumn ended. Year 4 (Ash): H expected, I above.
    Progress: A +1, B +2, C -1, H +1, I +3. Writing: A below with progress 0."""
    return school(
        dict(upn="A", value=16, status="expected", progress=1),
        dict(upn="B", value=17, gd=True, status="greater depth", progress=2, excelling=True,
             watchlist="excelling"),
        dict(upn="C", value=14, status="well below", progress=-1, falling_behind=True,
             watchlist="falling behind"),
        dict(upn="D", mark="NA"),
        dict(upn="E", mark="ABS"),
        dict(upn="F"),
        dict(upn="G", value=18, status="above", progress=2, on_roll=False),
        dict(upn="H", year=Y4, class_name="Ash", value=19, status="expected", progress=1),
        dict(upn="I", year=Y4, class_name="Ash", value=20, status="above", progress=3),
        dict(upn="A", subject="Writing", value=15, status="below", progress=0),
        dict(upn="A", window=2, value=18, gd=True, status="greater depth", progress=3),
    )


def row(table: pd.DataFrame, **keys) -> dict:
    match = table
    for column, value in keys.items():
        match = match[match[column] == value]
    assert len(match) == 1, keys
    return match.iloc[0].to_dict()


def test_summary_has_exactly_the_tab_columns(autumn_school):
    assert list(summary(autumn_school, 1, COUNTED).columns) == [
        "Year", "Subject", "Pupils", "Assessed", "% expected or above",
        "% greater depth or above", "Average progress", "% falling behind"]


def test_year_row_counts_na_as_not_expected_and_leaves_out_abs_blank_and_leavers(autumn_school):
    year3 = row(summary(autumn_school, 1, COUNTED), Year=3, Subject="Reading")
    # on roll: A B C D E F (G left) = 6; assessed: A B C D = 4
    assert (year3["Pupils"], year3["Assessed"]) == (6, 4)
    assert year3["% expected or above"] == 50.0        # A, B of 4
    assert year3["% greater depth or above"] == 25.0   # B of 4
    assert year3["Average progress"] == 0.7            # (1 + 2 - 1) / 3 = 0.666...
    assert year3["% falling behind"] == 25.0                # C falls behind; B excelling is not counted


def test_key_stage_and_all_rows_pool_the_pupils_not_the_percentages(autumn_school):
    table = summary(autumn_school, 1, COUNTED)
    lks2 = row(table, Year="LKS2", Subject="Reading")
    # years 3 and 4: 8 on roll, 6 assessed, 4 at expected or above (A B H I), 1 greater depth
    assert (lks2["Pupils"], lks2["Assessed"]) == (8, 6)
    assert lks2["% expected or above"] == 66.7
    assert lks2["% greater depth or above"] == 16.7
    assert lks2["Average progress"] == 1.2             # (1 + 2 - 1 + 1 + 3) / 5
    assert row(table, Year="All", Subject="Reading") == {**lks2, "Year": "All"}


def test_rows_come_subject_by_subject_in_year_then_key_stage_order(autumn_school):
    table = summary(autumn_school, 1, COUNTED)
    assert list(zip(table["Subject"], table["Year"], strict=True)) == [
        ("Reading", 3), ("Reading", 4), ("Reading", "LKS2"), ("Reading", "All"),
        ("Writing", 3), ("Writing", "LKS2"), ("Writing", "All")]


def test_another_window_uses_only_that_windows_rows(autumn_school):
    spring = summary(autumn_school, 2, COUNTED)
    assert len(spring) == 3  # year 3, LKS2, All for Reading
    assert row(spring, Year=3)["% greater depth or above"] == 100.0


def test_a_group_with_no_assessed_pupil_shows_blank_percentages():
    table = summary(school(dict(upn="E", mark="ABS")), 1, COUNTED)
    year3 = row(table, Year=3)
    assert (year3["Pupils"], year3["Assessed"]) == (1, 0)
    assert math.isnan(year3["% expected or above"]) and math.isnan(year3["Average progress"])


def test_empty_school_gives_the_columns_and_no_rows(autumn_school):
    assert summary(autumn_school.iloc[0:0], 1, COUNTED).empty
    assert list(summary(autumn_school.iloc[0:0], 1, COUNTED).columns)[:2] == ["Year", "Subject"]


def test_classes_gives_the_summary_measures_per_class_ordered_by_year(autumn_school):
    table = classes(autumn_school, 1, COUNTED)
    assert list(table.columns)[:7] == ["Year", "Class", "Subject", "Pupils", "Assessed",
                                       "% expected or above", "% greater depth or above"]
    assert list(zip(table["Year"], table["Class"], table["Subject"], strict=True)) == [
        (3, "Oak", "Reading"), (3, "Oak", "Writing"), (4, "Ash", "Reading")]
    ash = row(table, Class="Ash")
    assert (ash["Pupils"], ash["% expected or above"], ash["Average progress"]) == (2, 100.0, 2.0)
    oak = row(table, Class="Oak", Subject="Reading")
    assert (oak["Assessed"], oak["% falling behind"]) == (4, 25.0)


@pytest.mark.parametrize(("counted", "assessed", "at_expected"), [
    ((), 3, 66.7),                     # no mark counted: A B C assessed; A, B expected = 2 of 3
    (("NA",), 4, 50.0),                # shipped: D (NA) counts as not at expected: 2 of 4
    (("ABS", "NA"), 5, 40.0),          # a school counting ABS too: 2 of 5
])
def test_which_marks_count_in_percentages_comes_from_the_framework(autumn_school, counted, assessed,
                                                                    at_expected):
    year3 = row(summary(autumn_school, 1, counted), Year=3, Subject="Reading")
    assert (year3["Pupils"], year3["Assessed"], year3["% expected or above"]) == (6, assessed, at_expected)
