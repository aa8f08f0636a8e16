"""`<Subject> grid` tabs: statements across the top, the point or band of each under it, ticks below."""
from __future__ import annotations

import re

import pandas as pd

from functions.frames import STATEMENTS, TICKS
from sync.reader.marks_tab import long_cells, pupil_rows
from sync.reader.problems import ProblemLog
from sync.reader.table import Table, is_blank, is_error_value

_GROUP = re.compile(r"(-?\d+)(?:\.0+)?\s*(\*|kpi)?", re.IGNORECASE)
_KPI_TEXT = re.compile(r"^\s*[*★]\s*|\s*\(?\bKPI\b\)?\s*$", re.IGNORECASE)


def parse_group(value: object) -> tuple[int, bool] | None:
    """Row 2 of a grid: the point or band, optionally marked KPI (`16`, `16*`, `16 KPI`)."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    match = _GROUP.fullmatch(str(value).strip())
    return (int(match[1]), match[2] is not None) if match else None


def read_grid(table: Table, workbook: str, academic_year: str, subject: str,
              pupil_upns: set[str], problems: ProblemLog) -> tuple[pd.DataFrame, pd.DataFrame]:
    """STATEMENTS and TICKS of one grid. A statement is KPI when its row-2 cell says so or its
    text starts with `*` or ends with `KPI`. A statement without a readable row-2 value is an
    error and its column is left out."""
    group_row = table.header_row + 1
    groups = (table.body.loc[group_row] if group_row in table.body.index
              else pd.Series(None, index=table.body.columns, dtype=object))
    statements = []
    for text, position in sorted(table.extras.items(), key=lambda item: item[1]):
        parsed = parse_group(groups[position])
        if parsed is None:
            problems.add(table.title, f"{table.letter_at(position)}{group_row}", groups[position],
                         "the point or band this statement belongs to (the column is ignored)")
            continue
        group, kpi_mark = parsed
        statements.append({"column": table.letter_at(position), "position": position,
                           "text": _KPI_TEXT.sub("", text).strip(), "group": group,
                           "kpi": kpi_mark or bool(_KPI_TEXT.search(text))})
    frame = pd.DataFrame(statements, columns=["column", "position", "text", "group", "kpi"])
    frame.insert(0, "statement_no", range(1, len(frame) + 1))
    columns = dict(zip(frame["statement_no"].astype(str), frame["position"]))
    pupils = table.body[table.body.index > group_row]
    upns = pupil_rows(_with_body(table, pupils), pupil_upns, list(columns.values()), problems)
    long = long_cells(table, upns, columns)
    errors = long["raw"].map(is_error_value).astype(bool)
    if errors.any():
        problems.add_frame(pd.DataFrame({"tab": table.title, "cell": long["cell"][errors],
                                         "found": long["raw"][errors],
                                         "expected": "blank, WT, A or M", "severity": "error"}))
    long = long[~errors]
    ticks = pd.DataFrame({"workbook": workbook, "academic_year": academic_year, "upn": long["upn"],
                          "subject": subject, "statement_no": long["name"].astype(int),
                          "cell": long["cell"], "raw": long["raw"].astype(object)}, columns=TICKS)
    frame = frame.assign(workbook=workbook, subject=subject)
    return frame[STATEMENTS].astype({"statement_no": int, "group": int, "kpi": bool}), ticks


def _with_body(table: Table, body: pd.DataFrame) -> Table:
    return Table(table.title, table.header_row, table.columns, table.extras, body)
