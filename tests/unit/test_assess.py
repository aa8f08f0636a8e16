"""Status, progress, targets, watchlist and reasons, with numbers worked out by hand (docs/rules.md)."""
from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from functions import frames
from functions.assess import assess
from functions.framework import FrameworkError, load_framework
from tests.unit.assess_one import assess_pupil
from tests.unit.engine_fixtures import framework_data, positions_frame, shipped

POINTS, STEPS = shipped("points"), shipped("steps")
NO_BASELINES = pd.DataFrame(columns=frames.BASELINES)


def one(fw, year, window, label="", mark="", baselines=NO_BASELINES, earlier=()):
    """The ASSESSED row of a pupil judged `label` at `window`, after `earlier` (window, label)."""
    rows = [{"year": year, "window": w, "label": lab} for w, lab in earlier]
    rows.append({"year": year, "window": window, "label": label, "mark": mark})
    return assess(positions_frame(rows, fw), baselines, fw).iloc[-1]


@pytest.mark.parametrize("label, status", [("15", "below"), ("14", "well below"), ("13", "well below"),
                                           ("16", "expected"), ("17", "above"), ("16 GD", "greater depth"),
                                           ("17 GD", "greater depth"), ("15 GD", "below")])
def test_points_year_3_autumn_statuses(label, status):
    row = one(POINTS, 3, 1, label)
    assert (row["expected"], row["expected_label"], row["status"]) == (16, "16", status)


def test_points_reason_names_value_expectation_window_and_year():
    assert one(POINTS, 3, 1, "15")["reasons"].startswith(
        "below: 15 where 16 was expected at Autumn of year 3")


@pytest.mark.parametrize("label, status", [("4w+", "expected"), ("4s", "expected"),
                                           ("4s+", "greater depth"), ("4w", "below"),
                                           ("4b+", "well below"), ("4b", "well below")])
def test_steps_year_4_summer_statuses(label, status):
    row = one(STEPS, 4, 3, label)
    assert (row["expected_label"], row["status"]) == ("4s", status)


@pytest.mark.parametrize("label, status", [("4w+", "greater depth"), ("4w", "greater depth"),
                                           ("4b+", "greater depth"), ("4b", "expected"),
                                           ("3s+", "expected"), ("3s", "below"),
                                           ("3w+", "well below")])
def test_steps_year_4_autumn_one_step_ahead_is_greater_depth(label, status):
    # E(4, Autumn) = end of year 3 (3s = 17) + 1 x 6 / 3 = 19 = 4b. d = value - 19:
    # 4b+ = 20 (d = 1, on the path to 4s+ by Summer) is greater depth; 3s+ = 18 (d = -1) expected.
    row = one(STEPS, 4, 1, label)
    assert (row["expected_label"], row["status"]) == ("4b", status)


def steps_baseline(label: str, value: float) -> pd.DataFrame:
    return pd.DataFrame([{"upn": "U1", "subject": "Reading", "label": label, "value": value,
                          "gd": False, "window": 0, "origin": "Summer 2025-26"}])


def test_steps_greater_depth_last_summer_and_keeping_pace_is_still_greater_depth():
    # Last Summer 3s+ = 18 against the end of year 3, 3s = 17: d = 1, greater depth.
    # This Autumn 4b+ = 20 against 4b = 19: d = 1, greater depth; progress 20 - 18 = 2 where
    # 1 window x 6 / 3 = 2 was expected: expected progress. Not "above", not going backwards.
    row = one(STEPS, 4, 1, "4b+", baselines=steps_baseline("3s+", 18.0))
    assert (row["baseline_status"], row["status"]) == ("greater depth", "greater depth")
    assert (row["progress"], row["expected_progress"], row["progress_status"]) == (2, 2, "expected")
    # Slipping to 4b (19): expected now, progress +1 where 2 was expected.
    slipped = one(STEPS, 4, 1, "4b", baselines=steps_baseline("3s+", 18.0))
    assert (slipped["baseline_status"], slipped["status"]) == ("greater depth", "expected")


def test_the_ceiling_rule_still_counts_only_the_ceiling_itself():
    data = framework_data("steps")
    data["status"]["greater_depth"] = "ceiling"
    ceiling = load_framework(data, "steps.toml")
    assert one(ceiling, 4, 1, "4w")["status"] == "above"          # 21 < 4s+ = 24
    assert one(ceiling, 4, 1, "4s+")["status"] == "greater depth"


@pytest.mark.parametrize("label, target", [("15", "18"), ("17", "18"), ("18", "18"), ("19", "19"),
                                           ("18 GD", "18")])
def test_points_target_is_18_unless_reached_at_summer(label, target):
    assert one(POINTS, 3, 3, label)["target_label"] == target


