"""What a year command makes in a school's Google Drive: next year's class spreadsheets and a draft
tab for the head. Used by `GoogleStore` (the Store port's `add_draft`, `check_can_create`,
`create_class_workbook`).

A new class spreadsheet is the class workbook our templates make (the same .xlsx as local mode),
uploaded to the Classes folder with conversion to a Google Sheet: one request, and the tabs, drop
downs, frozen rows and widths come across as Drive imports them. It is then shared as the class
spreadsheet it comes from is shared: each permission given on that file itself is given again
(no notification email); a shared drive's members reach it as they reach the old one, and an owner
(a file in someone's My Drive) becomes an editor, since a file on a shared drive has no owner.
Until its sharing is done the new file carries a mark of ours (appProperties, private to our Cloud
project); a run that stops in between leaves the mark, and the next run finds it (one files.list)
and finishes the sharing first.

An upload is made once even when its answer is lost (a dropped connection, no answer in time):
the mark carries a token new to each upload, and before trying again the client looks for a file
with it (one files.list), which is then the answer. Drive's own way to make a create safe to
repeat, an id from `files.generateIds`, is refused for a file Drive converts to a Google Sheet.
Should Drive's listing not show the file yet, the second copy is still marked: the next run finds
it beside the finished spreadsheet of the same title and moves it to the bin instead of sharing it.

Why not Drive's `files.copy` of this year's spreadsheet (gspread's `Client.copy`): a copy carries
this year's judgements, comments and any tab a teacher added into a file for a class that may be
made up differently, which is more pupil data than next year's teacher needs; clearing it would
mean rewriting every tab of the copy. And gspread's `copy_permissions=True` gives each permission
again as it is listed, the owner's included, which Drive refuses ("The transferOwnership parameter
must be enabled when the permission role is 'owner'").

The service account creates the files, and it has no Drive storage of its own: the Classes folder
must be on a shared drive where it is a Content manager (as for the Reports folder). Scope: `drive`,
asked for only by these commands (`drive.file` reaches only files this app made, not a class
spreadsheet a school made and shared).
"""
from __future__ import annotations

import uuid
from urllib.parse import quote

import gspread
from gspread.urls import DRIVE_FILES_API_V3_URL as DRIVE_FILES
from gspread.urls import SPREADSHEET_URL

from sync.errors import SettingsError
from sync.google.batch import CELL_FIELDS, new_sheet_id, pixels
from sync.google.cells import row_data
from sync.google.client import TrackerHTTPClient, build_client, http
from sync.google.drive import ALL_DRIVES, DRIVE_SCOPES, DRIVE_UPLOAD, check_shared_drive_folder, quoted
from sync.google.spreadsheet import Layout
from sync.store import Tab

SPREADSHEET_MIME = "application/vnd.google-apps.spreadsheet"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PERMISSION_FIELDS = "nextPageToken,permissions(id,type,role,emailAddress,domain,allowFileDiscovery,deleted,permissionDetails)"
DRAFT_SPARE_ROWS = 40          # room below a draft for the head's own rows
SHARING, SHARING_FROM, UNFINISHED = "trackerSharing", "trackerSharingFrom", "unfinished"
UPLOAD = "trackerUpload"          # a token new to each upload: how a lost answer's file is found


def drive_client() -> gspread.Client:
    """A client that may create files in a folder shared with the service account."""
    return build_client(scopes=DRIVE_SCOPES)


def check_classes_folder(client: TrackerHTTPClient, folder_id: str) -> None:
    """One sentence (SettingsError) unless the Classes folder is a folder on a shared drive."""
    if not folder_id:
        raise SettingsError("The Settings tab has no Classes folder: paste the Drive folder's id there.")
    check_shared_drive_folder(client, folder_id, "Classes folder",
                              paste="the folder that holds the class spreadsheets",
                              to=" to add next year's spreadsheets", then="and run the command again")


def upload_workbook(client: TrackerHTTPClient, folder_id: str, title: str, content: bytes,
                    share_from: str = "") -> str:
    """The .xlsx `content` as a new Google Sheet titled `title` in the folder; its id. The file is
    marked as not shared yet (appProperties, private to our project) until `mark_shared`: a run
    that stops in between is finished by the next (`finish_sharing`), sharing it as `share_from`
    is shared."""
    from sync.reports.google import multipart

    token = uuid.uuid4().hex
    meta: dict[str, object] = {"name": title, "mimeType": SPREADSHEET_MIME, "parents": [folder_id],
                               "appProperties": {SHARING: UNFINISHED, SHARING_FROM: share_from, UPLOAD: token}}
    body, content_type = multipart(meta, content, XLSX_MIME)
    with client.doing(f"adding '{title}' to the Classes folder"):
        return str(client.request("post", DRIVE_UPLOAD, params={**ALL_DRIVES, "uploadType": "multipart",
                                                                "fields": "id"},
                                  data=body, headers={"Content-Type": content_type},
                                  made_already=lambda: _uploaded(client, folder_id, token)).json()["id"])


def _uploaded(client: TrackerHTTPClient, folder_id: str, token: str) -> dict | None:
    """The file an upload marked with `token` made in the folder, if Drive lists one."""
    query = (f"'{quoted(folder_id)}' in parents and appProperties has {{ key='{UPLOAD}' and "
             f"value='{quoted(token)}' }} and trashed = false")
    found = _listed(client, query, "looking for a spreadsheet whose upload's answer was lost")
    return found[0] if found else None


