"""Sheets v4 routes: spreadsheets get/create/batchUpdate, values.*, developerMetadata.search."""
from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from . import fieldmask, metadata
from .a1 import Box, a1, clamp, quote_title
from .batch import apply_batch
from .call import Call
from .model import bad_request, clear_values, read_values, write_values
from .world import SPREADSHEET

Route = Callable[[Call], Any]
ROUTES: dict[str, Route] = {}
READS = {"spreadsheets.get", "spreadsheets.getByDataFilter", "spreadsheets.values.get",
         "spreadsheets.values.batchGet", "spreadsheets.developerMetadata.search"}


def route(method_id: str) -> Callable[[Route], Route]:
    def register(function: Route) -> Route:
        ROUTES[method_id] = function
        return function
    return register


@route("spreadsheets.get")
def get_spreadsheet(call: Call) -> dict[str, Any]:
    book = call.world.book(call.params["spreadsheetId"], call.email)
    fields = call.arg("fields")
    mask = fieldmask.parse(fields) if fields else None
    grid = (fieldmask.wants(mask, "sheets", "data") and mask is not None) or call.flag("includeGridData")
    ranges = call.query.get("ranges", [])
    if not ranges:
        sheets = [s.resource() | ({"data": [s.grid_data(0, 0, s.rows, s.cols)]} if grid else {})
                  for s in book.sheets]
    else:
        wanted: dict[int, list[tuple[int, int, int, int]]] = {}
        for text in ranges:
            sheet, box = book.resolve(text)
            wanted.setdefault(sheet.id, []).append(clamp(box, sheet.rows, sheet.cols))
        sheets = [s.resource() | ({"data": [s.grid_data(*b) for b in wanted[s.id]]} if grid else {})
                  for s in book.sheets if s.id in wanted]
    return fieldmask.apply(book.resource(sheets), mask)


@route("spreadsheets.getByDataFilter")
def get_by_data_filter(call: Call) -> dict[str, Any]:
    """The spreadsheet with the cells of the ranges the data filters select. As `spreadsheets.get`
    with `ranges` does on Google (recorded: a range on the second of two sheets answers that one
    sheet), only the sheets a filter selects are in the answer; a filter selecting nothing is no
    error, an A1 range naming no sheet is a 400."""
    book = call.world.book(call.params["spreadsheetId"], call.email)
    body = call.body or {}
    fields = call.arg("fields")
    mask = fieldmask.parse(fields) if fields else None
    grid = fieldmask.wants(mask, "sheets", "data") if mask is not None else bool(body.get("includeGridData"))
    wanted: dict[int, list[tuple[int, int, int, int]]] = {}
    for data_filter in body.get("dataFilters") or []:
        for sheet, box in metadata.boxes(book, data_filter or {}):
            if box not in wanted.setdefault(sheet.id, []):
                wanted[sheet.id].append(box)
    sheets = [s.resource() | ({"data": [s.grid_data(*b) for b in wanted[s.id]]} if grid else {})
              for s in book.sheets if s.id in wanted]
    return fieldmask.apply(book.resource(sheets), mask)


@route("spreadsheets.create")
def create_spreadsheet(call: Call) -> dict[str, Any]:
    body = call.body or {}
    title = (body.get("properties") or {}).get("title") or "Untitled spreadsheet"
    item = call.world.add_file(title, SPREADSHEET, call.email)
    book = call.world.books[item.id]
    if body.get("sheets"):
        book.sheets.clear()
        for sheet in body["sheets"]:
            book.add_sheet(dict((sheet or {}).get("properties") or {}))
    return book.resource()


@route("spreadsheets.batchUpdate")
def batch_update(call: Call) -> dict[str, Any]:
    spreadsheet_id = call.params["spreadsheetId"]
    book = call.world.book(spreadsheet_id, call.email)
    body = call.body or {}
    work, replies = apply_batch(book, body.get("requests") or [])
    call.world.books[spreadsheet_id] = work
    call.world.touched(spreadsheet_id, call.email)
    out: dict[str, Any] = {"spreadsheetId": spreadsheet_id, "replies": replies}
    if body.get("includeSpreadsheetInResponse"):
        out["updatedSpreadsheet"] = work.resource()
    return out


def _value_range(call: Call, text: str) -> dict[str, Any]:
    book = call.world.book(call.params["spreadsheetId"], call.email)
    sheet, box = book.resolve(text)
    major = call.arg("majorDimension") or "ROWS"
    name, values = read_values(sheet, box, call.arg("valueRenderOption") or "FORMATTED_VALUE",
                               call.arg("dateTimeRenderOption") or "SERIAL_NUMBER", major)
    out: dict[str, Any] = {"range": name, "majorDimension": major}
    if values:
        out["values"] = values
    return out


@route("spreadsheets.values.get")
def values_get(call: Call) -> dict[str, Any]:
    return _value_range(call, call.params["range"])


@route("spreadsheets.values.batchGet")
def values_batch_get(call: Call) -> dict[str, Any]:
    ranges = call.query.get("ranges", [])
    return {"spreadsheetId": call.params["spreadsheetId"],
            "valueRanges": [_value_range(call, text) for text in ranges]}


