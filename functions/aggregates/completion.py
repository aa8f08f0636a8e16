"""The `Completion` tab (a staff tab): judgements entered of those due, and who is missing.

Due: pupils on roll at the window's end. Entered: the teacher's cell holds a label the framework
reads (source `teacher`) or a mark (`ABS`, `NA`); a position that only comes from a test or grid
suggestion, or an unreadable cell, is not entered.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from functions.aggregates._measures import percent, subject_order, window_names
from functions.distinct import distinct_rows, joined_runs

COMPLETION_COLUMNS = ["Year", "Class", "Subject", "Window", "Due", "Entered", "% entered", "Missing"]
KEYS = ["class_name", "subject", "window"]


def completion(school: pd.DataFrame, window: int) -> pd.DataFrame:
    """Class x subject x window for windows 1..`window`, by year group (the class's lowest), class,
    subject and window, as Classes is; `Missing` lists pupils by name, A to Z."""
    keep = ((school["window"] <= window).to_numpy() & school["on_roll"].to_numpy(bool)
            & school[KEYS].notna().all(axis=1).to_numpy())
    due = school.loc[keep, [*KEYS, "source", "mark", "pupil", "year"]]
    entered = (due["source"].isin(["teacher"]) | ~due["mark"].fillna("").isin([""])).to_numpy()
    first, group = distinct_rows([due[key].to_numpy() for key in KEYS])
    result = due.iloc[first][KEYS].reset_index(drop=True)
    result["due"] = np.bincount(group, minlength=len(first))
    result["entered"] = np.bincount(group, weights=entered, minlength=len(first)).astype(np.int64)
    result["missing"] = _names(group[~entered], due["pupil"].to_numpy(object)[~entered], len(first))
    classes, of_class = pd.factorize(due["class_name"])
    lowest = np.full(len(of_class), np.iinfo(np.int64).max)
    np.minimum.at(lowest, classes, due["year"].to_numpy(np.int64))
    result["year"] = lowest[classes[first]]
    subjects = {s: i for i, s in enumerate(subject_order(school["subject"]))}
    order = result.assign(s=result["subject"].map(subjects)).sort_values(
        ["year", "class_name", "s", "window"]).index
    result = result.loc[order]
    return pd.DataFrame({
        "Year": result["year"], "Class": result["class_name"], "Subject": result["subject"],
        "Window": result["window"].map(window_names(school)), "Due": result["due"],
        "Entered": result["entered"], "% entered": percent(result["entered"], result["due"]),
        "Missing": result["missing"],
    }, columns=COMPLETION_COLUMNS).reset_index(drop=True)


def _names(group: np.ndarray, pupils: np.ndarray, groups: int) -> np.ndarray:
    """Per group (0..groups-1), its pupils' names A to Z joined with ", " ("" for none)."""
    order = np.lexsort((pupils.astype(str), group))
    group = group[order]
    starts = np.flatnonzero(np.append(True, group[1:] != group[:-1])) if len(group) else group
    names = np.full(groups, "", dtype=object)
    names[group[starts]] = joined_runs(pupils[order], starts, ", ")
    return names
