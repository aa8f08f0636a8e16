"""The `spreadsheets.batchUpdate` bodies that replace a spreadsheet's owned tabs.

For each Tab: add the tab (with our `tracker-owned` developer metadata) or, when it exists and carries
that metadata, clear it in place (so people's formulas that point at it keep working); size the grid,
write the cells, widths, frozen rows, the chart, and a warning-only protection. A tab of the same
title without our metadata belongs to a person: it is never touched, we write `<title> (tracker)`
beside it and return a problem. Sheets applies a batchUpdate all-or-nothing, so readers see the old
tabs or the new ones, never half.

Size: Google recommends at most 2 MB a request (and refuses 10 MiB). Two things keep every request
under REQUEST_BUDGET however large a school's History grows:
- an owned tab whose cells we read in this sync (History above all) is written as a row diff: only
  the rows that differ from what is there are sent (History only grows, so that is its new rows);
- when the one batch would still be over budget, `staged` moves the largest cell payloads into
  hidden staging tabs, written over as many requests as it takes, and the last, small batch copies
  them into place (`copyPaste`) and deletes them with everything else. Until that last batch, the
  staging tabs are hidden and the school's tabs unchanged: readers still see old or new, never half.
"""
from __future__ import annotations

import json
import zlib
from dataclasses import dataclass, field, replace

from functions.owned_tabs import BESIDE
from sync.google.cells import canonical, colour, row_data
from sync.google.history_state import APPEND_VALUE, HEADER_KEY, READ_VALUE, is_history
from sync.google.spreadsheet import OWNED_KEY, Layout, SheetInfo
from sync.store import Chart, Rows, Tab

CHART_GAP_COLUMNS = 8          # room to the right of the data for the chart's anchor
DEFAULT_PIXELS = 100
PROTECTION_NOTE = "Written by the tracker: changes here are replaced at the next sync."
REQUEST_BUDGET = 2_000_000     # bytes of JSON per batchUpdate body: Google's recommended most
STAGING_PREFIX = "Tracker staging "
CELL_FIELDS = "userEnteredValue,userEnteredFormat"


@dataclass
class Plan:
    """The batchUpdate requests, and the problems (PROBLEMS columns) met while planning."""

    requests: list[dict] = field(default_factory=list)
    problems: list[dict[str, str]] = field(default_factory=list)


def pixels(width: float) -> int:
    """An openpyxl-style column width (characters) in pixels."""
    return round(width * 7) + 5


def new_sheet_id(title: str, used: set[int]) -> int:
    """A sheet id derived from the title (stable across runs) that no tab uses yet."""
    sheet_id = zlib.crc32(title.encode("utf-8")) & 0x7FFFFFFF
    while sheet_id in used:
        sheet_id = (sheet_id + 1) & 0x7FFFFFFF
    return sheet_id


def _grid(tab: Tab) -> dict:
    header_rows = 2 if tab.note else 1
    frozen_rows = tab.freeze_rows + (1 if tab.note and tab.freeze_rows else 0)
    columns = max(len(tab.header), tab.freeze_cols + 1) + (CHART_GAP_COLUMNS if tab.chart else 0)
    return {"rowCount": max(header_rows + len(tab.rows), frozen_rows + 1), "columnCount": columns,
            "frozenRowCount": frozen_rows, "frozenColumnCount": tab.freeze_cols}


def _replace_existing(sheet: SheetInfo, tab: Tab, clear: bool = True) -> list[dict]:
    grid_fields = ",".join(f"gridProperties.{name}" for name in _grid(tab))
    cleared = [{"updateCells": {"range": {"sheetId": sheet.sheet_id}, "fields": "*"}}] if clear else []
    return [*({"deleteEmbeddedObject": {"objectId": chart}} for chart in sheet.chart_ids),
            *cleared,
            {"updateSheetProperties": {"properties": {"sheetId": sheet.sheet_id, "gridProperties": _grid(tab),
                                                      "hidden": tab.hidden},
                                       "fields": f"{grid_fields},hidden"}},
            {"updateDimensionProperties": {"range": {"sheetId": sheet.sheet_id, "dimension": "COLUMNS"},
                                           "properties": {"pixelSize": DEFAULT_PIXELS}, "fields": "pixelSize"}}]


