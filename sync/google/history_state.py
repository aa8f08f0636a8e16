"""History in Google mode: appended to, never read back whole.

History only grows (functions/history.py), and a merge builds only on the latest row of each key of
this academic year and the last (`functions.history.open_rows`). Read as cells, even those rows are
megabytes for a large school (Sheets answers about 50 bytes of JSON per cell), so the summary read
does not ask for History's cells at all. Instead a hidden owned tab, `History state`, holds what a
merge needs, packed as text: for each open key its Academic year, Window, UPN, Subject, Label, Value,
Source and the row's place in History; and how many rows History has. Every write of History
rewrites it from the merged rows.

`History` carries our developer metadata with the value `append` (other owned tabs: `1`): the summary
read (`spreadsheets.getByDataFilter`) selects owned tabs by the value `1`, so History's cells never
come back; History's header row carries metadata of its own (`tracker-history-header`), which that
read also selects, so History's properties and header do (Google answers only the sheets a filter
selects). A spreadsheet synced before this has History marked `1`: it is read whole once, and that
sync's write marks it `append` and its header row.
"""
from __future__ import annotations

import pandas as pd

from functions.history import HISTORY_COLUMNS, open_rows
from functions.owned_tabs import BESIDE
from sync.store import Rows, Tab

HISTORY_TITLE = "History"
STATE_TITLE = "History state"
APPEND_VALUE = "append"        # History's `tracker-owned` metadata value: never read back
READ_VALUE = "1"               # every other owned tab's: read with the summary
HEADER_KEY = "tracker-history-header"   # on History's header row: the read gets its properties
STATE_NOTE = ("Written by the tracker for its next sync (what History's latest rows say); "
              "do not edit.")
FIELDS = ["Academic year", "Window", "UPN", "Subject", "Label", "Value", "Source"]
CHUNK = 40_000                 # characters of one cell (Sheets allows 50,000)


def is_history(title: str) -> bool:
    """Our History tab (written beside a person's tab of that name as `History (tracker)`)."""
    return title.removesuffix(BESIDE) == HISTORY_TITLE


def is_state(title: str) -> bool:
    return title.removesuffix(BESIDE) == STATE_TITLE


def state_rows(values: dict[str, Rows]) -> Rows:
    """`History state`'s cells as read ([] when it was not)."""
    return values.get(STATE_TITLE) or values.get(STATE_TITLE + BESIDE) or []


def _escape(text: str) -> str:
    return text.replace("%", "%25").replace("|", "%7C").replace("\n", "%0A")


def _unescape(text: str) -> str:
    return text.replace("%0A", "\n").replace("%7C", "|").replace("%25", "%")


def _text(value: object) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, float):
        return repr(value)
    return str(value)


def state_tab(history: pd.DataFrame, rows: int) -> Tab:
    """The `History state` tab for a History of `rows` rows under its header, whose rows are
    `history` (indexed by their place in History: the whole tab, or what a merge was given)."""
    kept = open_rows(history)
    lines = [f"rows|{rows}"] + [
        "|".join([str(int(place)), *(_escape(_text(value)) for value in record)])
        for place, record in zip(kept.index, kept[FIELDS].itertuples(index=False, name=None), strict=True)]
    cells: list[list[str]] = [[]]
    size = 0
    for line in lines:
        if size + len(line) + 1 > CHUNK and cells[-1]:
            cells.append([])
            size = 0
        cells[-1].append(line)
        size += len(line) + 1
    return Tab(title=STATE_TITLE, header=["State"], rows=[["\n".join(chunk)] for chunk in cells],
               note=STATE_NOTE, freeze_rows=0, hidden=True)


def history_rows(state: Rows) -> Rows | None:
    """History as the job reads it, from `History state`'s cells: the header, then each open key's
    latest row at its place (other rows empty), as many rows as History has. None when the state
    is missing or unreadable (then History must be read whole)."""
    lines = [line for row in state for cell in row if isinstance(cell, str) and cell != STATE_NOTE
             for line in cell.split("\n") if line and line != "State"]
    if not lines or not lines[0].startswith("rows|"):
        return None
    try:
        total = int(lines[0].split("|", 1)[1])
        rows: Rows = [list[object](HISTORY_COLUMNS)] + [[] for _ in range(total)]
        for line in lines[1:]:
            place, *values = line.split("|")
            record = dict(zip(FIELDS, (_unescape(value) for value in values), strict=False))
            value = record.get("Value", "")
            row = [record.get(column, "") if column != "Value" else (float(value) if value else None)
                   for column in HISTORY_COLUMNS]
            rows[int(place) + 1] = [None if cell == "" else cell for cell in row]
    except (ValueError, IndexError):
        return None
    return rows


def tab_frame(tab: Tab, places: list[int], rows: int) -> tuple[pd.DataFrame, int]:
    """History's tab as written (the rows a merge was given, then its new rows) as a frame
    indexed by each row's place in History, and how many rows History has after the write:
    the first len(places) rows are at `places`, the new ones after the `rows` History had."""
    added = len(tab.rows) - len(places)
    index = list(places) + list(range(rows, rows + added))
    frame = pd.DataFrame([list(row) + [None] * (len(tab.header) - len(row)) for row in tab.rows],
                         columns=tab.header, index=pd.Index(index, dtype="int64"))
    return frame, rows + added
