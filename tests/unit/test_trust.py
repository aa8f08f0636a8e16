"""functions/trust.py with numbers worked out by hand: the trust counts pupils, not schools."""
from __future__ import annotations

import math

import pandas as pd

from functions.aggregates.governors import SUPPRESSED
from functions.snapshot import normalise_pupils
from functions.trust import SchoolPupils, trust_results


def pupils(rows: list[tuple[str, int, str, float]]) -> pd.DataFrame:
    """(upn, year, status, progress) -> snapshot `pupils` rows for Maths at window 1, on roll."""
    frame = pd.DataFrame([{
        "upn": upn, "class_name": "C", "year": year, "subject": "Maths", "window": 1,
        "window_name": "Autumn", "on_roll": True, "judgement": "x", "label": "x", "mark": "",
        "value": 20.0 if status != "not assessed" else math.nan, "source": "teacher",
        "expected_label": "20", "status": status, "baseline_label": "19", "progress": progress,
        "expected_progress": 1.0, "progress_status": "", "target_label": "", "watchlist": "",
        "falling_behind": False, "excelling": False, "sen": "N", "pupil_premium": upn.endswith("p"),
        "eal": False, "gender": "F", "date_of_birth": pd.Timestamp("2019-01-01"),
        "joined_on": pd.NaT, "left_on": pd.NaT} for upn, year, status, progress in rows])
    return normalise_pupils(frame)


# School A: three Year 3 pupils, two at expected -> 66.7%; progress 1, 2, 0 -> 1.0
A = pupils([("a1p", 3, "expected", 1.0), ("a2", 3, "above", 2.0), ("a3", 3, "below", 0.0)])
# School B: one Year 3 pupil at expected -> 100%; progress 3
B = pupils([("b1", 3, "expected", 3.0)])


def test_the_trust_counts_its_pupils_not_the_average_of_its_schools() -> None:
    results = trust_results([SchoolPupils("A", A), SchoolPupils("B", B)], 1, "Autumn 2026-27", "2026-27")
    rows = results.summary[results.summary["Year"] == 3].set_index("School")
    assert list(rows.index) == ["Trust", "A", "B"]            # each school beside the trust
    assert rows.loc["Trust", "Pupils"] == 4
    assert rows.loc["Trust", "% expected or above"] == 75.0  # 3 of 4, not (66.7 + 100) / 2 = 83.35
    assert rows.loc["A", "% expected or above"] == 66.7
    assert rows.loc["B", "% expected or above"] == 100.0
    assert rows.loc["Trust", "Average progress"] == 1.5      # (1 + 2 + 0 + 3) / 4, not (1.0 + 3.0) / 2


def test_a_school_without_a_snapshot_is_missing_not_zero() -> None:
    results = trust_results([SchoolPupils("A", A), SchoolPupils("Late", None)], 1, "Autumn 2026-27",
                            "2026-27")
    trust = results.summary[(results.summary["School"] == "Trust") & (results.summary["Year"] == "All")]
    assert trust["Pupils"].tolist() == [3]                   # Late adds no pupils
    late = results.summary[results.summary["School"] == "Late"]
    assert late[["Subject", "Year"]].values.tolist() == [["Maths", "All"]]
    assert late["Pupils"].tolist() == ["missing"]
    assert late["% expected or above"].isna().all()          # blank, not 0
    status = results.schools.set_index("School")["Status"]
    assert status["A"] == "counted"
    assert status["Late"] == "missing: not synced for Autumn 2026-27"


def test_governors_suppress_small_groups_of_the_trust_and_of_each_school() -> None:
    results = trust_results([SchoolPupils("A", A), SchoolPupils("B", B)], 1, "Autumn 2026-27", "2026-27")
    years = results.governors[(results.governors["Section"] == "Year groups")
                              & (results.governors["Year or group"] == "3")].set_index("School")
    assert (years["Pupils"] == SUPPRESSED).all()             # 4, 3 and 1 pupils: all under 5
    groups = results.governors[(results.governors["Section"] == "Groups")
                               & (results.governors["Year or group"] == "Pupil premium")]
    assert (groups["% expected or above"] == SUPPRESSED).all()


def test_no_school_synced_gives_empty_tables() -> None:
    results = trust_results([SchoolPupils("A", None)], 1, "Autumn 2026-27", "2026-27")
    assert results.summary["School"].tolist() == ["A"]
    assert results.groups.empty


def test_schools_on_different_frameworks_have_no_trust_average_progress() -> None:
    results = trust_results([SchoolPupils("A", A, framework="points"),
                             SchoolPupils("B", B, framework="steps")], 1, "Autumn 2026-27", "2026-27")
    rows = results.summary[results.summary["Year"] == 3].set_index("School")
    assert math.isnan(rows.loc["Trust", "Average progress"])
    assert rows.loc["Trust", "% expected or above"] == 75.0     # statuses still count together
    assert rows.loc["A", "Average progress"] == 1.0 and rows.loc["B", "Average progress"] == 3.0


def test_each_school_counts_the_marks_its_own_framework_counts() -> None:
    # C: c1 expected, c2 marked ABS. C counts ABS in percentages: 1 of 2 = 50.0; the shipped rule
    # (NA only) leaves c2 out: 1 of 1 = 100.0. The trust counts a mark any school counts: with A,
    # 3 of 5 = 60.0 (a1p, a2, c1 of a1p a2 a3 c1 c2).
    c = pupils([("c1", 3, "expected", 1.0), ("c2", 3, "not assessed", math.nan)])
    c.loc[c["upn"] == "c2", "mark"] = "ABS"
    for counted, figure, trust in ((("ABS", "NA"), 50.0, 60.0), (("NA",), 100.0, 75.0)):
        results = trust_results([SchoolPupils("A", A), SchoolPupils("C", c, counted_marks=counted)], 1,
                                "Autumn 2026-27", "2026-27")
        rows = results.summary[results.summary["Year"] == 3].set_index("School")
        assert (rows.loc["C", "% expected or above"], rows.loc["Trust", "% expected or above"]) == (figure, trust)
