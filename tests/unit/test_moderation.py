"""The Moderation tab's rules (functions/moderation.py) on small frames worked out by hand."""
from __future__ import annotations

import tomllib

import pandas as pd
import pytest

from functions import frames
from functions.moderation import (
    MODERATION_COLUMNS,
    ModerationRules,
    judgements_against_tests,
    moderation_table,
    statutory_against_judgements,
)
from functions.statutory import load_statutory_rules, parse_statutory
from sync.templates import TEMPLATES_DIR
from tests.integration.fuzz_school import framework

FW = framework()
RULES = ModerationRules(min_pupils=10, noise_z=2.0, min_difference=0.3, window="Spring",
                        generous_if_met_under=80, cautious_if_met_over=40)
with open(TEMPLATES_DIR / "statutory" / "checks.toml", "rb") as _handle:
    STATUTORY = load_statutory_rules(tomllib.load(_handle), "checks.toml")


def school(diffs: list[int], *, class_name: str = "Elm", subject: str = "Maths",
           gender: list[str] | None = None, test: int = 16) -> pd.DataFrame:
    """One row per pupil at window 1: judged `test + diff` against a test suggesting `test`."""
    n = len(diffs)
    return pd.DataFrame({
        "upn": [f"{class_name}{i}" for i in range(n)], "subject": subject, "window": 1,
        "on_roll": True, "judgement": [str(test + d) for d in diffs], "test_label": str(test),
        "class_name": class_name, "gender": gender or ["F"] * n, "pupil_premium": False,
        "sen": "", "eal": False, "date_of_birth": pd.Timestamp(2018, 1, 1)})


def rows_of(frame: pd.DataFrame) -> pd.DataFrame:
    return moderation_table(judgements_against_tests(frame, FW, 1, "2026-27", RULES)) \
        .set_index(["Subject", "Class or group"])


def test_a_class_ten_pupils_one_point_below_its_tests_is_flagged():
    table = rows_of(school([-1] * 10))
    row = table.loc[("Maths", "Class Elm")]
    assert (row["Pupils"], row["Agreement %"], row["Mean difference"], row["Leans"]) == \
        (10, 0.0, -1.0, "below the tests")
    assert row["Flag"] == "Class Elm judges Maths 1 point below its tests (10 pupils; 0% agree)."


def test_nine_pupils_are_too_few_to_flag():
    assert rows_of(school([-1] * 9)).loc[("Maths", "Class Elm"), "Flag"] == ""


def test_a_lean_under_the_minimum_difference_is_not_flagged():
    # 2 of 10 one point below: mean -0.2, under 0.3
    row = rows_of(school([-1, -1] + [0] * 8)).loc[("Maths", "Class Elm")]
    assert (row["Mean difference"], row["Agreement %"], row["Flag"]) == (-0.2, 80.0, "")


def test_a_lean_inside_the_noise_is_not_flagged():
    # six at -2, four at +2: mean -0.4; sd = sqrt((6 x 1.6^2 + 4 x 2.4^2) / 9) = 2.066,
    # standard error 0.653: two of them (1.31) dwarf the lean
    row = rows_of(school([-2] * 6 + [2] * 4)).loc[("Maths", "Class Elm")]
    assert row["Mean difference"] == -0.4 and row["Flag"] == ""


def test_boys_judged_below_girls_on_the_same_tests_is_flagged_once():
    # 12 boys: six 1 below, six agree (mean -0.5, variance 0.2727); 12 girls agree (mean 0):
    # lean -0.5; standard error sqrt(0.2727 / 12) = 0.151; 2 x 0.151 = 0.30 < 0.5
    frame = school([-1] * 6 + [0] * 18, gender=["M"] * 12 + ["F"] * 12, subject="Reading")
    table = rows_of(frame)
    boys, girls = table.loc[("Reading", "Gender: M")], table.loc[("Reading", "Gender: F")]
    assert (boys["Mean difference"], boys["Difference from the others"]) == (-0.5, -0.5)
    assert boys["Flag"] == ("Boys are judged 0.5 points below girls in Reading on the same test "
                            "scores (12 and 12 pupils).")
    assert girls["Difference from the others"] == 0.5 and girls["Flag"] == ""


def test_marks_and_positions_from_tests_are_not_judgements():
    frame = school([0] * 10)
    frame.loc[0, "judgement"] = "ABS"
    frame.loc[1, "test_label"] = ""
    assert rows_of(frame).loc[("Maths", "All pupils"), "Pupils"] == 8


def year6(judged_expected: int, met_of_them: int, judged_below: int, met_below: int) -> tuple:
    """Year 6 Spring judgements (status) and KS2 maths results of the same pupils."""
    n = judged_expected + judged_below
    status = ["expected"] * judged_expected + ["below"] * judged_below
    met = [True] * met_of_them + [False] * (judged_expected - met_of_them) \
        + [True] * met_below + [False] * (judged_below - met_below)
    upns = [f"P{i}" for i in range(n)]
    frame = pd.DataFrame({"upn": upns, "subject": "Maths", "window": 2, "year": 6,
                          "source": "teacher", "status": status, "class_name": "Oak"})
    cells = pd.DataFrame([("w", "2025-26", f"C{i + 2}", upn, "KS2 Maths", 104 if ok else 96)
                          for i, (upn, ok) in enumerate(zip(upns, met, strict=True))], columns=frames.STATUTORY)
    results, _ = parse_statutory(cells, STATUTORY)
    return frame, results


def test_statutory_results_against_spring_judgements_both_ways():
    # 12 judged expected, 9 met (75% < 80: generous); 10 judged below, 5 met (50% > 40: cautious)
    frame, results = year6(12, 9, 10, 5)
    rows = moderation_table(statutory_against_judgements(frame, results, FW, "2025-26", RULES, STATUTORY))
    row = rows[rows["Class or group"] == "All pupils"].iloc[0]
    assert (row["Compared with"], row["Window"], row["Pupils"]) == ("Key stage 2", "Spring", 22)
    assert (row["Judged expected or above"], row["% of them who met the standard"]) == (12, 75.0)
    assert (row["Judged below expected"], row["% of them who met it anyway"]) == (10, 50.0)
    assert row["Agreement %"] == pytest.approx(round(100 * 14 / 22, 1))    # 9 + 5 agree
    assert "75% met the standard at key stage 2: those judgements were generous" in row["Flag"]
    assert "50% met the standard at key stage 2 anyway" in row["Flag"]


def test_statutory_agreement_within_the_limits_is_not_flagged():
    frame, results = year6(12, 11, 10, 2)     # 91.7% and 20%
    rows = moderation_table(statutory_against_judgements(frame, results, FW, "2025-26", RULES, STATUTORY))
    assert (rows["Flag"] == "").all()


def test_the_table_has_its_columns_when_there_is_nothing():
    assert list(moderation_table([]).columns) == MODERATION_COLUMNS


@pytest.mark.parametrize("drop, words", [("min_pupils", "min_pupils"), ("window", "window"),
                                         ("min_difference", "min_difference.points")])
def test_a_broken_moderation_file_is_one_sentence_naming_the_key(drop, words):
    from functions.moderation import moderation_rules
    from functions.statutory import StatutoryError
    with open(TEMPLATES_DIR / "statutory" / "moderation.toml", "rb") as handle:
        data = tomllib.load(handle)
    assert moderation_rules(data, "points").min_difference == 0.3
    del data[drop]
    with pytest.raises(StatutoryError, match=words):
        moderation_rules(data, "points")
