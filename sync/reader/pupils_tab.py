"""The `Class` and `Pupils` tabs: who is in the class, with their groups and dates."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
from openpyxl.utils import get_column_letter

from functions.frames import CUSTOM_GROUP_PREFIX, PUPILS
from sync.reader.dates import parse_date
from sync.reader.names import canonical_lookup, likely_typo, normalise
from sync.reader.problems import WARNING, ProblemLog
from sync.reader.table import Table, is_blank
from sync.reader.values import (clean_upn, parse_academic_year, parse_flag, parse_sen, parse_text,
                                parse_year_group)
from sync.store import Rows

CLASS_KEYS = ("Class", "Year group", "Teacher", "Academic year")
PUPIL_COLUMNS = ("UPN", "First name", "Last name", "Year", "Date of birth", "Gender",
                 "Pupil premium", "SEN", "EAL", "Joined on", "Left on")
NOT_GROUPS = ("Name",)
"""Known columns that are not custom groups even though Pupils does not use them."""
DATE_FORM = "a date such as 03/04/2019 (day first)"


@dataclass(frozen=True)
class ClassInfo:
    class_name: str
    year_group: int | None
    teacher: str
    academic_year: str | None


def read_class_tab(title: str, rows: Rows, fallback_name: str, problems: ProblemLog) -> ClassInfo:
    """Key / value rows: the first non-empty cell of a row is its key, the next one its value."""
    lookup = canonical_lookup(CLASS_KEYS)
    found: dict[str, tuple[object, str]] = {}
    for number, row in enumerate(rows, start=1):
        cells = [(i, value) for i, value in enumerate(row) if not is_blank(value)]
        if not cells:
            continue
        (key_at, key), rest = cells[0], cells[1:]
        value, at = (rest[0][1], rest[0][0]) if rest else (None, key_at + 1)
        name = lookup.get(normalise(key))
        if name is None:
            if (guess := likely_typo(str(key), CLASS_KEYS)) is not None:
                problems.add(title, f"{get_column_letter(key_at + 1)}{number}", key,
                             f"the key {guess} (this row is ignored)", WARNING)
            continue
        found.setdefault(name, (value, f"{get_column_letter(at + 1)}{number}"))

    def setting(name: str, parse: Callable[[object], object], expected: str) -> object:
        value, cell = found.get(name, (None, "A1"))
        parsed = None if is_blank(value) else parse(value)
        if parsed is None:
            problems.add(title, cell, value, expected)
        return parsed

    class_name = parse_text(found.get("Class", (None, ""))[0]) or fallback_name
    teacher = parse_text(found.get("Teacher", (None, ""))[0]) or ""
    year_group = setting("Year group", parse_year_group, "a year group from 1 to 6")
    academic_year = setting("Academic year", parse_academic_year, "an academic year such as 2026-27")
    return ClassInfo(class_name, year_group, teacher, academic_year)  # type: ignore[arg-type]


def parsed_column(table: Table, name: str, parse: Callable[[object], object], expected: str,
            problems: ProblemLog, blank: object = None) -> pd.Series:
    """`parse` over a column (`blank` for blank cells); every unreadable cell an error problem."""
    if name not in table.columns:
        return pd.Series(blank, index=table.body.index, dtype=object)
    values = table.values(name)
    empty = values.map(is_blank)
    parsed = values.map(parse).astype(object)
    parsed[empty] = blank
    bad = ~empty & parsed.isna()
    if bad.any():
        problems.add_frame(pd.DataFrame({"tab": table.title, "cell": table.cells(name)[bad],
                                         "found": values[bad], "expected": expected,
                                         "severity": "error"}))
    return parsed


def read_pupils(table: Table, workbook: str, info: ClassInfo, problems: ProblemLog) -> pd.DataFrame:
    """PUPILS rows (UPNs not yet validated: see `functions.pupils.validate_pupils`)."""
    body = table.body
    upn = table.values("UPN").map(clean_upn)
    text = {name: parsed_column(table, name, parse_text, "text", problems, "")
            for name in ("First name", "Last name", "Gender")}
    year = parsed_column(table, "Year", parse_year_group, "a year group from 1 to 6", problems)
    year = year.fillna(info.year_group) if info.year_group is not None else year
    frame = pd.DataFrame({
        "workbook": workbook, "academic_year": info.academic_year, "class_name": info.class_name,
        "row": body.index.astype(int), "upn_cell": table.cells("UPN"), "upn": upn,
        "first_name": text["First name"], "last_name": text["Last name"],
        "pupil": (text["First name"] + " " + text["Last name"]).str.strip(), "year": year,
        **{column: pd.to_datetime(parsed_column(table, name, parse_date, DATE_FORM, problems))
           for column, name in (("date_of_birth", "Date of birth"), ("joined_on", "Joined on"),
                                ("left_on", "Left on"))},
        "gender": text["Gender"].str.capitalize(),
        "pupil_premium": parsed_column(table, "Pupil premium", parse_flag, "Y or blank", problems, False),
        "sen": parsed_column(table, "SEN", parse_sen, "blank, N, K (SEN support) or E (EHCP)", problems, "N"),
        "eal": parsed_column(table, "EAL", parse_flag, "Y or blank", problems, False),
    }, index=body.index)
    frame[["pupil_premium", "eal"]] = frame[["pupil_premium", "eal"]].fillna(False).astype(bool)
    frame["sen"] = frame["sen"].fillna("N")
    no_year = frame["year"].isna()
    if "Year" in table.columns and no_year.any():
        problems.add_frame(pd.DataFrame({
            "tab": table.title, "cell": table.cells("Year")[no_year & table.values("Year").map(is_blank)],
            "found": "", "expected": "a year group from 1 to 6 (here or in the Class tab)",
            "severity": "error"}))
    frame = frame[~no_year].astype({"year": int})
    for header, position in table.extras.items():
        if normalise(header) not in map(normalise, NOT_GROUPS):
            frame[CUSTOM_GROUP_PREFIX + header] = _group_values(table, header, position, problems)[~no_year]
    return frame.reset_index(drop=True)[PUPILS + [c for c in frame.columns if c not in PUPILS]]


def _group_values(table: Table, header: str, position: int, problems: ProblemLog) -> pd.Series:
    values = table.body[position]
    parsed = values.map(parse_text)
    bad = parsed.isna()
    if bad.any():
        letter = get_column_letter(position + 1)
        problems.add_frame(pd.DataFrame({
            "tab": table.title, "cell": letter + values.index[bad].astype(str),
            "found": values[bad], "expected": f"a value for {header}", "severity": "error"}))
    return parsed.fillna("").astype(str)
