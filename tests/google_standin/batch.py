"""spreadsheets.batchUpdate: the request kinds the sync and the recordings use, all or nothing.

Each handler takes the working copy and one request's body and returns the reply ({} for most).
The route runs them on a deep copy and keeps it only when every request succeeded.
"""
from __future__ import annotations

import copy
import re
from collections.abc import Callable
from typing import Any

from .model import ApiError, Sheet, Spreadsheet, bad_request

Handler = Callable[[Spreadsheet, dict[str, Any]], dict[str, Any]]
HANDLERS: dict[str, Handler] = {}


def handles(name: str) -> Callable[[Handler], Handler]:
    def register(function: Handler) -> Handler:
        HANDLERS[name] = function
        return function
    return register


def apply_batch(book: Spreadsheet, requests: list[dict[str, Any]]) -> tuple[Spreadsheet, list[dict[str, Any]]]:
    """Run every request on a copy of `book`; the copy and the replies, or ApiError and no change."""
    work = copy.deepcopy(book)
    replies = []
    for index, request in enumerate(requests):
        kinds = [k for k, v in request.items() if v is not None]
        if len(kinds) != 1:
            raise bad_request(f"Invalid requests[{index}]: Exactly one request kind must be set.")
        kind = kinds[0]
        handler = HANDLERS.get(kind)
        if handler is None:
            raise bad_request(f"Invalid requests[{index}].{kind}: the stand-in does not support it.")
        try:
            replies.append(handler(work, request[kind]))
        except ApiError as error:
            if not error.message.startswith("Invalid requests["):
                error.message = f"Invalid requests[{index}].{kind}: {error.message}"
            raise
    return work, replies


def set_masked(target: dict[str, Any], source: dict[str, Any], fields: str | None) -> None:
    """Copy the `fields` paths of `source` into `target` ("*" = everything), as field masks do."""
    if not fields:
        raise bad_request("At least one field must be updated, but 'fields' is empty.")
    if fields.strip() == "*":
        target.clear()
        target.update(copy.deepcopy(source))
        return
    for path in (p.strip() for p in fields.split(",")):
        keys = re.split(r"[./]", path)
        here, there = target, source
        for key in keys[:-1]:
            here = here.setdefault(key, {})
            there = (there or {}).get(key) or {}
        if keys[-1] in (there or {}) and there[keys[-1]] is not None:
            here[keys[-1]] = copy.deepcopy(there[keys[-1]])
        else:
            here.pop(keys[-1], None)


def _box(book: Spreadsheet, grid_range: dict[str, Any]) -> tuple[Sheet, int, int, int, int]:
    sheet = book.sheet_by_id(grid_range.get("sheetId"))
    return (sheet, grid_range.get("startRowIndex") or 0, grid_range.get("startColumnIndex") or 0,
            grid_range.get("endRowIndex") if grid_range.get("endRowIndex") is not None else sheet.rows,
            grid_range.get("endColumnIndex") if grid_range.get("endColumnIndex") is not None else sheet.cols)


def _check_inside(sheet: Sheet, row1: int, col1: int) -> None:
    if row1 > sheet.rows or col1 > sheet.cols:
        raise bad_request(f"Range ('{sheet.title}') exceeds grid limits. Max rows: {sheet.rows}, "
                          f"max columns: {sheet.cols}")


def _without_sheet_id(grid_range: dict[str, Any]) -> dict[str, Any]:
    """Google leaves sheetId 0 out of the ranges it answers with (a proto default)."""
    return {k: v for k, v in grid_range.items() if v is not None and not (k == "sheetId" and v == 0)}


def _without_defaults(value: Any, keep: tuple[str, ...] = ()) -> Any:
    """Google never answers with proto defaults (0, false, empty): drop them, except `keep`."""
    if isinstance(value, dict):
        cleaned = {k: _without_defaults(v, keep) for k, v in value.items()}
        return {k: v for k, v in cleaned.items() if k in keep or v not in (0, False, None, {}, [])}
    return value


@handles("addSheet")
def add_sheet(book: Spreadsheet, body: dict[str, Any]) -> dict[str, Any]:
    props = {k: v for k, v in (body.get("properties") or {}).items() if v is not None}
    title = props.get("title")
    if title is not None and book.sheet_by_title(title):
        raise bad_request(f'A sheet with the name "{title}" already exists. Please enter another name.')
    if props.get("sheetId") is not None and any(s.id == props["sheetId"] for s in book.sheets):
        raise bad_request(f"A sheet with the id {props['sheetId']} already exists.")
    props.setdefault("sheetId", book.next_id())
    return {"addSheet": {"properties": book.add_sheet(props).properties}}


