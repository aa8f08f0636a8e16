"""The framework files and the Framework API, with the numbers of docs/rules.md."""
from __future__ import annotations

import pytest

from functions.framework import FrameworkError, load_framework
from tests.unit.engine_fixtures import framework_data, shipped

POINTS, STEPS = shipped("points"), shipped("steps")


def test_points_end_of_year_values_rise_three_a_year_from_eyfs_nine():
    assert [POINTS.end_of_year_value(y) for y in range(7)] == [9, 12, 15, 18, 21, 24, 27]


def test_points_year_two_band_is_the_three_points_after_year_one():
    band = range(POINTS.end_of_year_value(1) + 1, POINTS.end_of_year_value(2) + 1)
    assert list(band) == [13, 14, 15]


def test_points_expected_at_each_window_of_year_three():
    assert [POINTS.expected_value(3, w) for w in (1, 2, 3)] == [16, 17, 18]


def test_points_labels():
    assert POINTS.label_for(16) == "16"
    assert POINTS.label_for(18, gd=True) == "18 GD"
    assert POINTS.label_for(16.0) == "16"


def test_steps_values_of_labels():
    labels = STEPS.labels
    assert labels["1b"] == (1, False)
    assert labels["1s+"] == (6, False)
    assert labels["3w+"] == (16, False)
    assert labels["6s"] == (35, False)
    assert labels["40-60w"] == (-3, False)
    assert labels["40-60s+"] == (0, False)


def test_steps_end_of_year_is_ys():
    assert [STEPS.label_for(STEPS.end_of_year_value(y)) for y in range(1, 7)] == [
        "1s", "2s", "3s", "4s", "5s", "6s"]
    assert STEPS.label_for(STEPS.end_of_year_value(0)) == "40-60s"


def test_steps_pupil_at_5s_end_of_year_5_is_expected_at_6s_end_of_year_6():
    assert STEPS.expected_value(6, 3) - STEPS.end_of_year_value(5) == 6
    assert STEPS.label_for(STEPS.expected_value(6, 3)) == "6s"


def test_steps_expected_with_three_windows_is_b_w_s():
    assert [STEPS.label_for(STEPS.expected_value(4, w)) for w in (1, 2, 3)] == ["4b", "4w", "4s"]


def test_steps_ceiling_is_year_band_s_plus():
    assert STEPS.label_for(STEPS.ceiling_value(3)) == "3s+"
    assert POINTS.ceiling_value(3) is None


def test_steps_six_half_termly_windows_move_one_step_each():
    half_terms = STEPS.with_windows(["A1", "A2", "Sp1", "Sp2", "Su1", "Su2"])
    assert [half_terms.expected_value(2, w) for w in range(1, 7)] == [6, 7, 8, 9, 10, 11]
    assert half_terms.window_ends[0] == "10-24"


def test_default_windows_and_marks():
    assert POINTS.windows == ("Autumn", "Spring", "Summer")
    assert POINTS.window_ends == ("12-20", "03-31", "07-20")
    assert POINTS.marks == ("ABS", "NA")
    assert POINTS.marks_in_percentages == ("NA",)


@pytest.mark.parametrize("fw, names", [(POINTS, ["Autumn", "Summer"]),
                                       (STEPS, ["One", "Two", "Three", "Four"]),
                                       (POINTS, [])])
def test_window_count_that_does_not_divide_the_year_is_refused(fw, names):
    with pytest.raises(FrameworkError, match="does not divide"):
        fw.with_windows(names)


def test_renamed_windows_keep_default_ends():
    assert POINTS.with_windows(["T1", "T2", "T3"]).window_ends == POINTS.window_ends


def _broken(name: str, change) -> str:
    data = framework_data(name)
    change(data)
    with pytest.raises(FrameworkError) as refused:
        load_framework(data, f"{name}.toml")
    return str(refused.value)


def test_refusal_is_one_sentence_naming_file_and_key():
    message = _broken("points", lambda d: d["years"].update(end_of_year=[9, 12, 16, 18, 21, 24, 27]))
    assert message.startswith("points.toml: key 'years.end_of_year'")
    assert "from 12 to 16" in message
    assert message.count(".") == message.count(".toml") + message.count("years.") + 1


@pytest.mark.parametrize("name, change, key", [
    ("points", lambda d: d.pop("kind"), "kind"),
    ("points", lambda d: d["years"].update(per_year="3"), "years.per_year"),
    ("points", lambda d: d["windows"]["by_count"].update({"2": {"names": ["a", "b"],
                                                                "ends": ["12-20", "07-20"]}}),
     "windows.by_count.2"),
    ("steps", lambda d: d["windows"]["by_count"]["3"].update(ends=["12-20", "03-31", "7-20"]),
     "windows.by_count.3.ends"),
    ("points", lambda d: d["windows"].update(default_count=6), "windows.default_count"),
    ("points", lambda d: d["status"].update(below=-3), "status"),
    ("points", lambda d: d["status"].update(greater_depth="deep"), "status.greater_depth"),
    ("steps", lambda d: (d["targets"].pop("ceiling_offset"),
                         d["status"].update(greater_depth="ceiling")), "targets.ceiling_offset"),
    ("points", lambda d: d["targets"].update(policy="stretch"), "targets.policy"),
    ("points", lambda d: d["progress"].update(less_than=2), "progress"),
    ("points", lambda d: d["tests"]["benchmark"].pop(), "tests.benchmark"),
    ("points", lambda d: d["tests"]["benchmark"][1].pop("offset"), "tests.benchmark[2]"),
    ("steps", lambda d: d["grid"].update(top_step="s++"), "grid.top_step"),
    ("steps", lambda d: d["grid"]["thresholds"].append({"from": 0.9, "step": "x"}),
     "grid.thresholds"),
    ("points", lambda d: d["grid"].update(achieved=80), "grid"),
    ("points", lambda d: d["marks"]["ABS"].update(meaning="away"), "marks.ABS.meaning"),
    ("steps", lambda d: d["scale"]["early"].update({"40-60x": 3}), "scale.early"),
])
def test_inconsistent_files_are_refused_naming_the_key(name, change, key):
    message = _broken(name, change)
    assert message.startswith(f"{name}.toml: key '{key}' ")
    assert message.endswith(".") and "\n" not in message


def test_a_framework_is_a_value_usable_as_a_cache_key():
    renamed = STEPS.with_windows(list(STEPS.windows))
    assert renamed == STEPS and hash(renamed) == hash(STEPS)
    assert STEPS.with_windows(["Spring", "Summer"]) != STEPS


def test_a_marks_meaning_and_whether_it_counts_in_percentages_are_the_files():
    data = framework_data("points")
    data["marks"] = {"ABS": {"meaning": "absent", "in_percentages": True},
                     "ILL": {"meaning": "absent", "in_percentages": False},
                     "NA": {"meaning": "not required", "in_percentages": True}}
    fw = load_framework(data, "ours.toml")
    assert fw.marks == ("ABS", "ILL", "NA")
    assert fw.marks_in_percentages == ("ABS", "NA")
    assert dict(fw.mark_meanings) == {"ABS": "absent", "ILL": "absent", "NA": "not required"}
    data["marks"]["ILL"]["meaning"] = "poorly"
    with pytest.raises(FrameworkError, match="marks.ILL.meaning"):
        load_framework(data, "ours.toml")