def owned_value(tab: Tab) -> str:
    """Our developer metadata's value on the tab: History is appended to and never read back."""
    return APPEND_VALUE if is_history(tab.title) else READ_VALUE


def _header_marker(sheet_id: int) -> dict:
    """History's header row carries metadata of its own: the summary read selects it, so History's
    properties (and its header) come back without its cells."""
    return {"createDeveloperMetadata": {"developerMetadata": {
        "metadataKey": HEADER_KEY, "metadataValue": "1", "visibility": "DOCUMENT",
        "location": {"dimensionRange": {"sheetId": sheet_id, "dimension": "ROWS", "startIndex": 0, "endIndex": 1}}}}}


def _add_new(sheet_id: int, title: str, tab: Tab) -> list[dict]:
    return [{"addSheet": {"properties": {"sheetId": sheet_id, "title": title, "gridProperties": _grid(tab),
                                         "hidden": tab.hidden}}},
            {"createDeveloperMetadata": {"developerMetadata": {
                "metadataKey": OWNED_KEY, "metadataValue": owned_value(tab), "visibility": "DOCUMENT",
                "location": {"sheetId": sheet_id}}}},
            *([_header_marker(sheet_id)] if is_history(tab.title) else [])]


def _marked(sheet: SheetInfo, tab: Tab) -> list[dict]:
    """Our metadata's value set right on an existing tab (History of a spreadsheet synced before)."""
    if sheet.owned_id is None or sheet.owned_value == owned_value(tab):
        return []
    return [{"updateDeveloperMetadata": {
        "dataFilters": [{"developerMetadataLookup": {"metadataId": sheet.owned_id}}],
        "developerMetadata": {"metadataValue": owned_value(tab)}, "fields": "metadataValue"}},
        *([_header_marker(sheet.sheet_id)] if is_history(tab.title) else [])]


def _appended(sheet: SheetInfo, tab: Tab, given: int, rows: int) -> list[dict]:
    """History written without reading it: its first `given` rows are what the read gave the job
    (already there); the rest are new and go after the `rows` rows History has."""
    header_rows = 2 if tab.note else 1
    rows = max(rows, sheet.row_count - header_rows)
    new = tab.rows[given:]
    grid = {**_grid(tab), "rowCount": header_rows + rows + len(new)}
    requests: list[dict] = [{"updateSheetProperties": {
        "properties": {"sheetId": sheet.sheet_id, "gridProperties": grid, "hidden": tab.hidden},
        "fields": ",".join(f"gridProperties.{name}" for name in grid) + ",hidden"}}]
    if new:
        requests.append({"updateCells": {"rows": row_data(replace(tab, rows=new))[header_rows:],
                                         "fields": CELL_FIELDS,
                                         "start": {"sheetId": sheet.sheet_id, "rowIndex": header_rows + rows,
                                                   "columnIndex": 0}}})
    return requests + _dressing(sheet.sheet_id, replace(tab, chart=None), sheet.protected)


