"""Where progress counts from: Baseline cell, else last year's last window, else nothing here."""
from __future__ import annotations

import pandas as pd

from functions import frames
from functions.baselines import baseline_problems, build_baselines
from tests.unit.engine_fixtures import positions_frame, shipped

POINTS = shipped("points")


def baseline_cells(*rows) -> pd.DataFrame:
    return pd.DataFrame([{"workbook": "1A", "academic_year": "2026-27", "tab": "Judgements", "cell": c,
                          "upn": u, "subject": "Reading", "window": "Baseline", "raw": r}
                         for u, c, r in rows], columns=frames.CELLS)


LAST_YEAR = positions_frame([
    {"upn": "U1", "year": 2, "window": 3, "label": "15"},
    {"upn": "U2", "year": 2, "window": 3, "label": "14 GD"},
    {"upn": "U3", "year": 2, "window": 2, "label": "13"},
    {"upn": "U3", "year": 2, "window": 3, "mark": "ABS"},
], POINTS)


def test_baseline_cell_first_then_last_years_summer():
    out = build_baselines(baseline_cells(("U1", "E2", "12")), LAST_YEAR, POINTS, "2025-26")
    rows = {r.upn: r for r in out.itertuples()}
    assert (rows["U1"].label, rows["U1"].value, rows["U1"].origin) == ("12", 12, "Baseline column")
    assert (rows["U2"].label, rows["U2"].gd, rows["U2"].origin) == ("14 GD", True, "Summer 2025-26")
    assert set(out["window"]) == {0} and list(out.columns) == frames.BASELINES


def test_marks_and_earlier_windows_of_last_year_are_not_baselines():
    out = build_baselines(baseline_cells(), LAST_YEAR, POINTS)
    assert "U3" not in set(out["upn"])


def test_unreadable_or_marked_baseline_cells_fall_back_to_last_year():
    out = build_baselines(baseline_cells(("U1", "E2", "twelve"), ("U2", "E3", "NA")), LAST_YEAR, POINTS)
    assert dict(zip(out["upn"], out["label"], strict=True)) == {"U1": "15", "U2": "14 GD"}


def test_nothing_to_go_on_gives_no_rows():
    out = build_baselines(baseline_cells(), LAST_YEAR.iloc[0:0], POINTS)
    assert out.empty and list(out.columns) == frames.BASELINES


def test_unreadable_baseline_cells_are_errors_with_their_cell():
    problems = baseline_problems(baseline_cells(("U1", "E2", "twelve"), ("U2", "E3", "NA"),
                                                ("U3", "E4", "12")), POINTS)
    assert problems.to_dict("records") == [{
        "workbook": "1A", "tab": "Judgements", "cell": "E2", "found": "twelve",
        "expected": "a points label such as 16 or 18 GD, or ABS or NA", "severity": "error"}]
