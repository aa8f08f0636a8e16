"""Sheets v4 as the stand-in serves it: schema checks, all-or-nothing batches, values, metadata."""
from __future__ import annotations

from typing import Any

from tests.google_standin import SERVICE_ACCOUNT, StandIn


def sheets_url(standin: StandIn, book: str, rest: str = "") -> str:
    return f"{standin.api_root}/sheets.googleapis.com/v4/spreadsheets/{book}{rest}"


def test_a_body_with_a_wrong_type_is_refused_with_googles_field_violations(standin, api) -> None:
    book = standin.create_spreadsheet("4B")
    answer = api.put(sheets_url(standin, book, "/values/Sheet1!A1"), params={"valueInputOption": "RAW"},
                     json={"values": "X", "majorDimension": None})
    assert answer.status_code == 400
    error = answer.json()["error"]
    assert error["status"] == "INVALID_ARGUMENT"
    assert error["details"][0]["fieldViolations"] == [{
        "field": "data.values",
        "description": "Invalid value at 'data.values' (type.googleapis.com/google.protobuf.ListValue), \"X\""}]


def test_an_unknown_request_kind_is_refused_as_an_unknown_name(standin, api) -> None:
    book = standin.create_spreadsheet("4B")
    answer = api.post(sheets_url(standin, book, ":batchUpdate"), json={"requests": [{"makeCoffee": {}}]})
    assert answer.status_code == 400
    assert "Unknown name \"makeCoffee\" at 'requests[0]'" in answer.json()["error"]["message"]


def test_a_failing_request_leaves_the_whole_batch_undone(standin, api) -> None:
    book = standin.create_spreadsheet("4B", {"Pupils": [["UPN"]]})
    before = standin.file(book)["modifiedTime"]
    answer = api.post(sheets_url(standin, book, ":batchUpdate"), json={"requests": [
        {"addSheet": {"properties": {"title": "Class summary"}}},
        {"updateCells": {"start": {"sheetId": 0, "rowIndex": 0, "columnIndex": 0},
                         "rows": [{"values": [{"userEnteredValue": {"stringValue": "changed"}}]}],
                         "fields": "userEnteredValue"}},
        {"deleteSheet": {"sheetId": 999}}]})
    assert answer.status_code == 400
    assert "requests[2].deleteSheet" in answer.json()["error"]["message"]
    assert standin.read_spreadsheet(book) == {"Pupils": [["UPN"]]}
    assert standin.file(book)["modifiedTime"] == before


def test_a_batch_adds_a_tab_writes_cells_and_marks_it_with_metadata(standin, api) -> None:
    book = standin.create_spreadsheet("4B")
    answer = api.post(sheets_url(standin, book, ":batchUpdate"), json={"requests": [
        {"addSheet": {"properties": {"sheetId": 7, "title": "Class summary"}}},
        {"updateCells": {"start": {"sheetId": 7}, "fields": "userEnteredValue",
                         "rows": [{"values": [{"userEnteredValue": {"stringValue": "UPN"}},
                                              {"userEnteredValue": {"numberValue": 16}}]}]}},
        {"createDeveloperMetadata": {"developerMetadata": {
            "metadataKey": "tracker.owned", "metadataValue": "Class summary",
            "location": {"sheetId": 7}, "visibility": "DOCUMENT"}}}]})
    assert answer.status_code == 200, answer.text
    replies = answer.json()["replies"]
    assert replies[0]["addSheet"]["properties"]["title"] == "Class summary"
    assert replies[1] == {}
    assert standin.read_spreadsheet(book)["Class summary"] == [["UPN", 16]]
    found = api.post(sheets_url(standin, book, "/developerMetadata:search"), json={"dataFilters": [
        {"developerMetadataLookup": {"metadataKey": "tracker.owned"}}]}).json()
    matched = found["matchedDeveloperMetadata"]
    assert [m["developerMetadata"]["location"] for m in matched] == [{"locationType": "SHEET", "sheetId": 7}]


def test_user_entered_keeps_a_formula_and_raw_keeps_text(standin, api) -> None:
    book = standin.create_spreadsheet("4B")
    for option, cell in (("USER_ENTERED", "A1"), ("RAW", "A2")):
        answer = api.put(sheets_url(standin, book, f"/values/Sheet1!{cell}"),
                         params={"valueInputOption": option}, json={"values": [["=HYPERLINK(\"x\")"]]})
        assert answer.status_code == 200
    assert standin.cell(book, "Sheet1", 0, 0)["userEnteredValue"] == {"formulaValue": '=HYPERLINK("x")'}
    assert standin.cell(book, "Sheet1", 1, 0)["userEnteredValue"] == {"stringValue": '=HYPERLINK("x")'}


