"""GoogleStore against a small fake Google transport: requests per operation, their shape, and how
refusals become our errors. (The stand-in tests in test_google_store.py check the same against a
Google-shaped server.)"""
from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import gspread
import pytest
import requests
from google.auth.credentials import AnonymousCredentials
from requests.adapters import BaseAdapter

from sync.errors import AccessDenied, AlreadyRunning, SchoolNotFound
from sync.google.client import RequestTooLarge, TrackerHTTPClient, build_client
from sync.google.pacer import Pacer
from sync.google.spreadsheet import OWNED_KEY
from sync.google.store import GoogleStore
from sync.store import Tab, WorkbookRef

OAK = {"properties": {"title": "Year 3 Oak"}, "sheets": [
    {"properties": {"sheetId": 0, "title": "Pupils", "index": 0},
     "data": [{"rowData": [{"values": [{"effectiveValue": {"stringValue": "UPN"}}]}]}]},
    {"properties": {"sheetId": 4, "title": "Problems", "index": 1},
     "developerMetadata": [{"metadataId": 2, "metadataKey": OWNED_KEY}]}]}


class FakeGoogle(BaseAdapter):
    """Answers from a queue per (method, path suffix) and records every request."""

    def __init__(self) -> None:
        super().__init__()
        self.sent: list[requests.PreparedRequest] = []
        self.answers: list[tuple[int, dict]] = []

    def send(self, request: requests.PreparedRequest, **kwargs: object) -> requests.Response:
        self.sent.append(request)
        status, body = self.answers.pop(0)
        response = requests.Response()
        response.status_code, response._content, response.url = status, json.dumps(body).encode(), request.url
        response.request = request
        return response

    def close(self) -> None:
        pass

    def query(self, index: int) -> dict[str, list[str]]:
        return parse_qs(urlsplit(self.sent[index].url).query)


@pytest.fixture
def google() -> tuple[GoogleStore, FakeGoogle]:
    fake, session = FakeGoogle(), requests.Session()
    session.mount("https://", fake)
    client = build_client(session, credentials=AnonymousCredentials(), pacer=Pacer(), sleep=lambda _: None)
    return GoogleStore("SUMMARY", client=client, classes_folder="FOLDER"), fake


OAK_REF = WorkbookRef(id="OAK", name="Year 3 Oak")
PROBLEMS = Tab(title="Problems", header=["Workbook", "Tab"], rows=[["Year 3 Oak", "Pupils"]])


def test_a_workbook_is_read_in_one_request_with_every_tabs_values(google):
    store, fake = google
    fake.answers = [(200, OAK)]
    assert store.read_workbook(OAK_REF) == {"Pupils": [["UPN"]], "Problems": []}
    assert len(fake.sent) == 1 and fake.sent[0].method == "GET"
    assert urlsplit(fake.sent[0].url).path == "/v4/spreadsheets/OAK"
    assert "rowData(values(effectiveValue,effectiveFormat.numberFormat.type)))" in fake.query(0)["fields"][0]
    assert (store.counts.reads, store.counts.writes) == (1, 0)
    assert fake.query(0)["prettyPrint"] == ["false"]        # no indentation: far fewer bytes back


def test_a_write_after_a_read_is_one_batch_update_and_nothing_else(google):
    store, fake = google
    fake.answers = [(200, OAK), (200, {"spreadsheetId": "OAK"})]
    store.read_workbook(OAK_REF)
    assert store.write_class_outputs(OAK_REF, [PROBLEMS, Tab(title="Class summary", header=["UPN"], rows=[])]) == []
    assert len(fake.sent) == 2 and fake.sent[1].method == "POST"
    assert fake.sent[1].url.split("?")[0].endswith("/v4/spreadsheets/OAK:batchUpdate")
    body = json.loads(fake.sent[1].body)
    titles = [r["addSheet"]["properties"]["title"] for r in body["requests"] if "addSheet" in r]
    assert titles == ["Class summary"]                       # Problems exists and is ours: cleared
    assert (store.counts.reads, store.counts.writes) == (1, 1)


def test_a_write_without_a_read_first_reads_the_layout_only(google):
    store, fake = google
    fake.answers = [(200, OAK), (200, {})]
    store.write_summary([PROBLEMS])
    assert [r.method for r in fake.sent] == ["GET", "POST"]
    assert "rowData" not in fake.query(0)["fields"][0]


