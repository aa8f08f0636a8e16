"""Statutory rules (functions/statutory.py) with numbers worked out by hand, using the shipped
rules file (sheets_templates/statutory/checks.toml) and national figures."""
from __future__ import annotations

import copy
import tomllib

import numpy as np
import pandas as pd
import pytest

from functions import frames
from functions.statutory import (
    MEASURES,
    NationalFigures,
    StatutoryError,
    governors_statutory,
    load_national,
    load_statutory_rules,
    one_pupil_note,
    parse_result,
    parse_statutory,
    pupil_lines,
    pupil_measures,
    statutory_table,
)
from sync.statutory import national_figures
from sync.templates import TEMPLATES_DIR

with open(TEMPLATES_DIR / "statutory" / "checks.toml", "rb") as _handle:
    CHECKS = tomllib.load(_handle)
RULES = load_statutory_rules(CHECKS, "checks.toml")
GLD = list(RULES.gld_goals)
OTHER_GOALS = [c.name for c in RULES.columns if c.check == "eyfs" and c.name not in GLD]


def cells(rows: list[tuple], year: str = "2025-26", workbook: str = "w.xlsx") -> pd.DataFrame:
    """STATUTORY cells from (upn, column, raw); cells are addressed C2, C3, ... in order."""
    return pd.DataFrame([(workbook, year, f"C{i + 2}", upn, column, raw)
                         for i, (upn, column, raw) in enumerate(rows)], columns=frames.STATUTORY)


def pupils(upns: list[str], year: int, pp: list[str] = (), academic_year: str = "2025-26",
           workbook: str = "w.xlsx") -> pd.DataFrame:
    return pd.DataFrame({"workbook": workbook, "academic_year": academic_year, "upn": upns,
                         "year": year, "pupil_premium": [u in pp for u in upns]})


def measure(measures: pd.DataFrame, name: str) -> pd.DataFrame:
    return measures[measures["measure"] == name].set_index("upn")


# ------------------------------------------------------------------------------------------------
# One cell


@pytest.mark.parametrize("raw, outcome", [(32, "expected"), ("32", "expected"), (31, "not met"),
                                          (40, "expected"), (0, "not met"), ("32/40", "expected"),
                                          ("a", "not met"), (" D ", "not met")])
def test_phonics_mark_meets_the_standard_from_32(raw, outcome):
    assert parse_result(raw, RULES.column("Phonics mark"), RULES)[3] == outcome


@pytest.mark.parametrize("raw", [41, -1, 31.5, "32/50", "thirty", True, "X"])
def test_phonics_mark_outside_0_to_40_or_an_unknown_code_is_unreadable(raw):
    assert parse_result(raw, RULES.column("Phonics mark"), RULES) is None


@pytest.mark.parametrize("raw, outcome", [(99, "not met"), (100, "expected"), (109, "expected"),
                                          (110, "high"), (120, "high"), (80, "not met"),
                                          ("B", "not met"), ("L", "left out")])
def test_ks2_scaled_score_expected_from_100_high_from_110(raw, outcome):
    assert parse_result(raw, RULES.column("KS2 Reading"), RULES)[3] == outcome


@pytest.mark.parametrize("raw", [79, 121, "100.5", "EXS"])
def test_ks2_scaled_score_outside_80_to_120_is_unreadable(raw):
    assert parse_result(raw, RULES.column("KS2 Maths"), RULES) is None


@pytest.mark.parametrize("raw, outcome", [("GDS", "high"), ("exs", "expected"), ("WTS", "not met"),
                                          ("PK 6", "not met"), ("pk1", "not met"), ("EM", "not met"),
                                          ("F", "left out")])
def test_ks2_writing_codes(raw, outcome):
    assert parse_result(raw, RULES.column("KS2 Writing"), RULES)[3] == outcome


def test_science_knows_exs_and_hnm_only():
    column = RULES.column("ks2 science")
    assert parse_result("HNM", column, RULES)[3] == "not met"
    assert parse_result("EXS", column, RULES)[3] == "expected"
    assert parse_result("GDS", column, RULES) is None


def test_mtc_score_has_no_pass_mark_and_codes_are_left_out():
    column = RULES.column("MTC score")
    assert parse_result(25, column, RULES)[:4] == ("25", 25.0, "", "")
    assert parse_result(26, column, RULES) is None
    assert parse_result("A", column, RULES)[3] == "left out"


# ------------------------------------------------------------------------------------------------
# Problems


