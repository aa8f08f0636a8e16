"""The stand-in's spreadsheets: sheets of cells held as Sheets API CellData, read back as values.

A cell is stored as Google stores it: `userEnteredValue` (an ExtendedValue: stringValue,
numberValue, boolValue or formulaValue), `userEnteredFormat`, `note`, `dataValidation`. Formulas are
kept, not computed: reading one gives its text, so tests can see that a value became a formula.
"""
from __future__ import annotations

import ast
import datetime as dt
import itertools
import random
import re
from dataclasses import dataclass, field
from typing import Any

from openpyxl.utils.cell import get_column_letter

from .a1 import Box, RangeError, a1, clamp, parse_cells, quote_title, split_range

DEFAULT_ROWS, DEFAULT_COLS = 1000, 26
EPOCH = dt.datetime(1899, 12, 30)
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class ApiError(Exception):
    """An error Google would answer with: status code, status word, message, fieldViolations."""

    def __init__(self, code: int, status: str, message: str,
                 field_violations: list[dict[str, str]] | None = None) -> None:
        super().__init__(message)
        self.code, self.status, self.message = code, status, message
        self.field_violations = field_violations or []

    def body(self) -> dict[str, Any]:
        error: dict[str, Any] = {"code": self.code, "message": self.message, "status": self.status}
        if self.field_violations:
            error["details"] = [{"@type": "type.googleapis.com/google.rpc.BadRequest",
                                 "fieldViolations": self.field_violations}]
        return {"error": error}


def bad_request(message: str) -> ApiError:
    return ApiError(400, "INVALID_ARGUMENT", message)


def new_id(length: int = 44) -> str:
    alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_"
    return "1" + "".join(random.choice(alphabet) for _ in range(length - 1))


@dataclass
class Sheet:
    properties: dict[str, Any]
    cells: dict[tuple[int, int], dict[str, Any]] = field(default_factory=dict)
    merges: list[dict[str, Any]] = field(default_factory=list)
    protected_ranges: list[dict[str, Any]] = field(default_factory=list)
    conditional_formats: list[dict[str, Any]] = field(default_factory=list)
    charts: list[dict[str, Any]] = field(default_factory=list)
    developer_metadata: list[dict[str, Any]] = field(default_factory=list)
    range_metadata: list[dict[str, Any]] = field(default_factory=list)   # located on rows or columns
    row_metadata: dict[int, dict[str, Any]] = field(default_factory=dict)
    column_metadata: dict[int, dict[str, Any]] = field(default_factory=dict)
    basic_filter: dict[str, Any] | None = None

    @property
    def id(self) -> int:
        return self.properties["sheetId"]

    @property
    def title(self) -> str:
        return self.properties["title"]

    @property
    def grid(self) -> dict[str, Any]:
        return self.properties.setdefault("gridProperties", {})

    @property
    def rows(self) -> int:
        return self.grid.get("rowCount", 0)

    @property
    def cols(self) -> int:
        return self.grid.get("columnCount", 0)

    def grow(self, rows: int, cols: int) -> None:
        """Writing values past the grid's edge makes the grid bigger, as on Google."""
        self.grid["rowCount"] = max(self.rows, rows)
        self.grid["columnCount"] = max(self.cols, cols)

    def resource(self) -> dict[str, Any]:
        """The Sheet resource of spreadsheets.get (without grid data)."""
        out: dict[str, Any] = {"properties": self.properties}
        for key, value in (("merges", self.merges), ("protectedRanges", self.protected_ranges),
                           ("conditionalFormats", self.conditional_formats),
                           ("charts", self.charts), ("developerMetadata", self.developer_metadata),
                           ("basicFilter", self.basic_filter)):
            if value:
                out[key] = value
        return out

    def grid_data(self, row0: int, col0: int, row1: int, col1: int) -> dict[str, Any]:
        """GridData of a box, as includeGridData returns it."""
        row1 = min(row1, max((r for r, _ in self.cells), default=-1) + 1)
        rows = []
        for r in range(row0, row1):
            values = [self.cells.get((r, c), {}) for c in range(col0, col1)]
            while values and not values[-1]:
                values.pop()
            rows.append({"values": [_with_effective(v) for v in values]} if values else {})
        data: dict[str, Any] = {"rowMetadata": [self.row_metadata.get(r, {"pixelSize": 21})
                                                for r in range(row0, max(row1, row0))],
                                "columnMetadata": [self.column_metadata.get(c, {"pixelSize": 100})
                                                   for c in range(col0, col1)]}
        if row0:
            data["startRow"] = row0
        if col0:
            data["startColumn"] = col0
        if rows:
            data["rowData"] = rows
        return data