@handles("deleteSheet")
def delete_sheet(book: Spreadsheet, body: dict[str, Any]) -> dict[str, Any]:
    sheet = book.sheet_by_id(body.get("sheetId"))
    if len(book.sheets) == 1:
        raise bad_request("You can't remove all the sheets in a document.")
    book.sheets.remove(sheet)
    book.reindex()
    return {}


@handles("updateSheetProperties")
def update_sheet_properties(book: Spreadsheet, body: dict[str, Any]) -> dict[str, Any]:
    props = body.get("properties") or {}
    sheet = book.sheet_by_id(props.get("sheetId"))
    new = copy.deepcopy(sheet.properties)
    set_masked(new, props, body.get("fields"))
    new["sheetId"] = sheet.id
    new.setdefault("sheetType", "GRID")
    if new.get("title") != sheet.title and book.sheet_by_title(new.get("title", "")):
        raise bad_request(f'A sheet with the name "{new["title"]}" already exists. Please enter another name.')
    if new.get("hidden") and all(s.properties.get("hidden") for s in book.sheets if s is not sheet):
        raise bad_request("You can't hide all the sheets in a document.")
    index = new.pop("index", sheet.properties["index"])
    sheet.properties = _without_defaults(new, keep=("sheetId", "rowCount", "columnCount"))
    book.sheets.remove(sheet)
    book.sheets.insert(min(index, len(book.sheets)), sheet)
    book.reindex()
    return {}


@handles("updateSpreadsheetProperties")
def update_spreadsheet_properties(book: Spreadsheet, body: dict[str, Any]) -> dict[str, Any]:
    set_masked(book.properties, body.get("properties") or {}, body.get("fields"))
    return {}


def _write_rows(sheet: Sheet, row0: int, col0: int, rows: list[dict[str, Any]], fields: str | None,
                row1: int | None = None, col1: int | None = None) -> None:
    for r, row in enumerate(rows):
        if row1 is not None and row0 + r >= row1:
            break
        for c, cell in enumerate((row or {}).get("values") or []):
            if col1 is not None and col0 + c >= col1:
                break
            target = sheet.cells.setdefault((row0 + r, col0 + c), {})
            set_masked(target, cell or {}, fields)


@handles("updateCells")
def update_cells(book: Spreadsheet, body: dict[str, Any]) -> dict[str, Any]:
    rows = body.get("rows") or []
    if body.get("start") is not None:
        start = body["start"]
        sheet = book.sheet_by_id(start.get("sheetId"))
        row0, col0 = start.get("rowIndex") or 0, start.get("columnIndex") or 0
        width = max((len((r or {}).get("values") or []) for r in rows), default=0)
        _check_inside(sheet, row0 + len(rows), col0 + width)
        _write_rows(sheet, row0, col0, rows, body.get("fields"))
    else:
        sheet, row0, col0, row1, col1 = _box(book, body.get("range") or {})
        _check_inside(sheet, row1, col1)
        for r in range(row0, row1):
            for c in range(col0, col1):
                set_masked(sheet.cells.setdefault((r, c), {}), {}, body.get("fields"))
        _write_rows(sheet, row0, col0, rows, body.get("fields"), row1, col1)
    return {}


@handles("appendCells")
def append_cells(book: Spreadsheet, body: dict[str, Any]) -> dict[str, Any]:
    sheet = book.sheet_by_id(body.get("sheetId"))
    row0 = max((r for r, c in sheet.cells if sheet.cells[(r, c)].get("userEnteredValue")), default=-1) + 1
    rows = body.get("rows") or []
    width = max((len((r or {}).get("values") or []) for r in rows), default=0)
    sheet.grow(row0 + len(rows), width)
    _write_rows(sheet, row0, 0, rows, body.get("fields"))
    return {}


