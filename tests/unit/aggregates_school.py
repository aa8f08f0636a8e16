"""A builder of hand-made SCHOOL frames (functions/frames.py) for the aggregate tests; no tests here.

Each row is one pupil x subject x window; every column the contract lists is present, with a
default that means "nothing special", so a test spells out only what its hand-worked numbers need.
"""
from __future__ import annotations

import pandas as pd

from functions.frames import ASSESSED_EXTRA, CUSTOM_GROUP_PREFIX, POSITIONS

WINDOW_NAMES = {1: "Autumn", 2: "Spring", 3: "Summer"}
PUPIL_COLUMNS = ["class_name", "pupil", "date_of_birth", "gender", "pupil_premium", "sen", "eal",
                 "joined_on", "left_on", "window_name"]
DEFAULTS = {
    "upn": "A000000000001", "subject": "Reading", "year": 3, "window": 1, "label": "",
    "value": float("nan"), "gd": False, "mark": "", "source": "", "judgement": "", "test_label": "",
    "grid_label": "", "test_reason": "", "grid_reason": "", "on_roll": True, "unreadable": "",
    "expected": float("nan"), "expected_label": "", "status": "not assessed",
    "baseline": float("nan"), "baseline_label": "", "baseline_window": 0,
    "progress": float("nan"), "expected_progress": float("nan"), "progress_status": "",
    "target": float("nan"), "target_label": "", "falling_behind": False, "excelling": False,
    "watchlist": "", "watchlist_reason": "", "reasons": "", "baseline_status": "not assessed",
    "class_name": "Oak", "pupil": "Ann Able", "date_of_birth": pd.Timestamp("2018-01-15"),
    "gender": "F", "pupil_premium": False, "sen": "N", "eal": False,
    "joined_on": pd.NaT, "left_on": pd.NaT,
}


def school(*rows: dict) -> pd.DataFrame:
    """A SCHOOL frame from partial rows; a row with a `value` and no `label`/`source` gets them."""
    filled = []
    for row in rows:
        full = {**DEFAULTS, **row}
        if pd.notna(full["value"]) and "source" not in row:
            full["source"] = "teacher"
        if pd.notna(full["value"]) and "label" not in row:
            full["label"] = str(int(full["value"])) + (" GD" if full["gd"] else "")
        full["window_name"] = WINDOW_NAMES[full["window"]]
        filled.append(full)
    custom = list(dict.fromkeys(k for row in rows for k in row if k.startswith(CUSTOM_GROUP_PREFIX)))
    columns = [*POSITIONS, *ASSESSED_EXTRA, *PUPIL_COLUMNS, *custom]
    frame = pd.DataFrame(filled, columns=columns)
    return frame.astype({"year": int, "window": int, "value": float, "progress": float,
                         "baseline": float, "baseline_window": int})
