"""The store port: the one small interface the sync job talks to.

Two adapters implement it: `sync.local_store.LocalStore` (a folder of .xlsx workbooks) and
`sync.google.store.GoogleStore` (Google Sheets and Drive). The job never knows which it has.

Values travel as plain Python values: a tab read is a list of rows, each a list of cell values
(str, int, float, bool, datetime.date/datetime, or None for an empty cell), trailing empty cells
optional. Dates from Google arrive as serial numbers; the reader converts them where it expects dates.
"""
from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Protocol

Rows = list[list[object]]
Workbook = dict[str, Rows]
"""Tab title -> rows of values, in the workbook's tab order."""


@dataclass(frozen=True)
class WorkbookRef:
    """A class workbook as the store lists it."""

    id: str                 # local: path relative to the school folder; Google: file id
    name: str               # file name or spreadsheet title: what Problems calls it
    modified: str = ""      # ISO time of the last change, when the store knows it
    modified_by: str = ""   # who changed it last, when the store knows it


@dataclass(frozen=True)
class Chart:
    """A line chart of a tab's columns: one series per `series` column, x from `x_column`."""

    title: str
    x_column: int                  # 0-based column index of the categories
    series: tuple[int, ...]        # 0-based column indexes of the numeric series
    y_title: str = ""
    y_min: float | None = None     # the y-axis range (None: the program chooses)
    y_max: float | None = None
    colours: tuple[str, ...] = ()  # one hex colour per series (empty: the program's)
    dashed: tuple[int, ...] = ()   # the series (column indexes) drawn with a dashed line


@dataclass
class Tab:
    """One owned tab to write: a header row, data rows and how it should look.

    `formats` maps a column name to a number format ("0.0", "0", "dd/mm/yyyy", "@" for text).
    `colour_by` maps a column name to {cell value: hex fill colour} for status colouring.
    `widths` gives every column's width in characters (`sync.tabs.column_widths`).
    Values copied from teachers' cells are always written as plain text, never as formulas.
    """

    title: str
    header: list[str]
    rows: Rows
    widths: dict[str, float] = field(default_factory=dict)
    wrap: list[str] = field(default_factory=list)     # columns whose long text wraps in its cell
    printing: dict = field(default_factory=dict)      # page setup: see [print] in owned_tabs.toml
    formats: dict[str, str] = field(default_factory=dict)
    colour_by: dict[str, dict[str, str]] = field(default_factory=dict)
    freeze_rows: int = 1
    freeze_cols: int = 0
    chart: Chart | None = None
    note: str = ""                 # one line above the header, e.g. "Autumn 2026-27"
    hidden: bool = False           # bookkeeping tabs people need not see (Sync state)


class Store(Protocol):
    """What the sync job needs from wherever a school lives."""

    display_name: str   # for logs and messages: a folder name or spreadsheet title, no pupil data

    def lock(self) -> AbstractContextManager[None]:
        """Hold the school's sync lock; raise `AlreadyRunning` if another sync holds it."""

    def read_summary(self) -> Workbook:
        """Every tab of the school's `Tracker summary` (Settings, Staff and the owned tabs)."""

    def foreign_tabs(self, ref: WorkbookRef | None = None) -> set[str]:
        """Titles of tabs people made in a spreadsheet we write to (None: `Tracker summary`).

        Known from the last read of that spreadsheet. The job writes beside such a tab, as
        `<name> (tracker)`, and says so in Problems.
        """

    def list_class_workbooks(self) -> list[WorkbookRef]:
        """Every class workbook in the classes folder (this and earlier academic years)."""

    def read_workbook(self, ref: WorkbookRef) -> Workbook:
        """Every tab of one class workbook, in one read."""

    def write_class_outputs(self, ref: WorkbookRef, tabs: list[Tab]) -> list[dict]:
        """Replace the owned tabs for one class (`Class summary`, `Problems`) in one atomic write.
        Returns PROBLEMS rows for anything it had to write beside a person's tab."""

    def write_summary(self, tabs: list[Tab]) -> list[dict]:
        """Replace the given owned tabs of `Tracker summary` in one atomic write (other tabs, ours
        or people's, untouched). Returns PROBLEMS rows as `write_class_outputs` does."""
