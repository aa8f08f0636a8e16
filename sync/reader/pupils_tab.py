"""The `Class` and `Pupils` tabs: who is in the class, with their groups and dates."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from openpyxl.utils import get_column_letter

from functions.frames import CUSTOM_GROUP_PREFIX, PUPILS
from sync.reader.dates import parse_date
from sync.reader.names import canonical_lookup, likely_typo, normalise
from sync.reader.problems import WARNING, ProblemLog
from sync.reader.table import ColumnLists, Table, is_blank
from sync.reader.values import clean_upn, parse_academic_year, parse_flag, parse_sen, parse_text, parse_year_group
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
                  problems: ProblemLog, blank: object = None) -> list[object]:
    """`parse` of every body row's cell in column `name` (`blank` for blank cells, None where it
    cannot be read); every unreadable cell an error problem."""
    if name not in table.columns:
        return [blank] * len(table.body)
    at = table.columns[name]
    parsed = []
    # a column holds few distinct values: each is parsed, and its result checked, once
    seen: dict[tuple[type, object], object] = {}
    for row in table.body:
        value = row.values[at]
        if value is None or ((not value.strip()) if type(value) is str else is_blank(value)):
            parsed.append(blank)
            continue
        key = (type(value), value)   # the type too: True and 1 are equal, and read differently
        result = seen.get(key, _NOT_SEEN)
        if result is _NOT_SEEN:
            result = parse(value)
            result = seen[key] = _UNREADABLE if _missing(result) else result
        if result is _UNREADABLE:
            problems.add_cell(table.title, table.cell(name, row), value, expected)
            result = None
        parsed.append(result)
    return parsed


_NOT_SEEN = object()
_UNREADABLE = object()
"""`parsed_column`'s marks: a value not parsed yet; a value that cannot be read."""


def _missing(value: object) -> bool:
    """What pandas' isna calls missing, for one parsed value."""
    return value is None or value is pd.NaT or (isinstance(value, float) and value != value)


@dataclass
class PupilColumns:
    """One workbook's PUPILS rows as lists (`combine` makes the school's frame): the columns of
    `functions.frames.PUPILS` but the dates (pandas Timestamps or None), and one list per
    custom group column, "group:<heading>"."""

    columns: ColumnLists
    groups: dict[str, list[object]]

    def upns(self) -> set[str]:
        """The pupils' UPNs but blanks."""
        return {str(upn) for upn in self.columns.lists["upn"]} - {""}


def read_pupils(table: Table, workbook: str, info: ClassInfo, problems: ProblemLog) -> PupilColumns:
    """PUPILS rows (UPNs not yet validated: see `functions.pupils.validate_pupils`)."""
    body = table.body
    # an unreadable name (an error value such as #N/A from a lookup) is reported and read as blank
    text = {name: ["" if value is None else value
                   for value in parsed_column(table, name, parse_text, "text", problems, "")]
            for name in ("First name", "Last name", "Gender")}
    year = parsed_column(table, "Year", parse_year_group, "a year group from 1 to 6", problems)
    if info.year_group is not None:
        year = [info.year_group if value is None else value for value in year]
    dates = {column: parsed_column(table, name, parse_date, DATE_FORM, problems)
             for column, name in (("date_of_birth", "Date of birth"), ("joined_on", "Joined on"),
                                  ("left_on", "Left on"))}
    flags = {"pupil_premium": parsed_column(table, "Pupil premium", parse_flag, "Y or blank",
                                            problems, False),
             "sen": parsed_column(table, "SEN", parse_sen, "blank, N, K (SEN support) or E (EHCP)",
                                  problems, "N"),
             "eal": parsed_column(table, "EAL", parse_flag, "Y or blank", problems, False)}
    kept = [index for index, value in enumerate(year) if value is not None]
    if "Year" in table.columns:
        for index, value in enumerate(year):
            if value is None and is_blank(table.value("Year", body[index])):
                problems.add_cell(table.title, table.cell("Year", body[index]), "",
                                  "a year group from 1 to 6 (here or in the Class tab)")
    groups: dict[str, list[str]] = {}
    not_groups = {normalise(name) for name in NOT_GROUPS}
    seen: set[str] = set()
    for header, position in table.extras.items():
        key = normalise(header)
        if key in not_groups:
            continue
        if key in seen:   # a group headed twice ("Nurture", "nurture"): the first is read
            problems.add(table.title, f"{table.letter_at(position)}{table.header_row}", header,
                         "one column with this heading (this one is ignored)", WARNING)
            continue
        seen.add(key)
        groups[CUSTOM_GROUP_PREFIX + header] = _group_values(table, header, position, problems)

    def pick(values: Sequence[Any]) -> list[Any]:
        return [values[index] for index in kept]

    first, last = pick(text["First name"]), pick(text["Last name"])
    columns = ColumnLists(PUPILS)
    columns.add(
        len(kept), workbook=workbook, academic_year=info.academic_year, class_name=info.class_name,
        row=[body[index].number for index in kept],
        upn_cell=[table.cell("UPN", body[index]) for index in kept],
        upn=[clean_upn(table.value("UPN", body[index])) for index in kept],
        first_name=first, last_name=last,
        pupil=[_joined(one, other) for one, other in zip(first, last, strict=True)],
        year=pick(year), **{column: pick(values) for column, values in dates.items()},
        gender=[value.capitalize() if isinstance(value, str) else value
                for value in pick(text["Gender"])],
        pupil_premium=[bool(value) for value in pick(flags["pupil_premium"])],
        sen=["N" if value is None else value for value in pick(flags["sen"])],
        eal=[bool(value) for value in pick(flags["eal"])])
    return PupilColumns(columns, {column: pick(values) for column, values in groups.items()})


def _joined(first: object, last: object) -> object:
    """`first last`, as pandas' `+` on text columns gives it: NaN when either is missing."""
    return f"{first} {last}".strip() if isinstance(first, str) and isinstance(last, str) else np.nan


def _group_values(table: Table, header: str, position: int, problems: ProblemLog) -> list[str]:
    """A custom group column as text ("" for blank or unreadable cells)."""
    letter = get_column_letter(position + 1)
    values = []
    for row in table.body:
        value = parse_text(row.values[position])
        if value is None:
            problems.add_cell(table.title, f"{letter}{row.number}", row.values[position],
                              f"a value for {header}")
        values.append("" if value is None else value)
    return values