def test_a_stale_layout_is_read_again_and_the_batch_sent_once_more(google):
    store, fake = google
    gone = {"properties": {"title": "Year 3 Oak"}, "sheets": [{"properties": {"sheetId": 0, "title": "Pupils"}}]}
    fake.answers = [(200, OAK), (400, {"error": {"code": 400, "status": "INVALID_ARGUMENT"}}), (200, gone), (200, {})]
    store.read_workbook(OAK_REF)
    store.write_class_outputs(OAK_REF, [PROBLEMS])
    assert [r.method for r in fake.sent] == ["GET", "POST", "GET", "POST"]
    retried = json.loads(fake.sent[3].body)["requests"]
    assert retried[0]["addSheet"]["properties"]["title"] == "Problems"   # re-added: it had gone


def test_the_classes_folder_is_listed_following_page_tokens(google):
    store, fake = google
    item = {"id": "OAK", "name": "Year 3 Oak", "modifiedTime": "2026-10-01T20:00:00.000Z",
            "lastModifyingUser": {"emailAddress": "j.smith@school.org"}}
    fake.answers = [(200, {"files": [item], "nextPageToken": "p2"}), (200, {"files": [{"id": "ASH", "name": "Ash"}]})]
    refs = store.list_class_workbooks()
    assert refs == [WorkbookRef("OAK", "Year 3 Oak", "2026-10-01T20:00:00.000Z", "j.smith@school.org"),
                    WorkbookRef("ASH", "Ash")]
    query = fake.query(0)["q"][0]
    assert "'FOLDER' in parents" in query and "trashed = false" in query
    assert "mimeType != 'application/vnd.google-apps.folder'" in query   # other files are named
    assert fake.query(1)["pageToken"] == ["p2"]


def test_refusals_become_plain_errors_without_googles_message(google):
    store, fake = google
    fake.answers = [(404, {"error": {"code": 404, "message": "Requested entity was not found."}}),
                    (403, {"error": {"code": 403, "message": "The caller does not have permission",
                                     "status": "PERMISSION_DENIED"}})]
    with pytest.raises(SchoolNotFound, match="reading the Tracker summary"):
        store.read_summary()
    with pytest.raises(AccessDenied) as denied:
        store.read_workbook(OAK_REF)
    assert "caller" not in str(denied.value) and "Year 3 Oak" in str(denied.value)


def test_a_second_sync_of_the_same_school_is_refused_while_the_first_holds_the_lock(google):
    store, _ = google
    with store.lock():
        with pytest.raises(AlreadyRunning):
            with store.lock():
                pass
    with store.lock():                                         # released after the first
        pass


def test_every_request_goes_through_gspread_with_our_http_client(google):
    store, fake = google
    fake.answers = [(200, OAK)]
    store.read_workbook(OAK_REF)
    assert isinstance(store.client, gspread.Client)
    assert isinstance(store.client.http_client, TrackerHTTPClient)
    assert store.client.http_client.counts.reads == 1


def test_a_request_over_googles_size_limit_is_refused_before_it_is_sent(google):
    store, fake = google
    huge = {"requests": [{"updateCells": {"rows": [{"values": [{"note": "x" * 1_000_000}]}] * 11}}]}
    with pytest.raises(RequestTooLarge, match="nothing was sent"):
        store.http.request("post", "https://sheets.googleapis.com/v4/spreadsheets/OAK:batchUpdate", json=huge)
    assert fake.sent == []                                    # not sent, so not retried either


def test_a_write_over_the_2_mb_budget_is_sent_in_parts_each_under_it(google):
    store, fake = google
    fake.answers = [(200, OAK)] + [(200, {})] * 20
    store.read_workbook(OAK_REF)
    big = Tab(title="Problems", header=["Workbook"], rows=[["x" * 1000] for _ in range(5_000)])
    store.write_class_outputs(OAK_REF, [big])
    sizes = [len(r.body) for r in fake.sent[1:]]
    assert len(sizes) >= 3 and max(sizes) <= 2_000_000
    last = json.loads(fake.sent[-1].body)["requests"]
    assert any("copyPaste" in r for r in last) and any("deleteSheet" in r for r in last)
