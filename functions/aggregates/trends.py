"""The `Trends` tab: % at expected or above at each window, this year against the same year groups
last year (this year's year 4 against last year's year 4, not the same pupils a year younger).

`trends_by_year` is the long table (window x subject x year, plus `All`); `trends` is its chartable
whole-school view, the tab itself: one row per window, two columns per subject,
"<Subject>" (this year) and "<Subject> last year". Last year counts only the year groups this year has.
"""
from __future__ import annotations

from collections.abc import Collection

import numpy as np
import pandas as pd

from functions.aggregates._measures import MEASURED, counts, percent, subject_order, window_names
from functions.distinct import distinct_rows

TRENDS_BY_YEAR_COLUMNS = ["Window", "Subject", "Year", "% expected or above",
                          "% expected or above last year"]


Key = tuple[int, str, int | str]
"""(window, subject, year group or "All")"""


def _percentages(school: pd.DataFrame, years: list[int], counted_marks: Collection[str]) -> dict[Key, float]:
    """% at expected or above per window x subject x year group of `years`, and per window x
    subject over all of them ("All")."""
    keep = school["on_roll"].to_numpy(bool) & school["year"].isin(years).to_numpy()
    rows = school.loc[keep, [*MEASURED, "window", "subject", "year"]]
    parts = counts(rows, counted_marks)
    window, subject = rows["window"].to_numpy(int), rows["subject"].to_numpy(object)
    year = rows["year"].to_numpy().astype(int)
    keys: list[Key] = []
    assessed: list[np.ndarray] = []
    at_expected: list[np.ndarray] = []
    for columns in ([window, subject, year], [window, subject]):
        first, group = distinct_rows(columns)
        keys += [(int(window[i]), subject[i], int(year[i]) if len(columns) == 3 else "All") for i in first]
        for total, part in ((assessed, "assessed"), (at_expected, "at_expected")):
            total.append(np.bincount(group, weights=parts[part].to_numpy(float), minlength=len(first)))
    shares = percent(pd.Series(np.concatenate(at_expected)), pd.Series(np.concatenate(assessed)))
    return dict(zip(keys, shares.to_numpy(), strict=True))


def trends_by_year(this_year: pd.DataFrame, last_year: pd.DataFrame,
                   counted_marks: Collection[str]) -> pd.DataFrame:
    """Window x subject x year (1-6, then `All`) with this year's and last year's percentages."""
    years = sorted(pd.unique(this_year["year"]).astype(int))
    now, before = (_percentages(this_year, years, counted_marks),
                   _percentages(last_year, years, counted_marks))
    subjects = {s: i for i, s in enumerate(subject_order(
        pd.concat([this_year["subject"], last_year["subject"]])))}
    keys = sorted({**now, **before}, key=lambda k: (k[0], subjects[k[1]], 7 if k[2] == "All" else k[2]))
    names = pd.concat([window_names(last_year), window_names(this_year)])
    names = names[~names.index.duplicated(keep="last")]
    return pd.DataFrame({
        "Window": names.reindex([window for window, _, _ in keys]).to_numpy(),
        "Subject": [subject for _, subject, _ in keys],
        "Year": pd.Series([year for _, _, year in keys], dtype=object),
        "% expected or above": [now.get(key, np.nan) for key in keys],
        "% expected or above last year": [before.get(key, np.nan) for key in keys],
    }, columns=TRENDS_BY_YEAR_COLUMNS)


def trends(this_year: pd.DataFrame, last_year: pd.DataFrame, counted_marks: Collection[str]) -> pd.DataFrame:
    """One row per window: `Window`, then "<Subject>" and "<Subject> last year" for each subject."""
    whole = trends_by_year(this_year, last_year, counted_marks)
    everyone = (whole["Year"] == "All").to_numpy()
    window, subject = whole["Window"].to_numpy(object)[everyone], whole["Subject"].to_numpy(object)[everyone]
    shares = {column: whole[column].to_numpy(float)[everyone]
              for column in ("% expected or above", "% expected or above last year")}
    windows = list(pd.unique(window))
    columns: dict[str, list] = {"Window": windows}
    for name in pd.unique(subject):
        mine = subject == name
        at = {w: i for i, w in enumerate(window[mine])}
        place = [at.get(w, -1) for w in windows]     # -1: no row for that window (NaN)
        columns[name] = np.append(shares["% expected or above"][mine], np.nan)[place].tolist()
        columns[f"{name} last year"] = np.append(shares["% expected or above last year"][mine],
                                                 np.nan)[place].tolist()
    return pd.DataFrame(columns)
