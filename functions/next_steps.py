"""Next steps for a parent report: the statements a pupil has still to achieve, in the teacher's words.

The statements come from the pupil's `<Subject> grid` (STATEMENTS frame: row 1 text, row 2 group);
the pupil's ticks from the TICKS frame. A statement is achieved when its cell reads `A` or `M`
(blank and `WT` are not yet achieved). We look at the group the pupil is working towards next — the
point after their current one (points), or the band of their next step (steps) — and later groups
when that one is already complete (see `next_groups`), and keep grid order.
"""
from __future__ import annotations

import math

import pandas as pd

from functions.framework import Framework

ACHIEVED_CODES = ("A", "M")
MAX_NEXT_STEPS = 3


def next_groups(value: float | None, year: int, fw: Framework) -> range:
    """The grid groups (points or bands) a pupil at `value` in year `year` works on next.

    Points: the point after the current one and upwards. Steps: the band of the next step, up to
    the pupil's own year band (higher attainers deepen within their band, never move above it).
    Without a position this year we start at the beginning of the pupil's own year.
    """
    if fw.kind == "points":
        first = (fw.end_of_year_value(year - 1) if _missing(value) else math.floor(value)) + 1
        return range(first, fw.scale_max + 1)
    first = year if _missing(value) else min(fw.band_of(math.floor(value) + 1), year)
    return range(first, year + 1)


def _missing(value: float | None) -> bool:
    return value is None or math.isnan(value)


def next_steps(statements: pd.DataFrame, ticks: pd.DataFrame, *, upn: str, subject: str,
               academic_year: str, groups: range, limit: int = MAX_NEXT_STEPS) -> list[str]:
    """Up to `limit` statement texts of `subject` in `groups` that `upn` has not achieved, lowest
    group first and in grid order within a group.

    The pupil's grid is the workbook their ticks come from; a pupil with no ticks at all gets the
    statements of the first workbook (by name) that lists the subject, since every statement is
    then still to do.
    """
    pupil_ticks = ticks[(ticks["upn"] == upn) & (ticks["subject"] == subject)
                        & (ticks["academic_year"] == academic_year)]
    subject_statements = statements[statements["subject"] == subject]
    if subject_statements.empty:
        return []
    workbooks = pupil_ticks["workbook"].unique()
    workbook = workbooks[0] if len(workbooks) else sorted(subject_statements["workbook"].unique())[0]
    grid = subject_statements[(subject_statements["workbook"] == workbook)
                              & subject_statements["group"].isin(groups)]
    codes = pupil_ticks[pupil_ticks["workbook"] == workbook].set_index("statement_no")["raw"]
    achieved = grid["statement_no"].map(codes).map(_is_achieved).astype(bool)
    todo = grid[~achieved].sort_values(["group", "statement_no"])
    return [str(text).strip() for text in todo["text"].head(limit)]


def _is_achieved(raw: object) -> bool:
    """`A` or `M` in any case and spacing; a missing tick (NaN) is not achieved."""
    return isinstance(raw, str) and raw.strip().upper() in ACHIEVED_CODES
