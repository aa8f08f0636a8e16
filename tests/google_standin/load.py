"""A local-mode school folder in and out of the stand-in (--load / --dump), via openpyxl.

Loading makes a Drive folder of class workbooks (one spreadsheet each), a Reports folder, and the
`Tracker summary` spreadsheet whose Settings `Classes folder` / `Reports folder` name them.
"""
from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.utils.cell import get_column_letter

from .model import EPOCH, Spreadsheet, entered
from .world import FOLDER, SPREADSHEET, World

DATE_FORMAT = {"type": "DATE", "pattern": "dd/mm/yyyy"}
SUMMARY = "Tracker summary"


def cell_from_python(value: Any, number_format: str = "General") -> dict[str, Any]:
    """An openpyxl value -> CellData (dates as serial numbers with a date format; a number in a
    percent-formatted cell keeps a PERCENT format, as Sheets does when it imports a workbook)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and "%" in (number_format or ""):
        return {"userEnteredValue": {"numberValue": value},
                "userEnteredFormat": {"numberFormat": {"type": "PERCENT", "pattern": number_format}}}
    if isinstance(value, (dt.datetime, dt.date)):
        moment = value if isinstance(value, dt.datetime) else dt.datetime.combine(value, dt.time())
        serial = (moment - EPOCH) / dt.timedelta(days=1)
        return {"userEnteredValue": {"numberValue": int(serial) if serial.is_integer() else serial},
                "userEnteredFormat": {"numberFormat": DATE_FORMAT}}
    return {"userEnteredValue": entered(value, user_entered=isinstance(value, str) and value.startswith("="))}


def python_from_cell(cell: dict[str, Any]) -> Any:
    value = cell.get("userEnteredValue") or {}
    if "numberValue" in value:
        number = value["numberValue"]
        if (cell.get("userEnteredFormat") or {}).get("numberFormat", {}).get("type") in ("DATE", "DATE_TIME"):
            return EPOCH + dt.timedelta(days=number)
        return number
    return next(iter(value.values()), None)


def book_from_xlsx(world: World, path: Path, owner: str, parents: list[str]) -> Spreadsheet:
    item = world.add_file(path.stem, SPREADSHEET, owner, parents)
    book = world.books[item.id]
    fill_from_xlsx(book, path)
    return book


def fill_from_xlsx(book: Spreadsheet, source: Path | io.BytesIO) -> None:
    """Replace a spreadsheet's tabs with a workbook's (values, dates, frozen panes), as Drive
    imports an .xlsx into a Google Sheet (the stand-in keeps no more than that)."""
    workbook = openpyxl.load_workbook(source)
    book.sheets.clear()
    for index, worksheet in enumerate(workbook.worksheets):
        sheet = book.add_sheet({"sheetId": 0 if index == 0 else book.next_id(), "title": worksheet.title,
                                "gridProperties": {"rowCount": max(worksheet.max_row, 1000),
                                                   "columnCount": max(worksheet.max_column, 26)}})
        for row in worksheet.iter_rows():
            for cell in row:
                if cell.value is not None:
                    sheet.cells[(cell.row - 1, cell.column - 1)] = cell_from_python(cell.value, cell.number_format)
        if worksheet.freeze_panes:
            frozen = worksheet[worksheet.freeze_panes]
            sheet.grid.update({"frozenRowCount": frozen.row - 1, "frozenColumnCount": frozen.column - 1})


def workbook_bytes(book: Spreadsheet) -> bytes:
    """A spreadsheet as .xlsx bytes: values, dates, frozen rows and column widths."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for sheet in book.sheets:
        worksheet = workbook.create_sheet(sheet.title)
        for (r, c), cell in sorted(sheet.cells.items()):
            value = python_from_cell(cell)
            if value is not None:
                target = worksheet.cell(row=r + 1, column=c + 1, value=value)
                if isinstance(value, dt.datetime):
                    target.number_format = "dd/mm/yyyy"
        rows, cols = sheet.grid.get("frozenRowCount", 0), sheet.grid.get("frozenColumnCount", 0)
        if rows or cols:
            worksheet.freeze_panes = f"{get_column_letter(cols + 1)}{rows + 1}"
        for c, props in sheet.column_metadata.items():
            if props.get("pixelSize"):
                worksheet.column_dimensions[get_column_letter(c + 1)].width = props["pixelSize"] / 7
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _set_setting(book: Spreadsheet, key: str, value: str) -> None:
    settings = book.sheet_by_title("Settings")
    if settings is None:
        raise ValueError("Tracker summary has no Settings tab")
    rows = [r for (r, c), cell in settings.cells.items() if c == 0 and python_from_cell(cell) == key]
    row = rows[0] if rows else max((r for r, _ in settings.cells), default=-1) + 1
    settings.cells[(row, 0)] = {"userEnteredValue": {"stringValue": key}}
    settings.cells[(row, 1)] = {"userEnteredValue": {"stringValue": value}}


def load_school(world: World, folder: Path, owner: str, service_account: str = "") -> str:
    """Serve a local-mode school folder; returns the Tracker summary's spreadsheet id. The
    reports folder is on a shared drive (the owner its Manager, the service account a Content
    manager), as Drive requires for files a service account creates."""
    root = world.add_file(folder.name or "School", FOLDER, owner)
    classes = world.add_file("classes", FOLDER, owner, [root.id])
    drive = world.add_file(f"{folder.name or 'School'} reports", FOLDER, owner, [])
    drive.drive_id = drive.id
    world.drives[drive.id] = {owner: "organizer"} | ({service_account: "fileOrganizer"} if service_account else {})
    reports = world.add_file("reports", FOLDER, owner, [drive.id])
    for path in sorted((folder / "classes").glob("*.xlsx")):
        if not path.name.startswith("~$"):
            book_from_xlsx(world, path, owner, [classes.id])
    summary = book_from_xlsx(world, folder / f"{SUMMARY}.xlsx", owner, [root.id])
    _set_setting(summary, "Classes folder", classes.id)
    _set_setting(summary, "Reports folder", reports.id)
    return summary.id


def dump_all(world: World, folder: Path) -> list[Path]:
    """Every spreadsheet as folder/<title>.xlsx."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for book in world.books.values():
        path = folder / f"{book.properties['title']}.xlsx"
        path.write_bytes(workbook_bytes(book))
        written.append(path)
    return written
