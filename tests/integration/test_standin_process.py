"""python -m tests.google_standin --load SCHOOL --log FILE --dump DIR, as outside checks run it."""
from __future__ import annotations

import datetime as dt
import json
import signal
import subprocess
import sys
from pathlib import Path

import openpyxl
import requests
from google.auth.transport.requests import AuthorizedSession
from google.oauth2 import service_account

ROOT = Path(__file__).resolve().parents[2]
SCOPES = ["https://www.googleapis.com/auth/spreadsheets", "https://www.googleapis.com/auth/drive"]


def make_school(folder: Path) -> None:
    summary = openpyxl.Workbook()
    settings = summary.active
    settings.title = "Settings"
    for row in (["Setting", "Value"], ["School name", "Hill Primary"], ["Classes folder", "classes"]):
        settings.append(row)
    summary.create_sheet("Staff").append(["Email", "Role"])
    summary.save(folder / "Tracker summary.xlsx")
    (folder / "classes").mkdir()
    book = openpyxl.Workbook()
    pupils = book.active
    pupils.title = "Pupils"
    pupils.append(["UPN", "First name", "Date of birth"])
    pupils.append(["A123456789012", "Ann", dt.datetime(2018, 3, 4)])
    book.save(folder / "classes" / "4B.xlsx")


def test_a_loaded_school_is_served_logged_and_dumped_on_sigterm(tmp_path: Path) -> None:
    school, dump, log = tmp_path / "school", tmp_path / "dump", tmp_path / "requests.jsonl"
    school.mkdir()
    make_school(school)
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.google_standin", "--port", "0", "--load", str(school),
         "--log", str(log), "--dump", str(dump)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        first = json.loads(process.stdout.readline())
        credentials = service_account.Credentials.from_service_account_file(first["key_file"], scopes=SCOPES)
        api = AuthorizedSession(credentials)
        api.trust_env = False
        sheets = f"{first['api_root']}/sheets.googleapis.com/v4/spreadsheets"
        settings = api.get(f"{sheets}/{first['spreadsheet_id']}/values/Settings").json()["values"]
        classes_folder = dict(settings[1:])["Classes folder"]
        listing = api.get(f"{first['api_root']}/www.googleapis.com/drive/v3/files",
                          params={"q": f"'{classes_folder}' in parents"}).json()
        assert [f["name"] for f in listing["files"]] == ["4B"]
        class_id = listing["files"][0]["id"]
        pupils = api.get(f"{sheets}/{class_id}/values/Pupils",
                         params={"valueRenderOption": "UNFORMATTED_VALUE"}).json()["values"]
        assert pupils[1] == ["A123456789012", "Ann", 43163]     # 2018-03-04 as a serial number
        written = api.put(f"{sheets}/{class_id}/values/Pupils!D1", params={"valueInputOption": "RAW"},
                          json={"values": [["Note"]]})
        assert written.status_code == 200
        api.close()
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=20) == 0
        process.stdout.close()   # left to the garbage collector: a ResourceWarning in a later test
    dumped = openpyxl.load_workbook(dump / "4B.xlsx")["Pupils"]
    assert [c.value for c in dumped[1]] == ["UPN", "First name", "Date of birth", "Note"]
    assert [c.value for c in dumped[2]] == ["A123456789012", "Ann", dt.datetime(2018, 3, 4), None]
    summary = openpyxl.load_workbook(dump / "Tracker summary.xlsx")["Settings"]
    assert summary["B2"].value == "Hill Primary"
    lines = [json.loads(line) for line in log.read_text().splitlines()]
    assert [(line["method"], line["kind"], line["status"]) for line in lines] == [
        ("GET", "read", 200), ("GET", "read", 200), ("GET", "read", 200), ("PUT", "write", 200)]
    assert set(lines[0]) == {"method", "path", "kind", "status"}
    assert not requests.utils.urlparse(lines[0]["path"]).query