def test_an_unreadable_cell_is_an_error_with_its_address_and_what_was_expected():
    results, problems = parse_statutory(cells([("P1", "KS2 Reading", 100), ("P2", "KS2 Reading", 130),
                                               ("P3", "Phonics mark", "=1+1")]), RULES)
    assert list(results["upn"]) == ["P1"]
    assert list(problems["cell"]) == ["C3", "C4"]
    assert problems["severity"].eq("error").all()
    assert "a scaled score from 80 to 120" in problems["expected"].iloc[0]
    assert problems["found"].iloc[1] == "=1+1"
    assert "A (absent)" in problems["expected"].iloc[1]


def test_a_pupil_with_some_gld_goals_only_is_a_warning_and_left_out_of_gld():
    typed = [("P1", goal, "expected") for goal in GLD[:7]]
    results, problems = parse_statutory(cells(typed), RULES)
    assert list(problems["found"]) == ["7 of 12 goals"] and list(problems["cell"]) == ["C2"]
    gld = measure(pupil_measures(results, pupils(["P1"], 1), RULES), "eyfs_gld")
    assert not gld.loc["P1", "counted"]


# ------------------------------------------------------------------------------------------------
# Measures


def test_gld_needs_all_12_gld_goals_expected_and_ignores_the_other_5():
    # P1: 12 GLD goals expected, the other 5 emerging -> GLD. P2: 11 expected, 1 emerging -> not.
    typed = ([("P1", g, "expected") for g in GLD] + [("P1", g, "emerging") for g in OTHER_GOALS]
             + [("P2", g, "expected") for g in GLD[:-1]] + [("P2", GLD[-1], "emerging")]
             + [("P2", g, "expected") for g in OTHER_GOALS])
    results, problems = parse_statutory(cells(typed, year="2026-27"), RULES)
    assert problems.empty
    assert set(results["academic_year"]) == {"2025-26"}     # typed in Year 1: Reception's year
    gld = measure(pupil_measures(results, pupils(["P1", "P2"], 1, academic_year="2026-27"), RULES),
                  "eyfs_gld")
    assert gld["counted"].all() and list(gld["met"]) == [True, False]


def test_rwm_is_expected_in_reading_writing_and_maths_together():
    typed = [("P1", "KS2 Reading", 100), ("P1", "KS2 Writing", "EXS"), ("P1", "KS2 Maths", 100),
             ("P2", "KS2 Reading", 110), ("P2", "KS2 Writing", "GDS"), ("P2", "KS2 Maths", 99),
             ("P3", "KS2 Reading", 110), ("P3", "KS2 Writing", "GDS"), ("P3", "KS2 Maths", 115),
             ("P4", "KS2 Reading", 105), ("P4", "KS2 Maths", 105),                  # no writing yet
             ("P5", "KS2 Reading", "L"), ("P5", "KS2 Writing", "EXS"), ("P5", "KS2 Maths", 101)]
    results, _ = parse_statutory(cells(typed), RULES)
    measures = pupil_measures(results, pupils(["P1", "P2", "P3", "P4", "P5"], 6), RULES)
    rwm = measure(measures, "ks2_rwm_expected")
    assert sorted(rwm.index) == ["P1", "P2", "P3", "P5"]
    assert dict(rwm["counted"]) == {"P1": True, "P2": True, "P3": True, "P5": False}
    assert dict(rwm["met"]) == {"P1": True, "P2": False, "P3": True, "P5": False}
    high = measure(measures, "ks2_rwm_high")
    assert list(high.loc[high["met"]].index) == ["P3"]
    reading = measure(measures, "ks2_reading_high")
    assert list(reading.loc[reading["met"]].index) == ["P2", "P3"]


def test_phonics_retake_in_year_2_counts_each_pupil_once():
    # 2024-25 Year 1: P1 31 (not met), P2 35, P3 absent. 2025-26 Year 2: P1 and P3 retake.
    year1 = cells([("P1", "Phonics mark", 31), ("P2", "Phonics mark", 35), ("P3", "Phonics mark", "A")],
                  year="2024-25", workbook="y1.xlsx")
    year2 = cells([("P1", "Phonics retake mark", 33), ("P3", "Phonics retake mark", 20)],
                  workbook="y2.xlsx")
    results, _ = parse_statutory(pd.concat([year1, year2], ignore_index=True), RULES)
    roll = pd.concat([pupils(["P1", "P2", "P3"], 1, academic_year="2024-25", workbook="y1.xlsx"),
                      pupils(["P1", "P2", "P3"], 2, workbook="y2.xlsx")])
    measures = pupil_measures(results, roll, RULES)
    year1_figure = measure(measures, "phonics_year1")
    assert list(year1_figure["met"]) == [False, True, False] and year1_figure["counted"].all()
    by_year2 = measure(measures, "phonics_year2")
    assert sorted(by_year2.index) == ["P1", "P2", "P3"]          # each pupil once
    assert dict(by_year2["met"]) == {"P1": True, "P2": True, "P3": False}
    retake = measure(measures, "phonics_retake")
    assert dict(retake["met"]) == {"P1": True, "P3": False}


