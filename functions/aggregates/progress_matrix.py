"""The `Progress matrix` tab: per subject, how many pupils moved from each status at baseline
(rows) to each status now (columns), in STATUSES order, for pupils on roll at the window.

The status at baseline is the ASSESSED column `baseline_status` (the baseline judged against the
expectation at its own window: the end of the previous year for a window-0 baseline).
"""
from __future__ import annotations

import pandas as pd

from functions.aggregates._measures import on_roll_at, subject_order
from functions.frames import STATUSES

THEN = "Status then (at baseline)"
NOW = "now: "
PROGRESS_MATRIX_COLUMNS = ["Subject", THEN, *(NOW + status for status in STATUSES)]
"""A row per status then; a column per status now ("now: expected"): how many pupils moved."""


def progress_matrix(school: pd.DataFrame, window: int) -> pd.DataFrame:
    """Counts of pupils, one row per subject x status at baseline (all six, zeros included)."""
    rows = on_roll_at(school, window, ["subject", "baseline_status", "status"])
    subjects = subject_order(rows["subject"])
    if not subjects:
        return pd.DataFrame(columns=PROGRESS_MATRIX_COLUMNS)
    counts = rows.groupby(["subject", "baseline_status", "status"]).size()
    full = pd.MultiIndex.from_product([subjects, STATUSES, STATUSES])
    grid = counts.reindex(full, fill_value=0).unstack()
    grid = grid.reindex(pd.MultiIndex.from_product([subjects, STATUSES]))[list(STATUSES)]
    table = grid.rename_axis(["Subject", "Status at baseline"]).reset_index()
    table.columns = PROGRESS_MATRIX_COLUMNS
    return table
