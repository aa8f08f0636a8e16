"""The `Interventions` tab: intervention x subject, progress while in it against expected progress.

For one pupil in an intervention running from window F to window T (T blank while running, and
never later than the current window): progress while in it = value at T minus value at the window
before F, where the window before the first is the baseline when it comes from before this year
(baseline window 0). Expected progress over the same span = (T - (F - 1)) x per_year / W. A pupil
without both values is counted in `Pupils` but not `Measured`; averages are over measured pupils,
and `Difference` = average progress - average expected progress (positive: faster than expected).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from functions.aggregates._measures import average
from functions.distinct import rows_in
from functions.framework import Framework
from functions.rounding import round_half_up

INTERVENTIONS_COLUMNS = ["Intervention", "Subject", "Pupils", "Measured", "Average progress",
                         "Average expected progress", "Difference"]


def interventions(school: pd.DataFrame, taken: pd.DataFrame, fw: Framework, window: int) -> pd.DataFrame:
    """`taken` is an INTERVENTIONS frame (window names); rows naming no known window are left out."""
    index = {name: i + 1 for i, name in enumerate(fw.windows)}
    spans = pd.DataFrame({
        "intervention": taken["intervention"].astype(str).str.strip(),
        "upn": taken["upn"], "subject": taken["subject"].astype(str).str.strip(),
        "start": taken["from_window"].astype(str).str.strip().map(index) - 1,
        "end": taken["to_window"].fillna("").astype(str).str.strip().replace("", fw.windows[window - 1])
        .map(index).clip(upper=window),
    }).dropna(subset=["start", "end"])
    spans = spans[spans["end"] > spans["start"]].astype({"start": int, "end": int})
    involved = school.loc[school["upn"].isin(spans["upn"]).to_numpy(),
                          ["upn", "subject", "window", "value", "baseline", "baseline_window"]]
    prior = involved[involved["baseline_window"] == 0].drop_duplicates(["upn", "subject"])
    start = _value_at(spans, "start", involved, "value")
    start = np.where(spans["start"].to_numpy() == 0, _value_at(spans, None, prior, "baseline"), start)
    end = _value_at(spans, "end", involved, "value")
    progress = end - start
    measured = ~np.isnan(progress)
    spans = spans.assign(
        pupils=1, measured=measured.astype(int), progress=np.where(measured, progress, 0.0),
        expected=np.where(measured, (spans["end"] - spans["start"]) * fw.per_window, 0.0))
    totals = spans.groupby(["intervention", "subject"], sort=True)[
        ["pupils", "measured", "progress", "expected"]].sum()
    mean_progress = average(totals["progress"], totals["measured"])
    mean_expected = average(totals["expected"], totals["measured"])
    table = pd.DataFrame({
        "Pupils": totals["pupils"], "Measured": totals["measured"],
        "Average progress": mean_progress, "Average expected progress": mean_expected,
        "Difference": round_half_up(mean_progress - mean_expected),
    }).rename_axis(["Intervention", "Subject"]).reset_index()
    return table[INTERVENTIONS_COLUMNS]


def _value_at(spans: pd.DataFrame, window: str | None, rows: pd.DataFrame, column: str) -> np.ndarray:
    """`column` of the row of `rows` with each span's pupil and subject (and the window in its
    column `window`); NaN where there is none."""
    keys = ["upn", "subject"] if window is None else ["upn", "subject", "window"]
    wanted = spans[["upn", "subject"]] if window is None else \
        spans[["upn", "subject"]].assign(window=spans[window])
    row = rows_in(wanted, rows, keys)
    return np.append(rows[column].to_numpy(float), np.nan)[row]     # -1: the NaN at the end