def _chart(sheet_id: int, tab: Tab, chart: Chart) -> dict:
    top = 1 if tab.note else 0

    def column(index: int) -> dict:
        return {"sourceRange": {"sources": [{"sheetId": sheet_id, "startRowIndex": top,
                                             "endRowIndex": top + 1 + len(tab.rows),
                                             "startColumnIndex": index, "endColumnIndex": index + 1}]}}

    def series(at: int, index: int) -> dict:
        """One line: its colour and dash from the layout (owned_tabs.toml [chart]), as local mode draws it."""
        out: dict = {"series": column(index), "targetAxis": "LEFT_AXIS"}
        if chart.colours:
            out["colorStyle"] = {"rgbColor": colour(chart.colours[at % len(chart.colours)])}
        if index in chart.dashed:
            out["lineStyle"] = {"type": "MEDIUM_DASHED", "width": 2}
        return out

    left: dict = {"position": "LEFT_AXIS", "title": chart.y_title}
    if chart.y_min is not None or chart.y_max is not None:
        left["viewWindowOptions"] = {"viewWindowMode": "EXPLICIT",
                                     **({"viewWindowMin": chart.y_min} if chart.y_min is not None else {}),
                                     **({"viewWindowMax": chart.y_max} if chart.y_max is not None else {})}
    spec = {"title": chart.title, "basicChart": {
        "chartType": "LINE", "legendPosition": "BOTTOM_LEGEND", "headerCount": 1,
        "axis": [{"position": "BOTTOM_AXIS", "title": tab.header[chart.x_column]}, left],
        "domains": [{"domain": column(chart.x_column)}],
        "series": [series(at, index) for at, index in enumerate(chart.series)]}}
    anchor = {"sheetId": sheet_id, "rowIndex": top, "columnIndex": len(tab.header) + 1}
    return {"addChart": {"chart": {"spec": spec, "position": {"overlayPosition": {"anchorCell": anchor}}}}}


def _changed_rows(sheet_id: int, tab: Tab, before: Rows) -> list[dict]:
    """updateCells for each run of rows that differ from `before` (the tab's cells as read in this
    sync); a rewritten row is padded with empty cells to clear what it had beyond its new end."""
    rows, requests = row_data(tab), []
    wanted = [[canonical(cell.get("userEnteredValue")) for cell in row.get("values", [])] for row in rows]
    had = [[canonical(value) for value in row] for row in before]

    def trimmed(values: list) -> list:
        while values and values[-1] is None:
            values = values[:-1]
        return values

    changed = [i for i in range(len(rows)) if i >= len(had) or trimmed(wanted[i]) != trimmed(had[i])]
    runs: list[list[int]] = []
    for index in changed:
        if runs and runs[-1][-1] == index - 1:
            runs[-1].append(index)
        else:
            runs.append([index])
    for run in runs:
        out = []
        for index in run:
            values = list(rows[index].get("values", []))
            width = len(had[index]) if index < len(had) else 0
            out.append({"values": values + [{}] * max(0, width - len(values))})
        requests.append({"updateCells": {"rows": out, "fields": CELL_FIELDS,
                                         "start": {"sheetId": sheet_id, "rowIndex": run[0], "columnIndex": 0}}})
    return requests


def _content(sheet_id: int, tab: Tab, protected: bool, before: Rows | None = None) -> list[dict]:
    requests: list[dict] = (_changed_rows(sheet_id, tab, before) if before is not None else
                            [{"updateCells": {"rows": row_data(tab), "fields": CELL_FIELDS,
                                              "start": {"sheetId": sheet_id, "rowIndex": 0, "columnIndex": 0}}}])
    return requests + _dressing(sheet_id, tab, protected)


def _wrapped(sheet_id: int, tab: Tab) -> list[dict]:
    """The layout's wrapping columns (owned_tabs.toml [wrap]) wrap their text, top-aligned, as local
    mode writes them; Sheets then grows each row to its text by itself. The header wraps with them."""
    header_at = 1 if tab.note else 0
    wrapping = {"wrapStrategy": "WRAP", "verticalAlignment": "TOP"}
    fields = "userEnteredFormat.wrapStrategy,userEnteredFormat.verticalAlignment"
    requests = [{"repeatCell": {"range": {"sheetId": sheet_id, "startRowIndex": header_at, "endRowIndex": header_at + 1,
                                          "startColumnIndex": 0, "endColumnIndex": len(tab.header)},
                                "cell": {"userEnteredFormat": wrapping}, "fields": fields}}] if tab.wrap else []
    for name in tab.wrap:
        if name in tab.header and tab.rows:
            index = tab.header.index(name)
            requests.append({"repeatCell": {
                "range": {"sheetId": sheet_id, "startRowIndex": header_at + 1,
                          "endRowIndex": header_at + 1 + len(tab.rows), "startColumnIndex": index,
                          "endColumnIndex": index + 1},
                "cell": {"userEnteredFormat": wrapping}, "fields": fields}})
    return requests