@handles("copyPaste")
def copy_paste(book: Spreadsheet, body: dict[str, Any]) -> dict[str, Any]:
    """Copy a box of cells (values and formats) onto another, as Google does: a destination larger
    than the source repeats it; a blank source cell blanks its destination (PASTE_NORMAL)."""
    source, s_row0, s_col0, s_row1, s_col1 = _box(book, body.get("source") or {})
    target, d_row0, d_col0, d_row1, d_col1 = _box(book, body.get("destination") or {})
    _check_inside(source, s_row1, s_col1)
    _check_inside(target, d_row1, d_col1)
    if body.get("pasteType", "PASTE_NORMAL") != "PASTE_NORMAL":
        raise bad_request("Only PASTE_NORMAL copyPaste is supported by the stand-in.")
    height, width = s_row1 - s_row0, s_col1 - s_col0
    if height <= 0 or width <= 0:
        return {}
    cells = {(r, c): copy.deepcopy(source.cells[(r, c)]) for r in range(s_row0, s_row1)
             for c in range(s_col0, s_col1) if source.cells.get((r, c))}
    for r in range(d_row0, max(d_row1, d_row0 + height)):
        for c in range(d_col0, max(d_col1, d_col0 + width)):
            cell = cells.get((s_row0 + (r - d_row0) % height, s_col0 + (c - d_col0) % width))
            if cell:
                target.cells[(r, c)] = copy.deepcopy(cell)
            else:
                target.cells.pop((r, c), None)
    return {}


@handles("repeatCell")
def repeat_cell(book: Spreadsheet, body: dict[str, Any]) -> dict[str, Any]:
    sheet, row0, col0, row1, col1 = _box(book, body.get("range") or {})
    _check_inside(sheet, row1, col1)
    for r in range(row0, row1):
        for c in range(col0, col1):
            set_masked(sheet.cells.setdefault((r, c), {}), body.get("cell") or {}, body.get("fields"))
    return {}


@handles("updateDimensionProperties")
def update_dimension_properties(book: Spreadsheet, body: dict[str, Any]) -> dict[str, Any]:
    span = body.get("range") or {}
    sheet = book.sheet_by_id(span.get("sheetId"))
    rows = span.get("dimension") == "ROWS"
    store = sheet.row_metadata if rows else sheet.column_metadata
    end = span.get("endIndex") if span.get("endIndex") is not None else (sheet.rows if rows else sheet.cols)
    for index in range(span.get("startIndex") or 0, end):
        set_masked(store.setdefault(index, {}), body.get("properties") or {}, body.get("fields"))
    return {}


@handles("autoResizeDimensions")
def auto_resize_dimensions(book: Spreadsheet, body: dict[str, Any]) -> dict[str, Any]:
    book.sheet_by_id((body.get("dimensions") or {}).get("sheetId"))
    return {}


@handles("appendDimension")
def append_dimension(book: Spreadsheet, body: dict[str, Any]) -> dict[str, Any]:
    sheet = book.sheet_by_id(body.get("sheetId"))
    length = body.get("length") or 0
    if body.get("dimension") == "ROWS":
        sheet.grow(sheet.rows + length, 0)
    else:
        sheet.grow(0, sheet.cols + length)
    return {}


@handles("addChart")
def add_chart(book: Spreadsheet, body: dict[str, Any]) -> dict[str, Any]:
    chart = copy.deepcopy(body.get("chart") or {})
    chart["chartId"] = chart.get("chartId") or book.next_id()
    anchor = ((chart.get("position") or {}).get("overlayPosition") or {}).get("anchorCell") or {}
    sheet_id = anchor.get("sheetId") if anchor else (chart.get("position") or {}).get("sheetId")
    book.sheet_by_id(sheet_id).charts.append(chart)
    return {"addChart": {"chart": chart}}


@handles("deleteEmbeddedObject")
def delete_embedded_object(book: Spreadsheet, body: dict[str, Any]) -> dict[str, Any]:
    for sheet in book.sheets:
        kept = [c for c in sheet.charts if c["chartId"] != body.get("objectId")]
        if len(kept) < len(sheet.charts):
            sheet.charts = kept
            return {}
    raise bad_request(f"No object with id {body.get('objectId')}")


@handles("addProtectedRange")
def add_protected_range(book: Spreadsheet, body: dict[str, Any]) -> dict[str, Any]:
    protected = {k: v for k, v in copy.deepcopy(body.get("protectedRange") or {}).items() if v is not None}
    protected["protectedRangeId"] = book.next_id()
    sheet = book.sheet_by_id((protected.get("range") or {}).get("sheetId"))
    protected["range"] = _without_sheet_id(protected.get("range") or {})
    if not protected.get("warningOnly"):
        protected.setdefault("editors", {"users": ["stand-in@example.iam.gserviceaccount.com"]})
    protected.setdefault("requestingUserCanEdit", True)
    sheet.protected_ranges.append(protected)
    return {"addProtectedRange": {"protectedRange": protected}}


