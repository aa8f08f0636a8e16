"""Class workbooks as files: the name a class workbook should have, and two copies of one class.

A copy of a class workbook (`2026-27 Oak (Year 3) - Copy.xlsx`, Drive's `Copy of ...`) holds the
same class and year as the original; reading both would count every pupil twice or let the stale
copy's judgements win. Only the file whose name follows the naming pattern is read.
"""
from __future__ import annotations

from typing import cast

import pandas as pd

from functions.frames import PROBLEMS

XLSX = ".xlsx"


def class_workbook_name(academic_year: str, class_name: str, year: int) -> str:
    """`2026-27 Oak (Year 6).xlsx`: a name that never clashes with last year's workbook."""
    return f"{academic_year} {class_name} (Year {year}){XLSX}"


def follows_pattern(workbook: str, academic_year: str, class_name: str, year: int) -> bool:
    """True when `workbook` (a file name, or a Google spreadsheet title without `.xlsx`) is the
    name `class_workbook_name` gives this class."""
    stem = workbook[: -len(XLSX)] if workbook.lower().endswith(XLSX) else workbook
    return f"{stem}{XLSX}" == class_workbook_name(academic_year, class_name, year)


def copies_of_classes(classes: pd.DataFrame) -> tuple[list[str], pd.DataFrame]:
    """The workbooks to leave out because another workbook holds the same class in the same
    academic year (CLASSES rows: class name compared ignoring case and spaces, and year group),
    and one PROBLEMS error per such class naming every file.

    Of the copies, the one whose name follows the naming pattern is read; when none or more than
    one does, none is read (the error says to keep one), so a stale copy never silently wins.
    """
    key = classes["class_name"].astype(str).str.split().str.join(" ").str.casefold()
    keyed = classes.assign(_key=key)
    repeated = keyed[keyed.duplicated(["academic_year", "_key", "year_group"], keep=False)]
    left_out: list[str] = []
    problems = []
    for _, group in repeated.groupby(["academic_year", "_key", "year_group"], sort=True):
        names = sorted(group["workbook"].astype(str))
        first = group.iloc[0]
        proper = sorted(str(row.workbook) for row in group.itertuples() if follows_pattern(
            str(row.workbook), str(row.academic_year), str(row.class_name).strip(), int(cast(float, row.year_group))))
        used = proper[0] if len(proper) == 1 else None
        left_out += [name for name in names if name != used]
        names = sorted(names, key=lambda name: name != used)    # the file read first
        listed = ", ".join(names[:-1]) + " and " + names[-1]
        expected = (f"one workbook per class and year: {used} is used and the others are left out; "
                    "delete or move the copy" if used else
                    "one workbook per class and year: none is used until only one is left "
                    f"(name it {class_workbook_name(str(first['academic_year']), str(first['class_name']).strip(), int(first['year_group']))})")
        problems.append({"workbook": used or names[0], "tab": "Class", "cell": "",
                         "found": f"{first['class_name']} {first['academic_year']} in {listed}",
                         "expected": expected, "severity": "error"})
    return left_out, pd.DataFrame(problems, columns=PROBLEMS)