def _with_effective(cell: dict[str, Any]) -> dict[str, Any]:
    """The cell as a read answers it: what was entered, and what Sheets made of it. A formula's
    effective value is its result, never its text (the stand-in computes arithmetic; any other
    formula reads as an error value, as one whose import failed would); the effective format
    carries the number format (Google adds the spreadsheet's defaults too)."""
    if "userEnteredValue" not in cell:
        return cell
    out = dict(cell)
    value = cell["userEnteredValue"]
    if "formulaValue" in value:
        result = arithmetic(value["formulaValue"])
        out["effectiveValue"] = ({"numberValue": _number(result)} if result is not None else
                                 {"errorValue": {"type": "ERROR",
                                                 "message": "Formula not computed by the stand-in."}})
    else:
        out["effectiveValue"] = value
    number_format = (cell.get("userEnteredFormat") or {}).get("numberFormat")
    if number_format:
        out["effectiveFormat"] = {"numberFormat": number_format}
    out["formattedValue"] = str(render(cell, "FORMATTED_VALUE"))
    return out


@dataclass
class Spreadsheet:
    id: str
    properties: dict[str, Any]
    sheets: list[Sheet] = field(default_factory=list)
    developer_metadata: list[dict[str, Any]] = field(default_factory=list)
    named_ranges: list[dict[str, Any]] = field(default_factory=list)
    counter: itertools.count = field(default_factory=lambda: itertools.count(random.randrange(10**8, 10**9)))

    def next_id(self) -> int:
        return next(self.counter)

    def sheet_by_id(self, sheet_id: int | None, where: str = "") -> Sheet:
        for sheet in self.sheets:
            if sheet.id == (sheet_id or 0):
                return sheet
        raise bad_request(f"Invalid {where}: No grid with id: {sheet_id or 0}".replace("Invalid : ", ""))

    def sheet_by_title(self, title: str) -> Sheet | None:
        return next((s for s in self.sheets if s.title == title), None)

    def add_sheet(self, properties: dict[str, Any] | None = None) -> Sheet:
        props = dict(properties or {})
        props.setdefault("sheetId", 0 if not self.sheets and not props else self.next_id())
        if props.get("title") is None:
            taken = {s.title for s in self.sheets}
            props["title"] = next(f"Sheet{n}" for n in itertools.count(len(self.sheets) + 1)
                                  if f"Sheet{n}" not in taken)
        props.setdefault("index", len(self.sheets))
        props.setdefault("sheetType", "GRID")
        grid = props.setdefault("gridProperties", {})
        grid.setdefault("rowCount", DEFAULT_ROWS)
        grid.setdefault("columnCount", DEFAULT_COLS)
        sheet = Sheet({k: v for k, v in props.items() if v is not None})
        self.sheets.insert(min(props["index"], len(self.sheets)), sheet)
        self.reindex()
        return sheet

    def reindex(self) -> None:
        for index, sheet in enumerate(self.sheets):
            sheet.properties["index"] = index

    def resolve(self, text: str) -> tuple[Sheet, Box]:
        """An A1 range -> its sheet and box; 400 "Unable to parse range" like Google."""
        try:
            title, cells = split_range(text, [s.title for s in self.sheets])
            named = next((n["range"] for n in self.named_ranges if n.get("name") == cells), None)
            if named is not None:
                return self.sheet_by_id(named.get("sheetId")), Box(
                    named.get("startRowIndex"), named.get("startColumnIndex"),
                    named.get("endRowIndex"), named.get("endColumnIndex"))
            sheet = self.sheets[0] if title is None else self.sheet_by_title(title)
            if sheet is None:
                raise RangeError(text)
            return sheet, parse_cells(cells)
        except RangeError:
            raise bad_request(f"Unable to parse range: {text}") from None

    def resource(self, sheets: list[dict[str, Any]] | None = None) -> dict[str, Any]:
        out: dict[str, Any] = {"spreadsheetId": self.id, "properties": self.properties,
                               "sheets": sheets if sheets is not None else
                               [s.resource() for s in self.sheets],
                               "spreadsheetUrl": f"https://docs.google.com/spreadsheets/d/{self.id}/edit"}
        if self.developer_metadata:
            out["developerMetadata"] = self.developer_metadata
        if self.named_ranges:
            out["namedRanges"] = self.named_ranges
        return out


