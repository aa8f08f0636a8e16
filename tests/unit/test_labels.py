"""Reading what teachers type: labels, marks and problems."""
from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from functions.labels import parse_label, parse_labels
from tests.unit.engine_fixtures import shipped

POINTS, STEPS = shipped("points"), shipped("steps")


@pytest.mark.parametrize("typed, label, value", [
    ("3W+", "3w+", 16), (" 3 w+", "3w+", 16), ("3wplus", "3w+", 16), ("40-60s+", "40-60s+", 0),
    ("40-60w", "40-60w", -3), ("1b", "1b", 1), ("6s", "6s", 35), ("2 S +", "2s+", 12),
])
def test_steps_spellings_are_normalised(typed, label, value):
    assert parse_label(typed, STEPS)[:4] == (label, value, False, "")


@pytest.mark.parametrize("typed, label, value, gd", [
    ("18gd", "18 GD", 18, True), ("18 G.D.", "18 GD", 18, True), (" 18 ", "18", 18, False),
    (16.0, "16", 16, False), (16, "16", 16, False), ("16.0", "16", 16, False),
    ("30", "30", 30, False), ("1 gd", "1 GD", 1, True),
])
def test_points_spellings_are_normalised(typed, label, value, gd):
    assert parse_label(typed, POINTS)[:4] == (label, value, gd, "")


@pytest.mark.parametrize("typed, mark", [("ABS", "ABS"), ("na", "NA"), (" Abs ", "ABS")])
def test_marks_are_read_in_any_case(typed, mark):
    for fw in (POINTS, STEPS):
        parsed = parse_label(typed, fw)
        assert (parsed.mark, parsed.label, parsed.error) == (mark, "", "")
        assert math.isnan(parsed.value)


@pytest.mark.parametrize("typed", [16.5, "16.5", "31", 0, "GD", "18 GD GD", True, "three"])
def test_points_unreadable_cells_say_what_was_expected(typed):
    parsed = parse_label(typed, POINTS)
    assert parsed.error == "a points label such as 16 or 18 GD, or ABS or NA"
    assert parsed.label == "" and math.isnan(parsed.value)


@pytest.mark.parametrize("typed", ["7b", "3x", "3w++", "40-60b", 3.0, "18gd"])
def test_steps_unreadable_cells_say_what_was_expected(typed):
    assert parse_label(typed, STEPS).error == "a steps label such as 3w+ or 40-60s, or ABS or NA"


@pytest.mark.parametrize("blank", [None, "", "   ", float("nan")])
def test_blank_cells_are_empty_not_problems(blank):
    parsed = parse_label(blank, POINTS)
    assert (parsed.label, parsed.mark, parsed.error) == ("", "", "")


def test_parse_labels_matches_parse_label_row_by_row_even_with_a_repeated_index():
    cells = pd.Series(["18gd", None, 16.0, "16", "x", True, "True", "ABS", 16.5, 1],
                      index=[1, 1, 2, 3, 4, 5, 6, 7, 8, 9], dtype=object)
    parsed = parse_labels(cells, POINTS)
    assert list(parsed.index) == list(cells.index)
    for row, raw in zip(parsed.itertuples(index=False), cells, strict=True):
        one = parse_label(raw, POINTS)
        assert (row.label, row.gd, row.mark, row.error) == (one.label, one.gd, one.mark, one.error)
        assert row.value == one.value or (math.isnan(row.value) and math.isnan(one.value))


def test_parse_labels_of_nothing_has_the_columns():
    assert list(parse_labels(pd.Series([], dtype=object), STEPS).columns) == [
        "label", "value", "gd", "mark", "error"]


@given(st.sampled_from(["points", "steps"]), st.data())
def test_every_label_round_trips(name, data):
    fw = shipped(name)
    value, gd = data.draw(st.sampled_from(sorted(fw.labels.values())))
    parsed = parse_label(fw.label_for(value, gd), fw)
    assert (parsed.value, parsed.gd, parsed.error) == (value, gd, "")
    assert parse_label(parsed.label.upper(), fw).value == value


@given(st.one_of(st.text(), st.floats(), st.integers(), st.booleans(), st.none(),
                 st.datetimes(), st.lists(st.integers())))
def test_anything_typed_never_crashes(raw):
    for fw in (POINTS, STEPS):
        parsed = parse_label(raw, fw)
        outcomes = [parsed.label != "", parsed.mark != "", parsed.error != ""]
        assert sum(outcomes) <= 1
        assert (parsed.label != "") == (not math.isnan(parsed.value))


def test_a_year_3_drop_down_offers_two_years_below_to_two_above_then_gd_from_its_band():
    # points: end of year 2 is 15, of year 3 is 18, 3 a year: from 15 - 2 x 3 + 1 = 10 to 18 + 2 = 20,
    # GD from the band's first point 16 to 20, then the marks
    from functions.labels import offered_labels
    labels = offered_labels(shipped("points"), 3, {"years_below": 2, "above": 2, "gd_from_band": True})
    assert labels == [str(v) for v in range(10, 21)] + [f"{v} GD" for v in range(16, 21)] + ["ABS", "NA"]
