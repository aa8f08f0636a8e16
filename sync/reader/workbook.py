"""One class workbook -> the RAW frames of `functions.frames` plus its problems."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, fields

import numpy as np
import pandas as pd

from functions import frames
from functions.owned_tabs import BESIDE
from functions.pupils import validate_pupils
from functions.workbooks import copies_of_classes
from sync.reader.grid_tab import read_grid
from sync.reader.marks_tab import BASELINE, mark_columns, read_marks
from sync.reader.names import canonical_lookup, likely_typo, normalise
from sync.reader.notes_tabs import COMMENT_COLUMNS, INTERVENTION_COLUMNS, read_comments, read_interventions
from sync.reader.problems import ERROR, WARNING, ProblemLog
from sync.reader.pupils_tab import NOT_GROUPS, PUPIL_COLUMNS, PupilColumns, read_class_tab, read_pupils
from sync.reader.statutory_tab import TAB as STATUTORY_TAB
from sync.reader.statutory_tab import read_statutory
from sync.reader.table import ColumnLists, Table, read_table
from sync.store import Workbook

OWNED_TABS = ("Class summary", "Problems")


def _empty(columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame(columns=columns)


@dataclass
class ClassWorkbookData:
    """The RAW frames of one class workbook (or of many, after `combine`)."""

    classes: pd.DataFrame
    pupils: pd.DataFrame
    cells: pd.DataFrame
    statements: pd.DataFrame
    ticks: pd.DataFrame
    comments: pd.DataFrame
    interventions: pd.DataFrame
    problems: pd.DataFrame
    statutory: pd.DataFrame = field(default_factory=lambda: _empty(frames.STATUTORY))

    @classmethod
    def empty(cls, problems: pd.DataFrame | None = None) -> ClassWorkbookData:
        return cls(_empty(frames.CLASSES), _empty(frames.PUPILS), _empty(frames.CELLS),
                   _empty(frames.STATEMENTS), _empty(frames.TICKS), _empty(frames.COMMENTS),
                   _empty(frames.INTERVENTIONS),
                   problems if problems is not None else _empty(frames.PROBLEMS))


@dataclass
class WorkbookRows:
    """One class workbook read: its RAW rows as plain lists, not yet frames (`combine` makes one
    frame of each kind for the whole school), and its problems as PROBLEMS tuples."""

    problems: list[tuple] = field(default_factory=list)
    classes: ColumnLists = field(default_factory=lambda: ColumnLists(frames.CLASSES))
    pupils: PupilColumns | None = None
    cells: ColumnLists = field(default_factory=lambda: ColumnLists(frames.CELLS))
    statements: ColumnLists = field(default_factory=lambda: ColumnLists(frames.STATEMENTS))
    ticks: ColumnLists = field(default_factory=lambda: ColumnLists(frames.TICKS))
    comments: ColumnLists = field(default_factory=lambda: ColumnLists(frames.COMMENTS))
    interventions: ColumnLists = field(default_factory=lambda: ColumnLists(frames.INTERVENTIONS))
    statutory: ColumnLists = field(default_factory=lambda: ColumnLists(frames.STATUTORY))


def read_class_workbook(name: str, workbook: Workbook, subjects: list[str],
                        windows: list[str], statutory_columns: Sequence[str] | None = None
                        ) -> ClassWorkbookData:
    """The RAW frames of one class workbook (`read_workbook_rows`, as frames)."""
    return combine([read_workbook_rows(name, workbook, subjects, windows, statutory_columns)])


def read_workbook_rows(name: str, workbook: Workbook, subjects: list[str], windows: list[str],
                       statutory_columns: Sequence[str] | None = None) -> WorkbookRows:
    """Read every tab of one class workbook. Problems name `name`; nothing here raises on bad data.

    `statutory_columns` are the column names a `Statutory` tab may have (default: those of
    sheets_templates/statutory/checks.toml). That tab is optional.

    Without a `Pupils` tab or an academic year in the `Class` tab the workbook cannot be placed
    and only its problems are returned.
    """
    problems = ProblemLog(name)
    read = WorkbookRows()
    grid_tabs = {f"{subject} grid": subject for subject in subjects}
    known = ["Class", "Pupils", "Judgements", "Tests", "Comments", "Interventions",
             *grid_tabs, STATUTORY_TAB, *OWNED_TABS]
    tabs = _find_tabs(workbook, known, problems)
    for tab, severity in (("Class", ERROR), ("Pupils", ERROR), ("Judgements", ERROR),
                          ("Tests", WARNING), *((grid, WARNING) for grid in grid_tabs),
                          ("Comments", WARNING), ("Interventions", WARNING)):
        if tab not in tabs:
            problems.add(tab, "", "no such tab", f"a tab named {tab}", severity)
    info = read_class_tab(tabs.get("Class", "Class"), workbook.get(tabs.get("Class", ""), []),
                          name, problems)
    if "Pupils" not in tabs or info.academic_year is None:
        read.problems = problems.rows()
        return read
    year = info.academic_year

    def table(tab: str, columns: tuple[str, ...] | list[str], report_typos: bool = True) -> Table:
        return read_table(tabs[tab], workbook[tabs[tab]], columns, problems, report_typos)

    pupils_table = table("Pupils", [*PUPIL_COLUMNS, *NOT_GROUPS])
    if "UPN" not in pupils_table.columns:
        problems.add(pupils_table.title, f"A{pupils_table.header_row}", "", "a UPN column")
        read.problems = problems.rows()
        return read
    read.pupils = read_pupils(pupils_table, name, info, problems)
    upns = read.pupils.upns()
    for tab, tab_windows in (("Judgements", [*windows, BASELINE]), ("Tests", windows)):
        if tab in tabs:
            columns = ["UPN", "Name", *mark_columns(subjects, tab_windows)]
            read_marks(table(tab, columns), tab, name, year, subjects, tab_windows, upns,
                       problems, read.cells)
    for grid, subject in grid_tabs.items():
        if grid in tabs:
            read_grid(table(grid, ["UPN", "Name"], report_typos=False), name, year, subject, upns,
                      problems, read.statements, read.ticks)
    if "Comments" in tabs:
        read_comments(table("Comments", COMMENT_COLUMNS), name, upns, problems, read.comments)
    if "Interventions" in tabs:
        read_interventions(table("Interventions", INTERVENTION_COLUMNS), name, subjects, windows,
                           upns, problems, read.interventions)
    if STATUTORY_TAB in tabs:
        if statutory_columns is None:
            from sync.statutory import statutory_rules
            statutory_columns = [column.name for column in statutory_rules().columns]
        read_statutory(read_table(tabs[STATUTORY_TAB], workbook[tabs[STATUTORY_TAB]],
                                  ["UPN", "Name", *statutory_columns], problems, report_typos=True),
                       name, year, upns, problems, read.statutory)
    read.classes.add(1, workbook=name, academic_year=year, class_name=info.class_name,
                     year_group=info.year_group, teacher=info.teacher)
    read.problems = problems.rows()
    return read


def _find_tabs(workbook: Workbook, known: list[str], problems: ProblemLog) -> dict[str, str]:
    """Known tab name -> the title it has in this workbook; likely typos reported once.
    Two tabs whose titles differ only in case or spacing ("Tests" and " tests") cannot both be
    read: the one titled exactly as the contract spells it is (else the first), and the other is
    reported as ignored, so that no cell of it is read or reported as if it were the other's."""
    lookup = canonical_lookup(known)
    titles: dict[str, list[str]] = {}
    for title in workbook:
        name = lookup.get(normalise(title))
        if name is not None:
            titles.setdefault(name, []).append(title)
        elif normalise(title).removesuffix(BESIDE) in map(normalise, OWNED_TABS):
            continue
        elif (guess := likely_typo(title, known)) is not None:
            problems.add(title, "", title, f"a tab named {guess} (this tab is ignored)", WARNING)
    found: dict[str, str] = {}
    for name, same in titles.items():
        found[name] = name if name in same else same[0]
        for other in same:
            if other != found[name]:
                problems.add(other, "", other, f"one tab named {name}: '{found[name]}' is read and this tab "
                             "is ignored (rename or delete one of them)", WARNING)
    return found