def test_points_target_once_reached_adds_progress_still_to_come():
    # Autumn of year 3 at 18 (already the year's 18): 18 + 2 windows x 1 point = 20, no ceiling.
    assert one(POINTS, 3, 1, "18")["target"] == 20
    assert one(POINTS, 3, 1, "16")["target"] == 18


def test_steps_target_is_capped_at_ys_plus():
    # Spring of year 3 at 3s (17): 17 + 2 steps = 19, capped at 3s+ (18).
    assert one(STEPS, 3, 2, "3s")["target_label"] == "3s+"
    assert one(STEPS, 3, 2, "3w")["target_label"] == "3s"


def test_deepen_policy_targets_greater_depth_once_reached():
    data = framework_data("points")
    data["targets"]["policy"] = "deepen"
    deepen = load_framework(data, "points.toml")
    assert one(deepen, 3, 1, "18")["target_label"] == "18 GD"
    assert one(deepen, 3, 1, "16")["target_label"] == "18"


def test_no_position_and_marks_are_not_assessed_with_their_reason():
    absent = one(POINTS, 3, 1, mark="ABS")
    assert (absent["status"], absent["reasons"]) == ("not assessed", "not assessed: marked ABS")
    nothing = one(POINTS, 3, 1)
    assert nothing["status"] == "not assessed"
    assert nothing["reasons"] == "not assessed: no teacher judgement"
    assert nothing["target"] == 18 and math.isnan(nothing["progress"])


def test_an_unreadable_judgement_is_not_assessed_and_the_reason_names_the_cell():
    row = assess(positions_frame([{"year": 3, "window": 1, "unreadable": "Judgements C5",
                                   "test_reason": "test 85% suggests 16 GD"}], POINTS),
                 NO_BASELINES, POINTS).iloc[0]
    assert row["status"] == "not assessed"
    assert row["reasons"] == ("not assessed: the judgement in Judgements C5 could not be read "
                              "(see Problems); test 85% suggests 16 GD")


def test_a_suggestion_standing_in_for_a_blank_cell_says_so():
    frame = positions_frame([{"year": 3, "window": 1, "label": "17"}], POINTS).assign(source="test")
    row = assess(frame, NO_BASELINES, POINTS).iloc[0]
    assert row["reasons"].startswith("above: 17 (the test suggestion: the teacher left the cell "
                                     "blank) where 16 was expected at Autumn of year 3")


def test_progress_from_first_position_of_the_year():
    # Autumn 15, Summer 18: progress 3; expected (3 - 1) x 3 / 3 = 2; p = 1 -> more than expected.
    row = one(POINTS, 3, 3, "18", earlier=[(1, "15")])
    assert (row["baseline"], row["baseline_window"], row["progress"], row["expected_progress"]) == (
        15, 1, 3, 2)
    assert row["progress_status"] == "more than expected"
    assert "progress more than expected: +3 since 15 (first position, Autumn) where 2 was expected" \
        in row["reasons"]


def test_no_baselines_at_all_counts_from_the_first_position_too():
    # None (last year's positions, which have no baselines): the same as an empty BASELINES frame
    row = one(POINTS, 3, 3, "18", baselines=None, earlier=[(1, "15")])
    assert (row["baseline"], row["baseline_window"], row["progress"], row["expected_progress"]) == (
        15, 1, 3, 2)
    assert row["progress_status"] == "more than expected"


def test_no_progress_is_measured_at_the_baseline_window_itself():
    row = one(POINTS, 3, 1, "15")
    assert math.isnan(row["progress"]) and row["progress_status"] == ""


def test_progress_from_a_baseline_counts_from_the_start_of_the_year():
    baseline = pd.DataFrame([{"upn": "U1", "subject": "Reading", "label": "15", "value": 15.0,
                              "gd": False, "window": 0, "origin": "Summer 2025-26"}])
    row = one(POINTS, 3, 1, "15", baselines=baseline)
    # expected progress at Autumn from window 0 = 1; progress 0; p = -1 -> less than expected.
    assert (row["progress"], row["expected_progress"], row["progress_status"]) == (
        0, 1, "less than expected")
    assert row["baseline_status"] == "expected"   # 15 at the end of year 2
    # one point short is "less than expected" progress, but not yet a reason to watch (slower = -2)
    assert row["watchlist"] == ""
    slipped = one(POINTS, 3, 1, "14", baselines=baseline)      # progress -1 where 1: p = -2
    assert slipped["watchlist_reason"] == ("falling behind: 2 points below expected and not "
                                           "catching up, progress 2 points less than expected")


