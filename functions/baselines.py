"""BASELINES: where each pupil's progress is counted from, per subject.

Order of preference: the `<Subject> Baseline` cell in Judgements; else the pupil's position at the
last window of the previous academic year (judgement, else suggestion; marks skipped); else no row,
and `functions.assess` counts from the pupil's first position of this year.
"""
from __future__ import annotations

import pandas as pd

from functions import frames
from functions.framework import Framework
from functions.labels import parse_labels


def build_baselines(baseline_cells: pd.DataFrame, previous_year_positions: pd.DataFrame,
                    fw: Framework, previous_year: str = "") -> pd.DataFrame:
    """At most one BASELINES row per pupil x subject, window 0 (counted from the start of the year).

    `baseline_cells` are CELLS rows of the Baseline columns; unreadable ones are left out here
    (they are not positions of any window). `previous_year` ("2025-26") only words the origin.
    """
    parsed = parse_labels(baseline_cells["raw"], fw)
    from_cells = pd.DataFrame({
        "upn": baseline_cells["upn"], "subject": baseline_cells["subject"], "label": parsed["label"],
        "value": parsed["value"], "gd": parsed["gd"], "window": 0, "origin": "Baseline column",
    })[parsed["value"].notna()]
    last = previous_year_positions[(previous_year_positions["window"] == len(fw.windows))
                                   & previous_year_positions["value"].notna()]
    from_last_year = pd.DataFrame({
        "upn": last["upn"], "subject": last["subject"], "label": last["label"],
        "value": last["value"], "gd": last["gd"], "window": 0,
        "origin": f"{fw.windows[-1]} {previous_year}".strip(),
    })
    both = pd.concat([from_cells.drop_duplicates(["upn", "subject"], keep="last"), from_last_year],
                     ignore_index=True)
    return both.drop_duplicates(["upn", "subject"], keep="first")[frames.BASELINES] \
        .astype({"value": float, "gd": bool, "window": int}).reset_index(drop=True)


def baseline_problems(baseline_cells: pd.DataFrame, fw: Framework) -> pd.DataFrame:
    """PROBLEMS for Baseline cells that cannot be read (they are left out of BASELINES)."""
    parsed = parse_labels(baseline_cells["raw"], fw)
    bad = parsed["error"] != ""
    rows = baseline_cells[bad]
    return pd.DataFrame({"workbook": rows["workbook"], "tab": rows["tab"], "cell": rows["cell"],
                         "found": rows["raw"].astype(str), "expected": parsed.loc[bad, "error"],
                         "severity": "error"}, columns=frames.PROBLEMS).reset_index(drop=True)
