"""The measures every summary tab shares, computed once per row and summed per group.

A row of the SCHOOL frame (functions/frames.py) is one pupil x subject x window. At one window:

- *assessed*: the pupil has a position (a value), or the teacher gave a mark the framework counts
  in percentages (`[marks] ... in_percentages = true`; shipped: `NA`), which counts in the
  denominator as not at expected. Any other mark (shipped: `ABS`) and pupils with no position at
  all are left out.
- *at expected or above*: status expected, above or greater depth; *greater depth*: status greater depth.
- *falling behind*: on the watchlist as falling behind (`% falling behind`; excelling is not counted).
- *average progress*: the mean of `progress` over pupils who have one.

Percentages are of the assessed pupils; all figures are rounded half up to one decimal and are
blank (NaN) when there is nothing to divide by.
"""
from __future__ import annotations

from collections.abc import Collection

import numpy as np
import pandas as pd

from functions.frames import AT_EXPECTED_OR_ABOVE
from functions.rounding import round_half_up

MEASURE_COLUMNS = ["Pupils", "Assessed", "% expected or above", "% greater depth or above",
                   "Average progress", "% falling behind"]
COUNTS = ["pupils", "assessed", "at_expected", "greater_depth", "falling_behind", "progress_sum",
          "progress_count"]


MEASURED = ["mark", "value", "status", "progress", "falling_behind"]  # the columns counts() reads


def on_roll_at(school: pd.DataFrame, window: int, columns: list[str]) -> pd.DataFrame:
    """`columns` of one window's rows for pupils on roll at its end (leavers drop out of that
    window); only those columns are copied, not the whole school frame."""
    keep = (school["window"] == window).to_numpy() & school["on_roll"].to_numpy(bool)
    return school.loc[keep, columns]


def counts(rows: pd.DataFrame, counted_marks: Collection[str]) -> pd.DataFrame:
    """Per-row 0/1 indicators (and progress sum/count) that sum to each measure's parts.
    `counted_marks`: the framework's `marks_in_percentages`; any other mark is left out."""
    mark = rows["mark"].fillna("")
    counted = mark.isin(list(counted_marks)).to_numpy()
    left_out = (mark != "").to_numpy() & ~counted
    assessed = ~left_out & (rows["value"].notna().to_numpy() | counted)
    status = rows["status"]
    progress = rows["progress"].to_numpy(float)
    return pd.DataFrame({
        "pupils": np.ones(len(rows), dtype=np.int64),
        "assessed": assessed.astype(np.int64),
        "at_expected": (assessed & status.isin(AT_EXPECTED_OR_ABOVE).to_numpy()).astype(np.int64),
        "greater_depth": (assessed & (status == "greater depth").to_numpy()).astype(np.int64),
        "falling_behind": (assessed & rows["falling_behind"].to_numpy(bool)).astype(np.int64),
        "progress_sum": np.where(np.isnan(progress), 0.0, progress),
        "progress_count": (~np.isnan(progress)).astype(np.int64),
    }, index=rows.index)


def percent(part: pd.Series, whole: pd.Series) -> pd.Series:
    """100 x part / whole, rounded half up to one decimal; NaN where whole is 0. `part` and
    `whole` are columns of one frame (the same index), divided as arrays."""
    return pd.Series(round_half_up(100.0 * part.to_numpy(float) / _positive(whole)), index=part.index)


def average(total: pd.Series, count: pd.Series) -> pd.Series:
    """total / count, rounded half up to one decimal; NaN where count is 0. `total` and `count`
    are columns of one frame (the same index), divided as arrays."""
    return pd.Series(round_half_up(total.to_numpy(float) / _positive(count)), index=total.index)


def _positive(counts: pd.Series) -> np.ndarray:
    """The counts as floats, NaN where not above 0 (nothing to divide by)."""
    values = counts.to_numpy(float)
    return np.where(values > 0, values, np.nan)


def measures(totals: pd.DataFrame) -> pd.DataFrame:
    """Turn summed COUNTS into the MEASURE_COLUMNS, keeping the index (the group keys)."""
    return pd.DataFrame({
        "Pupils": totals["pupils"].astype(np.int64),
        "Assessed": totals["assessed"].astype(np.int64),
        "% expected or above": percent(totals["at_expected"], totals["assessed"]),
        "% greater depth or above": percent(totals["greater_depth"], totals["assessed"]),
        "Average progress": average(totals["progress_sum"], totals["progress_count"]),
        "% falling behind": percent(totals["falling_behind"], totals["assessed"]),
    }, index=totals.index)


def window_names(school: pd.DataFrame) -> pd.Series:
    """Window number -> its name, as the school frame spells it."""
    windows, first = np.unique(school["window"].to_numpy(), return_index=True)
    return pd.Series(school["window_name"].to_numpy(object)[first], index=pd.Index(windows, name="window"),
                     name="window_name")


def subject_order(subjects: pd.Series) -> list[str]:
    """Subjects in the order the school frame's `subject` column first lists them (the Settings order)."""
    return list(pd.unique(subjects))
