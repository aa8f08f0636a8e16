"""The `Completion` tab (a staff tab): judgements entered of those due, and who is missing.

Due: pupils on roll at the window's end. Entered: the teacher's cell holds a label the framework
reads (source `teacher`) or a mark (`ABS`, `NA`); a position that only comes from a test or grid
suggestion, or an unreadable cell, is not entered.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from functions.aggregates._measures import percent, subject_order

COMPLETION_COLUMNS = ["Class", "Subject", "Window", "Due", "Entered", "% entered", "Missing"]


def completion(school: pd.DataFrame, window: int) -> pd.DataFrame:
    """Class x subject x window for windows 1..`window`; `Missing` lists pupils by name, A to Z."""
    due = school[(school["window"] <= window) & school["on_roll"].astype(bool)]
    entered = (due["source"] == "teacher") | (due["mark"].fillna("") != "")
    keys = ["class_name", "subject", "window"]
    table = pd.DataFrame({"due": np.ones(len(due), dtype=np.int64),
                          "entered": entered.astype(np.int64)}).set_axis(due.index)
    totals = table.join(due[keys]).groupby(keys)[["due", "entered"]].sum()
    missing = (due.loc[~entered, [*keys, "pupil"]].sort_values("pupil")
               .groupby(keys)["pupil"].agg(", ".join))
    totals["missing"] = missing.reindex(totals.index).fillna("")
    result = totals.reset_index()
    names = due.drop_duplicates("window").set_index("window")["window_name"]
    subjects = {s: i for i, s in enumerate(subject_order(school))}
    order = result.assign(s=result["subject"].map(subjects)).sort_values(
        ["class_name", "s", "window"]).index
    result = result.loc[order]
    return pd.DataFrame({
        "Class": result["class_name"], "Subject": result["subject"],
        "Window": result["window"].map(names), "Due": result["due"], "Entered": result["entered"],
        "% entered": percent(result["entered"], result["due"]), "Missing": result["missing"],
    }, columns=COMPLETION_COLUMNS).reset_index(drop=True)
