"""The `Completion` tab (a staff tab): judgements entered of those due, and who is missing.

Due: pupils on roll at the window's end. Entered: the teacher's cell holds a label the framework
reads (source `teacher`) or a mark (`ABS`, `NA`); a position that only comes from a test or grid
suggestion, or an unreadable cell, is not entered.
"""
from __future__ import annotations

import pandas as pd

from functions.aggregates._measures import percent, subject_order, window_names

COMPLETION_COLUMNS = ["Year", "Class", "Subject", "Window", "Due", "Entered", "% entered", "Missing"]
KEYS = ["class_name", "subject", "window"]


def completion(school: pd.DataFrame, window: int) -> pd.DataFrame:
    """Class x subject x window for windows 1..`window`, by year group (the class's lowest), class,
    subject and window, as Classes is; `Missing` lists pupils by name, A to Z."""
    keep = (school["window"] <= window).to_numpy() & school["on_roll"].to_numpy(bool)
    due = school.loc[keep, [*KEYS, "source", "mark", "pupil"]]
    entered = due["source"].isin(["teacher"]) | ~due["mark"].fillna("").isin([""])
    totals = due[KEYS].assign(due=1, entered=entered.astype(int)).groupby(KEYS)[["due", "entered"]].sum()
    missing = (due.loc[~entered, [*KEYS, "pupil"]].sort_values("pupil")
               .groupby(KEYS)["pupil"].agg(", ".join))
    totals["missing"] = missing.reindex(totals.index).fillna("")
    result = totals.reset_index()
    subjects = {s: i for i, s in enumerate(subject_order(school["subject"]))}
    class_year = school.loc[keep].groupby("class_name")["year"].min()
    result["year"] = result["class_name"].map(class_year)
    order = result.assign(s=result["subject"].map(subjects)).sort_values(
        ["year", "class_name", "s", "window"]).index
    result = result.loc[order]
    return pd.DataFrame({
        "Year": result["year"], "Class": result["class_name"], "Subject": result["subject"],
        "Window": result["window"].map(window_names(school)), "Due": result["due"],
        "Entered": result["entered"], "% entered": percent(result["entered"], result["due"]),
        "Missing": result["missing"],
    }, columns=COMPLETION_COLUMNS).reset_index(drop=True)
