"""Which position counts, on roll, and the problems found while building POSITIONS."""
from __future__ import annotations

from dataclasses import replace
from datetime import date

import pandas as pd

from functions import frames
from functions.framework import load_framework
from functions.positions import build_positions
from tests.unit.engine_fixtures import framework_data, shipped

POINTS, STEPS = shipped("points"), shipped("steps")
ENDS = [date(2026, 12, 20), date(2027, 3, 31), date(2027, 7, 20)]


def pupils(*rows) -> pd.DataFrame:
    """(upn, year, joined_on, left_on) tuples -> a PUPILS-like frame."""
    return pd.DataFrame([{"workbook": "3A", "upn": u, "year": y, "joined_on": pd.Timestamp(j) if j else pd.NaT,
                          "left_on": pd.Timestamp(l) if l else pd.NaT} for u, y, j, l in rows])


def cells(*rows) -> pd.DataFrame:
    """(tab, cell, upn, subject, window, raw) tuples -> CELLS."""
    return pd.DataFrame([{"workbook": "3A", "academic_year": "2026-27", "tab": t, "cell": c, "upn": u,
                          "subject": s, "window": w, "raw": r} for t, c, u, s, w, r in rows],
                        columns=frames.CELLS)


NO_TICKS = pd.DataFrame(columns=frames.TICKS)
NO_STATEMENTS = pd.DataFrame(columns=frames.STATEMENTS)


def build(cell_rows, fw=POINTS, people=None, ticks=NO_TICKS, statements=NO_STATEMENTS, current=1):
    people = pupils(("U1", 3, None, None)) if people is None else people
    return build_positions(cells(*cell_rows), ticks, statements, people, fw, ENDS, ["Reading"],
                           current_window=current)


def at(positions: pd.DataFrame, upn: str, window: int) -> pd.Series:
    return positions[(positions["upn"] == upn) & (positions["window"] == window)].iloc[0]


def test_one_row_per_pupil_subject_window_with_the_contract_columns():
    positions, problems = build([])
    assert list(positions.columns) == frames.POSITIONS and len(positions) == 3
    assert set(positions["source"]) == {""} and problems.empty


def test_only_the_teachers_judgement_is_a_position_and_suggestions_stay_beside_it():
    positions, _ = build([("Judgements", "C2", "U1", "Reading", "Autumn", "15"),
                          ("Tests", "C2", "U1", "Reading", "Autumn", "85%"),
                          ("Tests", "D2", "U1", "Reading", "Spring", "55")])
    autumn, spring = at(positions, "U1", 1), at(positions, "U1", 2)
    assert (autumn["label"], autumn["source"], autumn["test_label"]) == ("15", "teacher", "16 GD")
    # Spring of year 3: E = 17; 55% is one below -> a suggestion of 16, but the cell is blank
    assert (spring["label"], spring["source"], spring["test_label"]) == ("", "", "16")
    assert pd.isna(spring["value"])


def test_a_school_may_let_a_suggestion_stand_in_for_a_blank_cell():
    opted_in = replace(POINTS, suggestions_fill_blanks=True)
    positions, _ = build([("Judgements", "C2", "U1", "Reading", "Autumn", "15"),
                          ("Tests", "C2", "U1", "Reading", "Autumn", "85%"),
                          ("Tests", "D2", "U1", "Reading", "Spring", "55")], fw=opted_in)
    autumn, spring = at(positions, "U1", 1), at(positions, "U1", 2)
    assert (autumn["label"], autumn["source"]) == ("15", "teacher")   # the teacher still wins
    assert (spring["label"], spring["value"], spring["source"]) == ("16", 16, "test")


def test_the_opt_in_is_read_from_the_framework_file():
    data = framework_data("points")
    assert load_framework(data, "points.toml").suggestions_fill_blanks is False
    data["judgements"]["suggestions_fill_blanks"] = True
    assert load_framework(data, "points.toml").suggestions_fill_blanks is True


def test_marks_are_never_replaced_by_a_suggestion():
    positions, problems = build([("Judgements", "C2", "U1", "Reading", "Autumn", "abs"),
                                 ("Tests", "C2", "U1", "Reading", "Autumn", "70")])
    autumn = at(positions, "U1", 1)
    assert (autumn["mark"], autumn["label"], autumn["source"], autumn["judgement"]) == ("ABS", "", "", "ABS")
    assert autumn["test_label"] == "16" and problems.empty


