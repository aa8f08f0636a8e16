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
from functions.distinct import rows_at
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
    upn, subject = spans["upn"].to_numpy(object), spans["subject"].to_numpy(object)
    first, last = spans["start"].to_numpy(), spans["end"].to_numpy()
    keys = [school[column].to_numpy() for column in ("upn", "subject", "window")]
    value = np.append(school["value"].to_numpy(float), np.nan)          # -1: the NaN at the end
    # from before this year: the baseline of the pupil's first row with a window-0 baseline
    prior = np.flatnonzero(school["baseline_window"].to_numpy() == 0)[::-1]   # rows_at finds the last
    baseline = np.append(school["baseline"].to_numpy(float)[prior], np.nan)[
        rows_at([upn, subject], [keys[0][prior], keys[1][prior]])]
    start = np.where(first == 0, baseline, value[rows_at([upn, subject, first], keys)])
    end = value[rows_at([upn, subject, last], keys)]
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