def test_a_result_typed_twice_in_one_year_counts_once_with_the_last():
    typed = cells([("P1", "Phonics mark", 20)], workbook="a.xlsx")
    again = cells([("P1", "Phonics mark", 36)], workbook="b.xlsx")
    results, _ = parse_statutory(pd.concat([typed, again], ignore_index=True), RULES)
    phonics = measure(pupil_measures(results, pupils(["P1"], 1, workbook="b.xlsx"), RULES), "phonics_year1")
    assert len(phonics) == 1 and phonics["met"].iloc[0]


def test_mtc_mean_and_share_with_full_marks():
    # scores 25, 25, 20, 18 and one absent: mean 88 / 4 = 22.0; full marks 2 of 4 = 50.0%
    typed = cells([("P1", "MTC score", 25), ("P2", "MTC score", 25), ("P3", "MTC score", 20),
                   ("P4", "MTC score", 18), ("P5", "MTC score", "A")])
    results, _ = parse_statutory(typed, RULES)
    measures = pupil_measures(results, pupils([f"P{i}" for i in range(1, 6)], 4, pp=["P1", "P3"]), RULES)
    table = statutory_table(measures, NationalFigures({}, {}), RULES, "2025-26").set_index("Measure")
    assert table.loc["mean score (out of 25)", "School"] == 22.0
    assert table.loc["mean score (out of 25)", "Pupils"] == 4
    assert table.loc["full marks (25)", "School"] == 50.0
    assert table.loc["full marks (25)", "Disadvantaged"] == 50.0      # P1 25, P3 20
    assert table.loc["full marks (25)", "Note"] == "each pupil is 25%"


# ------------------------------------------------------------------------------------------------
# The Statutory tab