def test_absent_from_a_test_is_no_suggestion_and_no_problem():
    positions, problems = build([("Tests", "C2", "U1", "Reading", "Autumn", "ABS")])
    assert at(positions, "U1", 1)["test_label"] == "" and problems.empty


def test_unreadable_judgement_is_an_error_and_never_replaced_even_when_opted_in():
    for fw in (POINTS, replace(POINTS, suggestions_fill_blanks=True)):
        positions, problems = build([("Judgements", "C2", "U1", "Reading", "Autumn", "16.5"),
                                     ("Tests", "C2", "U1", "Reading", "Autumn", "65%")], fw=fw)
        autumn = at(positions, "U1", 1)
        assert (autumn["source"], autumn["label"], autumn["unreadable"]) == ("", "", "Judgements C2")
        assert autumn["test_label"] == "16"   # E = 15 + 1 at Autumn of year 3; 65% is on it
        assert problems.to_dict("records") == [{
            "workbook": "3A", "tab": "Judgements", "cell": "C2", "found": "16.5",
            "expected": "a points label such as 16 or 18 GD, or ABS or NA", "severity": "error"}]


def test_steps_judgement_above_the_year_band_is_an_error():
    positions, problems = build([("Judgements", "C2", "U1", "Reading", "Autumn", "4b")], fw=STEPS)
    assert at(positions, "U1", 1)["label"] == ""
    assert problems.loc[0, ["cell", "found", "severity"]].tolist() == ["C2", "4b", "error"]


def test_a_fall_of_two_since_the_last_window_is_a_warning():
    _, problems = build([("Judgements", "C2", "U1", "Reading", "Autumn", "17"),
                         ("Judgements", "D2", "U1", "Reading", "Spring", "15"),
                         ("Judgements", "E2", "U1", "Reading", "Summer", "14")])
    assert problems[["cell", "found", "severity"]].values.tolist() == [
        ["D2", "15 after 17 at the last window", "warning"]]


def test_test_scores_over_the_maximum_are_errors():
    _, problems = build([("Tests", "C2", "U1", "Reading", "Autumn", "51/50"),
                         ("Tests", "D2", "U1", "Reading", "Spring", "101")])
    assert problems[["tab", "cell", "severity"]].values.tolist() == [
        ["Tests", "C2", "error"], ["Tests", "D2", "error"]]


def test_on_roll_from_joined_and_left_dates_against_window_ends():
    people = pupils(("U1", 3, "2027-01-04", None), ("U2", 3, None, "2027-03-31"),
                    ("U3", 3, None, "2027-02-01"))
    positions, _ = build([], people=people)
    on_roll = {(r.upn, r.window): r.on_roll for r in positions.itertuples()}
    assert [on_roll["U1", w] for w in (1, 2, 3)] == [False, True, True]
    assert [on_roll["U2", w] for w in (1, 2, 3)] == [True, True, False]
    assert [on_roll["U3", w] for w in (1, 2, 3)] == [True, False, False]


def test_grid_suggestion_only_at_the_current_window_and_in_the_lower_judged_band():
    statements = pd.DataFrame({"workbook": "3A", "subject": "Reading", "statement_no": range(1, 21),
                               "column": "C", "text": "s", "group": [2] * 10 + [3] * 10, "kpi": False})
    ticks = pd.DataFrame({"workbook": "3A", "academic_year": "2026-27", "upn": "U1", "subject": "Reading",
                          "statement_no": range(1, 21), "cell": "X3", "raw": ["A"] * 7 + ["WT"] * 13})
    positions, _ = build([("Judgements", "C2", "U1", "Reading", "Autumn", "2w")], fw=STEPS,
                         ticks=ticks, statements=statements, current=2)
    spring = at(positions, "U1", 2)
    # latest judgement is band 2 (below year 3): 7 of 10 band 2 statements = 70% -> 2s, shown
    # beside the blank Spring cell, not used as its position
    assert (spring["grid_label"], spring["source"], spring["label"]) == ("2s", "", "")
    positions, _ = build([("Judgements", "C2", "U1", "Reading", "Autumn", "2w")],
                         fw=replace(STEPS, suggestions_fill_blanks=True), ticks=ticks,
                         statements=statements, current=2)
    spring = at(positions, "U1", 2)
    assert (spring["grid_label"], spring["source"], spring["label"]) == ("2s", "grid", "2s")
    assert at(positions, "U1", 1)["grid_label"] == "" and at(positions, "U1", 3)["grid_label"] == ""
