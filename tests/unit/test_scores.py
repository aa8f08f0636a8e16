"""Test scores as typed, and the benchmark's suggestion relative to E for the window."""
from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from functions.scores import EXPECTED_SCORE, benchmark_suggestions, parse_score, parse_scores
from tests.unit.engine_fixtures import shipped

POINTS, STEPS = shipped("points"), shipped("steps")


@pytest.mark.parametrize("typed, percent", [
    (72, 72), ("72", 72), ("72%", 72), (" 72 % ", 72), (0.72, 72), ("0.72", 72), ("36/50", 72),
    (72.0, 72), (1, 1), ("1", 1), (1.0, 100), (0, 0), ("59.99", 59.99), ("100%", 100), ("50/50", 100),
])
def test_scores_read_as_percentages(typed, percent):
    score = parse_score(typed, POINTS)
    assert (score.percent, score.error) == (percent, "")


@pytest.mark.parametrize("typed, expected", [
    (101, "a score no higher than 100%"), ("100.5%", "a score no higher than 100%"),
    ("51/50", "a score no higher than the maximum of 50"), ("3/0", EXPECTED_SCORE),
    (-5, EXPECTED_SCORE), ("seventy", EXPECTED_SCORE), (True, EXPECTED_SCORE), ("72%%", EXPECTED_SCORE),
])
def test_impossible_scores_are_problems(typed, expected):
    score = parse_score(typed, POINTS)
    assert score.error == expected and math.isnan(score.percent)


@pytest.mark.parametrize("typed", ["ABS", "abs", "NA"])
def test_marks_in_tests_are_no_suggestion_and_no_problem(typed):
    score = parse_score(typed, POINTS)
    assert (score.mark, score.error) == (typed.upper(), "") and math.isnan(score.percent)


@pytest.mark.parametrize("percent, label", [
    (100, "16 GD"), (80, "16 GD"), (79.99, "16"), (60, "16"), (59.99, "15"), (50, "15"),
    (49.9, "14"), (35, "14"), (34.9, "13"), (0, "13"),
])
def test_points_benchmark_boundaries_for_year_3_autumn(percent, label):
    out = benchmark_suggestions(pd.Series([percent], dtype=float), pd.Series([16.0]), POINTS)
    assert out.loc[0, "label"] == label


def test_benchmark_reasons_say_the_band_and_flag():
    out = benchmark_suggestions(pd.Series([34.9, 72.0]), pd.Series([16.0, 16.0]), POINTS)
    assert out.loc[0, "reason"] == ("suggested 13: test 34.9% (under 35%: 3 below expected, "
                                    "below test benchmarks)")
    assert out.loc[1, "reason"] == "suggested 16: test 72% (60 to under 80%: expected)"


def test_fraction_from_a_percent_cell_hits_the_boundary_exactly():
    # 0.6 x 100 is 60.00000000000001 in binary floats; 0.35 x 100 too: both are on the boundary.
    percents = parse_scores(pd.Series([0.6, 0.35, "21/35"], dtype=object), POINTS)["percent"]
    labels = benchmark_suggestions(percents, pd.Series([16.0] * 3), POINTS)["label"]
    assert list(labels) == ["16", "14", "16"]


def test_steps_has_no_benchmark_by_default():
    out = benchmark_suggestions(pd.Series([90.0]), pd.Series([13.0]), STEPS)
    assert out.loc[0, "label"] == "" and math.isnan(out.loc[0, "value"])


@given(st.one_of(st.text(), st.floats(), st.integers(), st.booleans(), st.none()))
def test_anything_typed_is_a_score_a_mark_a_problem_or_empty(raw):
    score = parse_score(raw, POINTS)
    if score.error:
        assert math.isnan(score.percent)
    else:
        assert math.isnan(score.percent) or 0 <= score.percent <= 100


@given(st.floats(0, 100))
def test_suggestions_step_down_as_scores_fall(percent):
    higher = benchmark_suggestions(pd.Series([min(percent + 10, 100)]), pd.Series([16.0]), POINTS)
    lower = benchmark_suggestions(pd.Series([percent]), pd.Series([16.0]), POINTS)
    assert lower.loc[0, "value"] <= higher.loc[0, "value"]
    assert 13 <= lower.loc[0, "value"] <= 16


def test_a_date_is_never_a_score_and_the_problem_says_what_the_spreadsheet_did():
    from datetime import datetime
    score = parse_score(datetime(2026, 10, 8), POINTS)
    assert math.isnan(score.percent) and score.mark == ""
    assert score.error == ("a score, not a date: the spreadsheet read 8/10 as the date 8 October; type the "
                           "score as a percentage (80%), or format the cell as plain text and type it again")


def test_a_percent_cell_read_as_text_is_that_percentage():
    assert parse_score("100%", POINTS).percent == 100 and parse_score(1, POINTS).percent == 1