def _dressing(sheet_id: int, tab: Tab, protected: bool) -> list[dict]:
    """Wrapping, column widths, the chart and the warning-only protection. (Page setup for printing
    has no place in the Sheets API: Google mode keeps Sheets' own print settings.)"""
    requests: list[dict] = _wrapped(sheet_id, tab)
    for name, width in tab.widths.items():
        if name in tab.header:
            index = tab.header.index(name)
            requests.append({"updateDimensionProperties": {
                "range": {"sheetId": sheet_id, "dimension": "COLUMNS", "startIndex": index, "endIndex": index + 1},
                "properties": {"pixelSize": pixels(width)}, "fields": "pixelSize"}})
    if tab.chart is not None:
        requests.append(_chart(sheet_id, tab, tab.chart))
    if not protected:
        requests.append({"addProtectedRange": {"protectedRange": {
            "range": {"sheetId": sheet_id}, "description": PROTECTION_NOTE, "warningOnly": True}}})
    return requests


def _problem(workbook: str, tab: str, written: str | None) -> dict[str, str]:
    outcome = f"wrote '{written}' beside it" if written else f"nothing written: '{tab}{BESIDE}' is taken too"
    return {"workbook": workbook, "tab": tab, "cell": "",
            "found": f"a tab named '{tab}' that the tracker did not create",
            "expected": f"rename or delete it to let the tracker write '{tab}' ({outcome})",
            "severity": "warning"}


def plan_write(tabs: list[Tab], layout: Layout, values: dict[str, Rows] | None = None,
               appended: dict[str, tuple[int, int]] | None = None) -> Plan:
    """The batchUpdate requests replacing `tabs` in the spreadsheet described by `layout`.
    `values` are the spreadsheet's cells as read in this sync: an owned tab found there is written
    as a row diff against them. `appended` names tabs that were not read (History): title ->
    (rows of the Tab that are there already, rows the tab has); only the Tab's later rows are
    written, after the tab's rows. Staging tabs a failed write left behind are deleted."""
    plan, existing = Plan(), layout.by_title()
    used = {sheet.sheet_id for sheet in layout.sheets}
    values, appended = values or {}, appended or {}
    for tab in tabs:
        title = tab.title
        if title in existing and not existing[title].owned:
            title = tab.title + BESIDE
            taken_by_person = title in existing and not existing[title].owned
            plan.problems.append(_problem(layout.title, tab.title, None if taken_by_person else title))
            if taken_by_person:
                continue
        sheet = existing.get(title)
        if sheet is None:
            sheet = SheetInfo(new_sheet_id(title, used), title, owned=True)
            used.add(sheet.sheet_id)
            plan.requests += _add_new(sheet.sheet_id, title, tab)
            plan.requests += _content(sheet.sheet_id, tab, sheet.protected)
        elif title in appended:
            plan.requests += [*({"deleteEmbeddedObject": {"objectId": chart}} for chart in sheet.chart_ids),
                              *_appended(sheet, tab, *appended[title]), *_marked(sheet, tab)]
        elif title in values:
            plan.requests += _replace_existing(sheet, tab, clear=False)
            plan.requests += _content(sheet.sheet_id, tab, sheet.protected, values[title])
            plan.requests += _marked(sheet, tab)
        else:
            plan.requests += _replace_existing(sheet, tab)
            plan.requests += _content(sheet.sheet_id, tab, sheet.protected)
            plan.requests += _marked(sheet, tab)
    plan.requests += [{"deleteSheet": {"sheetId": sheet.sheet_id}} for sheet in layout.sheets
                      if sheet.owned and sheet.title.startswith(STAGING_PREFIX)]
    return plan


