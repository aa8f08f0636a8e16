"""Which class workbooks changed since the last sync: the pure decision behind incremental sync.

Drive's listing gives each workbook's `modifiedTime` and `lastModifyingUser`. The state recorded at
the last sync (a hidden owned `Sync state` tab in `Tracker summary`) holds the same two facts as they
were then. A workbook is read again when it is new, when its time moved and the last change was not
ours, or when either time is unknown. Our own writes move `modifiedTime` too, so a later time whose
last modifier is our service account counts as unchanged.

What this cannot see: a teacher's edit made between our read and our own write of the same workbook
(the last modifier is then us). The nightly full sync (`full=True`) reads everything, so no edit is
missed for longer than a day.

>>> listing = pd.DataFrame({"id": ["a", "b"], "modified": ["2026-10-02T08:00:00Z"] * 2,
...                         "modified_by": ["teacher@school.org", "sync@p.iam.gserviceaccount.com"]})
>>> state = pd.DataFrame({"id": ["a", "b"], "modified": ["2026-10-01T20:00:00Z"] * 2,
...                       "modified_by": ["sync@p.iam.gserviceaccount.com"] * 2})
>>> changed_workbooks(listing, state, "sync@p.iam.gserviceaccount.com").tolist()
[True, False]
"""
from __future__ import annotations

import hashlib
import json

import pandas as pd

SYNC_STATE_TAB = "Sync state"
STATE_HEADER = ["Workbook id", "Modified", "Modified by"]
STATE = ["id", "modified", "modified_by"]
"""Listing and state frames: one row per workbook (the listing may carry more columns, e.g. name)."""
SETTINGS_ROW_ID = "(Settings and Staff)"
"""The state row holding a digest of the people's Settings and Staff tabs, not a workbook."""


def changed_workbooks(listing: pd.DataFrame, state: pd.DataFrame, account_email: str, *,
                      full: bool = False) -> pd.Series:
    """True for each listing row (same index) whose workbook must be read in this sync."""
    if full:
        return pd.Series(True, index=listing.index)
    before = state[STATE].drop_duplicates("id", keep="last").rename(
        columns={"modified": "modified_before", "modified_by": "modified_by_before"})
    merged = listing[STATE].merge(before, on="id", how="left", indicator=True)
    now = pd.to_datetime(merged["modified"], utc=True, errors="coerce", format="ISO8601")
    then = pd.to_datetime(merged["modified_before"], utc=True, errors="coerce", format="ISO8601")
    unknown = now.isna() | then.isna()
    ours = merged["modified_by"].fillna("").str.strip().str.lower() == account_email.strip().lower()
    changed = (merged["_merge"] == "left_only") | unknown | ((now != then) & ~ours)
    return pd.Series(changed.to_numpy(), index=listing.index)


def nothing_changed(listing: pd.DataFrame, state: pd.DataFrame, fingerprint: str,
                    account_email: str) -> bool:
    """True when a sync may skip reading: the store can tell who changed what (`account_email`
    is known), the Settings digest is the one recorded, the same workbooks are listed, and no
    one but us changed any of them since. Anything unknown means read everything."""
    if not account_email or state.empty or listing.empty:
        return False
    settings_row = state[state["id"] == SETTINGS_ROW_ID]
    if settings_row.empty or settings_row["modified"].iloc[0] != fingerprint:
        return False
    read_last_time = state[state["id"] != SETTINGS_ROW_ID]
    if set(read_last_time["id"]) != set(listing["id"]):
        return False    # a workbook was added, or removed from the folder
    return not changed_workbooks(listing, read_last_time, account_email).any()


def settings_fingerprint(summary: dict[str, list[list[object]]]) -> str:
    """A digest of the people's tabs of `Tracker summary` (Settings, Staff): a change there
    means the next sync must run in full."""
    people = {title: rows for title, rows in summary.items() if title.strip().lower() in ("settings", "staff")}
    return hashlib.sha256(json.dumps(people, sort_keys=True, default=str).encode()).hexdigest()[:16]


def next_state(listing: pd.DataFrame, fingerprint: str) -> pd.DataFrame:
    """The state to record after a sync that read every listed workbook: the listing itself, and
    the Settings digest (row id SETTINGS_ROW_ID) last."""
    settings = pd.DataFrame([[SETTINGS_ROW_ID, fingerprint, ""]], columns=STATE)
    return pd.concat([listing[STATE], settings], ignore_index=True)


def state_rows(state: pd.DataFrame) -> list[list[object]]:
    """The `Sync state` tab's data rows (its header is STATE_HEADER)."""
    return state[STATE].astype(str).to_numpy().tolist()


def parse_state(rows: list[list[object]]) -> pd.DataFrame:
    """The state frame from the `Sync state` tab's rows, header first; empty when there is none."""
    body = [list(row[:3]) + [""] * (3 - len(row[:3])) for row in rows[1:] if row and row[0]]
    return pd.DataFrame(body, columns=STATE).astype(str)
