"""The `Trends` tab: % at expected or above at each window, this year against the same year groups
last year (this year's year 4 against last year's year 4, not the same pupils a year younger).

`trends_by_year` is the long table (window x subject x year, plus `All`); `trends` is its chartable
whole-school view, the tab itself: one row per window, two columns per subject,
"<Subject>" (this year) and "<Subject> last year". Last year counts only the year groups this year has.
"""
from __future__ import annotations

from collections.abc import Collection

import pandas as pd

from functions.aggregates._measures import MEASURED, counts, percent, subject_order, window_names

TRENDS_BY_YEAR_COLUMNS = ["Window", "Subject", "Year", "% expected or above",
                          "% expected or above last year"]


def _percentages(school: pd.DataFrame, years: list[int], counted_marks: Collection[str]) -> pd.Series:
    keep = school["on_roll"].to_numpy(bool) & school["year"].isin(years).to_numpy()
    rows = school.loc[keep, [*MEASURED, "window", "subject", "year"]]
    parts = counts(rows, counted_marks)[["assessed", "at_expected"]]
    parts[["window", "subject", "year"]] = rows[["window", "subject", "year"]]
    parts["year"] = parts["year"].astype(int)
    by_year = parts.groupby(["window", "subject", "year"])[["assessed", "at_expected"]].sum()
    whole = by_year.groupby(level=["window", "subject"]).sum()
    whole = whole.assign(year="All").set_index("year", append=True)
    totals = pd.concat([by_year, whole])
    return percent(totals["at_expected"], totals["assessed"])


def trends_by_year(this_year: pd.DataFrame, last_year: pd.DataFrame,
                   counted_marks: Collection[str]) -> pd.DataFrame:
    """Window x subject x year (1-6, then `All`) with this year's and last year's percentages."""
    years = sorted(pd.unique(this_year["year"]).astype(int))
    now, before = (_percentages(this_year, years, counted_marks),
                   _percentages(last_year, years, counted_marks))
    keys = now.index.union(before.index, sort=False)
    table = pd.DataFrame({"% expected or above": now.reindex(keys),
                          "% expected or above last year": before.reindex(keys)})
    table.index.names = ["window", "Subject", "Year"]
    table = table.reset_index()
    subjects = {s: i for i, s in enumerate(subject_order(
        pd.concat([this_year["subject"], last_year["subject"]])))}
    year_rank = table["Year"].map(lambda y: 7 if y == "All" else y)  # a few unique values
    order = table.assign(s=table["Subject"].map(subjects), y=year_rank).sort_values(
        ["window", "s", "y"]).index
    table = table.loc[order].reset_index(drop=True)
    names = pd.concat([window_names(last_year), window_names(this_year)])
    table.insert(0, "Window", table.pop("window").map(names[~names.index.duplicated(keep="last")]))
    return table[TRENDS_BY_YEAR_COLUMNS]


def trends(this_year: pd.DataFrame, last_year: pd.DataFrame, counted_marks: Collection[str]) -> pd.DataFrame:
    """One row per window: `Window`, then "<Subject>" and "<Subject> last year" for each subject."""
    whole = trends_by_year(this_year, last_year, counted_marks)
    whole = whole[whole["Year"] == "All"]
    columns = {"Window": whole["Window"].drop_duplicates().tolist()}
    for subject in pd.unique(whole["Subject"]):
        rows = whole[whole["Subject"] == subject].set_index("Window")
        columns[subject] = rows["% expected or above"].reindex(columns["Window"]).tolist()
        columns[f"{subject} last year"] = (
            rows["% expected or above last year"].reindex(columns["Window"]).tolist())
    return pd.DataFrame(columns)
