"""A trust's figures from its schools' pupils (the snapshots of one window): pure, no I/O.

The trust as a whole is its schools' pupils put together and counted by the same aggregates as
one school's tabs (`functions.aggregates`, `functions.statutory`): a percentage is of the trust's
pupils, never an average of the schools' percentages. Each school's own rows sit beside the
trust's (sorted by subject and year group, then "Trust" and the schools in the order listed), so a
leader reads across. Where the schools use different frameworks (points and steps), progress is in
different units: the trust's rows then have no Average progress (each school's rows keep theirs). A school without a snapshot of the window is *missing*: it has a row saying
so and adds nothing to the trust's figures (neither pupils nor zeros).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from functions import aggregates
from functions.snapshot import BEFORE_MARKS_WERE_RECORDED
from functions.statutory import MEASURES, NationalFigures, StatutoryRules, governors_statutory, statutory_table

TRUST = "Trust"
SCHOOL = "School"
SCHOOLS_COLUMNS = ["School", "Window", "Synced at", "Pupils", "Status"]
MISSING = "missing: not synced for {window}"
PROGRESS_IN_GROUPS = ["Average progress in group", "Average progress outside group"]


@dataclass(frozen=True)
class SchoolPupils:
    """One school's snapshot tables of the window, or None for a school that has none."""

    name: str
    pupils: pd.DataFrame | None       # functions/snapshot.py `pupils`; None: missing
    statutory: pd.DataFrame | None = None
    synced_at: str = ""
    problem: str = ""                 # why it is missing, when not simply "not synced"
    framework: str = ""               # "points" or "steps"
    counted_marks: tuple[str, ...] = BEFORE_MARKS_WERE_RECORDED   # marks counted in percentages


@dataclass
class TrustResults:
    schools: pd.DataFrame
    summary: pd.DataFrame
    groups: pd.DataFrame
    governors: pd.DataFrame
    statutory: pd.DataFrame


def trust_results(schools: Sequence[SchoolPupils], window: int, window_label: str,
                  academic_year: str, rules: StatutoryRules | None = None,
                  national: NationalFigures | None = None) -> TrustResults:
    """The trust's Summary, Groups, Governors and Statutory (the trust's rows, then each school's
    beside them) and a Schools table saying which schools count and which are missing."""
    present = [s for s in schools if s.pupils is not None]
    entities: list[tuple[str, pd.DataFrame, pd.DataFrame, tuple[str, ...]]] = []
    if present:
        # the trust counts a mark that any of its schools counts (the shipped frameworks agree)
        counted = tuple(dict.fromkeys(m for s in present for m in s.counted_marks))
        entities.append((TRUST, pd.concat([s.pupils for s in present], ignore_index=True),
                         _measures([s.statutory for s in present]), counted))
        entities += [(s.name, s.pupils, _measures([s.statutory]), s.counted_marks) for s in present
                     if s.pupils is not None]
    order = [TRUST, *[s.name for s in schools]]
    summaries, groups, governors, statutory = [], [], [], []
    mixed = len({s.framework for s in present}) > 1
    for name, pupils, measures, counted_marks in entities:
        summary = aggregates.summary(pupils, window, counted_marks)
        group_table = aggregates.groups(pupils, window, counted_marks)
        if mixed and name == TRUST:   # points and steps are different units: no trust average
            summary["Average progress"] = np.nan
            group_table[PROGRESS_IN_GROUPS] = np.nan
        governor_rows = aggregates.governors(summary, group_table)
        if rules is not None:
            table = statutory_table(measures, national or NationalFigures({}, {}), rules, academic_year)
            statutory.append(_with_school(table.rename(columns={"School": "Figure"}), name))
            extra = governors_statutory(table)
            if not extra.empty:
                governor_rows = pd.concat([governor_rows, extra], ignore_index=True)
        summaries.append(_with_school(summary, name))
        groups.append(_with_school(group_table, name))
        governors.append(_with_school(governor_rows, name))
    subjects = _subjects([p for _, p, _, _ in entities])
    missing = [s.name for s in schools if s.pupils is None]
    summary = _missing_rows(_concat(summaries), missing, subjects)
    return TrustResults(
        schools=schools_table(schools, window_label),
        summary=_sorted(summary, ["Subject", "Year"], order),
        groups=_sorted(_concat(groups), ["Subject", "Group"], order),
        governors=_sorted(_concat(governors), ["Section", "Subject", "Year or group"], order),
        statutory=_sorted(_concat(statutory), ["Academic year", "Check", "Measure"], order),
    )


def schools_table(schools: Sequence[SchoolPupils], window_label: str) -> pd.DataFrame:
    """One row per school listed: when its snapshot was taken and how many pupils it counts, or
    why it is missing."""
    rows: list[list[Any]] = []
    for school in schools:
        if school.pupils is None:
            status = school.problem or MISSING.format(window=window_label)
            rows.append([school.name, window_label, "", None, status])
        else:
            on_roll = school.pupils[school.pupils["on_roll"].astype(bool)]
            rows.append([school.name, window_label, school.synced_at,
                         int(on_roll["upn"].nunique()), "counted"])
    return pd.DataFrame(rows, columns=SCHOOLS_COLUMNS).astype({"Pupils": object})


def _measures(parts: Sequence[pd.DataFrame | None]) -> pd.DataFrame:
    present = [p for p in parts if p is not None and not p.empty]
    if not present:
        return pd.DataFrame(columns=MEASURES)
    return pd.concat(present, ignore_index=True)


def _with_school(table: pd.DataFrame, name: str) -> pd.DataFrame:
    out = table.copy()
    out.insert(0, SCHOOL, name)
    return out


def _concat(tables: list[pd.DataFrame]) -> pd.DataFrame:
    tables = [t for t in tables if not t.empty]
    return pd.concat(tables, ignore_index=True) if tables else pd.DataFrame(columns=[SCHOOL])


def _subjects(frames: list[pd.DataFrame]) -> list[str]:
    seen: list[str] = []
    for frame in frames:
        seen += [s for s in pd.unique(frame["subject"]) if s not in seen]
    return seen


def _missing_rows(summary: pd.DataFrame, missing: list[str], subjects: list[str]) -> pd.DataFrame:
    """A missing school's Summary rows: one per subject at `All`, Pupils "missing" and every figure
    blank (never 0)."""
    if not missing:
        return summary
    rows = pd.DataFrame([{SCHOOL: name, "Subject": subject, "Year": "All", "Pupils": "missing"}
                         for name in missing for subject in (subjects or [""])])
    if summary.empty:
        return rows
    return pd.concat([summary.astype({"Pupils": object}), rows], ignore_index=True)


def _sorted(table: pd.DataFrame, keys: list[str], order: list[str]) -> pd.DataFrame:
    """Rows in the order the trust's own table lists their `keys` (its subjects, then year groups
    or groups, as one school's tab orders them), each key's rows the trust first and then the
    schools as listed: each school's row beside the trust's."""
    if table.empty:
        return table.reset_index(drop=True)
    key = table[keys].astype(str).agg("\x1f".join, axis=1)
    first_seen = {k: i for i, k in enumerate(pd.unique(key))}
    ranks = pd.DataFrame({"key": key.map(first_seen),
                          "school": table[SCHOOL].map({s: i for i, s in enumerate(order)})})
    return table.loc[ranks.sort_values(["key", "school"], kind="stable").index].reset_index(drop=True)
