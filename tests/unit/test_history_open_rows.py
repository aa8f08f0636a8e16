"""functions.history.open_rows: what a merge builds on; merging into those rows alone (with their
places and History's length) gives the same new rows and the same warning cells as merging into
all of History. Numbers worked by hand below."""
from __future__ import annotations

import pandas as pd

from functions.history import HISTORY_COLUMNS, merge_history, open_rows

NOW = "2026-11-02 19:00:00"


def row(year: str, window: str, upn: str, subject: str, label: str, value: float) -> list:
    return [year, window, upn, "Pupil", 5, "Oak", subject, label, value, "teacher", "2026-01-01 10:00:00"]


HISTORY = pd.DataFrame([
    row("2024-25", "Autumn", "A1", "Maths", "18", 18.0),   # 0: two years ago: closed
    row("2025-26", "Autumn", "A1", "Maths", "19", 19.0),   # 1: revised at 3
    row("2025-26", "Summer", "A1", "Maths", "20", 20.0),   # 2
    row("2025-26", "Autumn", "A1", "Maths", "20", 20.0),   # 3: latest of its key
    row("2026-27", "Autumn", "A1", "Maths", "21", 21.0),   # 4
    row("2024-25", "Summer", "A1", "Maths", "19", 19.0),   # 5: closed, added late
], columns=HISTORY_COLUMNS)


def test_open_rows_are_the_latest_row_of_each_key_of_the_two_latest_years_at_their_places():
    kept = open_rows(HISTORY)
    assert kept.index.tolist() == [2, 3, 4]
    assert kept["Label"].tolist() == ["20", "20", "21"]


def test_merging_into_the_open_rows_adds_what_merging_into_all_of_history_adds():
    new = pd.DataFrame([
        row("2026-27", "Autumn", "A1", "Maths", "22", 22.0),    # changed in a locked window: warning
        row("2026-27", "Spring", "A1", "Maths", "22", 22.0),    # new, in a locked window: late
        row("2025-26", "Autumn", "A1", "Maths", "20", 20.0),    # unchanged
    ], columns=HISTORY_COLUMNS).drop(columns="Recorded at")
    whole, whole_problems = merge_history(HISTORY, new, ["Autumn", "Spring"], NOW)
    part = open_rows(HISTORY)
    part.attrs["rows"] = len(HISTORY)
    merged, problems = merge_history(part, new, ["Autumn", "Spring"], NOW)
    assert len(whole) == len(HISTORY) + 1 and len(merged) == len(part) + 1
    assert merged.iloc[len(part):].reset_index(drop=True).equals(whole.iloc[len(HISTORY):].reset_index(drop=True))
    # frozen: History row 4 is sheet row 6 (header in row 1); late: the new row goes to sheet row 8
    assert problems["cell"].tolist() == whole_problems["cell"].tolist() == ["H6", "H8"]
