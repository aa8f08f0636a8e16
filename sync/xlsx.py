"""Reading and writing .xlsx workbooks: the local store's file format.

Reading (calamine, or openpyxl for a workbook with error values) gives the store's plain values
(`sync.store.Workbook`). Writing (openpyxl) renders `sync.store.Tab` objects into a worksheet:
text stays text (a cell that starts with "=" is written as a string, never as a formula), numbers
keep their format, statuses get their fill colour.
"""
from __future__ import annotations

import re
import textwrap
import warnings
import weakref
from collections.abc import Iterable, Iterator
from contextlib import suppress
from datetime import date, datetime
from functools import lru_cache
from math import isfinite
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, cast
from xml.etree import ElementTree
from zipfile import ZipFile, is_zipfile

from defusedxml.ElementTree import fromstring, iterparse
from openpyxl import load_workbook
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.chart import LineChart, Reference
from openpyxl.chart.shapes import GraphicalProperties
from openpyxl.formatting.formatting import ConditionalFormatting
from openpyxl.formatting.rule import Rule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.styles.cell_style import StyleArray
from openpyxl.styles.differential import DifferentialStyle
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import coordinate_to_tuple
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet._writer import WorksheetWriter, create_temporary_file
from openpyxl.worksheet.dimensions import RowDimension
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet
from python_calamine import CalamineWorkbook, SheetTypeEnum

from functions.scores import fraction_as_percent
from sync.store import Chart, Tab, Workbook

if TYPE_CHECKING:
    # a write-only sheet has a Worksheet's print, size, filter and chart attributes at run time
    # (openpyxl binds them to it); its stubs do not say so
    AnySheet = Worksheet
else:
    AnySheet = Worksheet | WriteOnlyWorksheet

HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDE5F0")
NOTE_FONT = Font(italic=True, color="555555")
HEADER_ALIGNMENT = Alignment(wrap_text=True, vertical="top")
WRAP_ALIGNMENT = Alignment(wrap_text=True, vertical="top")
TOP_ALIGNMENT = Alignment(vertical="top")


def read_values(path: Path) -> Workbook:
    """Every worksheet of a workbook as rows of plain values (cached values of formulas), in tab
    order, from A1: a blank is None, a whole number an int, a date a datetime (as openpyxl reads;
    a cell of spaces only may read as blank, which is what the reader makes of it anyway).

    Read with calamine (the Rust reader pandas offers as its fast Excel engine), which reads a
    school's workbooks about fifteen times faster than openpyxl's read-only mode. Calamine gives a
    spreadsheet error value (#N/A, #REF!) back as an empty cell, and the reader reports those, so a
    workbook that holds any is read with openpyxl instead.
    """
    return read_values_and_blanks(path)[0]


def read_values_and_blanks(path: Path, archive: ZipFile | None = None) -> tuple[Workbook, list[tuple[str, str]]]:
    """`read_values`, and (tab title, cell) of every formula saved without its value (as some
    tools save them): such a cell reads as blank, and the caller can say so. `archive`: the file
    already opened as a zip by the caller (left open), so that its directory is read once."""
    scan = _scan_cells(path, archive)
    if scan.has_errors:
        return _read_with_openpyxl(path), scan.uncached
    return _read_with_calamine(path, scan.percent), scan.uncached


def _read_with_calamine(path: Path, percent: dict[str, set[tuple[int, int]]]) -> Workbook:
    """The values as calamine reads them; `percent`: the cells with a percent number format
    (`_scan_cells`), whose numbers calamine gives without it."""
    book = CalamineWorkbook.from_path(str(path))
    try:
        values = {
            # text as it is, empty text (a blank cell) as None; anything else converted
            sheet.name: [[value or None if type(value) is str else _as_openpyxl_reads(value) for value in row]
                         for row in book.get_sheet_by_name(sheet.name).to_python(skip_empty_area=False)]
            for sheet in book.sheets_metadata if sheet.typ == SheetTypeEnum.WorkSheet
        }
    finally:
        book.close()
    for title, row, column, text in ods_error_cells(path):
        rows = values.get(title, [])
        if row < len(rows) and column < len(rows[row]):
            rows[row][column] = text      # calamine reads an error value as blank
    for title, cells in percent.items():
        rows = values.get(title, [])
        for row, column in cells:
            if row < len(rows) and column < len(rows[row]):
                rows[row][column] = _as_percent(rows[row][column])
    return values


_ODS_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_ODS_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
_ODS_CALCEXT = "{urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0}"


