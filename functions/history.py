"""The `History` tab: the school's record of every position, merged sync after sync.

Rows are keyed by (Academic year, Window, UPN, Subject). A merge adds new keys and updates rows
whose values changed; it never removes a row, and merging the same rows twice changes nothing.
`Recorded at` is when the Label, Value or Source was first recorded or last changed: a row whose
Label, Value and Source are unchanged keeps it (a corrected pupil name or class does not reset it).

`locked_windows` are the Settings' `Locked windows` (window names): once a window's data drop is
closed its rows are frozen in every academic year. A later change to a frozen row is not applied and
becomes a warning; a row that appears for the first time in a locked window is recorded, with a
warning, so the record is complete and the head knows it came late. Rows of `new` with neither a
label nor a value are ignored: clearing a cell never erases what was recorded.

Existing rows keep their order (so a problem's cell address stays right); new rows follow, sorted.
"""
from __future__ import annotations

from collections.abc import Collection
from string import ascii_uppercase

import numpy as np
import pandas as pd

from functions.frames import PROBLEMS

HISTORY_COLUMNS = ["Academic year", "Window", "UPN", "Pupil", "Year", "Class", "Subject", "Label",
                   "Value", "Source", "Recorded at"]
KEY = ["Academic year", "Window", "UPN", "Subject"]
RECORDED = ["Label", "Value", "Source"]
TEXT = ["Academic year", "Window", "UPN", "Pupil", "Class", "Subject", "Label", "Source",
        "Recorded at"]
WORKBOOK, TAB = "Tracker summary", "History"
LABEL_COLUMN = ascii_uppercase[HISTORY_COLUMNS.index("Label")]


def merge_history(existing: pd.DataFrame, new: pd.DataFrame, locked_windows: Collection[str],
                  now: str, header_row: int = 1) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Merge this sync's rows into the History tab as read; return (History, PROBLEMS frame).

    `existing` and `new` use HISTORY_COLUMNS (`new` may leave out `Recorded at`); `header_row` is
    the sheet row of the tab's header, to name a frozen row's cell in a warning.
    """
    old = normalise(existing)
    incoming = normalise(new)
    incoming = incoming[(incoming["Label"] != "") | incoming["Value"].notna()]
    incoming = incoming.drop_duplicates(KEY, keep="last")
    first = ~old.duplicated(KEY)  # a hand-made duplicate key: only its first row is merged
    joined = old.merge(incoming.drop(columns="Recorded at"), on=KEY, how="left",
                       suffixes=("", "_new"), indicator=True)  # a left merge keeps old's order
    matched = (joined["_merge"] == "both").to_numpy() & first.to_numpy()
    changed = matched & ~_same(joined, [f"{c}_new" for c in RECORDED], RECORDED)
    locked = joined["Window"].isin(list(locked_windows)).to_numpy()

    merged = old.copy()
    update = matched & ~locked
    for column in ["Pupil", "Year", "Class", *RECORDED]:
        merged.loc[update, column] = joined.loc[update, f"{column}_new"].to_numpy()
    merged.loc[changed & ~locked, "Recorded at"] = now

    known = incoming.merge(old[KEY].drop_duplicates(), on=KEY, how="left", indicator=True)
    added = incoming[(known["_merge"] == "left_only").to_numpy()].sort_values(KEY)
    added = added.assign(**{"Recorded at": now})
    history = pd.concat([merged, added], ignore_index=True)[HISTORY_COLUMNS]
    late = history.index >= len(merged)
    problems = pd.concat([_frozen_changes(joined[changed & locked], header_row),
                          _late_additions(history[late & history["Window"].isin(list(locked_windows))],
                                          header_row)],
                         ignore_index=True)
    return history, problems


def normalise(rows: pd.DataFrame) -> pd.DataFrame:
    """History rows with text as stripped str ("" for blank) and Value as float (NaN for blank),
    so values read back from a sheet compare equal to the ones a sync computed."""
    table = pd.DataFrame({c: rows[c] if c in rows else "" for c in HISTORY_COLUMNS},
                         index=pd.RangeIndex(len(rows)))
    for column in TEXT:
        values = table[column].astype(object)
        table[column] = values.where(values.notna(), "").astype(str).str.strip()
    table["Value"] = pd.to_numeric(table["Value"].replace("", np.nan), errors="coerce").astype(float)
    years = pd.to_numeric(table["Year"], errors="coerce")
    table["Year"] = years.astype("Int64").astype(object).where(years.notna(), "")
    return table


def _same(joined: pd.DataFrame, new: list[str], old: list[str]) -> np.ndarray:
    same = np.ones(len(joined), dtype=bool)
    for a, b in zip(new, old):
        left, right = joined[a], joined[b]
        same &= ((left == right) | (left.isna() & right.isna())).to_numpy()
    return same


def _cells(rows: pd.DataFrame, header_row: int) -> list[str]:
    """The Label cell of each row, rows indexed by their 0-based position under the header."""
    return [f"{LABEL_COLUMN}{header_row + 1 + int(position)}" for position in rows.index]


def _frozen_changes(rows: pd.DataFrame, header_row: int) -> pd.DataFrame:
    return pd.DataFrame({
        "workbook": WORKBOOK, "tab": TAB, "cell": _cells(rows, header_row),
        "found": (rows["Subject"] + " " + rows["Window"] + " " + rows["Academic year"]
                  + " changed from " + _shown(rows["Label"]) + " to " + _shown(rows["Label_new"])
                  + " after the window was locked"),
        "expected": "no change to a locked window (the change is not recorded)",
        "severity": "warning",
    }, columns=PROBLEMS)


def _late_additions(rows: pd.DataFrame, header_row: int) -> pd.DataFrame:
    return pd.DataFrame({
        "workbook": WORKBOOK, "tab": TAB, "cell": _cells(rows, header_row),
        "found": (rows["Subject"] + " " + rows["Window"] + " " + rows["Academic year"] + " "
                  + _shown(rows["Label"]) + " entered after the window was locked"),
        "expected": "judgements entered before the window is locked (recorded anyway)",
        "severity": "warning",
    }, columns=PROBLEMS)


def _shown(labels: pd.Series) -> pd.Series:
    return labels.where(labels != "", "blank")
