"""`<Subject> grid` tabs: statements across the top, the point or band of each under it, ticks below."""
from __future__ import annotations

import re
from functools import lru_cache

from sync.reader.marks_tab import column_cells, pupil_rows
from sync.reader.problems import ProblemLog
from sync.reader.table import ColumnLists, Table

_GROUP = re.compile(r"(-?\d+)(?:\.0+)?\s*(\*|kpi)?", re.IGNORECASE)
_KPI_TEXT = re.compile(r"^\s*[*★]\s*|\s*\(?\bKPI\b\)?\s*$", re.IGNORECASE)


def parse_group(value: object) -> tuple[int, bool] | None:
    """Row 2 of a grid: the point or band, optionally marked KPI (`16`, `16*`, `16 KPI`)."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    match = _GROUP.fullmatch(str(value).strip())
    return (int(match[1]), match[2] is not None) if match else None


@lru_cache(maxsize=2048)
def statement_heading(text: str) -> tuple[str, bool]:
    """A statement's heading without its KPI mark (a leading `*` or `★`, a trailing `KPI` or
    `(KPI)`), and whether it had one. The classes of a year group share their statements: each
    heading is worked out once."""
    return _KPI_TEXT.sub("", text).strip(), _KPI_TEXT.search(text) is not None


def read_grid(table: Table, workbook: str, academic_year: str, subject: str,
              pupil_upns: set[str], problems: ProblemLog, statements: ColumnLists,
              ticks: ColumnLists) -> None:
    """STATEMENTS and TICKS rows of one grid, added to `statements` and `ticks`. A statement is
    KPI when its row-2 cell says so or its text starts with `*` or ends with `KPI`. A statement
    without a readable row-2 value is an error and its column is left out."""
    group_row = table.header_row + 1
    groups = next((row.values for row in table.body if row.number == group_row), None)
    found: list[tuple] = []
    columns: dict[str, int] = {}
    for text, position in sorted(table.extras.items(), key=lambda item: item[1]):
        group_value = groups[position] if groups is not None else None
        parsed = parse_group(group_value)
        if parsed is None:
            problems.add(table.title, f"{table.letter_at(position)}{group_row}", group_value,
                         "the point or band this statement belongs to (the column is ignored)")
            continue
        group, kpi_mark = parsed
        statement_no = len(found) + 1
        columns[str(statement_no)] = position
        statement, kpi_text = statement_heading(text)
        found.append((workbook, subject, statement_no, table.letter_at(position), statement, group,
                      kpi_mark or kpi_text))
    statements.add_rows(found)
    pupils = table.with_body([row for row in table.body if row.number > group_row])
    upns = pupil_rows(pupils, pupil_upns, list(columns.values()), problems)
    marked = column_cells(table, upns, columns, "blank, WT, A or M", problems)
    ticks.add(len(marked.cells), workbook=workbook, academic_year=academic_year, upn=marked.upns,
              subject=subject, statement_no=marked.per_cell([int(name) for name in marked.names]),
              cell=marked.cells, raw=marked.raws)