_DTYPES: dict[str, dict[str, type]] = {
    "cells": {"raw": object},
    "statements": {"statement_no": int, "group": int, "kpi": bool},
    "ticks": {"statement_no": int, "raw": object},
    "comments": {"comment": object, "approved": bool},
    "interventions": dict.fromkeys(frames.INTERVENTIONS[2:], object),
    "statutory": {"raw": object},
    "classes": {"year_group": int},
    "pupils": {"row": int, "first_name": object, "last_name": object, "pupil": object, "year": int,
               "date_of_birth": object, "joined_on": object, "left_on": object,   # then dates
               "gender": object, "pupil_premium": bool, "sen": object, "eal": bool},
}
"""Each RAW frame's columns that are not text (`ColumnLists.frame`)."""
_DATES = ("date_of_birth", "joined_on", "left_on")


def combine(parts: list[WorkbookRows]) -> ClassWorkbookData:
    """Many workbooks as one: one frame of each kind, its rows in the order of `parts`.
    Custom group columns whose names differ only in case or spacing become one column (first
    spelling wins; "" where a workbook has none)."""
    kinds = ("classes", "cells", "statements", "ticks", "comments", "interventions", "statutory")
    gathered = {kind: ColumnLists(getattr(frames, kind.upper())) for kind in kinds}
    problems: list[tuple] = []
    pupils = ColumnLists(frames.PUPILS)
    spelling: dict[str, str] = {}
    groups: dict[str, list[object]] = {}
    for part in parts:
        problems += part.problems
        for kind, columns in gathered.items():
            columns.extend(getattr(part, kind))
        if part.pupils is None:
            continue
        for column, values in part.pupils.groups.items():
            groups.setdefault(spelling.setdefault(normalise(column), column),
                              [""] * pupils.length).extend(values)
        pupils.extend(part.pupils.columns)
        for values in groups.values():   # a column this workbook has not: blank
            values.extend([""] * (pupils.length - len(values)))
    classes = gathered["classes"]
    # a class without a year group: its frame's year_group was `object`, and so was the
    # concatenation of each class's frame
    year_group: type = object if None in classes.lists["year_group"] else int
    dtypes = {**_DTYPES, "classes": {"year_group": year_group}}
    return ClassWorkbookData(
        pupils=_pupils_frame(pupils, groups),
        problems=pd.DataFrame(problems, columns=frames.PROBLEMS) if problems else _empty(frames.PROBLEMS),
        **{kind: columns.frame(dtypes[kind]) for kind, columns in gathered.items()})


