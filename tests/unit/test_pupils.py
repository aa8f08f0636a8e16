"""UPN rules, worked by hand from the DfE check-letter rule (weights 2..13, mod 23, no I/O/S)."""
import pandas as pd
import pytest

from functions.frames import PROBLEMS, PUPILS
from functions.pupils import upn_check_letter, validate_pupils

# 801200005001: 8*2 + 1*4 + 2*5 + 5*10 + 1*13 = 93; 93 mod 23 = 1 -> B
GOOD = "B801200005001"
# 801200005002: 93 - 13 + 26 = 106; 106 mod 23 = 14 -> Q
OTHER = "Q801200005002"


@pytest.mark.parametrize("body, letter", [
    ("801200005001", "B"),
    ("207000016049", "P"),   # 2*2 + 7*4 + 1*9 + 6*10 + 4*12 + 9*13 = 266; 266 mod 23 = 13 -> P
    ("80120000500A", "M"),   # temporary: final A counts 0; 16 + 4 + 10 + 50 = 80; 80 mod 23 = 11 -> M
    ("80120000500B", "B"),   # final B counts 1: 80 + 1*13 = 93; 93 mod 23 = 1 -> B
])
def test_check_letter_follows_the_dfe_rule(body, letter):
    assert upn_check_letter(body) == letter


@pytest.mark.parametrize("body", ["80120000500", "8012000050011", "80120000500I", "8X1200005001"])
def test_check_letter_refuses_a_body_that_is_not_a_upn(body):
    with pytest.raises(ValueError):
        upn_check_letter(body)


def pupils(*rows: dict) -> pd.DataFrame:
    base = {"workbook": "Oak.xlsx", "academic_year": "2026-27", "class_name": "Oak", "row": 2,
            "upn_cell": "A2", "upn": GOOD, "first_name": "A", "last_name": "B", "pupil": "A B",
            "year": 3, "date_of_birth": pd.NaT, "joined_on": pd.NaT, "left_on": pd.NaT,
            "gender": "", "pupil_premium": False, "sen": "N", "eal": False}
    return pd.DataFrame([{**base, **row} for row in rows], columns=PUPILS)


def test_blank_and_malformed_upns_are_errors_and_the_rows_left_out():
    kept, problems = validate_pupils(pupils(
        {"upn": "", "upn_cell": "A2"}, {"upn": "B80120000500", "upn_cell": "A3"},
        {"upn": "1801200005001", "upn_cell": "A4"}, {"upn": "B80120000500S", "upn_cell": "A5"},
        {"upn": GOOD, "upn_cell": "A6"}))
    assert kept["upn_cell"].tolist() == ["A6"]
    assert list(problems.columns) == PROBLEMS
    assert problems["cell"].tolist() == ["A2", "A3", "A4", "A5"]
    assert set(problems["severity"]) == {"error"}


def test_a_wrong_check_letter_is_a_warning_and_the_pupil_kept():
    kept, problems = validate_pupils(pupils({"upn": "C801200005001"}))
    assert len(kept) == 1
    assert problems[["cell", "severity"]].values.tolist() == [["A2", "warning"]]
    assert "B" in problems["expected"].iloc[0]


def test_temporary_upn_with_its_right_check_letter_passes():
    kept, problems = validate_pupils(pupils({"upn": "M80120000500A"}))
    assert len(kept) == 1 and problems.empty


def test_same_upn_twice_in_one_workbook_keeps_the_first_row():
    kept, problems = validate_pupils(pupils({"row": 2}, {"row": 3, "upn_cell": "A3"}))
    assert kept["row"].tolist() == [2]
    assert problems["cell"].tolist() == ["A3"]


def test_same_upn_on_roll_in_two_classes_is_an_error_naming_the_other_workbook():
    kept, problems = validate_pupils(pupils({"workbook": "Oak.xlsx"}, {"workbook": "Ash.xlsx"}))
    assert kept["workbook"].tolist() == ["Oak.xlsx"]
    assert problems["workbook"].tolist() == ["Ash.xlsx"]
    assert "Oak.xlsx" in problems["found"].iloc[0]
    assert problems["severity"].iloc[0] == "error"


def test_a_move_between_classes_with_left_on_is_fine():
    kept, problems = validate_pupils(pupils(
        {"workbook": "Oak.xlsx", "left_on": pd.Timestamp("2027-01-10")}, {"workbook": "Ash.xlsx"}))
    assert len(kept) == 2 and problems.empty


def test_the_same_upn_in_an_earlier_years_workbook_is_expected():
    kept, problems = validate_pupils(pupils({"workbook": "Oak 2025-26.xlsx", "academic_year": "2025-26"},
                                            {"workbook": "Ash.xlsx"}))
    assert len(kept) == 2 and problems.empty


def test_problems_of_several_kinds_come_kind_after_kind_as_text_and_none_is_an_empty_frame_of_text():
    kept, problems = validate_pupils(pupils(
        {"upn": "C801200005001", "upn_cell": "A2"}, {"upn": "", "upn_cell": "A3"},
        {"upn": "C801200005001", "upn_cell": "A4"}, {"upn": "X1", "upn_cell": "A5"}))
    assert problems[["cell", "severity"]].values.tolist() == [
        ["A3", "error"], ["A5", "error"], ["A2", "warning"], ["A4", "warning"], ["A4", "error"]]
    assert problems.index.tolist() == [0, 1, 2, 3, 4]
    assert kept["upn_cell"].tolist() == ["A2"]
    _, none = validate_pupils(pupils({"upn": GOOD}))
    assert none.empty and list(none.columns) == PROBLEMS
    assert [str(dtype) for dtype in none.dtypes] == ["str"] * len(PROBLEMS)