def ods_error_cells(path: Path) -> list[tuple[str, int, int, str]]:
    """(tab title, row, column (0-based), the error text such as "#N/A") of every cell of an .ods
    workbook whose value is an error, from its content.xml (LibreOffice marks them
    calcext:value-type="error"): calamine reads them as blank cells, so the reader could not say
    so. Repeated rows and cells are counted, never expanded."""
    if path.suffix.casefold() != ".ods" or not is_zipfile(path):
        return []
    found: list[tuple[str, int, int, str]] = []
    with ZipFile(path) as archive:
        if "content.xml" not in archive.namelist():
            return []
        info = archive.getinfo("content.xml")
        with archive.open(info) as handle:
            title, row, column = "", 0, 0
            for event, element in iterparse(handle, events=("start", "end")):
                tag = element.tag
                if event == "start":
                    if tag == f"{_ODS_TABLE}table":
                        title, row = element.get(f"{_ODS_TABLE}name", ""), 0
                    elif tag == f"{_ODS_TABLE}table-row":
                        column = 0
                    continue
                if tag in (f"{_ODS_TABLE}table-cell", f"{_ODS_TABLE}covered-table-cell"):
                    if element.get(f"{_ODS_CALCEXT}value-type") == "error":
                        text = "".join(element.itertext()).strip() or "#VALUE!"
                        found.append((title, row, column, text))
                    column += int(element.get(f"{_ODS_TABLE}number-columns-repeated", "1"))
                    element.clear()
                elif tag == f"{_ODS_TABLE}table-row":
                    row += int(element.get(f"{_ODS_TABLE}number-rows-repeated", "1"))
                    element.clear()
    return found