def _pupils_frame(pupils: ColumnLists, groups: dict[str, list[object]]) -> pd.DataFrame:
    """The PUPILS frame: dates as datetime64 (NaT where blank), custom group columns as text."""
    if not pupils.length:
        return _empty(frames.PUPILS + list(groups))
    frame = pupils.frame(_DTYPES["pupils"])
    for column in _DATES:
        frame[column] = pd.to_datetime(frame[column])
    for column, values in groups.items():
        frame[column] = pd.Series(values, dtype=object)
    return frame


def check_pupils(data: ClassWorkbookData) -> ClassWorkbookData:
    """Leave out copies of a class workbook (`functions.workbooks.copies_of_classes`), then apply
    `functions.pupils.validate_pupils` to the whole school: pupils left out take their cells,
    ticks, comments and interventions with them (in their workbook: a pupil who moved keeps the
    rows of the class they are kept in); the problems join the others.

    `data` is as `combine` makes it: every row of its other frames names a pupil of its PUPILS
    rows, so the rows that go are those of the (workbook, UPN)s no row of PUPILS keeps."""
    copies, copy_problems = copies_of_classes(data.classes)
    if copies:
        data = ClassWorkbookData(**{
            field.name: (frame if field.name == "problems" else frame[~frame["workbook"].isin(copies)])
            for field in fields(ClassWorkbookData) for frame in [getattr(data, field.name)]})
    pupils, problems = validate_pupils(data.pupils)
    left_out = _pupil_keys(data.pupils) - _pupil_keys(pupils)
    return ClassWorkbookData(
        data.classes, pupils, _without(data.cells, left_out), data.statements,
        _without(data.ticks, left_out), _without(data.comments, left_out),
        _without(data.interventions, left_out),
        pd.concat([data.problems, copy_problems, problems], ignore_index=True),
        _without(data.statutory, left_out))


def _pupil_keys(pupils: pd.DataFrame) -> set[tuple[str, str]]:
    """(workbook, upn) of every PUPILS row."""
    return set(zip(pupils["workbook"].astype(str).tolist(), pupils["upn"].astype(str).tolist(), strict=True))


def _without(frame: pd.DataFrame, left_out: set[tuple[str, str]]) -> pd.DataFrame:
    """The rows of `frame` but those whose (workbook, upn) is `left_out`, numbered from 0."""
    if not left_out or frame.empty:
        return frame.reset_index(drop=True)
    # a row can be left out only where its UPN is left out somewhere: few rows, found by a set
    upns = frame["upn"].astype(str).tolist()
    left_out_upns = {upn for _, upn in left_out}
    maybe = [at for at, upn in enumerate(upns) if upn in left_out_upns]
    if not maybe:
        return frame.reset_index(drop=True)
    workbooks = frame["workbook"].astype(str).tolist()
    drop = np.zeros(len(frame), dtype=bool)
    drop[[at for at in maybe if (workbooks[at], upns[at]) in left_out]] = True
    return frame[~drop].reset_index(drop=True)
