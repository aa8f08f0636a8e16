"""One class workbook -> the RAW frames of `functions.frames` plus its problems."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, fields

import pandas as pd

from functions import frames
from functions.owned_tabs import BESIDE
from functions.pupils import rows_of_pupils, validate_pupils
from functions.workbooks import copies_of_classes
from sync.reader.grid_tab import read_grid
from sync.reader.marks_tab import BASELINE, mark_columns, read_marks
from sync.reader.names import canonical_lookup, likely_typo, normalise
from sync.reader.notes_tabs import COMMENT_COLUMNS, INTERVENTION_COLUMNS, read_comments, read_interventions
from sync.reader.problems import ERROR, WARNING, ProblemLog
from sync.reader.pupils_tab import NOT_GROUPS, PUPIL_COLUMNS, read_class_tab, read_pupils
from sync.reader.statutory_tab import TAB as STATUTORY_TAB
from sync.reader.statutory_tab import read_statutory
from sync.reader.table import frame_of, read_table
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


def read_class_workbook(name: str, workbook: Workbook, subjects: list[str],
                        windows: list[str], statutory_columns: Sequence[str] | None = None
                        ) -> ClassWorkbookData:
    """Read every tab of one class workbook. Problems name `name`; nothing here raises on bad data.

    `statutory_columns` are the column names a `Statutory` tab may have (default: those of
    sheets_templates/statutory/checks.toml). That tab is optional.

    Without a `Pupils` tab or an academic year in the `Class` tab the workbook cannot be placed
    and only its problems are returned.
    """
    problems = ProblemLog(name)
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
        return ClassWorkbookData.empty(problems.frame())
    year = info.academic_year

    def table(tab: str, columns: tuple[str, ...] | list[str], report_typos: bool = True):
        return read_table(tabs[tab], workbook[tabs[tab]], columns, problems, report_typos)

    pupils_table = table("Pupils", [*PUPIL_COLUMNS, *NOT_GROUPS])
    if "UPN" not in pupils_table.columns:
        problems.add(pupils_table.title, f"A{pupils_table.header_row}", "", "a UPN column")
        return ClassWorkbookData.empty(problems.frame())
    pupils = read_pupils(pupils_table, name, info, problems)
    upns = set(pupils["upn"]) - {""}
    cells: list[tuple] = []
    statements: list[tuple] = []
    ticks: list[tuple] = []
    for tab, tab_windows in (("Judgements", [*windows, BASELINE]), ("Tests", windows)):
        if tab in tabs:
            columns = ["UPN", "Name", *mark_columns(subjects, tab_windows)]
            cells += read_marks(table(tab, columns), tab, name, year, subjects, tab_windows, upns,
                                problems)
    for grid, subject in grid_tabs.items():
        if grid in tabs:
            grid_statements, grid_ticks = read_grid(table(grid, ["UPN", "Name"], report_typos=False),
                                                    name, year, subject, upns, problems)
            statements += grid_statements
            ticks += grid_ticks
    comments = (read_comments(table("Comments", COMMENT_COLUMNS), name, upns, problems)
                if "Comments" in tabs else _empty(frames.COMMENTS))
    interventions = (read_interventions(table("Interventions", INTERVENTION_COLUMNS), name,
                                        subjects, windows, upns, problems)
                     if "Interventions" in tabs else _empty(frames.INTERVENTIONS))
    statutory: list[tuple] = []
    if STATUTORY_TAB in tabs:
        if statutory_columns is None:
            from sync.statutory import statutory_rules
            statutory_columns = [column.name for column in statutory_rules().columns]
        statutory = read_statutory(read_table(tabs[STATUTORY_TAB], workbook[tabs[STATUTORY_TAB]],
                                              ["UPN", "Name", *statutory_columns], problems,
                                              report_typos=True),
                                   name, year, upns, problems)
    classes = pd.DataFrame([{"workbook": name, "academic_year": year, "class_name": info.class_name,
                             "year_group": info.year_group, "teacher": info.teacher}],
                           columns=frames.CLASSES)
    return ClassWorkbookData(
        classes, pupils, frame_of(cells, frames.CELLS, {"raw": object}),
        frame_of(statements, frames.STATEMENTS, {"statement_no": int, "group": int, "kpi": bool}),
        frame_of(ticks, frames.TICKS, {"statement_no": int, "raw": object}),
        comments, interventions, problems.frame(),
        frame_of(statutory, frames.STATUTORY, {"raw": object}))


def _find_tabs(workbook: Workbook, known: list[str], problems: ProblemLog) -> dict[str, str]:
    """Known tab name -> the title it has in this workbook; likely typos reported once."""
    lookup = canonical_lookup(known)
    found: dict[str, str] = {}
    for title in workbook:
        name = lookup.get(normalise(title))
        if name is not None:
            found.setdefault(name, title)
        elif normalise(title).removesuffix(BESIDE) in map(normalise, OWNED_TABS):
            continue
        elif (guess := likely_typo(title, known)) is not None:
            problems.add(title, "", title, f"a tab named {guess} (this tab is ignored)", WARNING)
    return found


def _concat(parts: list[pd.DataFrame], columns: list[str]) -> pd.DataFrame:
    parts = [part for part in parts if not part.empty]
    return pd.concat(parts, ignore_index=True)[columns] if parts else _empty(columns)


def combine(parts: list[ClassWorkbookData]) -> ClassWorkbookData:
    """Many workbooks as one: each frame concatenated. Custom group columns whose names differ
    only in case or spacing become one column (first spelling wins; "" where a workbook has none)."""
    if not parts:
        return ClassWorkbookData.empty()
    spelling: dict[str, str] = {}
    renamed = []
    for part in parts:
        groups = [c for c in part.pupils.columns if c.startswith(frames.CUSTOM_GROUP_PREFIX)]
        renamed.append(part.pupils.rename(columns={c: spelling.setdefault(normalise(c), c)
                                                   for c in groups}))
    group_columns = list(dict.fromkeys(spelling.values()))
    pupils = _concat([frame.reindex(columns=frames.PUPILS + group_columns) for frame in renamed],
                     frames.PUPILS + group_columns)
    pupils[group_columns] = pupils[group_columns].astype(object).fillna("")  # absent: blank
    combined = {field.name: _concat([getattr(part, field.name) for part in parts],
                                    list(getattr(parts[0], field.name).columns))
                for field in fields(ClassWorkbookData) if field.name != "pupils"}
    return ClassWorkbookData(pupils=pupils, **combined)


def check_pupils(data: ClassWorkbookData) -> ClassWorkbookData:
    """Leave out copies of a class workbook (`functions.workbooks.copies_of_classes`), then apply
    `functions.pupils.validate_pupils` to the whole school: pupils left out take their cells,
    ticks, comments and interventions with them; the problems join the others."""
    copies, copy_problems = copies_of_classes(data.classes)
    if copies:
        data = ClassWorkbookData(**{
            field.name: (frame if field.name == "problems" else frame[~frame["workbook"].isin(copies)])
            for field in fields(ClassWorkbookData) for frame in [getattr(data, field.name)]})
    pupils, problems = validate_pupils(data.pupils)
    return ClassWorkbookData(
        data.classes, pupils, rows_of_pupils(data.cells, pupils), data.statements,
        rows_of_pupils(data.ticks, pupils), rows_of_pupils(data.comments, pupils),
        rows_of_pupils(data.interventions, pupils),
        pd.concat([data.problems, copy_problems, problems], ignore_index=True),
        rows_of_pupils(data.statutory, pupils))
