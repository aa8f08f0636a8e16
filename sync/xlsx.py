"""Reading and writing .xlsx workbooks with openpyxl: the local store's file format.

Reading gives the store's plain values (`sync.store.Workbook`). Writing renders `sync.store.Tab`
objects into a worksheet: text stays text (a cell that starts with "=" is written as a string,
never as a formula), numbers keep their format, statuses get their fill colour.
"""
from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook
from openpyxl.cell.cell import Cell
from openpyxl.chart import LineChart, Reference
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from sync.store import Tab, Workbook

HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDE5F0")
NOTE_FONT = Font(italic=True, color="555555")


def read_values(path: Path) -> Workbook:
    """Every tab of a workbook as rows of plain values (cached values of formulas), in tab order."""
    book = load_workbook(path, read_only=True, data_only=True)
    try:
        return {
            sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)]
            for sheet in book.worksheets
        }
    finally:
        book.close()


def _text_cell(sheet: Worksheet, row: int, column: int, value: object) -> Cell:
    """Set a cell so that text is stored as text: openpyxl would otherwise turn "=..." into a formula."""
    cell = sheet.cell(row=row, column=column)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
    return cell


def render_tab(sheet: Worksheet, tab: Tab) -> None:
    """Fill an empty worksheet with a tab's note, header, rows, formats, colours and chart."""
    top = 1
    if tab.note:
        _text_cell(sheet, 1, 1, tab.note).font = NOTE_FONT
        top = 2
    for column, name in enumerate(tab.header, start=1):
        cell = _text_cell(sheet, top, column, name)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for offset, values in enumerate(tab.rows, start=1):
        for column, value in enumerate(values, start=1):
            if value is not None and value != "":
                _text_cell(sheet, top + offset, column, value)
    last_row = top + max(len(tab.rows), 1)
    for column, name in enumerate(tab.header, start=1):
        letter = get_column_letter(column)
        sheet.column_dimensions[letter].width = tab.widths.get(name, max(10.0, min(40.0, len(name) + 3)))
        number_format = tab.formats.get(name)
        if number_format:
            for row in range(top + 1, last_row + 1):
                sheet.cell(row=row, column=column).number_format = number_format
        for value, colour in tab.colour_by.get(name, {}).items():
            sheet.conditional_formatting.add(
                f"{letter}{top + 1}:{letter}{last_row}",
                CellIsRule(operator="equal", formula=[f'"{value}"'],
                           fill=PatternFill("solid", fgColor=colour)),
            )
    if tab.freeze_rows or tab.freeze_cols:
        sheet.freeze_panes = f"{get_column_letter(tab.freeze_cols + 1)}{top + tab.freeze_rows}"
    if tab.header:
        sheet.auto_filter.ref = f"A{top}:{get_column_letter(len(tab.header))}{last_row}"
    if tab.hidden:
        sheet.sheet_state = "hidden"
    _print_to_page_width(sheet, top)
    if tab.chart and tab.rows:
        sheet.add_chart(_line_chart(sheet, tab, top, last_row), f"{get_column_letter(len(tab.header) + 2)}{top}")


def _print_to_page_width(sheet: Worksheet, header_row: int) -> None:
    """Printed, a tab is landscape, one page wide, with its header row repeated on every page."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.print_title_rows = f"{header_row}:{header_row}"


def _line_chart(sheet: Worksheet, tab: Tab, top: int, last_row: int) -> LineChart:
    spec = tab.chart
    chart = LineChart()
    chart.title = spec.title
    chart.y_axis.title = spec.y_title
    chart.height, chart.width = 9, 18
    for column in spec.series:
        chart.add_data(Reference(sheet, min_col=column + 1, min_row=top, max_row=last_row),
                       titles_from_data=True)
    chart.set_categories(Reference(sheet, min_col=spec.x_column + 1, min_row=top + 1, max_row=last_row))
    chart.y_axis.scaling.min, chart.y_axis.scaling.max = 0, 100  # percentages: an honest scale
    chart.y_axis.delete = chart.x_axis.delete = False
    for series in chart.series:
        series.smooth = False  # straight lines between windows: no invented curve
        series.marker.symbol = "circle"  # a window with one point still shows
    return chart