def size(body: object) -> int:
    """Bytes of `body` as JSON, as requests sends it."""
    return len(json.dumps(body).encode("utf-8"))


def staged(requests: list[dict], layout: Layout, budget: int | None = None) -> list[list[dict]]:
    """The batches to send, in order, for one write of `requests`, each body at most `budget` bytes
    (a single row larger than that aside). When all fits in one it is one; otherwise the largest
    `updateCells` payloads go through hidden staging tabs and the last batch copies them into place."""
    budget = budget or REQUEST_BUDGET
    if size({"requests": requests}) <= budget:
        return [requests]
    used = {sheet.sheet_id for sheet in layout.sheets} | {
        request["addSheet"]["properties"]["sheetId"] for request in requests if "addSheet" in request}
    sizes = {index: size(request) for index, request in enumerate(requests)
             if "rows" in request.get("updateCells", {})}
    final, remaining = list(requests), size({"requests": requests})
    batches: list[list[dict]] = []
    cleanup: list[dict] = []
    for index in sorted(sizes, key=lambda at: sizes[at], reverse=True):
        if remaining <= budget // 2:
            break
        update = requests[index]["updateCells"]
        staging_id = new_sheet_id(f"staging {index}", used)
        used.add(staging_id)
        rows = update["rows"]
        width = max((len(row.get("values", [])) for row in rows), default=1) or 1
        batches += _staging_batches(staging_id, rows, width, update["fields"], budget)
        start = update["start"]
        final[index] = {"copyPaste": {
            "source": {"sheetId": staging_id, "startRowIndex": 0, "endRowIndex": len(rows),
                       "startColumnIndex": 0, "endColumnIndex": width},
            "destination": {"sheetId": start["sheetId"], "startRowIndex": start.get("rowIndex", 0),
                            "endRowIndex": start.get("rowIndex", 0) + len(rows),
                            "startColumnIndex": start.get("columnIndex", 0),
                            "endColumnIndex": start.get("columnIndex", 0) + width},
            "pasteType": "PASTE_NORMAL"}}
        cleanup.append({"deleteSheet": {"sheetId": staging_id}})
        remaining -= sizes[index] - size(final[index])
    return [*batches, final + cleanup]


def _staging_batches(sheet_id: int, rows: list[dict], width: int, fields: str, budget: int) -> list[list[dict]]:
    """A hidden staging tab holding `rows`, written in batches of at most about `budget` bytes."""
    title = f"{STAGING_PREFIX}{sheet_id}"
    batch: list[dict] = [
        {"addSheet": {"properties": {"sheetId": sheet_id, "title": title, "hidden": True,
                                     "gridProperties": {"rowCount": max(len(rows), 1), "columnCount": width}}}},
        {"createDeveloperMetadata": {"developerMetadata": {
            "metadataKey": OWNED_KEY, "metadataValue": READ_VALUE, "visibility": "DOCUMENT",
            "location": {"sheetId": sheet_id}}}}]
    batches: list[list[dict]] = []
    chunk: list[dict] = []
    start, used = 0, size({"requests": batch}) + 200
    for index, row in enumerate(rows):
        row_size = size(row) + 2
        if chunk and used + row_size > budget:
            batch.append({"updateCells": {"rows": chunk, "fields": fields,
                                          "start": {"sheetId": sheet_id, "rowIndex": start, "columnIndex": 0}}})
            batches.append(batch)
            batch, chunk, start, used = [], [], index, 200
        chunk.append(row)
        used += row_size
    if chunk:
        batch.append({"updateCells": {"rows": chunk, "fields": fields,
                                      "start": {"sheetId": sheet_id, "rowIndex": start, "columnIndex": 0}}})
    batches.append(batch)
    return batches
