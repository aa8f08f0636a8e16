"""What one `spreadsheets.get` answers, as the store needs it: tab values and the tabs' layout.

One request reads every tab: a fields mask asks for each tab's properties, its cells' effective
values (the result of a formula, never its text) and the type of their number format, and what a
write needs to know (our developer metadata, chart and protected range ids).

The number format says what a number means, as the teacher saw it: Sheets stores a typed `100%` as
the number 1 (sent as the JSON integer 1), so a PERCENT cell is read as the text "100%"; a DATE or
DATE_TIME cell (also what Sheets makes of `8/10` typed in an en_GB spreadsheet) is read as a
datetime. Local mode reads the same cells the same way (sync/xlsx.py).
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from functions.scores import fraction_as_percent
from sync.store import Rows, Workbook

OWNED_KEY = "tracker-owned"
_LAYOUT = ("sheets(properties(sheetId,title,index,gridProperties.rowCount),"
           "developerMetadata(metadataId,metadataKey,metadataValue),"
           "charts(chartId),protectedRanges(protectedRangeId))")
LAYOUT_FIELDS = "properties(title)," + _LAYOUT
READ_FIELDS = LAYOUT_FIELDS.replace("sheets(properties(sheetId,title,index,gridProperties.rowCount),",
                                    "sheets(properties(sheetId,title,index,gridProperties.rowCount),"
                                    "data(startRow,startColumn,"
                                    "rowData(values(effectiveValue,effectiveFormat.numberFormat.type))),")
SHEETS_EPOCH = datetime(1899, 12, 30)
DATE_TYPES = frozenset({"DATE", "DATE_TIME"})
ERROR_TEXT = {"NULL_VALUE": "#NULL!", "DIVIDE_BY_ZERO": "#DIV/0!", "VALUE": "#VALUE!", "REF": "#REF!",
              "NAME": "#NAME?", "NUM": "#NUM!", "N_A": "#N/A", "LOADING": "#LOADING", "ERROR": "#ERROR!"}


@dataclass(frozen=True)
class SheetInfo:
    """One existing tab, as far as a write cares."""

    sheet_id: int
    title: str
    owned: bool                       # carries our `tracker-owned` developer metadata
    chart_ids: tuple[int, ...] = ()
    protected: bool = False
    owned_value: str = ""             # that metadata's value: "1", or "append" (sync.google.history_state)
    owned_id: int | None = None       # that metadata's id
    row_count: int = 0


@dataclass(frozen=True)
class Layout:
    """The tabs of one spreadsheet, in order."""

    title: str
    sheets: tuple[SheetInfo, ...]

    def by_title(self) -> dict[str, SheetInfo]:
        return {sheet.title: sheet for sheet in self.sheets}


def _sheet_info(sheet: Mapping[str, Any]) -> SheetInfo:
    marker = next((meta for meta in sheet.get("developerMetadata", []) if meta.get("metadataKey") == OWNED_KEY),
                  None)
    return SheetInfo(sheet_id=int(sheet["properties"].get("sheetId", 0)),
                     title=sheet["properties"]["title"],
                     owned=marker is not None,
                     chart_ids=tuple(int(chart["chartId"]) for chart in sheet.get("charts", [])),
                     protected=bool(sheet.get("protectedRanges")),
                     owned_value=str((marker or {}).get("metadataValue", "")),
                     owned_id=int(marker["metadataId"]) if marker and "metadataId" in marker else None,
                     row_count=int(sheet["properties"].get("gridProperties", {}).get("rowCount", 0)))


def parse_layout(answer: Mapping[str, Any]) -> Layout:
    """The Layout in a `spreadsheets.get` (or `getByDataFilter`) answer."""
    sheets = tuple(_sheet_info(sheet) for sheet in answer.get("sheets", []))
    return Layout(title=answer.get("properties", {}).get("title", ""), sheets=sheets)


def percent_text(number: float) -> str:
    """A number shown as a percentage, as the teacher typed it: 1 -> "100%", 0.725 -> "72.5%"."""
    return fraction_as_percent(number)


def cell_value(cell: dict) -> object:
    """A CellData's effective value as a plain Python value (None when empty)."""
    value = cell.get("effectiveValue")
    if not value:
        return None
    if "numberValue" in value:
        kind = cell.get("effectiveFormat", {}).get("numberFormat", {}).get("type")
        if kind == "PERCENT":
            return percent_text(value["numberValue"])
        if kind in DATE_TYPES:
            try:
                return SHEETS_EPOCH + timedelta(days=value["numberValue"])
            except OverflowError:
                return value["numberValue"]
        return value["numberValue"]
    if "stringValue" in value:
        return value["stringValue"]
    if "boolValue" in value:
        return value["boolValue"]
    if "errorValue" in value:
        return ERROR_TEXT.get(value["errorValue"].get("type", "ERROR"), "#ERROR!")
    return None


def _rows(sheet: dict) -> Rows:
    rows: Rows = []
    for grid in sheet.get("data", []):
        start_row, start_col = grid.get("startRow", 0), grid.get("startColumn", 0)
        for offset, row in enumerate(grid.get("rowData", [])):
            while len(rows) <= start_row + offset:
                rows.append([])
            values = [cell_value(cell) for cell in row.get("values", [])]
            while values and values[-1] is None:
                values.pop()
            rows[start_row + offset] = [None] * start_col + values if values else []
    while rows and not rows[-1]:
        rows.pop()
    return rows


def parse_values(answer: Mapping[str, Any]) -> Workbook:
    """Tab title -> rows of values, in tab order, from a `spreadsheets.get` answer with grid data."""
    sheets = sorted(answer.get("sheets", []), key=lambda sheet: sheet["properties"].get("index", 0))
    return {sheet["properties"]["title"]: _rows(sheet) for sheet in sheets}