def share_like(client: TrackerHTTPClient, file_id: str, source_id: str, title: str, ourselves: str) -> int:
    """Give `file_id` each permission given directly on `source_id` (not inherited from a folder or
    shared drive, not our own account); an owner is given `writer`. Returns how many were given."""
    given = 0
    for permission in _permissions(client, source_id, title):
        if permission.get("deleted") or _inherited_only(permission):
            continue
        kind, role = str(permission.get("type", "")), str(permission.get("role", ""))
        body: dict[str, object] = {"type": kind, "role": "writer" if role == "owner" else role}
        params = dict(ALL_DRIVES)
        if kind in ("user", "group"):
            email = str(permission.get("emailAddress", ""))
            if not email or email.lower() == ourselves.lower():
                continue
            body["emailAddress"] = email
            params["sendNotificationEmail"] = "false"
        elif kind == "domain":
            body["domain"] = permission.get("domain", "")
            body["allowFileDiscovery"] = bool(permission.get("allowFileDiscovery", False))
        elif kind == "anyone":
            body["allowFileDiscovery"] = bool(permission.get("allowFileDiscovery", False))
        else:
            continue
        with client.doing(f"sharing '{title}' as the class spreadsheet it comes from"):
            client.request("post", f"{DRIVE_FILES}/{quote(file_id, safe='')}/permissions",
                           params={**params, "fields": "id"}, json=body)
        given += 1
    return given


def mark_shared(client: TrackerHTTPClient, file_id: str, title: str) -> None:
    """Take away the not-shared-yet mark `upload_workbook` set."""
    with client.doing(f"marking '{title}' as shared"):
        client.request("patch", f"{DRIVE_FILES}/{quote(file_id, safe='')}",
                       params={**ALL_DRIVES, "fields": "id"},
                       json={"appProperties": {SHARING: None, SHARING_FROM: None, UPLOAD: None}})


def unfinished(client: TrackerHTTPClient, folder_id: str) -> list[dict]:
    """Spreadsheets in the folder that a run made and stopped before sharing (one files.list)."""
    return _listed(client, f"'{quoted(folder_id)}' in parents and appProperties has {{ key='{SHARING}' and "
                           f"value='{UNFINISHED}' }} and trashed = false",
                   "looking for spreadsheets an earlier run did not finish sharing")


def finished_titles(client: TrackerHTTPClient, folder_id: str) -> set[str]:
    """The titles of the folder's spreadsheets that are not marked as unfinished (one files.list)."""
    return {str(item.get("name", "")) for item in _listed(
        client, f"'{quoted(folder_id)}' in parents and mimeType = '{SPREADSHEET_MIME}' and trashed = false",
        "listing the Classes folder") if (item.get("appProperties") or {}).get(SHARING) != UNFINISHED}


def _listed(client: TrackerHTTPClient, query: str, what: str) -> list[dict]:
    params = {**ALL_DRIVES, "includeItemsFromAllDrives": "true", "pageSize": "1000",
              "fields": "nextPageToken,files(id,name,appProperties)", "q": query}
    found: list[dict] = []
    while True:
        with client.doing(what):
            answer = client.request("get", DRIVE_FILES, params=params).json()
        found += answer.get("files", [])
        if not answer.get("nextPageToken"):
            return found
        params = {**params, "pageToken": answer["nextPageToken"]}



def _permissions(client: TrackerHTTPClient, file_id: str, title: str) -> list[dict]:
    params = {**ALL_DRIVES, "fields": PERMISSION_FIELDS, "pageSize": "100"}
    found: list[dict] = []
    while True:
        with client.doing(f"finding who '{title}' comes from is shared with"):
            answer = client.request("get", f"{DRIVE_FILES}/{quote(file_id, safe='')}/permissions",
                                    params=params).json()
        found += answer.get("permissions", [])
        if not answer.get("nextPageToken"):
            return found
        params = {**params, "pageToken": answer["nextPageToken"]}


def _inherited_only(permission: dict) -> bool:
    """A permission that reaches the file only through its folder or shared drive: a new file in
    the same folder has it already."""
    details = permission.get("permissionDetails") or []
    return bool(details) and all(detail.get("inherited") for detail in details)


def add_draft_tab(client: gspread.Client, spreadsheet_id: str, layout: Layout, tab: Tab) -> bool:
    """The tab added to the spreadsheet as a person's tab (no metadata of ours, no protection),
    unless a tab of that title is there; whether it was added."""
    if any(sheet.title.casefold() == tab.title.casefold() for sheet in layout.sheets):
        return False
    sheet_id = new_sheet_id(tab.title, {sheet.sheet_id for sheet in layout.sheets})
    rows = row_data(tab)
    columns = max(len(tab.header), 1)
    requests: list[dict] = [
        {"addSheet": {"properties": {"sheetId": sheet_id, "title": tab.title, "gridProperties": {
            "rowCount": len(rows) + DRAFT_SPARE_ROWS, "columnCount": columns,
            "frozenRowCount": len(rows) - len(tab.rows)}}}},
        {"updateCells": {"rows": rows, "fields": CELL_FIELDS,
                         "start": {"sheetId": sheet_id, "rowIndex": 0, "columnIndex": 0}}}]
    for at, name in enumerate(tab.header):
        if name in tab.widths:
            requests.append({"updateDimensionProperties": {
                "range": {"sheetId": sheet_id, "dimension": "COLUMNS", "startIndex": at, "endIndex": at + 1},
                "properties": {"pixelSize": pixels(tab.widths[name])}, "fields": "pixelSize"}})
    with http(client).doing(f"adding the {tab.title} tab to Tracker summary"):
        http(client).request("post", SPREADSHEET_URL % spreadsheet_id + ":batchUpdate", json={"requests": requests})
    return True
