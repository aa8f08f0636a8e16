"""The `Progress matrix` tab: per subject, how many pupils moved from each status at baseline
(rows) to each status now (columns), in STATUSES order, for pupils on roll at the window.

The status at baseline is the ASSESSED column `baseline_status` (the baseline judged against the
expectation at its own window: the end of the previous year for a window-0 baseline).
"""
from __future__ import annotations

import numpy as np
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
    place = {status: i for i, status in enumerate(STATUSES)}
    order = {subject: i for i, subject in enumerate(subjects) if not pd.isna(subject)}
    codes = [_positions(rows[column].to_numpy(object), table)
             for column, table in (("subject", order), ("baseline_status", place), ("status", place))]
    known = (codes[0] >= 0) & (codes[1] >= 0) & (codes[2] >= 0)   # a row of no subject or status: none
    cell = (codes[0][known] * len(STATUSES) + codes[1][known]) * len(STATUSES) + codes[2][known]
    counts = np.bincount(cell, minlength=len(subjects) * len(STATUSES) ** 2) \
        .reshape(len(subjects) * len(STATUSES), len(STATUSES))
    return pd.DataFrame({
        "Subject": np.repeat(np.array(subjects, dtype=object), len(STATUSES)),
        THEN: np.tile(np.array(STATUSES, dtype=object), len(subjects)),
        **{NOW + status: counts[:, i] for i, status in enumerate(STATUSES)},
    }, columns=PROGRESS_MATRIX_COLUMNS)


def _positions(values: np.ndarray, table: dict[str, int]) -> np.ndarray:
    """Each value's number in `table` (-1 for a value not in it, or blank), looked up once per
    distinct value."""
    codes, distinct = pd.factorize(values)
    return np.array([table.get(value, -1) for value in distinct] + [-1], dtype=np.int64)[codes]