def test_steps_pupil_at_5s_end_of_year_5_is_expected_progress_at_6s():
    baseline = pd.DataFrame([{"upn": "U1", "subject": "Reading", "label": "5s", "value": 29.0,
                              "gd": False, "window": 0, "origin": "Summer"}])
    row = one(STEPS, 6, 3, "6s", baselines=baseline)
    assert (row["progress"], row["expected_progress"], row["progress_status"], row["status"]) == (
        6, 6, "expected", "expected")
    # two steps short of expected progress is "less than expected" in steps; one is not
    assert one(STEPS, 6, 3, "6w", baselines=baseline)["progress_status"] == "less than expected"
    assert one(STEPS, 6, 3, "6w+", baselines=baseline)["progress_status"] == "expected"


def test_watchlist_no_progress_at_two_windows_in_a_row():
    stuck = one(POINTS, 3, 3, "16", earlier=[(1, "16"), (2, "16")])
    assert stuck["falling_behind"]
    assert "no progress at two windows in a row" in stuck["watchlist_reason"]
    once = one(POINTS, 3, 3, "16", earlier=[(1, "15"), (2, "16")])
    assert "no progress" not in once["watchlist_reason"]


def test_watchlist_falling_behind_and_excelling_by_the_framework_rules():
    # points, year 3 Autumn, E = 16: behind = -2 (unless catching up), far_behind = -3,
    # ahead = +2, faster = +1. No baseline: progress not measured, so not catching up.
    assert one(POINTS, 3, 1, "14")["watchlist_reason"] == (
        "falling behind: 2 points below expected and not catching up")
    assert one(POINTS, 3, 1, "13")["watchlist_reason"] == "falling behind: 3 points below expected"
    # 14 at Summer after 12 at Autumn: progress 2 where 2 expected (p = 0): catching up, not listed
    catching = one(POINTS, 3, 3, "16", earlier=[(1, "14")])
    assert (catching["status"], catching["watchlist"]) == ("well below", "")
    assert one(POINTS, 3, 1, "15")["watchlist"] == ""                   # d = -1: below, not watched
    assert one(POINTS, 3, 1, "17")["watchlist"] == ""                   # d = +1: above, not watched
    ahead = one(POINTS, 3, 1, "18")
    assert (ahead["excelling"], ahead["falling_behind"], ahead["watchlist"]) == (True, False, "excelling")
    assert ahead["watchlist_reason"] == "excelling: 2 points above expected"


def test_greater_depth_alone_is_not_a_reason_to_watch():
    assert one(POINTS, 3, 1, "16 GD")[["status", "watchlist"]].tolist() == ["greater depth", ""]
    assert one(STEPS, 4, 1, "4b+")[["status", "watchlist"]].tolist() == ["greater depth", ""]
    # greater depth with progress one point more than expected (Autumn 16 GD -> Summer 19 GD:
    # +3 where 2 expected) is excelling, for the progress
    moving = one(POINTS, 3, 3, "19 GD", earlier=[(1, "16 GD")])
    assert moving["watchlist_reason"] == "excelling: progress 1 point more than expected"


def test_steps_watchlist_rules_in_steps():
    # steps, year 4 Autumn, E = 4b = 19: behind = -4 (3w = 15) unless catching up,
    # far_behind = -5 (3b+ = 14), ahead = +4 (4s = 23)
    assert one(STEPS, 4, 1, "3w")["watchlist_reason"] == (
        "falling behind: 4 steps below expected and not catching up")
    assert one(STEPS, 4, 1, "3b+")["watchlist_reason"] == "falling behind: 5 steps below expected"
    assert one(STEPS, 4, 1, "3w+")["watchlist"] == ""                   # d = -3: well below only
    assert one(STEPS, 4, 1, "4w+")["watchlist"] == ""                   # d = +3: greater depth
    assert one(STEPS, 4, 1, "4s")["watchlist_reason"] == "excelling: 4 steps above expected"


def test_a_school_changes_the_watchlist_rules_in_its_framework_file():
    data = framework_data("points")
    data["watchlist"].update(behind=-1, far_behind=-1)
    strict = load_framework(data, "points.toml")
    assert one(strict, 3, 1, "15")["watchlist_reason"] == "falling behind: 1 point below expected"
    data["watchlist"]["ahead"] = -1
    with pytest.raises(FrameworkError, match="watchlist"):
        load_framework(data, "points.toml")


def test_assessed_has_every_column_in_the_contract_order():
    out = assess(positions_frame([{"year": 3, "window": 1, "label": "15"}], POINTS), NO_BASELINES, POINTS)
    assert list(out.columns) == frames.POSITIONS + frames.ASSESSED_EXTRA


labels = {name: sorted(shipped(name).labels) for name in ("points", "steps")}


