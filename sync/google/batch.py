"""The one `spreadsheets.batchUpdate` body that replaces a spreadsheet's owned tabs.

For each Tab: add the tab (with our `tracker-owned` developer metadata) or, when it exists and carries
that metadata, clear it in place (so people's formulas that point at it keep working); size the grid,
write the cells, widths, frozen rows, the chart, and a warning-only protection. A tab of the same
title without our metadata belongs to a person: it is never touched, we write `<title> (tracker)`
beside it and return a problem. Sheets applies a batchUpdate all-or-nothing, so readers see the old
tabs or the new ones, never half.
"""
from __future__ import annotations

import zlib
from dataclasses import dataclass, field

from sync.google.cells import row_data
from sync.google.spreadsheet import OWNED_KEY, Layout, SheetInfo
from sync.store import Chart, Tab

BESIDE_SUFFIX = " (tracker)"
CHART_GAP_COLUMNS = 8          # room to the right of the data for the chart's anchor
DEFAULT_PIXELS = 100
PROTECTION_NOTE = "Written by the tracker: changes here are replaced at the next sync."


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


def _replace_existing(sheet: SheetInfo, tab: Tab) -> list[dict]:
    grid_fields = ",".join(f"gridProperties.{name}" for name in _grid(tab))
    return [*({"deleteEmbeddedObject": {"objectId": chart}} for chart in sheet.chart_ids),
            {"updateCells": {"range": {"sheetId": sheet.sheet_id}, "fields": "*"}},
            {"updateSheetProperties": {"properties": {"sheetId": sheet.sheet_id, "gridProperties": _grid(tab),
                                                      "hidden": tab.hidden},
                                       "fields": f"{grid_fields},hidden"}},
            {"updateDimensionProperties": {"range": {"sheetId": sheet.sheet_id, "dimension": "COLUMNS"},
                                           "properties": {"pixelSize": DEFAULT_PIXELS}, "fields": "pixelSize"}}]


def _add_new(sheet_id: int, title: str, tab: Tab) -> list[dict]:
    return [{"addSheet": {"properties": {"sheetId": sheet_id, "title": title, "gridProperties": _grid(tab),
                                         "hidden": tab.hidden}}},
            {"createDeveloperMetadata": {"developerMetadata": {
                "metadataKey": OWNED_KEY, "metadataValue": "1", "visibility": "DOCUMENT",
                "location": {"sheetId": sheet_id}}}}]


def _chart(sheet_id: int, tab: Tab, chart: Chart) -> dict:
    top = 1 if tab.note else 0

    def column(index: int) -> dict:
        return {"sourceRange": {"sources": [{"sheetId": sheet_id, "startRowIndex": top,
                                             "endRowIndex": top + 1 + len(tab.rows),
                                             "startColumnIndex": index, "endColumnIndex": index + 1}]}}

    spec = {"title": chart.title, "basicChart": {
        "chartType": "LINE", "legendPosition": "BOTTOM_LEGEND", "headerCount": 1,
        "axis": [{"position": "BOTTOM_AXIS", "title": tab.header[chart.x_column]},
                 {"position": "LEFT_AXIS", "title": chart.y_title}],
        "domains": [{"domain": column(chart.x_column)}],
        "series": [{"series": column(index), "targetAxis": "LEFT_AXIS"} for index in chart.series]}}
    anchor = {"sheetId": sheet_id, "rowIndex": top, "columnIndex": len(tab.header) + 1}
    return {"addChart": {"chart": {"spec": spec, "position": {"overlayPosition": {"anchorCell": anchor}}}}}


def _content(sheet_id: int, tab: Tab, protected: bool) -> list[dict]:
    requests: list[dict] = [{"updateCells": {"rows": row_data(tab), "fields": "userEnteredValue,userEnteredFormat",
                                             "start": {"sheetId": sheet_id, "rowIndex": 0, "columnIndex": 0}}}]
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
    outcome = f"wrote '{written}' beside it" if written else f"nothing written: '{tab}{BESIDE_SUFFIX}' is taken too"
    return {"workbook": workbook, "tab": tab, "cell": "",
            "found": f"a tab named '{tab}' that the tracker did not create",
            "expected": f"rename or delete it to let the tracker write '{tab}' ({outcome})",
            "severity": "warning"}


def plan_write(tabs: list[Tab], layout: Layout) -> Plan:
    """The batchUpdate requests replacing `tabs` in the spreadsheet described by `layout`."""
    plan, existing = Plan(), layout.by_title()
    used = {sheet.sheet_id for sheet in layout.sheets}
    for tab in tabs:
        title = tab.title
        if title in existing and not existing[title].owned:
            title = tab.title + BESIDE_SUFFIX
            taken_by_person = title in existing and not existing[title].owned
            plan.problems.append(_problem(layout.title, tab.title, None if taken_by_person else title))
            if taken_by_person:
                continue
        sheet = existing.get(title)
        if sheet is None:
            sheet = SheetInfo(new_sheet_id(title, used), title, owned=True)
            used.add(sheet.sheet_id)
            plan.requests += _add_new(sheet.sheet_id, title, tab)
        else:
            plan.requests += _replace_existing(sheet, tab)
        plan.requests += _content(sheet.sheet_id, tab, sheet.protected)
    return plan