def _input_option(call: Call, given: str | None) -> bool:
    """True for USER_ENTERED; Google refuses a write without valueInputOption."""
    if given not in ("RAW", "USER_ENTERED"):
        raise bad_request("'valueInputOption' is required but not specified")
    return given == "USER_ENTERED"


def _write(call: Call, book_id: str, value_range: dict[str, Any], text: str,
           user_entered: bool) -> dict[str, Any]:
    book = call.world.book(book_id, call.email)
    sheet, box = book.resolve(text)
    if value_range.get("range") and value_range["range"] != text and call.method_id.endswith("update"):
        given, _ = book.resolve(value_range["range"])
        if given is not sheet:
            raise bad_request(f"Requested writing within range [{text}], but tried writing to "
                              f"[{value_range['range']}]")
    values = value_range.get("values") or []
    updated = write_values(sheet, box, values, user_entered,
                           value_range.get("majorDimension") or "ROWS", text)
    out: dict[str, Any] = {"spreadsheetId": book_id, "updatedRange": updated}
    cells = sum(1 for row in values for v in row if v is not None)
    if values:
        out |= {"updatedRows": len(values), "updatedColumns": max(len(r) for r in values),
                "updatedCells": cells}
    return out


@route("spreadsheets.values.update")
def values_update(call: Call) -> dict[str, Any]:
    book_id = call.params["spreadsheetId"]
    out = _write(call, book_id, call.body or {}, call.params["range"],
                 _input_option(call, call.arg("valueInputOption")))
    call.world.touched(book_id, call.email)
    return out


@route("spreadsheets.values.batchUpdate")
def values_batch_update(call: Call) -> dict[str, Any]:
    book_id = call.params["spreadsheetId"]
    body = call.body or {}
    user_entered = _input_option(call, body.get("valueInputOption"))
    book = call.world.book(book_id, call.email)
    snapshot = copy.deepcopy(book)
    try:
        responses = [_write(call, book_id, data, data.get("range") or "", user_entered)
                     for data in body.get("data") or []]
    except Exception:
        call.world.books[book_id] = snapshot
        raise
    call.world.touched(book_id, call.email)
    out: dict[str, Any] = {"spreadsheetId": book_id, "responses": responses}
    if responses:
        out |= {f"totalU{key[1:]}": sum(r.get(key, 0) for r in responses)
                for key in ("updatedRows", "updatedColumns", "updatedCells")}
        out["totalUpdatedSheets"] = len({r["updatedRange"].rpartition("!")[0] for r in responses})
    return out


@route("spreadsheets.values.append")
def values_append(call: Call) -> dict[str, Any]:
    book_id = call.params["spreadsheetId"]
    user_entered = _input_option(call, call.arg("valueInputOption"))
    book = call.world.book(book_id, call.email)
    sheet, box = book.resolve(call.params["range"])
    row0, col0, row1, col1 = clamp(box, sheet.rows, sheet.cols)
    filled = [r for (r, c), cell in sheet.cells.items()
              if cell.get("userEnteredValue") and col0 <= c < col1 and r >= row0]
    start = max(filled, default=row0 - 1) + 1
    values = (call.body or {}).get("values") or []
    updated = write_values(sheet, Box(start, col0, None, None), values, user_entered,
                           (call.body or {}).get("majorDimension") or "ROWS", call.params["range"])
    call.world.touched(book_id, call.email)
    updates: dict[str, Any] = {"spreadsheetId": book_id, "updatedRange": updated}
    if values:
        updates |= {"updatedRows": len(values), "updatedColumns": max(len(r) for r in values),
                    "updatedCells": sum(len(r) for r in values)}
    out: dict[str, Any] = {"spreadsheetId": book_id, "updates": updates}
    if filled:
        out["tableRange"] = f"{quote_title(sheet.title)}!{a1(min(filled), col0, start, col1)}"
    return out


def _clear(call: Call, text: str) -> str:
    book = call.world.book(call.params["spreadsheetId"], call.email)
    sheet, box = book.resolve(text)
    return clear_values(sheet, box)


@route("spreadsheets.values.clear")
def values_clear(call: Call) -> dict[str, Any]:
    cleared = _clear(call, call.params["range"])
    call.world.touched(call.params["spreadsheetId"], call.email)
    return {"spreadsheetId": call.params["spreadsheetId"], "clearedRange": cleared}


@route("spreadsheets.values.batchClear")
def values_batch_clear(call: Call) -> dict[str, Any]:
    book = call.world.book(call.params["spreadsheetId"], call.email)
    for text in (call.body or {}).get("ranges") or []:
        book.resolve(text)  # all ranges must parse before anything is cleared
    cleared = [_clear(call, text) for text in (call.body or {}).get("ranges") or []]
    call.world.touched(call.params["spreadsheetId"], call.email)
    return {"spreadsheetId": call.params["spreadsheetId"], "clearedRanges": cleared}


@route("spreadsheets.developerMetadata.search")
def developer_metadata_search(call: Call) -> dict[str, Any]:
    book = call.world.book(call.params["spreadsheetId"], call.email)
    return metadata.search(book, call.body or {})
