"""A school's results snapshot for one window: the pupil-level rows a trust's figures are built from.

Every sync keeps, beside the tabs it writes, three tables for its window (academic year and
window), stored as Parquet by `sync.snapshot`:

- `pupils`: one row per pupil x subject at the window (the SCHOOL frame's rows of that window),
  with what the Class summary shows (judgement, status, progress, target, watchlist) and the
  pupil characteristics the Groups tab counts by. No names: a trust's figures never need them.
- `history`: the History rows of the window (every judgement recorded in it, revisions included),
  without the pupil's name.
- `statutory`: every pupil's statutory measures (MEASURES of functions/statutory.py).

`SCHEMA_VERSION` rises whenever a column changes meaning or goes; a reader refuses a snapshot of a
version it does not know rather than guess.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from functions.frames import CUSTOM_GROUP_PREFIX
from functions.statutory import MEASURES

SCHEMA_VERSION = 1
KINDS = ("pupils", "history", "statutory")
PUPIL_COLUMNS = [
    "upn", "class_name", "year", "subject", "window", "window_name", "on_roll", "judgement",
    "label", "mark", "value", "source", "expected_label", "status", "baseline_label", "progress",
    "expected_progress", "progress_status", "target_label", "watchlist", "falling_behind",
    "excelling", "sen", "pupil_premium", "eal", "gender", "date_of_birth", "joined_on", "left_on",
]
"""The SCHOOL frame's columns a snapshot keeps (plus every `group:` column)."""
TEXT_COLUMNS = ["upn", "class_name", "subject", "window_name", "judgement", "label", "mark",
                "source", "expected_label", "status", "baseline_label", "progress_status",
                "target_label", "watchlist", "sen", "gender"]
FLAGS = ["on_roll", "falling_behind", "excelling", "pupil_premium", "eal"]
NUMBERS = ["value", "progress", "expected_progress"]
DATES = ["date_of_birth", "joined_on", "left_on"]
HISTORY_KEPT = ["Academic year", "Window", "UPN", "Year", "Class", "Subject", "Label", "Value",
                "Source", "Recorded at"]


BEFORE_MARKS_WERE_RECORDED = ("NA",)
"""The marks counted in percentages by a snapshot that does not record them: every sync before
they were recorded counted `NA` only (the shipped frameworks' `[marks]`)."""

@dataclass(frozen=True)
class Snapshot:
    """One school's snapshot of one window."""

    school: str             # the school's name (Settings), else its folder or spreadsheet
    academic_year: str      # "2026-27"
    window: int             # 1-based
    window_name: str
    synced_at: str          # "YYYY-MM-DD HH:MM:SS" UTC
    pupils: pd.DataFrame
    history: pd.DataFrame
    statutory: pd.DataFrame
    trust: str = ""         # the trust the school's Settings name (Google: its spreadsheet id)
    framework: str = ""     # "points" or "steps": progress is in that framework's units
    counted_marks: tuple[str, ...] = BEFORE_MARKS_WERE_RECORDED   # the framework's marks_in_percentages

    def meta(self) -> dict[str, str]:
        """What every stored table carries beside its rows."""
        return {"schema_version": str(SCHEMA_VERSION), "school": self.school,
                "academic_year": self.academic_year, "window": str(self.window),
                "window_name": self.window_name, "synced_at": self.synced_at,
                "trust": self.trust, "framework": self.framework,
                "counted_marks": ",".join(self.counted_marks)}


def pupil_rows(school: pd.DataFrame, window: int) -> pd.DataFrame:
    """The snapshot's `pupils` table from the SCHOOL frame: the rows of `window`, the kept columns,
    each column in one plain type (text, bool, float, int, date) so any Parquet reader agrees."""
    groups = sorted(c for c in school.columns if c.startswith(CUSTOM_GROUP_PREFIX))
    rows = school.loc[school["window"] == window].reindex(columns=[*PUPIL_COLUMNS, *groups])
    return normalise_pupils(rows.reset_index(drop=True))


def normalise_pupils(rows: pd.DataFrame) -> pd.DataFrame:
    """Each column of a `pupils` table in its one type (as written, and as read back)."""
    groups = [c for c in rows.columns if c.startswith(CUSTOM_GROUP_PREFIX)]
    out = rows.copy()
    for column in [*TEXT_COLUMNS, *groups]:
        out[column] = _text(out[column])
    for column in FLAGS:
        out[column] = out[column].fillna(False).astype(bool)
    for column in NUMBERS:
        out[column] = pd.to_numeric(out[column], errors="coerce").astype(float)
    for column in ("year", "window"):
        out[column] = pd.to_numeric(out[column], errors="coerce").fillna(0).astype("int64")
    for column in DATES:
        out[column] = pd.to_datetime(out[column], errors="coerce").astype("datetime64[us]")
    return out


def history_rows(history: pd.DataFrame, academic_year: str, window_name: str) -> pd.DataFrame:
    """The History rows recorded for one window (every revision), names left out."""
    if history.empty or "Window" not in history.columns:
        return pd.DataFrame({column: pd.Series(dtype=object) for column in HISTORY_KEPT})
    mine = history[(history["Academic year"].astype(str) == academic_year)
                   & (history["Window"].astype(str) == window_name)]
    out = mine.reindex(columns=HISTORY_KEPT).reset_index(drop=True)
    for column in [c for c in HISTORY_KEPT if c not in ("Year", "Value")]:
        out[column] = _text(out[column])
    out["Year"] = pd.to_numeric(out["Year"], errors="coerce").astype(float)
    out["Value"] = pd.to_numeric(out["Value"], errors="coerce").astype(float)
    return out


def statutory_rows(measures: pd.DataFrame) -> pd.DataFrame:
    """The snapshot's `statutory` table: MEASURES, each column in one type."""
    out = measures.reindex(columns=MEASURES).reset_index(drop=True)
    for column in ("academic_year", "workbook", "upn", "measure"):
        out[column] = _text(out[column])
    for column in ("counted", "met", "pupil_premium"):
        out[column] = out[column].fillna(False).astype(bool)
    out["score"] = pd.to_numeric(out["score"], errors="coerce").astype(float)
    return out


def _text(values: pd.Series) -> pd.Series:
    """Text with "" for blank (never None or NaN), as object."""
    if isinstance(values.dtype, pd.StringDtype):   # texts and blanks only: one column operation
        return values.fillna("").astype(object)
    return values.map(lambda v: "" if v is None or (not isinstance(v, str) and pd.isna(v))
                      else str(v)).astype(object)
