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
    floor = None if value is None or math.isnan(value) else math.floor(value)
    if fw.kind == "points":
        first = (fw.end_of_year_value(year - 1) if floor is None else floor) + 1
        return range(first, fw.scale_max + 1)
    first = year if floor is None else min(fw.band_of(floor + 1), year)
    return range(first, year + 1)


def next_steps(statements: pd.DataFrame, ticks: pd.DataFrame, *, upn: str, subject: str,
               academic_year: str, groups: range, limit: int = MAX_NEXT_STEPS) -> list[str]:
    """Up to `limit` statement texts of `subject` in `groups` that `upn` has not achieved, lowest
    group first and in grid order within a group.

    The pupil's grid is the workbook their ticks come from; a pupil with no ticks at all gets the
    statements of the first workbook (by name) that lists the subject, since every statement is
    then still to do.
    """
    pupil = pd.DataFrame({"upn": [upn], "subject": [subject], "first_group": [groups.start],
                          "last_group": [groups.stop - 1]})
    return next_steps_table(pupil, statements, ticks[ticks["upn"] == upn],
                            academic_year=academic_year, limit=limit).get((upn, subject), [])


def next_steps_table(pupils: pd.DataFrame, statements: pd.DataFrame, ticks: pd.DataFrame, *,
                     academic_year: str, limit: int = MAX_NEXT_STEPS) -> dict[tuple[str, str], list[str]]:
    """`next_steps` for many pupils and subjects at once: (upn, subject) -> statement texts.

    `pupils` has one row per pupil and subject with `upn`, `subject` and the range of groups to
    look at as `first_group` and `last_group` (from `next_groups`). Same rules as `next_steps`,
    on whole frames instead of one small frame per pupil.
    """
    wanted = pupils[["upn", "subject", "first_group", "last_group"]].astype(
        {"upn": str, "subject": str})
    year_ticks = ticks[ticks["academic_year"] == academic_year].astype({"upn": str, "subject": str})
    own = year_ticks.drop_duplicates(["upn", "subject"])[["upn", "subject", "workbook"]]
    first_listing = (statements.astype({"subject": str}).groupby("subject")["workbook"].min()
                     .rename("fallback").reset_index())
    grids = (wanted.merge(own, on=["upn", "subject"], how="left")
             .merge(first_listing, on="subject", how="inner"))
    grids["workbook"] = grids["workbook"].where(grids["workbook"].notna(), grids["fallback"])
    candidates = grids.drop(columns="fallback").merge(
        statements[["workbook", "subject", "statement_no", "group", "text"]].astype({"subject": str}),
        on=["workbook", "subject"], how="inner")
    candidates = candidates[(candidates["group"] >= candidates["first_group"])
                            & (candidates["group"] <= candidates["last_group"])]
    codes = year_ticks.drop_duplicates(["upn", "subject", "workbook", "statement_no"])
    achieved = codes[codes["raw"].map(_is_achieved).astype(bool)][
        ["upn", "subject", "workbook", "statement_no"]].assign(_done=True)
    todo = candidates.merge(achieved, on=["upn", "subject", "workbook", "statement_no"], how="left")
    todo = todo[todo["_done"].isna()].sort_values(["upn", "subject", "group", "statement_no"],
                                                  kind="stable")
    todo = todo.groupby(["upn", "subject"], sort=False).head(limit)
    texts = todo["text"].astype(str).str.strip()
    return {(str(upn), str(subject)): list(group)
            for (upn, subject), group in texts.groupby([todo["upn"], todo["subject"]], sort=False)}


def _is_achieved(raw: object) -> bool:
    """`A` or `M` in any case and spacing; a missing tick (NaN) is not achieved."""
    return isinstance(raw, str) and raw.strip().upper() in ACHIEVED_CODES