def ks2_school() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Three pupils, 2024-25: RWM met by P1 (pupil premium) and P2, not by P3 (pupil premium)."""
    typed = []
    for upn, reading, writing, maths in (("P1", 104, "EXS", 100), ("P2", 111, "GDS", 112),
                                         ("P3", 95, "WTS", 101)):
        typed += [(upn, "KS2 Reading", reading), (upn, "KS2 Writing", writing), (upn, "KS2 Maths", maths)]
    results, _ = parse_statutory(cells(typed, year="2024-25"), RULES)
    return results, pupils(["P1", "P2", "P3"], 6, pp=["P1", "P3"], academic_year="2024-25")


def test_statutory_tab_sets_the_school_beside_the_national_figure_and_gap():
    results, roll = ks2_school()
    table = statutory_table(pupil_measures(results, roll, RULES), national_figures(), RULES, "2025-26")
    this_year = table[table["Academic year"] == "2025-26"]
    assert list(this_year["Measure"]) == ["no statutory results recorded"]
    rwm = table[(table["Academic year"] == "2024-25")
                & (table["Measure"] == "reading, writing and maths: expected standard")].iloc[0]
    # 2 of 3 = 66.7%; national 62 (2024-25) -> +4.7
    assert (rwm["Pupils"], rwm["School"], rwm["National"], rwm["Difference"]) == (3, 66.7, 62.0, 4.7)
    assert rwm["National figure of"] == "2024-25"
    # pupil premium 1 of 2 = 50%, others 1 of 1 = 100%: gap -50; national gap 45 - 67 = -22 (2023-24)
    assert (rwm["Disadvantaged pupils"], rwm["Disadvantaged"], rwm["Others"], rwm["Gap"]) == (2, 50.0, 100.0, -50.0)
    assert rwm["National gap"] == -22.0
    assert rwm["Note"] == "each pupil is 33.3%"
    assert set(table["Academic year"]) == {"2025-26", "2024-25", "2023-24"}


def test_a_year_without_its_national_file_is_compared_with_the_latest_and_says_so():
    national = load_national([("2024-25.toml", {"academic_year": "2024-25", "source": "DfE",
                                                "all": {"ks2_rwm_expected": 62}})])
    assert national.lookup("2025-26", "ks2_rwm_expected") == (62.0, "2024-25")
    assert np.isnan(national.lookup("2023-24", "ks2_rwm_expected")[0])


@pytest.mark.parametrize("pupils_in_cohort, note", [(29, "each pupil is 3.4%"), (30, ""), (1, "each pupil is 100%"),
                                                     (12, "each pupil is 8.3%"), (0, "")])
def test_one_pupil_note_under_30_pupils(pupils_in_cohort, note):
    assert one_pupil_note(pupils_in_cohort, RULES) == note


def test_governors_suppress_fewer_than_5_and_the_gap_when_either_side_is_small():
    results, roll = ks2_school()
    table = statutory_table(pupil_measures(results, roll, RULES), NationalFigures({}, {}), RULES, "2024-25")
    governors = governors_statutory(table)
    rwm = governors[governors["Subject"] == "Key stage 2: reading, writing and maths: expected standard"]
    assert list(rwm["Year or group"]) == ["2024-25", "2024-25: pupil premium"]
    assert (rwm["Pupils"] == "fewer than 5").all() and (rwm["Statutory figure"] == "fewer than 5").all()
    assert rwm["Gap"].iloc[1] == "fewer than 5"


def test_governors_show_figures_from_5_pupils():
    typed = [(f"P{i}", "Phonics mark", 32 if i < 4 else 10) for i in range(10)]
    results, _ = parse_statutory(cells(typed), RULES)
    roll = pupils([f"P{i}" for i in range(10)], 1, pp=[f"P{i}" for i in range(5)])
    governors = governors_statutory(statutory_table(pupil_measures(results, roll, RULES),
                                                    NationalFigures({}, {}), RULES, "2025-26"))
    everyone, premium = governors.iloc[0], governors.iloc[1]
    assert (everyone["Pupils"], everyone["Statutory figure"]) == (10, 40.0)
    # pupil premium P0-P4: 4 of 5 met = 80%; others 0 of 5 = 0% -> gap 80
    assert (premium["Pupils"], premium["Statutory figure"], premium["Gap"]) == (5, 80.0, 80.0)


# ------------------------------------------------------------------------------------------------
# Parent report sentences


def test_a_parent_reads_their_childs_results_in_plain_words():
    typed = cells([("P1", "Phonics mark", 35), ("P1", "KS2 Reading", 104), ("P1", "KS2 Writing", "EXS"),
                   ("P1", "KS2 GPS", "A")])
    results, _ = parse_statutory(typed, RULES)
    lines = pupil_lines(results, RULES, "Yuna")
    assert lines[0] == "In the phonics check Yuna read 35 of 40 words; the expected standard is 32."
    assert ("In the key stage 2 reading test Yuna scored 104; the expected standard is 100 and the "
            "high score 110.") in lines
    assert "In the key stage 2 grammar, punctuation and spelling test: absent." in lines
    assert any("working at the expected standard" in line for line in lines)


def test_eyfs_sentence_counts_goals_and_names_a_good_level_of_development():
    typed = cells([("P1", g, "expected") for g in GLD] + [("P1", g, "emerging") for g in OTHER_GOALS])
    results, _ = parse_statutory(typed, RULES)
    assert pupil_lines(results, RULES, "Sam") == [
        "At the end of Reception Sam reached the expected level in 12 of the 17 early learning "
        "goals, a good level of development."]


# ------------------------------------------------------------------------------------------------
# The files


def test_the_shipped_national_files_hold_the_issue_figures():
    national = national_figures()
    assert national.lookup("2024-25", "ks2_rwm_expected") == (62.0, "2024-25")
    assert national.lookup("2024-25", "eyfs_gld") == (68.3, "2024-25")
    assert national.lookup("2024-25", "mtc_mean") == (21.0, "2024-25")
    assert national.lookup("2024-25", "phonics_year1") == (80.0, "2024-25")
    assert national.lookup("2023-24", "ks2_rwm_expected", "disadvantaged") == (45.0, "2023-24")
    assert all("DfE" in source for source in national.sources.values())


@pytest.mark.parametrize("change, words", [
    (lambda d: d["phonics"].update(standard=41), "phonics.standard"),
    (lambda d: d["ks2"]["scaled"].update(expected=125), "ks2.scaled"),
    (lambda d: d["ks2"]["codes"]["writing"]["GDS"].update(outcome="great"), "outcome"),
    (lambda d: d["ks2"].update(rwm=["Reading", "Art"]), "ks2.rwm"),
    (lambda d: d.pop("mtc"), "'mtc'"),
])
def test_a_broken_rules_file_is_one_sentence_naming_the_key(change, words):
    data = copy.deepcopy(CHECKS)
    change(data)
    with pytest.raises(StatutoryError, match=words):
        load_statutory_rules(data, "checks.toml")


@pytest.mark.parametrize("data, words", [
    ({"academic_year": "2025", "source": "DfE"}, "academic_year"),
    ({"academic_year": "2024-26", "source": "DfE"}, "academic_year"),
    ({"academic_year": "2024-25"}, "source"),
    ({"academic_year": "2024-25", "source": "DfE", "all": {"eyfs_gld": "68%"}}, "all.eyfs_gld"),
])
def test_a_broken_national_file_is_one_sentence_naming_the_file(data, words):
    with pytest.raises(StatutoryError, match=words):
        load_national([("2024-25.toml", data)])


def test_measures_frame_has_its_columns_when_there_is_nothing():
    results, _ = parse_statutory(cells([]), RULES)
    assert list(pupil_measures(results, pupils([], 1), RULES).columns) == MEASURES


def test_phonics_by_the_end_of_year_2_waits_for_the_retake():
    year1 = cells([("P1", "Phonics mark", 31), ("P2", "Phonics mark", 35)], year="2024-25", workbook="y1.xlsx")
    results, _ = parse_statutory(year1, RULES)
    roll = pupils(["P1", "P2"], 2, workbook="y2.xlsx")
    assert measure(pupil_measures(results, roll, RULES), "phonics_year2").empty


def test_eyfs_goals_give_a_year_1_baseline_only_where_there_is_none():
    from functions.statutory import with_eyfs_baselines
    from tests.integration.fuzz_school import framework
    fw = framework()                                    # points: end of Reception = 9
    typed = ([("P1", g, "expected") for g in GLD] +
             [("P2", g, "expected") for g in GLD if g != "EYFS Word reading"]
             + [("P2", "EYFS Word reading", "emerging")]
             + [("P3", "EYFS Number", "expected")])     # P3: one maths goal only: no baseline
    results, _ = parse_statutory(cells(typed, year="2026-27"), RULES)
    typed_baseline = pd.DataFrame([{"upn": "P1", "subject": "Maths", "label": "10", "value": 10.0,
                                    "gd": False, "window": 0, "origin": "Baseline column"}],
                                  columns=frames.BASELINES)
    baselines = with_eyfs_baselines(typed_baseline, results, RULES, fw, "2026-27",
                                    ["Reading", "Writing", "Maths"]).set_index(["upn", "subject"])
    assert baselines.loc[("P1", "Maths"), "origin"] == "Baseline column"      # typed one wins
    assert baselines.loc[("P1", "Reading"), "value"] == 9.0
    assert baselines.loc[("P1", "Reading"), "origin"] == "EYFS Profile 2025-26"
    assert baselines.loc[("P2", "Reading"), "label"] == "8"                   # word reading emerging
    assert baselines.loc[("P2", "Writing"), "value"] == 9.0
    assert ("P3", "Maths") not in baselines.index



def test_a_repeated_value_is_read_once_but_equal_values_of_other_types_each_as_themselves():
    """parse_statutory remembers what it made of a value in a column (issue 15): 1 and True are
    equal in Python, but a mark of 1 is a result and TRUE is not a mark; 32 in the retake column
    is a retake; the same cell a year later is that year's."""
    typed = [("P1", "Phonics mark", 1), ("P2", "Phonics mark", True), ("P3", "Phonics mark", 1.0),
             ("P4", "Phonics retake mark", 32), ("P5", "Phonics mark", 32)]
    both = pd.concat([cells(typed[:4]), cells(typed[4:], year="2026-27")], ignore_index=True)
    results, problems = parse_statutory(both, RULES)
    assert [tuple(row) for row in results[["upn", "academic_year", "check", "result", "outcome"]]
            .itertuples(index=False)] == [
        ("P1", "2025-26", "phonics", "1", "not met"), ("P3", "2025-26", "phonics", "1", "not met"),
        ("P4", "2025-26", "phonics_retake", "32", "expected"),
        ("P5", "2026-27", "phonics", "32", "expected")]
    assert list(problems["cell"]) == ["C3"] and list(problems["found"]) == ["True"]
