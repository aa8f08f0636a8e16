"""functions.roll: matching MIS pupils to the Pupils tabs, worked out by hand."""
from __future__ import annotations

from datetime import date

import pandas as pd

from functions.roll import INCOMING, ON_ROLL, duplicate_upns, ever_six_fsm, plan_import

T = pd.Timestamp
CLASSES = pd.DataFrame({"workbook": ["oak.xlsx", "ash.xlsx"], "class_name": ["Oak", "Ash"],
                        "year_group": [3, 6]})


def roll(*rows: dict) -> pd.DataFrame:
    base = {"workbook": "oak.xlsx", "class_name": "Oak", "UPN": "", "First name": "", "Last name": "",
            "Date of birth": pd.NaT, "Gender": "", "Pupil premium": "", "SEN": "", "EAL": "",
            "Left on": pd.NaT}
    return pd.DataFrame([{**base, **row} for row in rows], columns=ON_ROLL)


def incoming(*rows: dict) -> pd.DataFrame:
    base = {"source": "f, Pupil 1", "UPN": "", "First name": "", "Last name": "",
            "Date of birth": pd.NaT, "Gender": "", "Pupil premium": "", "SEN": "", "EAL": "",
            "Year": None, "Registration group": ""}
    return pd.DataFrame([{**base, **row} for row in rows], columns=INCOMING)


AMIRA = {"UPN": "A1", "First name": "Amira", "Last name": "Hussain", "Date of birth": T("2018-02-14")}


def test_blank_cells_are_filled_and_typed_cells_become_conflicts():
    typed = roll({**AMIRA, "row": 2, "Gender": "", "Pupil premium": "Y", "SEN": "", "Last name": "Hussain"})
    file = incoming({**AMIRA, "Last name": "Hussain-Ali", "Gender": "F", "Pupil premium": "N",
                     "SEN": "K", "EAL": "N"})
    plan = plan_import(file, typed, CLASSES)
    assert plan.matches[["row", "how"]].values.tolist() == [[2, "UPN"]]
    # Gender and SEN were blank: filled. EAL "N" equals a blank flag: nothing to write.
    assert plan.fills[["column", "value"]].values.tolist() == [["Gender", "F"], ["SEN", "K"]]
    # Last name and Pupil premium were typed: never changed, both values shown
    assert plan.conflicts[["column", "typed", "file"]].values.tolist() == [
        ["Last name", "Hussain", "Hussain-Ali"], ["Pupil premium", "Y", "N"]]
    assert plan.joins.empty and plan.changes == 2


def test_same_details_in_another_case_or_spacing_change_nothing():
    typed = roll({**AMIRA, "row": 2, "First name": " amira ", "Gender": "F"})
    plan = plan_import(incoming({**AMIRA, "Gender": "f"}), typed, CLASSES)
    assert plan.fills.empty and plan.conflicts.empty and plan.changes == 0


def test_without_a_known_upn_a_pupil_is_matched_by_name_and_date_of_birth():
    typed = roll({**AMIRA, "UPN": "T1", "row": 5})
    plan = plan_import(incoming({**AMIRA, "UPN": "A1", "First name": "AMIRA"}), typed, CLASSES)
    assert plan.matches[["row", "how"]].values.tolist() == [[5, "name and date of birth"]]
    # the typed (temporary) UPN differs: a conflict, never replaced
    assert plan.conflicts[["column", "typed", "file"]].values.tolist() == [["UPN", "T1", "A1"]]


def test_same_name_with_another_birthday_is_a_new_pupil():
    typed = roll({**AMIRA, "UPN": "T1", "row": 5})
    plan = plan_import(incoming({**AMIRA, "UPN": "A9", "Date of birth": T("2018-02-15")}), typed,
                       CLASSES, class_name="Oak")
    assert plan.matches.empty and plan.joins["UPN"].tolist() == ["A9"]


def test_new_pupils_join_their_registration_group_or_the_named_class():
    file = incoming({"UPN": "N1", "Registration group": " ash ", "Year": 6},
                    {"UPN": "N2", "source": "f, Pupil 2", "Registration group": "Oak", "Year": 4},
                    {"UPN": "N3", "source": "f, Pupil 3", "Registration group": "3B"})
    plan = plan_import(file, roll(), CLASSES)
    assert plan.joins[["UPN", "class_name", "workbook"]].values.tolist() == [
        ["N1", "Ash", "ash.xlsx"], ["N2", "Oak", "oak.xlsx"]]
    assert plan.unplaced.values.tolist() == [["f, Pupil 3", "3B"]]
    assert plan.year_warnings[["source", "year", "year_group"]].values.tolist() == [["f, Pupil 2", 4, 3]]
    named = plan_import(file, roll(), CLASSES, class_name="Ash")
    assert named.joins["class_name"].tolist() == ["Ash", "Ash", "Ash"] and named.unplaced.empty


def test_a_pupil_with_a_left_on_date_is_returning_and_nothing_changes():
    typed = roll({**AMIRA, "row": 2, "Left on": T("2026-10-01")})
    plan = plan_import(incoming({**AMIRA, "Gender": "F"}), typed, CLASSES)
    assert plan.returning[["workbook", "row"]].values.tolist() == [["oak.xlsx", 2]]
    assert plan.fills.empty and plan.joins.empty


