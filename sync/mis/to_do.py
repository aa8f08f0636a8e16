"""What an import asks of the school, as a workbook of our own: `SCHOOL/imports/Import <time>.xlsx`.

Teachers' class workbooks are theirs: saved again by a library they would lose what it does not
model (cached formula values, text boxes, sparklines, data validation it does not read), so
`import` never writes them. It writes this new workbook instead, laid out to copy from:

  New pupils        per class workbook: its Pupils header and a row per new pupil, to paste at
                    the row named; then the UPN and Name to type in the other pupil tabs
  Fill blanks       class workbook, tab, cell, value: blank cells the MIS file fills
  Typed differently class workbook, tab, cell, typed, the file says: left as typed
  Not in the file   (with --whole-roll) pupils on roll the file does not list

It holds pupil data (the same the MIS file holds), so `forget` deletes the to-do lists that hold a
forgotten pupil.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import pandas as pd
from openpyxl import Workbook as XlsxWorkbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from functions.roll import DETAILS
from sync.reader.names import normalise
from sync.store import Tab
from sync.words import plural
from sync.xlsx import read_values
from sync.year.school_files import save_over, tab_named

IMPORTS_FOLDER = "imports"
GOOGLE_TITLE = "Import: {}"
NEW_PUPILS, FILLS, DIFFERENT, MISSING = "New pupils", "Fill blanks", "Typed differently", "Not in the file"
BLOCK = "Paste the {rows} below the headings into {workbook}, its Pupils tab, at row {row}."
"""The sentence above each block of the New pupils tab (one cell; BLOCK_PATTERN reads it back)."""
BLOCK_PATTERN = re.compile(r"Paste the (\d+) rows? below the headings into (.+), its Pupils tab, at row (\d+)\.")
ALSO = "Then type each new pupil's UPN and Name in: {places}."
ALSO_PATTERN = re.compile(r"Then type each new pupil's UPN and Name in: (.+)\.")
PUPIL_TABS = ("Judgements", "Tests", "Comments", "Statutory")
DATE_FORMAT = "dd/mm/yyyy"
_BOLD, _FILL = Font(bold=True), PatternFill("solid", fgColor="D9E1F2")


@dataclass
class ClassBook:
    """A class workbook as import needs it: its tabs as read, and where its rows are."""

    name: str
    tabs: dict

    def header(self, title: str) -> tuple[int, list]:
        """The header row number and values of a tab (its first row with a value)."""
        rows = self.tabs.get(tab_named(self.tabs, title) or "", [])
        at = next((i for i, row in enumerate(rows) if any(v not in (None, "") for v in row)), 0)
        return at + 1, (list(rows[at]) if rows else [])

    def next_row(self, title: str, first_data: int) -> int:
        """The first row after the last one holding any value (at least `first_data`)."""
        rows = self.tabs.get(tab_named(self.tabs, title) or "", [])
        last = max((i + 1 for i, row in enumerate(rows) if any(v not in (None, "") for v in row)), default=0)
        return max(last + 1, first_data)

    def pupil_tabs(self) -> list[tuple[str, int]]:
        """The tabs a new pupil needs a UPN and Name row in, and the row they start at."""
        found = []
        for title in self.tabs:
            grid = normalise(title).endswith(" grid")
            if normalise(title) not in map(normalise, PUPIL_TABS) and not grid:
                continue
            _, header = self.header(title)
            if "upn" in {normalise(v) for v in header if isinstance(v, str)}:
                found.append((title, self.next_row(title, 3 if grid else 2)))
        return found

    def cell(self, title: str, row: int, column: str) -> str | None:
        """The A1 address of `column` (by its header) in `row` of a tab."""
        _, header = self.header(title)
        names = [normalise(v) if isinstance(v, str) else "" for v in header]
        if normalise(column) not in names:
            return None
        return f"{get_column_letter(names.index(normalise(column)) + 1)}{row}"


def read_class_book(name: str, path: Path) -> ClassBook:
    return ClassBook(name, read_values(path))


def statutory_row(book: ClassBook, upn: str, joining: list[str]) -> int | None:
    """The Statutory row of a pupil: theirs, or the one a new pupil takes when pasted in order."""
    title = tab_named(book.tabs, "Statutory")
    if title is None:
        return None
    header_at, header = book.header(title)
    names = [normalise(v) if isinstance(v, str) else "" for v in header]
    if "upn" in names:
        at = names.index("upn")
        for number, row in enumerate(book.tabs[title][header_at:], start=header_at + 1):
            if at < len(row) and str(row[at] or "").replace(" ", "").upper() == upn:
                return number
    if upn in joining:
        return book.next_row(title, 2) + joining.index(upn)
    return None


Sheet = tuple[str, list[list]]
"""A tab of the to-do list: its title and rows (the first row a header)."""


def to_do_sheets(books: dict[str, ClassBook], joins: pd.DataFrame, fills: pd.DataFrame,
                 conflicts: pd.DataFrame, missing: pd.DataFrame, today: date) -> list[Sheet]:
    """The to-do list's tabs. `fills` and `conflicts`: workbook, tab, cell, value / typed +
    file, source; `joins`: workbook and the Pupils columns of each new pupil."""
    rows: list[list] = []
    for workbook, group in joins.groupby("workbook", sort=True):
        target = books[str(workbook)]
        header_at, header = target.header("Pupils")
        rows.append([BLOCK.format(rows=plural(len(group), "row"), workbook=workbook,
                                  row=target.next_row("Pupils", header_at + 1))])
        rows.append(list(header))
        for pupil in group.to_dict("records"):
            values = {**{name: pupil[name] for name in DETAILS}, "Joined on": today}
            for flag in ("Pupil premium", "EAL"):
                values[flag] = "Y" if values[flag] == "Y" else None
            values["SEN"] = values["SEN"] if values["SEN"] in ("K", "E") else None
            rows.append([_value(values.get(_column(values, name))) if isinstance(name, str) else None
                         for name in header])
        also = ", ".join(f"{title} from row {row}" for title, row in target.pupil_tabs())
        if also:
            rows.append([ALSO.format(places=also)])
        rows.append([])
    sheets: list[Sheet] = [(NEW_PUPILS, rows[:-1] if rows else [["No new pupils."]])]
    for title, frame, columns in (
            (FILLS, fills, ["Class workbook", "Tab", "Cell", "Value", "From"]),
            (DIFFERENT, conflicts, ["Class workbook", "Tab", "Cell", "Typed", "The file says", "From"]),
            (MISSING, missing, ["Class workbook", "Pupils row"])):
        if title == MISSING and frame.empty:
            continue
        sheets.append((title, [columns, *([_value(v) for v in record] for record in frame.itertuples(index=False))]))
    return sheets


def write_to_do(path: Path, sheets: list[Sheet]) -> None:
    """Local mode: the to-do list as a new workbook of ours."""
    book = XlsxWorkbook()
    del book[book.sheetnames[0]]
    for title, rows in sheets:
        sheet = book.create_sheet(title)
        for values in rows:
            heading = bool(values) and (_is_block(values) or title != NEW_PUPILS and values is rows[0])
            _row(sheet, values, bold=heading or (title == NEW_PUPILS and _after_block(rows, values)),
                 fill=values is rows[0] and title != NEW_PUPILS or _after_block(rows, values))
        if title != NEW_PUPILS:
            sheet.freeze_panes = "A2"
        for letter in "ABCDEFGHIJK":
            sheet.column_dimensions[letter].width = 18
        sheet.column_dimensions["A"].width = 30
    path.parent.mkdir(exist_ok=True)
    save_over(book, path, None)


def to_do_tabs(sheets: list[Sheet]) -> list[Tab]:
    """Google mode: the to-do list as tabs of ours in Tracker summary (replacing the last
    import's: an import run again lists again what is not done yet)."""
    tabs = []
    for title, rows in sheets:
        header = [str(v) if v is not None else "" for v in rows[0]]
        width = max(len(row) for row in rows)
        header += [""] * (width - len(header))
        tabs.append(Tab(title=GOOGLE_TITLE.format(title), header=header,
                        rows=[list(row) + [None] * (width - len(row)) for row in rows[1:]],
                        widths={name: 18.0 for name in header}))
    return tabs


def _after_block(rows: list[list], values: list) -> bool:
    """A block's header row: the row after a BLOCK line."""
    at = next((i for i, row in enumerate(rows) if row is values), 0)
    return at > 0 and _is_block(rows[at - 1])


def _is_block(values: list) -> bool:
    return bool(values) and isinstance(values[0], str) and BLOCK_PATTERN.fullmatch(values[0]) is not None


def to_do_path(school: Path, now: datetime) -> Path:
    return school / IMPORTS_FOLDER / f"Import {now:%Y-%m-%d %H%M%S}.xlsx"


def _column(values: dict, name: str) -> str:
    return next((key for key in values if isinstance(key, str) and normalise(key) == normalise(name)), name)


def _value(value: object) -> object:
    if value is None or value is pd.NaT or (isinstance(value, float) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, float) and value.is_integer():
        return int(value)           # a row number carried through a frame with blanks
    if isinstance(value, str) and value == "":
        return None
    return value


def _row(sheet, values: list, bold: bool = False, fill: bool = False) -> None:
    sheet.append(values)
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, date):
            cell.number_format = DATE_FORMAT
        if bold:
            cell.font = _BOLD
        if fill:
            cell.fill = _FILL