def new_spreadsheet(title: str, spreadsheet_id: str | None = None) -> Spreadsheet:
    """A spreadsheet as Google makes one: a 1000 x 26 `Sheet1` with sheetId 0."""
    book = Spreadsheet(spreadsheet_id or new_id(), {
        "title": title, "locale": "en_GB", "autoRecalc": "ON_CHANGE", "timeZone": "Europe/London",
        "defaultFormat": {"backgroundColor": {"red": 1, "green": 1, "blue": 1},
                          "padding": {"top": 2, "right": 3, "bottom": 2, "left": 3},
                          "verticalAlignment": "BOTTOM", "wrapStrategy": "OVERFLOW_CELL",
                          "textFormat": {"foregroundColor": {}, "fontFamily": "arial,sans,sans-serif",
                                         "fontSize": 10, "bold": False, "italic": False,
                                         "strikethrough": False, "underline": False,
                                         "foregroundColorStyle": {"rgbColor": {}}},
                          "backgroundColorStyle": {"rgbColor": {"red": 1, "green": 1, "blue": 1}}},
        "spreadsheetTheme": {"primaryFontFamily": "Arial", "themeColors": [
            {"colorType": kind, "color": {"rgbColor": colour}} for kind, colour in (
                ("TEXT", {}), ("BACKGROUND", {"red": 1, "green": 1, "blue": 1}),
                ("ACCENT1", {"red": 0.25882354, "green": 0.52156866, "blue": 0.95686275}),
                ("ACCENT2", {"red": 0.91764706, "green": 0.2627451, "blue": 0.20784314}),
                ("ACCENT3", {"red": 0.9843137, "green": 0.7372549, "blue": 0.015686275}),
                ("ACCENT4", {"red": 0.20392157, "green": 0.65882355, "blue": 0.3254902}),
                ("ACCENT5", {"red": 1, "green": 0.42745098, "blue": 0.003921569}),
                ("ACCENT6", {"red": 0.27450982, "green": 0.7411765, "blue": 0.7764706}),
                ("LINK", {"red": 0.06666667, "green": 0.33333334, "blue": 0.8}))]}})
    book.add_sheet({"sheetId": 0, "title": "Sheet1"})
    return book


# ---- values ---------------------------------------------------------------------------------