def test_the_row_on_roll_is_preferred_over_the_row_the_pupil_left():
    typed = roll({**AMIRA, "row": 2, "Left on": T("2026-10-01")},
                 {**AMIRA, "row": 7, "workbook": "ash.xlsx", "class_name": "Ash"})
    plan = plan_import(incoming(AMIRA), typed, CLASSES)
    assert plan.matches[["workbook", "row"]].values.tolist() == [["ash.xlsx", 7]]


def test_pupils_missing_from_a_whole_roll_are_listed_only_when_asked():
    typed = roll({**AMIRA, "row": 2}, {"UPN": "B2", "row": 3}, {"UPN": "C3", "row": 4, "Left on": T("2026-10-01")})
    assert plan_import(incoming(AMIRA), typed, CLASSES).missing.empty
    whole = plan_import(incoming(AMIRA), typed, CLASSES, whole_roll=True)
    assert whole.missing.values.tolist() == [["oak.xlsx", 3]]   # C3 has left already


def test_duplicate_upns_name_both_places():
    file = incoming({"UPN": "A1"}, {"UPN": "B2", "source": "s2"}, {"UPN": "A1", "source": "s3"})
    assert duplicate_upns(file).values.tolist() == [["f, Pupil 1", "s3"]]


def test_ever_six_fsm():
    spells = lambda *rows: pd.DataFrame(rows, columns=["start", "end"])  # noqa: E731
    today = date(2027, 9, 1)
    assert ever_six_fsm(spells(("2024-01-01", None)), today)            # still eligible
    assert ever_six_fsm(spells(("2019-01-01", "2021-09-02")), today)   # ended 6 years ago less a day
    assert not ever_six_fsm(spells(("2019-01-01", "2021-08-31")), today)
    assert not ever_six_fsm(spells(), today)


def test_the_draft_moves_each_class_up_and_passes_year_6_names_to_a_new_year_1():
    from functions.roll import draft_next_year
    classes = pd.DataFrame({"class_name": ["Oak", "Ash", "Elm"], "year_group": [6, 3, 3]})
    draft = draft_next_year(classes)
    assert draft[["Class now", "Class next year"]].values.tolist() == [
        ["Ash", "Ash"], ["Elm", "Elm"], ["Oak", "(leaves)"], ["(new)", "Oak"]]
    assert draft["Year next year"].fillna(0).tolist() == [4, 4, 0, 1]


def test_move_up_carries_pupils_on_roll_into_their_mapped_class_and_leavers_stay_behind():
    from functions.roll import move_up
    pupils = roll({"UPN": "A", "row": 2}, {"UPN": "B", "row": 3, "Left on": T("2027-03-01")},
                  {"UPN": "C", "row": 2, "workbook": "ash.xlsx", "class_name": "Ash"})
    mapping = pd.DataFrame({"Class now": ["Oak", "Ash", "(new)"], "Year now": [5, 6, None],
                            "Class next year": ["Oak and Elm", "(leaves)", "Ash"],
                            "Year next year": [6, None, 1], "Teacher next year": ""})
    moved = move_up(pupils, mapping)
    assert moved[["UPN", "next_class", "next_year"]].values.tolist() == [["A", "Oak and Elm", 6]]


def test_next_academic_year():
    from functions.academic_year import next_academic_year
    assert next_academic_year("2026-27") == "2027-28" and next_academic_year("2099-00") == "2100-01"


def test_statutory_results_follow_the_rules_and_a_later_year_wins():
    from functions.roll import STATUTORY_RULE, statutory_results
    results = pd.DataFrame([
        {"source": "p1", "UPN": "A", "Stage": "KS2", "Subject": "MAT", "Method": "TT", "Component": "MTC", "Year": "2026", "Result": "19"},
        {"source": "p1", "UPN": "A", "Stage": "ks2", "Subject": "mat", "Method": "TT", "Component": "MTC", "Year": "2027", "Result": "22"},
        {"source": "p2", "UPN": "B", "Stage": "KS2", "Subject": "ENG", "Method": "TT", "Component": "RD", "Year": "2027", "Result": "104"},
        {"source": "p3", "UPN": "C", "Stage": "KS2", "Subject": "MAT", "Method": "TT", "Component": "MTC", "Year": "2027", "Result": " "},
    ])
    rules = pd.DataFrame([["MTC score", "KS2", "MAT", "TT", "MTC"], ["KS2 Any", "KS1", "", "", ""]],
                         columns=STATUTORY_RULE)
    assert statutory_results(results, rules).values.tolist() == [["p1", "A", "MTC score", "22"]]


def test_fill_blank_cells_compares_numbers_as_numbers():
    from functions.roll import fill_blank_cells
    wanted = pd.DataFrame({"workbook": "w", "UPN": ["A", "B", "C", "D"], "column": "MTC score",
                           "value": ["22", "21", "25", "A"], "source": ["s1", "s2", "s3", "s4"]})
    typed = pd.DataFrame({"workbook": "w", "UPN": ["A", "B", "C", "D"], "column": "MTC score",
                          "typed": [None, 20.0, 25.0, "a"]})
    fills, conflicts = fill_blank_cells(wanted, typed)
    assert fills[["UPN", "value"]].values.tolist() == [["A", "22"]]
    assert conflicts[["UPN", "typed", "file"]].values.tolist() == [["B", 20.0, "21"]]
