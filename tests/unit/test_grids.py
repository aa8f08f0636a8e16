"""Statement grids: ticks to a suggested point or step, with the counts behind it."""
from __future__ import annotations

import pandas as pd

from functions.grids import grid_suggestions
from tests.unit.engine_fixtures import shipped

POINTS, STEPS = shipped("points"), shipped("steps")


def statements(groups: list[int], subject: str = "Reading") -> pd.DataFrame:
    return pd.DataFrame({"workbook": "3A", "subject": subject, "statement_no": range(1, len(groups) + 1),
                         "column": "C", "text": "a statement", "group": groups, "kpi": False})


def ticks(codes: list[str], upn: str = "U1", subject: str = "Reading") -> pd.DataFrame:
    rows = [{"workbook": "3A", "academic_year": "2026-27", "upn": upn, "subject": subject,
             "statement_no": i + 1, "cell": f"R{i + 3}", "raw": code}
            for i, code in enumerate(codes) if code != ""]
    return pd.DataFrame(rows, columns=["workbook", "academic_year", "upn", "subject",
                                       "statement_no", "cell", "raw"])


def band(b: int, upn: str = "U1", subject: str = "Reading") -> pd.DataFrame:
    return pd.DataFrame({"upn": [upn], "subject": [subject], "band": [b]})


def test_steps_16_of_27_band_3_statements_suggests_3w_plus():
    codes = ["A"] * 10 + ["M"] * 6 + ["WT"] * 5 + [""] * 6
    out, problems = grid_suggestions(ticks(codes), statements([3] * 27), band(3), STEPS)
    assert out.loc[0, "label"] == "3w+" and out.loc[0, "value"] == 16
    assert out.loc[0, "reason"] == "suggested 3w+: 16 of 27 Band 3 reading statements achieved (59%)"
    assert problems.empty


def test_steps_thresholds_at_their_boundaries():
    # 20 statements: 5 = 25% b+, 8 = 40% w, 11 = 55% w+, 14 = 70% s, 4 = 20% b
    for achieved, label in [(4, "2b"), (5, "2b+"), (7, "2b+"), (8, "2w"), (11, "2w+"), (14, "2s"),
                            (20, "2s")]:
        codes = ["A"] * achieved + ["WT"] * (20 - achieved)
        out, _ = grid_suggestions(ticks(codes), statements([2] * 20), band(2), STEPS)
        assert out.loc[0, "label"] == label, achieved


def test_steps_s_plus_needs_all_achieved_and_half_mastered():
    out, _ = grid_suggestions(ticks(["M"] * 10 + ["A"] * 10), statements([2] * 20), band(2), STEPS)
    assert out.loc[0, "label"] == "2s+"
    assert out.loc[0, "reason"].endswith("20 of 20 Band 2 reading statements achieved (100%), "
                                         "10 mastered (50%)")
    out, _ = grid_suggestions(ticks(["M"] * 9 + ["A"] * 11), statements([2] * 20), band(2), STEPS)
    assert out.loc[0, "label"] == "2s"


def test_steps_band_assessed_is_the_one_given():
    # a year 3 pupil whose latest judgement is in band 2 is assessed on band 2 statements
    codes = ["A"] * 10 + ["A"] * 3
    out, _ = grid_suggestions(ticks(codes), statements([2] * 10 + [3] * 10), band(2), STEPS)
    assert out.loc[0, "label"] == "2s"   # 10 of 10 achieved but none mastered
    assert "10 of 10 Band 2" in out.loc[0, "reason"]


def test_points_highest_point_with_every_point_up_to_it_secured():
    # band 16, 17, 18 with 10 statements each: 8/10, 9/10, 5/10 -> 17
    codes = ["A"] * 8 + ["WT"] * 2 + ["A"] * 9 + [""] + ["A"] * 5 + [""] * 5
    out, _ = grid_suggestions(ticks(codes), statements([16] * 10 + [17] * 10 + [18] * 10), band(3), POINTS)
    assert out.loc[0, "label"] == "17"
    assert out.loc[0, "reason"].startswith("suggested 17: 8 of 10 point 16 reading statements achieved (80%)")


def test_points_a_gap_stops_the_run_and_none_secured_is_the_previous_milestone():
    codes = ["A"] * 7 + [""] * 3 + ["A"] * 10 + ["A"] * 10
    out, _ = grid_suggestions(ticks(codes), statements([16] * 10 + [17] * 10 + [18] * 10), band(3), POINTS)
    assert out.loc[0, "label"] == "15"


def test_points_greater_depth_needs_the_milestone_all_achieved_and_half_mastered():
    groups = [16] * 10 + [17] * 10 + [18] * 10
    deep = ["A"] * 20 + ["M"] * 5 + ["A"] * 5
    out, _ = grid_suggestions(ticks(deep), statements(groups), band(3), POINTS)
    assert out.loc[0, "label"] == "18 GD"
    shallow = ["A"] * 20 + ["M"] * 4 + ["A"] * 6
    out, _ = grid_suggestions(ticks(shallow), statements(groups), band(3), POINTS)
    assert out.loc[0, "label"] == "18"


def test_a_row_with_no_ticks_suggests_nothing():
    out, problems = grid_suggestions(ticks([""] * 10), statements([2] * 10), band(2), STEPS)
    assert out.empty and problems.empty


def test_codes_are_read_loosely_and_others_are_problems():
    out, problems = grid_suggestions(ticks([" a ", "m", "wt", "X", "✓"]), statements([2] * 5), band(2), STEPS)
    assert list(problems["cell"]) == ["R6", "R7"]
    assert set(problems["tab"]) == {"Reading grid"} and set(problems["severity"]) == {"error"}
    assert out.loc[0, "label"] == "2w"     # 2 of 5 achieved = 40%