def entered(value: Any, user_entered: bool) -> dict[str, Any] | None:
    """A JSON value from values.update -> an ExtendedValue (None clears nothing: skip the cell).

    RAW keeps strings as strings; USER_ENTERED reads "=..." as a formula, numbers, TRUE/FALSE,
    ISO dates (as serial numbers) and a leading apostrophe as "keep as text", as Sheets does.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        return {"boolValue": value}
    if isinstance(value, (int, float)):
        return {"numberValue": value}
    text = str(value)
    if not user_entered:
        return {"stringValue": text}
    if text.startswith("="):
        return {"formulaValue": text}
    if text.startswith("'"):
        return {"stringValue": text[1:]}
    if _NUMBER.match(text.strip()):
        number = float(text)
        return {"numberValue": int(number) if number.is_integer() else number}
    if text.upper() in ("TRUE", "FALSE"):
        return {"boolValue": text.upper() == "TRUE"}
    if _ISO_DATE.match(text):
        try:
            return {"numberValue": (dt.datetime.fromisoformat(text) - EPOCH).days}
        except ValueError:
            pass
    return {"stringValue": text}


_PERCENT_TYPED = re.compile(r"^\s*([+-]?(?:\d+\.?\d*|\.\d+))\s*%\s*$")
_DAY_MONTH = re.compile(r"^\s*(\d{1,2})/(\d{1,2})(?:/(\d{2}|\d{4}))?\s*$")


def typed(text: str, today: dt.date | None = None) -> dict[str, Any]:
    """The CellData Sheets makes of text a person types into a cell of an en_GB spreadsheet.

    `72%` is the number 0.72 with a PERCENT format (so `100%` is stored as the number 1); `8/10`
    is the date 8 October of this year and `8/10/2026` a full date (day first, DATE format; `36/50`
    is no date and stays text); numbers, TRUE/FALSE, ISO dates, formulas and a leading apostrophe
    as `entered` reads them.
    """
    if match := _PERCENT_TYPED.match(text):
        number = float(match.group(1)) / 100
        pattern = "0%" if "." not in match.group(1) else "0.00%"
        return {"userEnteredValue": {"numberValue": _number(round(number, 12))},
                "userEnteredFormat": {"numberFormat": {"type": "PERCENT", "pattern": pattern}}}
    if match := _DAY_MONTH.match(text):
        day, month = int(match.group(1)), int(match.group(2))
        year = match.group(3)
        year_number = (today or dt.date.today()).year if year is None else int(year) + (2000 if len(year) == 2 else 0)
        try:
            moment = dt.datetime(year_number, month, day)
        except ValueError:
            return {"userEnteredValue": {"stringValue": text}}
        pattern = "d/m" if year is None else "dd/mm/yyyy"
        return {"userEnteredValue": {"numberValue": (moment - EPOCH).days},
                "userEnteredFormat": {"numberFormat": {"type": "DATE", "pattern": pattern}}}
    value = entered(text, user_entered=True)
    return {"userEnteredValue": value} if value is not None else {}


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def render(cell: dict[str, Any], option: str, date_option: str = "SERIAL_NUMBER") -> Any:
    """A cell as values.get shows it under valueRenderOption / dateTimeRenderOption."""
    value = cell.get("userEnteredValue")
    if not value:
        return ""
    if "formulaValue" in value:
        result = arithmetic(value["formulaValue"]) if option != "FORMULA" else None
        return value["formulaValue"] if result is None else _number(result)
    if "stringValue" in value:
        return value["stringValue"]
    if "boolValue" in value:
        return value["boolValue"] if option != "FORMATTED_VALUE" else str(value["boolValue"]).upper()
    number = value.get("numberValue", value.get("errorValue"))
    kind = cell.get("userEnteredFormat", {}).get("numberFormat", {})
    is_date = kind.get("type") in ("DATE", "DATE_TIME")
    if option == "FORMATTED_VALUE" or (is_date and date_option == "FORMATTED_STRING"):
        return format_number(number, kind)
    return _number(number)


def arithmetic(formula: str) -> float | None:
    """The value of a formula made only of numbers and + - * / ( ), else None (not computed)."""
    try:
        tree = ast.parse(formula[1:], mode="eval")
    except SyntaxError:
        return None
    allowed = (ast.Expression, ast.BinOp, ast.UnaryOp, ast.Constant, ast.Add, ast.Sub, ast.Mult,
               ast.Div, ast.USub, ast.UAdd)
    if not all(isinstance(node, allowed) for node in ast.walk(tree)):
        return None
    try:
        result = eval(compile(tree, "<formula>", "eval"), {"__builtins__": {}})  # noqa: S307 - arithmetic only
    except ZeroDivisionError:
        return None
    return float(result) if isinstance(result, (int, float)) else None


def format_number(number: float, number_format: dict[str, Any]) -> str:
    pattern = number_format.get("pattern", "")
    if number_format.get("type") in ("DATE", "DATE_TIME") or "yy" in pattern:
        day = EPOCH + dt.timedelta(days=number)
        text = (pattern or "dd/mm/yyyy").replace("yyyy", "%Y").replace("dd", "%d").replace("mm", "%m")
        return day.strftime(text)
    decimals = re.fullmatch(r"0(?:\.(0+))?%?", pattern)
    if decimals:
        places = len(decimals.group(1) or "")
        shown = number * 100 if pattern.endswith("%") else number
        return f"{shown:.{places}f}" + ("%" if pattern.endswith("%") else "")
    return str(_number(number))


def read_values(sheet: Sheet, box: Box, option: str, date_option: str,
                major: str) -> tuple[str, list[list[Any]]]:
    """The clamped A1 range and the values in it (trailing blanks trimmed, as Google does)."""
    row0, col0, row1, col1 = clamp(box, sheet.rows, sheet.cols)
    rows = [[render(sheet.cells.get((r, c), {}), option, date_option) for c in range(col0, col1)]
            for r in range(row0, row1)]
    if major == "COLUMNS":
        rows = [list(col) for col in zip(*rows, strict=False)] if rows else []
    for row in rows:
        while row and row[-1] == "":
            row.pop()
    while rows and not rows[-1]:
        rows.pop()
    return f"{quote_title(sheet.title)}!{a1(row0, col0, row1, col1)}", rows


def write_values(sheet: Sheet, box: Box, values: list[list[Any]], user_entered: bool,
                 major: str, where: str) -> str:
    """Write a block at the box's top-left; the grid grows if it must. Returns the updated range."""
    rows = [list(col) for col in itertools.zip_longest(*values)] if major == "COLUMNS" else values
    row0, col0 = box.row0 or 0, box.col0 or 0
    height, width = len(rows), max((len(r) for r in rows), default=0)
    limit_rows = (box.row1 - row0) if box.row1 is not None else None
    limit_cols = (box.col1 - col0) if box.col1 is not None else None
    anchor = limit_rows == 1 and limit_cols == 1
    if box.row1 is not None and box.col1 is not None and not anchor and (
            height > limit_rows or width > limit_cols):
        raise bad_request(f"Requested writing within range [{where}], but tried writing "
                          f"{'to row [' + str(row0 + height) + ']' if height > limit_rows else 'to column [' + get_column_letter(col0 + width) + ']'}")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            extended = entered(value, user_entered)
            if extended is None:
                continue
            cell = sheet.cells.setdefault((row0 + r, col0 + c), {})
            if value == "":
                cell.pop("userEnteredValue", None)
            elif user_entered and isinstance(value, str):
                parsed = typed(value)                 # Sheets parses what is typed (en_GB)
                cell["userEnteredValue"] = parsed.get("userEnteredValue", extended)
                if "userEnteredFormat" in parsed:
                    cell.setdefault("userEnteredFormat", {})["numberFormat"] = \
                        parsed["userEnteredFormat"]["numberFormat"]
            else:
                cell["userEnteredValue"] = extended
    sheet.grow(row0 + height, col0 + width)
    if not height or not width:
        return f"{quote_title(sheet.title)}!{a1(row0, col0, row0 + 1, col0 + 1)}"
    return f"{quote_title(sheet.title)}!{a1(row0, col0, row0 + height, col0 + width)}"


def clear_values(sheet: Sheet, box: Box) -> str:
    row0, col0, row1, col1 = clamp(box, sheet.rows, sheet.cols)
    for (r, c), cell in list(sheet.cells.items()):
        if row0 <= r < row1 and col0 <= c < col1:
            cell.pop("userEnteredValue", None)
    return f"{quote_title(sheet.title)}!{a1(row0, col0, row1, col1)}"