@st.composite
def pupils(draw, name):
    """Positions of a few pupils and subjects across the windows, with some gaps and marks."""
    fw = shipped(name)
    rows = []
    for upn in ["A", "B", "C"][:draw(st.integers(1, 3))]:
        year = draw(st.integers(1, 6))
        for subject in ["Reading", "Maths"][:draw(st.integers(1, 2))]:
            for window in draw(st.permutations(range(1, len(fw.windows) + 1))):
                kind = draw(st.sampled_from(["label", "label", "label", "mark", "none"]))
                label = draw(st.sampled_from(labels[name])) if kind == "label" else ""
                if fw.kind == "steps" and label and fw.band_of(fw.labels[label][0]) > year:
                    label = ""
                rows.append({"upn": upn, "subject": subject, "year": year, "window": window,
                             "label": label, "mark": "NA" if kind == "mark" else ""})
    return rows


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(["points", "steps"]), st.data())
def test_one_pupil_path_agrees_with_vectorised_path(name, data):
    fw = shipped(name)
    positions = positions_frame(data.draw(pupils(name)), fw)
    baselines = pd.DataFrame(columns=frames.BASELINES)
    if data.draw(st.booleans()):
        label = data.draw(st.sampled_from(labels[name]))
        value, gd = fw.labels[label]
        baselines = pd.DataFrame([{"upn": "A", "subject": "Reading", "label": label,
                                   "value": float(value), "gd": gd, "window": 0, "origin": "Baseline column"}])
    fast = assess(positions, baselines, fw)
    for (upn, subject), rows in positions.groupby(["upn", "subject"]):
        base = baselines[(baselines["upn"] == upn) & (baselines["subject"] == subject)]
        slow = assess_pupil(rows.to_dict("records"), base.iloc[0] if len(base) else None, fw)
        for index, expected in zip(rows.index, slow, strict=True):
            got = fast.loc[index, frames.ASSESSED_EXTRA].to_dict()
            for column, want in expected.items():
                if isinstance(want, float) and math.isnan(want):
                    assert math.isnan(got[column]), column
                else:
                    assert got[column] == want, column


@given(st.sampled_from(["points", "steps"]), st.integers(1, 6), st.data())
def test_expected_progress_adds_up_to_a_year(name, year, data):
    fw = shipped(name).with_windows(data.draw(st.sampled_from(
        [list(names) for names, _ in shipped(name).windows_by_count.values()])))
    W = len(fw.windows)
    baseline = pd.DataFrame([{"upn": "U1", "subject": "Reading", "label": "", "value": float(
        fw.end_of_year_value(year - 1)), "gd": False, "window": 0, "origin": "Baseline column"}])
    rows = [{"year": year, "window": w, "label": fw.label_for(fw.expected_value(year, w))}
            for w in range(1, W + 1)]
    out = assess(positions_frame(rows, fw), baseline, fw)
    # A pupil exactly on the path makes exactly the expected progress at every window.
    assert list(out["expected_progress"]) == [w * fw.per_year / W for w in range(1, W + 1)]
    assert list(out["progress"]) == list(out["expected_progress"])
    assert set(out["status"]) == {"expected"} and set(out["progress_status"]) == {"expected"}
    assert out["expected"].iloc[-1] == fw.end_of_year_value(year)


def test_steps_progress_matrix_reads_across_the_year_boundary():
    # Year 4 at Autumn (expected 4b = 19); baselines last Summer against 3s = 17.
    #   A: 3s+ (18, d=+1 GD)        -> 4b+ (20, d=+1 GD)
    #   B: 3s  (17, d=0 expected)   -> 4b  (19, d=0 expected)
    #   C: 3w+ (16, d=-1 expected)  -> 3s  (17, d=-2 below)
    #   D: 3s+ (18, d=+1 GD)        -> 4w  (21, d=+2 GD)
    from functions.aggregates import progress_matrix
    pairs = {"A": ("3s+", "4b+"), "B": ("3s", "4b"), "C": ("3w+", "3s"), "D": ("3s+", "4w")}
    positions = positions_frame([{"upn": u, "year": 4, "window": 1, "label": now}
                                 for u, (_, now) in pairs.items()], STEPS)
    baselines = pd.DataFrame([{"upn": u, "subject": "Reading", "label": then,
                               "value": float(STEPS.labels[then][0]), "gd": False, "window": 0,
                               "origin": "Summer 2025-26"} for u, (then, _) in pairs.items()])
    assessed = assess(positions, baselines, STEPS)
    from functions.aggregates.progress_matrix import NOW, THEN
    cells = progress_matrix(assessed, 1).set_index(THEN)
    assert cells.loc["greater depth", NOW + "greater depth"] == 2
    assert cells.loc["expected", NOW + "expected"] == 1 and cells.loc["expected", NOW + "below"] == 1
    assert cells[NOW + "above"].sum() == 0                # nobody reads as slipping GD -> above
