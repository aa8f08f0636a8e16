"""The Sync log: what one run did (`SyncOutcome`), as the command line, the web service and the
Sync log tab show it, and our own tabs as we wrote them last time, read back (History, Sync log)."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from functions.owned_tabs import BESIDE
from sync.store import Tab
from sync.tabs import frame_to_tab
from sync.words import plural

SYNC_LOG = "Sync log"
SYNC_LOG_COLUMNS = ["Started", "Finished", "Window", "Workbooks read", "Workbooks skipped",
                    "Problems", "Errors", "API calls", "Outcome"]


@dataclass
class SyncOutcome:
    """What one run did, for the Sync log, the command line and the web service."""

    school: str
    started: str
    finished: str = ""
    workbooks_read: int = 0
    workbooks_skipped: int = 0
    problems: int = 0
    errors: int = 0
    api_calls: int = 0
    outcome: str = "complete"
    window: str = ""
    next_step: str = ""     # a school with nothing to count yet: what to do next

    def summary_line(self) -> str:
        line = (f"Synced {self.school} at {self.window}: {plural(self.workbooks_read, 'workbook')} "
                f"read, {plural(self.problems, 'problem')} ({plural(self.errors, 'error')}); "
                "see the Problems tab.")
        return f"{line}\n{self.next_step}" if self.next_step else line

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def sync_log_tab(previous: pd.DataFrame, outcome: SyncOutcome) -> Tab:
    """The Sync log: every earlier run's row as read, then this run's."""
    row = pd.DataFrame([[outcome.started, outcome.finished, outcome.window, outcome.workbooks_read,
                         outcome.workbooks_skipped, outcome.problems, outcome.errors,
                         outcome.api_calls, outcome.outcome]], columns=SYNC_LOG_COLUMNS)
    if not previous.empty and list(previous.columns) == SYNC_LOG_COLUMNS:
        row = pd.concat([previous, row], ignore_index=True)
    return frame_to_tab(SYNC_LOG, row)


def our_table(summary: dict, title: str, foreign: set[str]) -> pd.DataFrame:
    """Our own tab `title` as we wrote it last time, found by the store's marker (a tab people made
    is `foreign`), never by its name alone: where a person has a tab called "History", ours is
    "History (tracker)" (functions.owned_tabs), and theirs is never read as ours."""
    for candidate in (title, f"{title}{BESIDE}"):
        if candidate in summary and candidate not in foreign:
            return owned_table(summary, candidate)
    return pd.DataFrame()


def owned_table(summary: dict, title: str) -> pd.DataFrame:
    """An owned tab we wrote last time (header in row 1, or row 2 under a note), as a frame of its
    rows with values, indexed by their place under the header; attrs["rows"] is how many rows the
    tab has under its header (a store may leave out rows no one needs: sync.google.history_state)."""
    rows = summary.get(title) or []
    # most rows have a first value, and are seen to be filled without a loop
    filled = [at for at, row in enumerate(rows)
              if (row and row[0] not in (None, "")) or any(value not in (None, "") for value in row)]
    if not filled:
        return pd.DataFrame()
    first = rows[filled[0]]
    header_at = filled[0] if len(first) > 1 and first[1] not in (None, "") else filled[1] if len(filled) > 1 else 0
    header = [str(value) if value is not None else "" for value in rows[header_at]]
    below = [at for at in filled if at > header_at]
    width = len(header)
    body = [row if len(row) == width and type(row) is list else [*row[:width], *[None] * (width - len(row))]
            for row in map(rows.__getitem__, below)]
    frame = pd.DataFrame(body, columns=header,
                         index=pd.Index([at - header_at - 1 for at in below], dtype="int64"))
    frame.attrs["rows"] = len(rows) - header_at - 1
    return frame