def _as_percent(value: object) -> object:
    """A number in a percent-formatted cell as the text the teacher saw ("100%" for 1), as
    Google mode reads it (sync/google/spreadsheet.py); anything else as it is."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return fraction_as_percent(value)
    return value


_CELL_TAG = re.compile(rb"<(?:\w+:)?c\s([^>]*)>")
_ATTRIBUTE = re.compile(rb"""\b(r|s)\s*=\s*["']([^"']*)["']""")
_BUILTIN_PERCENT = frozenset({9, 10})       # 0% and 0.00% in the xlsx standard's built-in formats
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"


def _percent_cells(xml: bytes, percent_styles: frozenset[int]) -> set[tuple[int, int]]:
    """The (row, column) (0-based) of every cell of a worksheet's XML whose style is one of
    `percent_styles`."""
    cells = set()
    for tag in _CELL_TAG.finditer(xml):
        attributes = dict(_ATTRIBUTE.findall(tag.group(1)))
        if attributes.get(b"s", b"").isdigit() and int(attributes[b"s"]) in percent_styles \
                and b"r" in attributes:
            row, column = coordinate_to_tuple(attributes[b"r"].decode("ascii"))
            cells.add((row - 1, column - 1))
    return cells


@lru_cache(maxsize=16)
def _percent_styles(styles: bytes) -> frozenset[int]:
    """The numbers of the cell styles of a workbook's styles part (xl/styles.xml) whose number
    format is a percentage. Class workbooks made from one template have the same styles part:
    it is parsed once."""
    root = ElementTree.fromstring(styles)
    custom = {int(fmt.get("numFmtId", "-1")): fmt.get("formatCode", "")
              for fmt in root.iter(f"{_MAIN}numFmt")}
    percent_ids = set(_BUILTIN_PERCENT) | {number for number, code in custom.items()
                                           if "%" in re.sub(r'"[^"]*"|\\.', "", code)}
    cell_xfs = root.find(f"{_MAIN}cellXfs")
    if cell_xfs is None:
        return frozenset()
    return frozenset(index for index, xf in enumerate(cell_xfs.iter(f"{_MAIN}xf"))
                     if int(xf.get("numFmtId", "0")) in percent_ids)


def _sheet_parts(archive: ZipFile, names: set[str], workbook: bytes | None = None) -> dict[str, str]:
    """Sheet title -> its part in the archive ("xl/worksheets/sheet1.xml"). `workbook`: the
    workbook part (xl/workbook.xml) when the caller has read it already."""
    rels_name = "xl/_rels/workbook.xml.rels"
    if rels_name not in names:
        return {}
    if workbook is None:
        workbook = read_part(archive, "xl/workbook.xml")
    return {title: part for title, part in _sheet_targets(read_part(archive, rels_name), workbook)
            if part in names}


@lru_cache(maxsize=16)
def _sheet_targets(rels: bytes, workbook: bytes) -> tuple[tuple[str, str], ...]:
    """(title, part) of every sheet the workbook part lists, in its order, from it and its
    relationships part. Class workbooks made from one template list the same tabs in the same
    parts: the two are parsed once."""
    targets = {rel.get("Id"): rel.get("Target", "") for rel in ElementTree.fromstring(rels)}
    found = []
    for sheet in ElementTree.fromstring(workbook).iter(f"{_MAIN}sheet"):
        target = targets.get(sheet.get(f"{_REL}id"), "")
        found.append((sheet.get("name", ""), target.lstrip("/") if target.startswith("/") else f"xl/{target}"))
    return tuple(found)


_ERROR_CELL = re.compile(rb"""<(?:\w+:)?c\s[^>]*?\bt\s*=\s*["']e["']""")
"""A cell element whose type is "e" (an error value), with or without a namespace prefix."""


_ERROR_TYPE = re.compile(rb"""t\s*=\s*["']e["']""")   # no \b: a literal start is searched fast
"""What every _ERROR_CELL match holds."""
_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f\b")
"""What every _UNCACHED_FORMULA match holds."""
_PLAIN_FORMULA_TAG = re.compile(rb"<f\b")
_PREFIXED_FORMULA_TAG = re.compile(rb":f\b")
"""What every _FORMULA_TAG match holds, one or the other; each starts with a literal (searched
fast, where _FORMULA_TAG is tried at every "<")."""


def _has_formula_tag(xml: bytes) -> bool:
    """Whether _FORMULA_TAG matches, found faster."""
    return (_PLAIN_FORMULA_TAG.search(xml) is not None or _PREFIXED_FORMULA_TAG.search(xml) is not None) \
        and _FORMULA_TAG.search(xml) is not None


_UNCACHED_FORMULA = re.compile(
    rb"""<(?:\w+:)?c\s[^>]*?\br\s*=\s*["']([A-Z]{1,3}[0-9]{1,7})["'][^>]*>\s*"""
    rb"""<(?:\w+:)?f\b[^>]*(?:/>|>[^<]*</(?:\w+:)?f>)\s*"""
    rb"""(?:<(?:\w+:)?v\s*/>|<(?:\w+:)?v>\s*</(?:\w+:)?v>)?\s*</(?:\w+:)?c>""")
"""A cell with a formula and no value (`<c r="F3"><f>40+32</f><v/></c>`): its address."""


def read_part(archive: ZipFile, name: str) -> bytes:
    """A part of a workbook's zip, unpacked to no more than the size its directory declares (which
    sync.local_store bounds before reading): a zip whose directory lies about a part's size fails
    its CRC check at the declared end (BadZipFile) instead of filling the memory."""
    info = archive.getinfo(name)
    with archive.open(info) as handle:
        return handle.read(info.file_size)


def tab_titles(path: Path) -> list[str]:
    """Every tab's title, in tab order, from the workbook's list of its tabs: no cell is read.
    (openpyxl's read-only mode reads each whole sheet to learn its size when the file does not
    state it, as in every file a write-only workbook saved: at ten times the demo's pupils that
    was seconds for `Tracker results` alone.)"""
    book = CalamineWorkbook.from_path(str(path))
    try:
        return list(book.sheet_names)
    finally:
        book.close()


_CUSTOM = "{http://schemas.openxmlformats.org/officeDocument/2006/custom-properties}"


def custom_property(path: Path, name: str) -> str | None:
    """The text of a workbook's custom document property `name` (docProps/custom.xml), None
    when it has none; no cell is read."""
    with ZipFile(path) as archive:
        if "docProps/custom.xml" not in archive.namelist():
            return None
        properties = fromstring(read_part(archive, "docProps/custom.xml"))
    for prop in properties.iter(f"{_CUSTOM}property"):
        if prop.get("name") == name:
            return "".join(prop.itertext())
    return None


def sheet_parts(archive: ZipFile) -> dict[str, str]:
    """Tab title -> the zip part that holds its cells."""
    return _sheet_parts(archive, set(archive.namelist()))


class _Scan(NamedTuple):
    has_errors: bool                            # any error value in the workbook
    uncached: list[tuple[str, str]]             # (tab title, cell) of formulas saved without a value
    percent: dict[str, set[tuple[int, int]]]    # tab title -> cells with a percent number format


def _scan_cells(path: Path, archive: ZipFile | None = None) -> _Scan:
    """What calamine does not say, from the worksheets' XML in one pass over the file: whether
    any cell holds an error value, every formula cell saved without a value, and every cell with
    a percent number format (calamine gives a percent cell's number without its format, 1 for
    100%, and openpyxl would cost fifteen times the read: nothing to scan for when no style is a
    percentage). Only .xlsx and .xlsm: for .xls, .xlsb and .ods calamine's reading is all there
    is. `archive`: the file opened as a zip already, if the caller has."""
    if path.suffix.casefold() not in (".xlsx", ".xlsm"):
        return _Scan(False, [], {})
    if archive is not None:
        return _scan_archive(archive)
    if not is_zipfile(path):
        return _Scan(False, [], {})
    with ZipFile(path) as opened:
        return _scan_archive(opened)


def _scan_archive(archive: ZipFile) -> _Scan:
    """`_scan_cells` of an opened .xlsx or .xlsm file."""
    has_errors, uncached, percent = False, [], {}
    names = archive.namelist()
    present = set(names)
    # the workbook and styles parts are read first (the sheets' titles and the percent styles
    # come from them), and are scanned as they were read
    ahead = {name: read_part(archive, name) for name in ("xl/workbook.xml", "xl/styles.xml") if name in present}
    titles = {part: title for title, part in _sheet_parts(archive, present, ahead.get("xl/workbook.xml")).items()}
    percent_styles = (_percent_styles(ahead["xl/styles.xml"]) if len(ahead) == 2 else frozenset())
    for part in names:
        if not part.endswith(".xml") or part.endswith("sharedStrings.xml"):
            continue
        xml = ahead[part] if part in ahead else read_part(archive, part)
        # each full pattern only where a quick one finds what it needs (a "t='e'" type, a
        # formula element, not a <formula1> of a data validation): same answers, a fraction
        # of the time on a school's workbooks
        has_errors = has_errors or (_ERROR_TYPE.search(xml) is not None
                                    and _ERROR_CELL.search(xml) is not None)
        if part not in titles:
            continue
        if _has_formula_tag(xml):
            uncached += [(titles[part], m.group(1).decode()) for m in _UNCACHED_FORMULA.finditer(xml)]
        if percent_styles and (cells := _percent_cells(xml, percent_styles)):
            percent[titles[part]] = cells
    return _Scan(has_errors, uncached, percent)


def _as_openpyxl_reads(value: object) -> object:
    if type(value) is str:   # most cells
        return value or None
    if value == "":
        return None
    if type(value) is float and value.is_integer() and abs(value) < 1e15:
        return int(value)  # a whole number is stored as one ("12"), and openpyxl reads an int
    if type(value) is date:
        return datetime(value.year, value.month, value.day)
    return value


def _read_with_openpyxl(path: Path) -> Workbook:
    book = load_workbook(path, read_only=True, data_only=True)
    try:
        with warnings.catch_warnings():
            # A date cell whose number is past any date: openpyxl reads it as #VALUE! (a Problems
            # row with its address) and says so on stderr; the Problems row is the answer.
            warnings.filterwarnings("ignore", "Cell .* is marked as a date", UserWarning)
            return {
                sheet.title: [[_as_percent(cell.value) if "%" in (getattr(cell, "number_format", "") or "")
                               else cell.value for cell in row] for row in sheet.iter_rows()]
                for sheet in book.worksheets
            }
    finally:
        book.close()


def _cell(sheet: AnySheet, value: Any, style: StyleArray | None = None) -> Cell:
    """A cell whose text stays text: openpyxl would otherwise turn "=..." into a formula; in
    this style (a copy of it), if given."""
    cell = Cell(sheet, row=1, column=1, value=value, style_array=style)  # append() places it
    if isinstance(value, str):
        cell.data_type = "s"
    return cell


def _entry(sheet: AnySheet, value: object) -> object:
    """What to append for an unformatted value: the value itself when openpyxl keeps it as it
    is (a Cell object costs more to write), a text cell when openpyxl would read the text as a
    formula or an error value."""
    if isinstance(value, str) and (value.startswith("=") or value in ERROR_CODES):
        return _cell(sheet, value)
    return value


def render_tab(sheet: AnySheet, tab: Tab) -> None:
    """Fill an empty worksheet with a tab's note, header, rows, formats, colours and chart.

    Works on a normal worksheet and on a write-only one alike: everything a write-only sheet
    writes above its rows (widths, frozen panes, page properties) is set before the first row.
    """
    top = 2 if tab.note else 1
    last_row = top + max(len(tab.rows), 1)
    widths = [float(tab.widths.get(name, max(10.0, min(40.0, len(name) + 3)))) for name in tab.header]
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    if tab.freeze_rows or tab.freeze_cols:
        sheet.freeze_panes = f"{get_column_letter(tab.freeze_cols + 1)}{top + tab.freeze_rows}"
    _print_setup(sheet, tab, top)
    _row_heights(sheet, tab, top, widths)
    if isinstance(sheet, WriteOnlyWorksheet):   # everything above the rows is set: write it
        writer = _StreamedSheetWriter(sheet)
        cast(Any, sheet)._writer = writer
        writer.write_top()
    if tab.note:
        note = _cell(sheet, tab.note)
        note.font = NOTE_FONT
        sheet.append([note])
    sheet.append(_header_cells(sheet, tab.header))
    wrapped = set(tab.wrap)
    made: dict[tuple[str | None, bool], StyleArray | None] = {}   # columns alike share a style
    styles = []
    for name in tab.header:
        kind = (tab.formats.get(name), name in wrapped)
        if kind not in made:
            made[kind] = _number_style(sheet, kind[0], kind[1], top=bool(wrapped))
        styles.append(made[kind])
    if isinstance(sheet, WriteOnlyWorksheet):
        _stream_body(sheet, styles, top, tab.rows or [[]])  # no rows: one empty row, formatted
    else:
        for values in tab.rows or [[]]:
            sheet.append(_body_row(sheet, values, styles))
    fills: dict[str, int] = {}
    for column, name in enumerate(tab.header, start=1):
        if not tab.colour_by.get(name):
            continue
        letter = get_column_letter(column)
        cells = ConditionalFormatting(f"{letter}{top + 1}:{letter}{last_row}")   # the column's rules'
        for value, colour in tab.colour_by[name].items():
            if colour not in fills:
                fills[colour] = _fill_style(sheet, colour)
            # a rule as openpyxl's CellIsRule makes it, with its fill's number already known
            sheet.conditional_formatting.add(
                cells, Rule(type="cellIs", operator="equal", formula=[f'"{value}"'], dxfId=fills[colour]))
    if tab.header:
        sheet.auto_filter.ref = f"A{top}:{get_column_letter(len(tab.header))}{last_row}"
    if tab.hidden:
        sheet.sheet_state = "hidden"
    if tab.chart and tab.rows:
        sheet.add_chart(_line_chart(sheet, tab.chart, top, last_row), f"{get_column_letter(len(tab.header) + 2)}{top}")


LINE_HEIGHT = 15.0
"""Points per line of text at the default font (Calibri 11): a wrapped row is this times its lines."""


def _lines(text: str, width: float) -> int:
    """Lines a text wraps onto in a column `width` characters wide (words kept whole): what
    `textwrap.wrap` makes of it, counted without it for most texts.

    A text no longer than the line is one line (unless a tab widens it). A text of printable
    ASCII words, each no longer than the line, one space apart, with no hyphen textwrap may break
    at (after a letter, or a dash of two or more), breaks only at its spaces: each line ends at the
    last space that leaves it no longer than the line, found with one search per line. Any other
    text (a long word, a tab, a line feed, a double space) goes to textwrap."""
    characters = max(int(width), 1)
    if len(text) <= characters and "\t" not in text:
        return 1
    if (text.isascii() and text.isprintable() and text[0] != " " and text[-1] != " "
            and "  " not in text and _HYPHEN_BREAK.search(text) is None):
        count, start, end = 1, 0, len(text)
        while end - start > characters:
            cut = text.rfind(" ", start, start + characters + 1)
            if cut < 0:
                break   # a word longer than the line: textwrap breaks it
            start, count = cut + 1, count + 1
        else:
            return count
    return max(1, len(textwrap.wrap(text, characters)))


_HYPHEN_BREAK = re.compile(r"[A-Za-z_]-|--")
"""Where textwrap may break a word at a hyphen: after a letter (its hyphenated words) or at a
dash of two or more hyphens (its em-dashes). An ASCII text without one breaks only at spaces."""


def _row_heights(sheet: AnySheet, tab: Tab, top: int, widths: list[float]) -> None:
    """Heights for the header row and for rows whose wrapped text needs more than one line:
    spreadsheet programs do not grow a row for wrapped text written by another program, so
    without a height the lines would be drawn over the next row. Set before any row is written
    (a write-only sheet writes each row's height with the row). Each wrapped column is counted
    on its own, each distinct text once."""
    # measured on the safe side (a bold heading cut off, or a line drawn over the next row, is
    # worse than a little white space)
    usable = [max(width - 1, 1.0) for width in widths]
    header_lines = max((_lines(name, width) for name, width in zip(tab.header, usable, strict=False)), default=1)
    if header_lines > 1:
        sheet.row_dimensions[top].height = header_lines * LINE_HEIGHT
    lines = [1] * len(tab.rows)
    for column, name in enumerate(tab.header):
        if name not in tab.wrap:
            continue
        width = usable[column]
        counted: dict[str, int] = {}
        for at, values in enumerate(tab.rows):
            value = values[column] if column < len(values) else None
            if not value:
                continue
            text = value if type(value) is str else str(value)
            found = counted.get(text)
            if found is None:
                found = counted[text] = _lines(text, width)
            if found > lines[at]:
                lines[at] = found
    heights: dict[int, _RowHeight] = {}
    for at, count in enumerate(lines, start=top + 1):
        if count > 1:
            if count not in heights:
                heights[count] = _RowHeight(sheet, count * LINE_HEIGHT)
            sheet.row_dimensions[at] = heights[count]


class _RowHeight(RowDimension):
    """One row height, shared by every body row of a sheet that is that tall (a row's number is
    not part of what openpyxl writes for it), with the attributes openpyxl writes for it worked
    out once: a long tab has thousands of wrapped rows and only a few heights."""

    def __init__(self, sheet: AnySheet, height: float) -> None:
        super().__init__(sheet, ht=height)
        self._attributes = list(super().__iter__())

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(self._attributes)


def _fill_style(sheet: AnySheet, colour: str) -> int:
    """The number of a colour's fill among the workbook's conditional formats' styles, as
    openpyxl gives it to each rule with that fill when the sheet is written (the list gains the
    fill then if new; a rule without a `dxf` of its own keeps its number): worked out once per
    colour of a tab rather than compared with every style of the list for every rule."""
    return cast(Any, sheet).parent._differential_styles.add(
        DifferentialStyle(fill=PatternFill("solid", fgColor=colour)))


def _header_cells(sheet: AnySheet, names: list[str]) -> list[Cell]:
    """The header's cells: bold text on a fill, wrapped, at the top. The style is set on the
    first (the workbook's lists of fonts, fills and alignments gain them then) and shared by the
    others (each set would look them up again)."""
    if not names:
        return []
    first = _cell(sheet, names[0])
    first.font = HEADER_FONT
    first.fill = HEADER_FILL
    first.alignment = HEADER_ALIGNMENT
    style = first._style  # type: ignore[attr-defined]  # openpyxl's style array
    return [first, *(_cell(sheet, name, style) for name in names[1:])]


def _number_style(sheet: AnySheet, number_format: str | None, wrap: bool = False,
                  top: bool = False) -> StyleArray | None:
    """The style of a cell with this number format (and wrapped text; top-aligned where a row
    may be several lines tall), made once per column and shared by its cells (instead of looking
    the format up again for every cell of a long tab)."""
    if not number_format and not wrap and not top:
        return None
    cell = Cell(sheet, row=1, column=1)   # never placed: only its style is used
    if number_format:
        cell.number_format = number_format
    if wrap or top:
        cell.alignment = WRAP_ALIGNMENT if wrap else TOP_ALIGNMENT
    return cell._style  # type: ignore[attr-defined]  # openpyxl's shared style array


def _body_row(sheet: AnySheet, values: list[object], styles: list[StyleArray | None]) -> list[object]:
    """One row's cells: a blank stays blank (no value, no style) unless its column has a number
    format, which it keeps so that a value typed there later shows in that format."""
    cells: list[object] = []
    for column, style in enumerate(styles):
        value: Any = values[column] if column < len(values) else None
        if value == "":
            value = None
        if style is not None:
            cell = Cell(sheet, row=1, column=1, value=value, style_array=style)  # append() places it
            if isinstance(value, str):
                cell.data_type = "s"  # text stays text, even "=..."
            cells.append(cell)
        else:
            cells.append(_entry(sheet, value))
    cells.extend(_entry(sheet, None if value == "" else value) for value in values[len(styles):])
    return cells


def written_as_they_are(rows: list[list[object]]) -> bool:
    """Whether every text of these rows is written as it is: none holds a character a worksheet
    cannot (openpyxl raises IllegalCharacterError for a control character; lxml refuses a lone
    surrogate, U+FFFE and U+FFFF) or is longer than a cell holds (openpyxl cuts it). One search
    over all the texts, instead of openpyxl's check of each cell."""
    texts = [value for row in rows for value in row if type(value) is str]
    return (_NOT_WRITTEN.search("".join(texts)) is None
            and max(map(len, texts), default=0) <= MAX_CELL_TEXT)


MAX_CELL_TEXT = 32767
"""The most characters a cell holds (openpyxl cuts a longer text)."""

_NOT_WRITTEN = re.compile(f"{ILLEGAL_CHARACTERS_RE.pattern}|[\ud800-\udfff\ufffe\uffff]")
"""A character openpyxl refuses (ILLEGAL_CHARACTERS_RE: C0 controls but tab, line feed and
carriage return) or one no XML text may hold that openpyxl lets through (lxml refuses it)."""


class _Column(NamedTuple):
    """How a body column's cells are written (`_row_xml`): the column's letter, its style's
    attribute (' s="3"', empty for a cell without a style) and whether a blank cell is written
    (a blank keeps its column's format, so that a value typed there later shows in it)."""

    letter: str
    style: str
    keep_blank: bool


def _xml_text(text: str) -> str:
    """A text as lxml writes it between tags, before its encoding to ASCII: "&", "<", ">" and a
    carriage return as references (a parser would read a bare one as a line feed)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


def _row_xml(values: list[Any], row_index: int, columns: list[_Column],
             attributes: Iterable[tuple[str, str]]) -> bytes | None:
    """One body row's XML, byte for byte as openpyxl 3.1 writes it (through lxml, in ASCII):
    `<row>` with the row's `attributes` (its height), then its cells in order: a text as an
    inline string (text stays text, even "=..." or "#N/A"), a whole or decimal number as a number
    (in openpyxl's format, "%.16g"), a blank (None or "") only where its column keeps it, every
    cell with its column's style. A row with a value of another kind (a boolean, a date, a numpy
    number, NaN or infinity) is None: openpyxl writes that row. The texts must have been checked
    (`written_as_they_are`)."""
    row = str(row_index)
    parts = [f'<row r="{row}"', *(f' {name}="{value}"' for name, value in attributes), ">"]
    add = parts.append
    if len(values) > len(columns):   # values beyond the header: unformatted
        columns = [*columns, *(_Column(get_column_letter(column), "", False)
                               for column in range(len(columns) + 1, len(values) + 1))]
    for value, (letter, style, keep_blank) in zip(values, columns, strict=False):
        kind = type(value)
        if kind is str and value:
            space = ' xml:space="preserve"' if value != value.strip() else ""
            if "&" in value or "<" in value or ">" in value or "\r" in value:
                value = _xml_text(value)
            add(f'<c r="{letter}{row}"{style} t="inlineStr"><is><t{space}>{value}</t></is></c>')
        elif kind is int or (kind is float and isfinite(value)):
            add(f'<c r="{letter}{row}"{style} t="n"><v>{value:.16g}</v></c>')
        elif value is None or kind is str:
            if keep_blank:
                add(f'<c r="{letter}{row}"{style} t="n"></c>')
        else:
            return None
    for letter, style, keep_blank in columns[len(values):]:   # a short row: its formatted blanks
        if keep_blank:
            add(f'<c r="{letter}{row}"{style} t="n"></c>')
    add("</row>")
    return "".join(parts).encode("ascii", "xmlcharrefreplace")


class _StreamedSheetWriter(WorksheetWriter):
    """openpyxl's writer of a write-only worksheet (3.1, pinned) that also writes a tab's body
    (`write_body`): each row of plain values as XML made here (`_row_xml`), straight into the
    sheet's file, and any other row as openpyxl does.

    Why: openpyxl writes every cell through lxml's incremental writer, element by element (a
    cell of text is three), and takes each row through its generator of appended rows; that was
    most of a sync's writing time. lxml writes into this writer's own file, so what it holds is
    flushed before rows are written beside it. The sheet's bytes are the same
    (tests/unit/test_xlsx_stream.py compares them with openpyxl's)."""

    ROWS_AT_ONCE = 500
    """Body rows joined into one write (a bounded piece of a long tab held in memory)."""

    def __init__(self, sheet: WriteOnlyWorksheet) -> None:
        path = create_temporary_file()   # openpyxl's: removed once the workbook is saved
        self._file = open(path, "wb")    # noqa: SIM115  closed with the sheet, or when dropped unsaved
        self._close_file = weakref.finalize(self, self._file.close)
        super().__init__(sheet, out=self._file)   # lxml writes into the open file
        self.out = path                  # what the workbook's writer copies into the archive
        self._rows_writer: Any = None

    def write_row(self, xf: Any, row: Any, row_idx: int) -> None:
        """An appended row (note, header), as openpyxl writes it; `xf` writes inside the
        sheet's rows, where `write_body` then writes."""
        self._rows_writer = xf
        super().write_row(xf, row, row_idx)

    def write_body(self, rows: list[list[Any]], first: int, columns: list[_Column],
                   styles: list[StyleArray | None], checked: bool) -> None:
        """The body's rows from row `first` on, right after the appended rows (at least one: the
        header), each cell in its column's style: as XML made from its plain values
        (`_row_xml`), or, for a row it does not make and for every row of a tab whose texts are
        not `checked` (`written_as_they_are`: openpyxl must refuse or cut one), openpyxl's cells
        made by `_body_row`. Nothing is appended after the body (openpyxl's count of rows does
        not include it)."""
        xf, sheet = self._rows_writer, cast(Any, self.ws)
        heights = sheet.row_dimensions
        made: list[bytes] = []
        try:
            for index, values in enumerate(rows, start=first):
                xml = _row_xml(values, index, columns, heights.get(index, ())) if checked else None
                if xml is None:
                    self._write_made(made)
                    super().write_row(xf, sheet._values_to_row(_body_row(sheet, values, styles), index), index)
                    continue
                made.append(xml)
                if len(made) == self.ROWS_AT_ONCE:
                    self._write_made(made)
            self._write_made(made)
        except BaseException as error:
            # a row openpyxl refuses (a text it cannot write) ends its generator of rows, as it
            # does when the row is appended: nothing is left half written for later
            with suppress(BaseException):
                sheet._rows.throw(error)
            raise

    def _write_made(self, made: list[bytes]) -> None:
        if made:
            self._rows_writer.flush()   # what lxml holds goes first
            self._file.write(b"".join(made))
            made.clear()

    def close(self) -> None:
        super().close()
        self._close_file()


def _stream_body(sheet: WriteOnlyWorksheet, styles: list[StyleArray | None], top: int,
                 rows: list[list[Any]]) -> None:
    """Write a tab's body into a write-only sheet written by `_StreamedSheetWriter` (its note
    and header appended): each row's cells in its column's style, as `_body_row` makes them for
    a normal sheet."""
    book = cast(Any, sheet).parent
    # each style's number as openpyxl gives it when a cell is written (the workbook's list of
    # styles gains it here, once, column by column)
    columns = [_Column(get_column_letter(column),
                       f' s="{book._cell_styles.add(style)}"' if style is not None and any(style) else "",
                       style is not None and any(style))
               for column, style in enumerate(styles, start=1)]
    cast(_StreamedSheetWriter, cast(Any, sheet)._writer).write_body(
        rows, top + 1, columns, styles, written_as_they_are(rows))


def page_setup_properties(sheet: AnySheet) -> PageSetupProperties:
    """The sheet's fit-to-page properties (a new sheet has them)."""
    if sheet.sheet_properties.pageSetUpPr is None:
        sheet.sheet_properties.pageSetUpPr = PageSetupProperties()
    return sheet.sheet_properties.pageSetUpPr


def _print_setup(sheet: AnySheet, tab: Tab, header_row: int) -> None:
    """Printed, a tab is landscape A4, `pages_wide` pages wide (1 unless the layout says more),
    with its header row (and `title_columns`) repeated on every page, narrow margins, and a
    page break before `break_before` (e.g. a long Reasons column printed on its own pages)."""
    settings = tab.printing
    sheet.page_setup.orientation = settings.get("orientation", "landscape")
    sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    page_setup_properties(sheet).fitToPage = True
    sheet.page_setup.fitToWidth = int(settings.get("pages_wide", 1))
    sheet.page_setup.fitToHeight = 0
    sheet.print_title_rows = f"{header_row}:{header_row}"
    if settings.get("title_columns"):
        sheet.print_title_cols = f"A:{get_column_letter(int(settings['title_columns']))}"
    margins = settings.get("margins", {})
    for side in ("left", "right", "top", "bottom"):
        if side in margins:
            setattr(sheet.page_margins, side, float(margins[side]))
    if settings.get("break_before") in tab.header:
        # two parts, each one page wide at one scale: fit-to-width would let a program choose
        # its own breaks, so the scale is set here from the wider part
        at = tab.header.index(settings["break_before"])
        sheet.col_breaks.append(Break(id=at))
        widths = [tab.widths.get(name, 10.0) for name in tab.header]
        titles = int(settings.get("title_columns", 0))
        parts = (widths[:at], widths[:titles] + widths[at:])
        page_setup_properties(sheet).fitToPage = False
        sheet.page_setup.scale = print_scale(settings, max(_pixels(part) for part in parts))
    sheet.print_options.gridLines = bool(settings.get("grid_lines", False))


PAPER_INCHES = {"landscape": 11.69, "portrait": 8.27}
"""The printable direction's length of A4 in inches."""


def _pixels(widths: list[float]) -> float:
    """Columns' printed width in pixels at 96 dpi, on the safe side: Excel draws a character of
    the default font 7 pixels wide, LibreOffice (measured on its PDFs) nearer 9.5."""
    return sum(9.5 * width + 5 for width in widths)


def print_scale(settings: dict, pixels: float) -> int:
    """The print scale (%) that fits `pixels` of columns across the page between the margins."""
    margins = settings.get("margins", {})
    inches = (PAPER_INCHES[settings.get("orientation", "landscape")]
              - float(margins.get("left", 0.7)) - float(margins.get("right", 0.7)))
    return max(10, min(100, int(100 * inches * 96 / max(pixels, 1.0))))


def _line_chart(sheet: AnySheet, spec: Chart, top: int, last_row: int) -> LineChart:
    chart = LineChart()
    chart.title = spec.title
    chart.y_axis.title = spec.y_title
    chart.height, chart.width = 10, 20
    for column in spec.series:
        chart.add_data(Reference(sheet, min_col=column + 1, min_row=top, max_row=last_row),
                       titles_from_data=True)
    chart.set_categories(Reference(sheet, min_col=spec.x_column + 1, min_row=top + 1, max_row=last_row))
    chart.y_axis.scaling.min = 0 if spec.y_min is None else spec.y_min
    chart.y_axis.scaling.max = 100 if spec.y_max is None else spec.y_max
    chart.y_axis.majorUnit = 10
    chart.y_axis.delete = chart.x_axis.delete = False
    if chart.legend is not None:     # a new chart has one
        chart.legend.position = "b"
    for column, series in zip(spec.series, chart.series, strict=False):
        series.smooth = False  # straight lines between windows: no invented curve
        series.marker.symbol = "circle"  # a window with one point still shows
        series.graphicalProperties.line.width = 28575     # 2.25 pt
        if spec.colours:
            colour = spec.colours[spec.series.index(column)]
            series.graphicalProperties.line.solidFill = colour
            series.marker.graphicalProperties = GraphicalProperties(solidFill=colour)
            series.marker.graphicalProperties.line.solidFill = colour
        if column in spec.dashed:
            series.graphicalProperties.line.dashStyle = "dash"
            series.marker.symbol = "triangle"
    return chart