@handles("deleteProtectedRange")
def delete_protected_range(book: Spreadsheet, body: dict[str, Any]) -> dict[str, Any]:
    for sheet in book.sheets:
        kept = [p for p in sheet.protected_ranges if p["protectedRangeId"] != body.get("protectedRangeId")]
        if len(kept) < len(sheet.protected_ranges):
            sheet.protected_ranges = kept
            return {}
    raise bad_request(f"No protected range with id: {body.get('protectedRangeId')}")


@handles("setDataValidation")
def set_data_validation(book: Spreadsheet, body: dict[str, Any]) -> dict[str, Any]:
    sheet, row0, col0, row1, col1 = _box(book, body.get("range") or {})
    for r in range(row0, row1):
        for c in range(col0, col1):
            cell = sheet.cells.setdefault((r, c), {})
            if body.get("rule"):
                cell["dataValidation"] = copy.deepcopy(body["rule"])
            else:
                cell.pop("dataValidation", None)
    return {}


@handles("addConditionalFormatRule")
def add_conditional_format_rule(book: Spreadsheet, body: dict[str, Any]) -> dict[str, Any]:
    rule = copy.deepcopy(body.get("rule") or {})
    ranges = rule.get("ranges") or [{}]
    sheet = book.sheet_by_id(ranges[0].get("sheetId"))
    rule["ranges"] = [_without_sheet_id(r) | {"sheetId": sheet.id} for r in ranges]
    sheet.conditional_formats.insert(body.get("index") or 0, rule)
    return {}


@handles("mergeCells")
def merge_cells(book: Spreadsheet, body: dict[str, Any]) -> dict[str, Any]:
    sheet, row0, col0, row1, col1 = _box(book, body.get("range") or {})
    merge = _without_sheet_id({"startRowIndex": row0, "endRowIndex": row1, "startColumnIndex": col0,
                               "endColumnIndex": col1, "sheetId": sheet.id})
    kind = body.get("mergeType") or "MERGE_ALL"
    if kind == "MERGE_ROWS":
        sheet.merges += [merge | {"startRowIndex": r, "endRowIndex": r + 1} for r in range(row0, row1)]
    elif kind == "MERGE_COLUMNS":
        sheet.merges += [merge | {"startColumnIndex": c, "endColumnIndex": c + 1} for c in range(col0, col1)]
    else:
        sheet.merges.append(merge)
    return {}


@handles("unmergeCells")
def unmerge_cells(book: Spreadsheet, body: dict[str, Any]) -> dict[str, Any]:
    sheet, row0, col0, row1, col1 = _box(book, body.get("range") or {})
    sheet.merges = [m for m in sheet.merges if not (
        row0 <= m["startRowIndex"] and m["endRowIndex"] <= row1
        and col0 <= m["startColumnIndex"] and m["endColumnIndex"] <= col1)]
    return {}


@handles("setBasicFilter")
def set_basic_filter(book: Spreadsheet, body: dict[str, Any]) -> dict[str, Any]:
    basic = copy.deepcopy(body.get("filter") or {})
    sheet = book.sheet_by_id((basic.get("range") or {}).get("sheetId"))
    basic["range"] = _without_sheet_id(basic.get("range") or {})
    sheet.basic_filter = basic
    return {}


@handles("clearBasicFilter")
def clear_basic_filter(book: Spreadsheet, body: dict[str, Any]) -> dict[str, Any]:
    book.sheet_by_id(body.get("sheetId")).basic_filter = None
    return {}


@handles("addNamedRange")
def add_named_range(book: Spreadsheet, body: dict[str, Any]) -> dict[str, Any]:
    named = copy.deepcopy(body.get("namedRange") or {})
    named["namedRangeId"] = named.get("namedRangeId") or str(book.next_id())
    named["range"] = _without_sheet_id(named.get("range") or {})
    book.named_ranges.append(named)
    return {"addNamedRange": {"namedRange": named}}


@handles("deleteNamedRange")
def delete_named_range(book: Spreadsheet, body: dict[str, Any]) -> dict[str, Any]:
    book.named_ranges = [n for n in book.named_ranges if n["namedRangeId"] != body.get("namedRangeId")]
    return {}
