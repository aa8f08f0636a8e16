"""Two copies of one class: one error naming both files; the file named by the pattern is read."""
from __future__ import annotations

import pandas as pd

from functions.frames import CLASSES
from functions.workbooks import copies_of_classes, follows_pattern

OAK = "2026-27 Oak (Year 3).xlsx"


def classes(*rows: tuple) -> pd.DataFrame:
    """(workbook, academic_year, class_name, year_group)"""
    return pd.DataFrame([{"workbook": w, "academic_year": a, "class_name": c, "year_group": y,
                          "teacher": ""} for w, a, c, y in rows], columns=CLASSES)


def test_names_follow_the_pattern_with_or_without_xlsx():
    assert follows_pattern(OAK, "2026-27", "Oak", 3)
    assert follows_pattern("2026-27 Oak (Year 3)", "2026-27", "Oak", 3)          # Google title
    assert not follows_pattern("2026-27 Oak (Year 3) - Copy.xlsx", "2026-27", "Oak", 3)
    assert not follows_pattern("Copy of 2026-27 Oak (Year 3)", "2026-27", "Oak", 3)
    assert not follows_pattern(OAK, "2026-27", "Oak", 4)


def test_a_copy_is_left_out_with_one_error_naming_both_files():
    left_out, problems = copies_of_classes(classes(
        (OAK, "2026-27", "Oak", 3), ("2026-27 Oak (Year 3) - Copy.xlsx", "2026-27", "Oak", 3),
        ("2026-27 Ash (Year 3).xlsx", "2026-27", "Ash", 3)))
    assert left_out == ["2026-27 Oak (Year 3) - Copy.xlsx"]
    assert problems.to_dict("records") == [{
        "workbook": OAK, "tab": "Class", "cell": "",
        "found": "Oak 2026-27 in 2026-27 Oak (Year 3).xlsx and 2026-27 Oak (Year 3) - Copy.xlsx",
        "expected": f"one workbook per class and year: {OAK} is used and the others are left out; "
                    "delete or move the copy",
        "severity": "error"}]


def test_the_copy_wins_never_even_when_it_sorts_first_or_spells_the_class_differently():
    left_out, _ = copies_of_classes(classes(("2026-27 Oak (Year 3) (1).xlsx", "2026-27", " oak ", 3),
                                            (OAK, "2026-27", "Oak", 3)))
    assert left_out == ["2026-27 Oak (Year 3) (1).xlsx"]


def test_when_no_copy_follows_the_pattern_none_is_read():
    left_out, problems = copies_of_classes(classes(("Oak class.xlsx", "2026-27", "Oak", 3),
                                                   ("Oak class - Copy.xlsx", "2026-27", "Oak", 3)))
    assert left_out == ["Oak class - Copy.xlsx", "Oak class.xlsx"]
    assert problems["expected"].tolist() == [
        "one workbook per class and year: none is used until only one is left "
        f"(name it {OAK})"]


def test_the_same_class_in_two_academic_years_or_year_groups_is_not_a_copy():
    left_out, problems = copies_of_classes(classes(
        (OAK, "2026-27", "Oak", 3), ("2025-26 Oak (Year 2).xlsx", "2025-26", "Oak", 2),
        ("2026-27 Oak (Year 4).xlsx", "2026-27", "Oak", 4)))
    assert left_out == [] and problems.empty