def test_values_read_back_clamped_quoted_and_without_values_when_empty(standin, api) -> None:
    book = standin.create_spreadsheet("4B", {"My sheet": [["a", None, "c"], [1.5, True]]})
    got = api.get(sheets_url(standin, book, "/values/'My sheet'!A1:C2000"),
                  params={"valueRenderOption": "UNFORMATTED_VALUE"}).json()
    assert got == {"range": "'My sheet'!A1:C1000", "majorDimension": "ROWS",
                   "values": [["a", "", "c"], [1.5, True]]}
    empty = api.get(sheets_url(standin, book, "/values/'My sheet'!D4")).json()
    assert empty == {"range": "'My sheet'!D4", "majorDimension": "ROWS"}
    columns = api.get(sheets_url(standin, book, "/values:batchGet"),
                      params={"ranges": ["'My sheet'!A1:B2"], "majorDimension": "COLUMNS",
                              "valueRenderOption": "FORMATTED_VALUE"}).json()
    assert columns["valueRanges"][0]["values"] == [["a", "1.5"], ["", "TRUE"]]


def test_dates_come_back_as_serial_numbers(standin, api) -> None:
    import datetime as dt
    book = standin.create_spreadsheet("4B", {"Pupils": [[dt.date(2019, 9, 1)]]})
    got = api.get(sheets_url(standin, book, "/values/Pupils!A1"),
                  params={"valueRenderOption": "UNFORMATTED_VALUE",
                          "dateTimeRenderOption": "SERIAL_NUMBER"}).json()
    assert got["values"] == [[43709]]        # days from 1899-12-30 to 2019-09-01


def test_one_get_with_a_fields_mask_reads_every_tab(standin, api) -> None:
    book = standin.create_spreadsheet("4B", {"Pupils": [["UPN"], ["A123"]], "Judgements": [["x"]]})
    got = api.get(sheets_url(standin, book), params={
        "fields": "sheets(properties(title),data.rowData.values.userEnteredValue)"}).json()
    tabs = {s["properties"]["title"]: s["data"][0]["rowData"] for s in got["sheets"]}
    assert tabs["Pupils"] == [{"values": [{"userEnteredValue": {"stringValue": "UPN"}}]},
                              {"values": [{"userEnteredValue": {"stringValue": "A123"}}]}]
    assert set(got) == {"sheets"}


def test_unshared_spreadsheets_are_forbidden_and_unknown_ones_not_found(standin, api) -> None:
    private = standin.create_spreadsheet("Other school", shared_with=())
    assert api.get(sheets_url(standin, private)).json()["error"] == {
        "code": 403, "message": "The caller does not have permission", "status": "PERMISSION_DENIED"}
    assert api.get(sheets_url(standin, "no-such-id")).json()["error"] == {
        "code": 404, "message": "Requested entity was not found.", "status": "NOT_FOUND"}


def test_writes_move_modified_time_and_name_the_writer(standin, api) -> None:
    book = standin.create_spreadsheet("4B")
    before: dict[str, Any] = standin.file(book)
    api.post(sheets_url(standin, book, "/values/Sheet1!A1:clear"))
    after = standin.file(book)
    assert after["modifiedTime"] > before["modifiedTime"]
    assert before["lastModifyingUser"]["emailAddress"] != SERVICE_ACCOUNT
    assert after["lastModifyingUser"]["emailAddress"] == SERVICE_ACCOUNT


def test_a_request_body_over_10_mib_gets_googles_400(standin, api) -> None:
    book = standin.create_spreadsheet("Big")
    huge = {"requests": [{"updateCells": {"rows": [{"values": [{"note": "x" * 1_000_000}]}] * 11,
                                          "fields": "note", "start": {"sheetId": 0}}}]}
    answer = api.post(f"{standin.api_root}/sheets.googleapis.com/v4/spreadsheets/{book}:batchUpdate", json=huge)
    assert answer.status_code == 400
    assert answer.json()["error"]["message"] == "Request payload size exceeds the limit: 10485760 bytes."
    assert answer.json()["error"]["status"] == "INVALID_ARGUMENT"
