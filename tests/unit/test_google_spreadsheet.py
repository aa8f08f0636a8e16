"""Reading one `spreadsheets.get` answer: values in tab order, errors as text, our tabs recognised."""
from __future__ import annotations

from sync.google.spreadsheet import OWNED_KEY, parse_layout, parse_values

ANSWER = {
    "properties": {"title": "Year 3 Oak"},
    "sheets": [
        {"properties": {"sheetId": 5, "title": "Problems", "index": 1},
         "developerMetadata": [{"metadataId": 1, "metadataKey": OWNED_KEY}],
         "protectedRanges": [{"protectedRangeId": 3}], "charts": [{"chartId": 8}],
         "data": [{"rowData": [{"values": [{"effectiveValue": {"stringValue": "Workbook"}}]}]}]},
        {"properties": {"sheetId": 0, "title": "Pupils", "index": 0},
         "data": [{"rowData": [
             {"values": [{"effectiveValue": {"stringValue": "UPN"}}, {"effectiveValue": {"numberValue": 46266}}]},
             {},
             {"values": [{"effectiveValue": {"boolValue": True}}, {}, {"effectiveValue": {"errorValue": {
                 "type": "REF", "message": "Reference does not exist"}}}, {}]},
             {"values": [{}]}]}]},
        {"properties": {"sheetId": 7, "title": "Empty", "index": 2}, "data": [{}]},
    ],
}


def test_values_come_back_in_tab_order_with_empty_rows_and_trailing_blanks_trimmed():
    assert parse_values(ANSWER) == {
        "Pupils": [["UPN", 46266], [], [True, None, "#REF!"]],
        "Problems": [["Workbook"]],
        "Empty": [],
    }


def test_layout_knows_which_tabs_are_ours_and_what_they_carry():
    layout = parse_layout(ANSWER)
    sheets = layout.by_title()
    assert layout.title == "Year 3 Oak"
    assert sheets["Problems"].owned and sheets["Problems"].protected and sheets["Problems"].chart_ids == (8,)
    assert not sheets["Pupils"].owned and not sheets["Pupils"].protected
