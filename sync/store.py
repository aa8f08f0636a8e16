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
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from functions.forgotten import Forgotten

if TYPE_CHECKING:
    from sync.reports.local import ReportSink

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


@dataclass(frozen=True)
class NewWorkbook:
    """A class workbook a year command made (`Store.create_class_workbook`)."""

    ref: WorkbookRef
    shared: int = 0          # people, groups or links given access as the workbook it copies had


class Store(Protocol):
    """Everything the sync job, the report job and the year commands need from wherever a school
    lives. The job never asks which adapter it has: what differs between a folder and Google is
    answered here (an empty answer where a store has nothing to say)."""

    @property
    def display_name(self) -> str:
        """For logs and messages: a folder name or spreadsheet title, no pupil data."""

    @property
    def folder(self) -> Path | None:
        """The school folder (local mode), where a school's own framework file, its parent reports
        and its earlier copies live; None for a store with no folder (Google)."""

    @property
    def results_name(self) -> str:
        """The workbook that holds the school's tabs (History, Sync log ...), as Problems names it:
        `Tracker results` locally, `Tracker summary` on Google."""

    @property
    def school_id(self) -> str:
        """The school's name in a place shared by many schools (a results bucket, a trust's list):
        a Google school's spreadsheet id; "" for a school folder, whose results stay in it."""

    @property
    def account_email(self) -> str:
        """Who the store writes as, when it can tell who last changed each workbook (Google's
        service account); "" when it cannot, and then every sync reads every workbook."""

    def lock(self) -> AbstractContextManager[None]:
        """Hold the school's sync lock; raise `AlreadyRunning` if another sync holds it."""

    def check_outputs_closed(self) -> None:
        """Before anything is written: raise `StoreUnavailable` when a person has one of our
        outputs open or added a tab to a file we replace whole (nothing to check on Google)."""

    def read_summary(self) -> Workbook:
        """Every tab of the school's `Tracker summary` (Settings, Staff) and our own tabs (History,
        Sync log, Sync state) wherever the store keeps them."""

    def read_whole_summary(self) -> Workbook:
        """The same, with every cell of our tabs, for a command that rewrites or exports all of them
        (forget, export, a trust's summary): `read_summary` may leave out what a sync does not need
        (Google: History's old rows, kept in `History state`)."""

    def set_classes_folder(self, folder: str) -> None:
        """The `Classes folder` setting, known once the summary is read (a Drive folder id; a
        school folder's classes are always in `classes/`)."""

    def foreign_tabs(self, ref: WorkbookRef | None = None) -> set[str]:
        """Titles of tabs people made in a spreadsheet we write to (None: `Tracker summary`).

        Known from the last read of that spreadsheet. The job writes beside such a tab, as
        `<name> (tracker)`, and says so in Problems.
        """

    def list_class_workbooks(self) -> list[WorkbookRef]:
        """Every class workbook in the classes folder (this and earlier academic years)."""

    def listing_problems(self) -> list[dict]:
        """PROBLEMS rows about files rather than cells, found by the last `read_summary` and
        `list_class_workbooks`: a file in the classes folder that is not a workbook or is open,
        our old tabs still in `Tracker summary`."""

    def read_workbook(self, ref: WorkbookRef) -> Workbook:
        """Every tab of one class workbook, in one read; `UnreadableWorkbook` when it cannot be."""

    def formula_blanks(self) -> list[tuple[str, str]]:
        """(tab, cell) of each formula saved without its value in the workbook read last (read as
        blank)."""

    def write_class_outputs(self, ref: WorkbookRef, tabs: list[Tab]) -> list[dict]:
        """Replace the owned tabs for one class (`Class summary`, `Problems`) in one atomic write.
        Returns PROBLEMS rows for anything it had to write beside a person's tab."""

    def retire_class_outputs(self, kept: set[str]) -> None:
        """Put away the outputs of every class whose workbook (by name) is not in `kept`, so that
        nothing looks current when it is not (a store whose outputs live in the class workbooks
        themselves has nothing to do)."""

    def write_summary(self, tabs: list[Tab]) -> list[dict]:
        """Replace the given owned tabs of the school's results in one atomic write (other tabs,
        ours or people's, untouched). Returns PROBLEMS rows as `write_class_outputs` does."""

    def request_count(self) -> int:
        """Requests (Google) or file reads and writes (local) so far, for the Sync log."""

    def report_destination(self, reports_folder: str) -> tuple[Path, ReportSink | None]:
        """Where parent reports go, from the `Reports folder` setting: a folder and no sink (the
        default, PDF files), or a sink that stores them elsewhere (Google Drive)."""

    def read_forgotten(self, summary: Workbook) -> Forgotten | None:
        """The school's list of erased pupils (`sync.year.forgotten`) as last written, None when
        there is none yet (`summary`: Tracker summary read whole); `SettingsError` (one sentence)
        when it cannot be read. Local: `.tracker-forgotten.json` in the school folder; Google: a
        hidden tab of ours in Tracker summary, the key in its note."""

    def write_forgotten(self, forgotten: Forgotten) -> None:
        """The whole list, over the last (a file or tab of ours)."""

    def add_draft(self, tab: Tab) -> str | None:
        """Put a draft for the head to edit where they will find it, only if it is not there yet,
        and say where ("Classes next year.xlsx"); None when it is there already. It is theirs from
        then on: never written again. Local: a new workbook `<title>.xlsx` in the school folder;
        Google: a tab of Tracker summary without our mark (not protected, never rewritten)."""

    def check_can_create(self) -> None:
        """Before a year command creates class workbooks: raise `SettingsError` (one sentence)
        when the store could not hold a new one (Google: a Classes folder off a shared drive)."""

    def finish_sharing(self) -> list[str]:
        """Before a year command creates class workbooks: finish what an earlier run left half
        done (Google: a spreadsheet made but not yet shared when the run stopped), a line for
        each; nothing where files carry no sharing."""

    def create_class_workbook(self, name: str, content: bytes, like: WorkbookRef | None) -> NewWorkbook:
        """A new class workbook named `name` ("2027-28 Oak (Year 4).xlsx") in the classes folder,
        made from `content` (an .xlsx), never over an existing one (`SettingsError`). Google:
        Drive converts it to a Google Sheet, shared with whoever `like` is shared with directly
        (no notification emails; the owner and a shared drive's members are not copied)."""
