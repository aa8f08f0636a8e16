"""GoogleStore: the Store port (sync/store.py) on Google Sheets and Drive.

Requests per sync: one `spreadsheets.get` per spreadsheet read (every tab's values at once), one
Drive `files.list` per 1,000 class workbooks, one `spreadsheets.batchUpdate` per spreadsheet written.
A write reuses the tab layout that the read of the same spreadsheet returned; only a spreadsheet
written without being read first costs one small layout read. If the layout went stale (a teacher
renamed or deleted a tab after our read, or a timed-out write was applied after all), Google rejects
the whole batch with a 400, and we read the layout again and retry once.
"""
from __future__ import annotations

import os
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import replace
from pathlib import Path

import gspread
import requests
from gspread.urls import DRIVE_FILES_API_V3_URL, SPREADSHEET_URL

from functions.forgotten import TITLE as FORGOTTEN_TITLE
from functions.forgotten import Forgotten, forgotten_from_rows
from functions.frames import PROBLEMS
from functions.owned_tabs import SUMMARY_NAME
from sync.errors import SettingsError
from sync.google.batch import plan_write, staged
from sync.google.client import RequestCounts, RequestRejected, RequestTooLarge, build_client, http, open_spreadsheet
from sync.google.drive import FOLDER_MIME
from sync.google.history_state import (
    APPEND_VALUE,
    HEADER_KEY,
    READ_VALUE,
    history_rows,
    is_history,
    is_state,
    state_rows,
    state_tab,
    tab_frame,
)
from sync.google.lock import school_lock
from sync.google.pacer import Pacer
from sync.google.spreadsheet import LAYOUT_FIELDS, OWNED_KEY, READ_FIELDS, Layout, parse_layout, parse_values
from sync.reports.local import ReportSink
from sync.settings import LOCAL_REPORTS_FOLDER
from sync.store import NewWorkbook, Tab, Workbook, WorkbookRef
from sync.tabs import forgotten_tab

LEASE_BUCKET_ENV = "TRACKER_LEASE_BUCKET"
SPREADSHEET_MIME = "application/vnd.google-apps.spreadsheet"
LIST_FIELDS = "nextPageToken,files(id,name,mimeType,modifiedTime,lastModifyingUser(emailAddress))"
UPLOADED_WORKBOOKS = {
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "an Excel workbook",
    "application/vnd.ms-excel.sheet.macroEnabled.12": "an Excel workbook",
    "application/vnd.ms-excel": "an Excel workbook",
    "application/vnd.oasis.opendocument.spreadsheet": "a LibreOffice workbook",
}
Problems = list[dict[str, str]]
PEOPLES_TABS = ("settings", "staff")
# the summary read: our owned tabs but History (whose metadata value is "append"), Settings, Staff
SUMMARY_FILTERS: list[dict] = [{"developerMetadataLookup": {"metadataKey": OWNED_KEY, "metadataValue": READ_VALUE}},
                               {"developerMetadataLookup": {"metadataKey": HEADER_KEY}},
                               {"a1Range": "Settings"}, {"a1Range": "Staff"}]


class GoogleStore:
    """One school's `Tracker summary` spreadsheet and its `Classes folder` on Drive."""

    def __init__(self, spreadsheet_id: str, *, session: requests.Session | None = None,
                 client: gspread.Client | None = None, classes_folder: str = "",
                 clock: Callable[[], float] | None = None, sleep: Callable[[float], None] | None = None,
                 drive_client: gspread.Client | None = None) -> None:
        if client is None:
            # given a clock, the store paces and retries on it; else on the process's shared pacer's
            pacer = Pacer(clock=clock, sleep=sleep or time.sleep) if clock else None
            client = build_client(session, pacer=pacer)
        self.spreadsheet_id, self.client, self.classes_folder = spreadsheet_id, client, classes_folder
        self.http = http(client)
        self._drive_client = drive_client            # the `drive` scope: only year commands create files
        self.display_name = f"Google spreadsheet {spreadsheet_id}"
        self.problems: Problems = []
        self._listing_problems: Problems = []      # files in the Classes folder that are not read, and why
        self._layouts: dict[str, Layout] = {}
        self._values: dict[str, Workbook] = {}      # cells as read in this sync: writes send the diff
        self._appended: dict[str, tuple[list[int], int]] = {}   # History: places of the rows read, rows

    @property
    def counts(self) -> RequestCounts:
        """Reads, writes and retries so far, for the Sync log."""
        return self.http.counts

    @property
    def account_email(self) -> str:
        """Who Drive names as `lastModifyingUser` after our own writes."""
        return self.http.account_email

    @property
    def school_id(self) -> str:
        return self.spreadsheet_id

    folder: Path | None = None   # no school folder: a framework file is one of ours, reports go to Drive
    results_name = SUMMARY_NAME   # our tabs live in the school's own spreadsheet

    def request_count(self) -> int:
        return self.counts.reads + self.counts.writes

    def lock(self) -> AbstractContextManager[None]:
        """The school's lease in Cloud Storage when the deployment names a bucket for it
        (`TRACKER_LEASE_BUCKET`: one sync per school across every instance); else a file lock,
        which holds on this machine only."""
        bucket = os.environ.get(LEASE_BUCKET_ENV, "")
        if bucket:
            from sync.google.storage import Bucket, storage_session
            from sync.lease import Lease

            return Lease(Bucket(bucket, storage_session()), self.spreadsheet_id).hold()
        return school_lock(self.spreadsheet_id)

    def check_outputs_closed(self) -> None:
        """Nothing to check: Google merges people's edits, and our tabs are written beside theirs."""

    def listing_problems(self) -> list[dict]:
        """Files in the Classes folder, at its last listing, that are not Google Sheets: each a
        warning naming it and what to do (an uploaded Excel file would otherwise vanish)."""
        return list(self._listing_problems)

    def formula_blanks(self) -> list[tuple[str, str]]:
        """Google always has a formula's value."""
        return []

    def retire_class_outputs(self, kept: set[str]) -> None:
        """Nothing to do: a class's outputs are tabs of its own workbook."""

    def report_destination(self, reports_folder: str) -> tuple[Path, ReportSink | None]:
        """A PDF and a Google Doc per pupil in the Drive folder whose id is `Reports folder`."""
        from sync.reports.google import GoogleDriveSink

        if reports_folder == LOCAL_REPORTS_FOLDER:   # the setting is blank: the local default
            reports_folder = ""
        return Path(), GoogleDriveSink(reports_folder)

    def foreign_tabs(self, ref: WorkbookRef | None = None) -> set[str]:
        """Tabs without our developer metadata in the spreadsheet last read (None: the summary)."""
        layout = self._layouts.get(self.spreadsheet_id if ref is None else ref.id)
        return {sheet.title for sheet in layout.sheets if not sheet.owned} if layout else set()

    def set_classes_folder(self, folder_id: str) -> None:
        """The Drive folder id from the Settings tab (`Classes folder`), known after read_summary."""
        self.classes_folder = folder_id

    def read_summary(self) -> Workbook:
        """Settings, Staff and our owned tabs but History, whose cells are never read back: the
        job gets History's open rows from `History state` (sync.google.history_state)."""
        what = "reading the Tracker summary spreadsheet"
        try:
            answer = self._filtered(self.spreadsheet_id, SUMMARY_FILTERS, what)
        except RequestRejected as error:    # no tab titled exactly Settings or Staff
            if error.status != 400 or isinstance(error, RequestTooLarge):
                raise
            layout = self._fresh_layout(self.spreadsheet_id, what)
            people = [{"gridRange": {"sheetId": sheet.sheet_id}} for sheet in layout.sheets
                      if not sheet.owned and sheet.title.strip().lower() in PEOPLES_TABS]
            answer = self._filtered(self.spreadsheet_id, [*people, *SUMMARY_FILTERS[:2]], what)
        layout, values = parse_layout(answer), parse_values(answer)
        self._appended = {}
        if history_rows(state_rows(values)) is not None and not any(
                sheet.owned and is_history(sheet.title) for sheet in layout.sheets):
            # History's header lost its metadata (or the row was deleted): find History in the
            # layout (one more small read); the write marks its header again
            found = [replace(sheet, owned_value="") for sheet in self._fresh_layout(self.spreadsheet_id, what).sheets
                     if sheet.owned and is_history(sheet.title)]
            layout = Layout(layout.title, layout.sheets + tuple(found))
            for sheet in found:
                values[sheet.title] = [[]]
        for sheet in layout.sheets:
            if sheet.owned and sheet.owned_value in (APPEND_VALUE, "") and is_history(sheet.title):
                rows = history_rows(state_rows(values))
                if rows is None:     # the state tab is gone: read History once, whole
                    whole = self._filtered(self.spreadsheet_id, [{"gridRange": {"sheetId": sheet.sheet_id}}], what)
                    values[sheet.title] = parse_values(whole).get(sheet.title, [])
                else:
                    values[sheet.title] = rows
                    places = [at - 1 for at, row in enumerate(rows) if at and row]
                    self._appended[sheet.title] = (places, len(rows) - 1)
        self._layouts[self.spreadsheet_id] = layout
        self._values[self.spreadsheet_id] = {title: rows for title, rows in values.items()
                                             if title not in self._appended}
        self.display_name = layout.title or self.display_name
        return values

    def list_class_workbooks(self) -> list[WorkbookRef]:
        if not self.classes_folder:
            raise SettingsError("The Settings tab has no Classes folder: paste the Drive folder's id there.")
        folder = self.classes_folder.replace("\\", "\\\\").replace("'", "\\'")
        # every file but folders, so that one that is not a Google Sheet is named, not silently left out
        params = {"q": f"'{folder}' in parents and mimeType != '{FOLDER_MIME}' and trashed = false",
                  "fields": LIST_FIELDS, "pageSize": "1000", "orderBy": "name",
                  "supportsAllDrives": "true", "includeItemsFromAllDrives": "true"}
        refs: list[WorkbookRef] = []
        self._listing_problems = []
        while True:
            with self.http.doing("listing the Classes folder"):
                answer = self.http.request("get", DRIVE_FILES_API_V3_URL, params=params).json()
            files = answer.get("files", [])
            refs += [WorkbookRef(id=item["id"], name=item.get("name", ""), modified=item.get("modifiedTime", ""),
                                 modified_by=item.get("lastModifyingUser", {}).get("emailAddress", ""))
                     for item in files if item.get("mimeType", SPREADSHEET_MIME) == SPREADSHEET_MIME]
            self._listing_problems += [_not_a_sheet(item.get("name", ""), item["mimeType"]) for item in files
                                      if item.get("mimeType", SPREADSHEET_MIME) != SPREADSHEET_MIME]
            if not answer.get("nextPageToken"):
                return refs
            params = {**params, "pageToken": answer["nextPageToken"]}

    def read_workbook(self, ref: WorkbookRef) -> Workbook:
        return self._read(ref.id, f"reading the class workbook '{ref.name}'")

    def write_class_outputs(self, ref: WorkbookRef, tabs: list[Tab]) -> Problems:
        """Replace `Class summary` and `Problems` in the class workbook; returns tabs written beside."""
        return self._write(ref.id, tabs, f"writing the class workbook '{ref.name}'")

    def write_summary(self, tabs: list[Tab]) -> Problems:
        """Replace the owned tabs of `Tracker summary`; returns tabs written beside a person's tab.
        History is appended to, and `History state` rewritten from it."""
        appended: dict[str, tuple[int, int]] = {}
        extra: list[Tab] = []
        for tab in tabs:
            if not is_history(tab.title):
                continue
            if tab.title in self._appended:      # read through History state: the Tab's new rows
                places, rows = self._appended[tab.title]
                frame, total = tab_frame(tab, places, rows)
                appended[tab.title] = (len(places), rows)
            else:                                 # read whole (or new): the Tab is all of History
                frame, total = tab_frame(tab, [], 0)
            extra.append(state_tab(frame, total))
        return self._write(self.spreadsheet_id, tabs + extra, "writing the Tracker summary spreadsheet",
                           appended)

    def read_whole_summary(self) -> Workbook:
        """Every tab's cells, History's included, for a command that rewrites or exports all of it
        (forget, export): one `spreadsheets.get`."""
        values = self._read(self.spreadsheet_id, "reading the Tracker summary spreadsheet")
        self._appended = {}
        self.display_name = self._layouts[self.spreadsheet_id].title or self.display_name
        # History state is bookkeeping made from History by every write of it, not the school's data
        return {title: rows for title, rows in values.items() if not is_state(title)}

    @property
    def drive(self) -> gspread.Client:
        """A client with the `drive` scope, made when a year command first needs to create files."""
        if self._drive_client is None:
            from sync.google.new_files import drive_client

            self._drive_client = drive_client()
        return self._drive_client

    def read_forgotten(self, summary: Workbook) -> Forgotten | None:
        """The hidden tab of ours in Tracker summary (read whole into `summary`)."""
        rows = summary.get(FORGOTTEN_TITLE)
        if not rows:
            return None
        try:
            return forgotten_from_rows(rows)
        except ValueError:
            raise SettingsError(f"The hidden {FORGOTTEN_TITLE} tab of Tracker summary has lost its key; "
                                "delete the tab to start a new list.") from None

    def write_forgotten(self, forgotten: Forgotten) -> None:
        self.write_summary([forgotten_tab(forgotten)])

    def add_draft(self, tab: Tab) -> str | None:
        """A tab of Tracker summary that is the head's (no mark of ours, not protected)."""
        from sync.google.new_files import add_draft_tab

        layout = self._layouts.pop(self.spreadsheet_id, None) or self._fresh_layout(
            self.spreadsheet_id, "reading the Tracker summary spreadsheet")
        self._values.pop(self.spreadsheet_id, None)
        added = add_draft_tab(self.client, self.spreadsheet_id, layout, tab)
        return f"the {tab.title} tab of {SUMMARY_NAME}" if added else None

    def check_can_create(self) -> None:
        """The Classes folder is a folder on a shared drive (else one sentence)."""
        from sync.google.new_files import check_classes_folder

        check_classes_folder(http(self.drive), self.classes_folder)

    def finish_sharing(self) -> list[str]:
        """Share each class spreadsheet an earlier run made but stopped before sharing."""
        from sync.google.drive import to_bin
        from sync.google.new_files import SHARING_FROM, finished_titles, mark_shared, share_like, unfinished

        client = http(self.drive)
        lines: list[str] = []
        left = unfinished(client, self.classes_folder)
        finished = finished_titles(client, self.classes_folder) if left else set()
        for item in left:
            title, source = str(item.get("name", "")), str((item.get("appProperties") or {}).get(SHARING_FROM, ""))
            if title in finished:   # an upload made twice (its first answer lost): never shared, never used
                to_bin(client, item["id"], f"moving a second copy of '{title}' to the bin")
                lines.append(f"Moved a second copy of {title} to the shared drive's bin: an earlier run made "
                             "it when Google's answer to the first was lost.")
                continue
            finished.add(title)
            given = share_like(client, item["id"], source, title,
                               client.account_email or self.account_email) if source else 0
            mark_shared(client, item["id"], title)
            lines.append(f"Finished sharing {title}, which an earlier run made and stopped before "
                         f"sharing ({given} {'share' if given == 1 else 'shares'} given).")
        return lines

    def create_class_workbook(self, name: str, content: bytes, like: WorkbookRef | None) -> NewWorkbook:
        """A Google Sheet converted from `content` in the Classes folder, shared as `like` is."""
        from sync.google.new_files import mark_shared, share_like, upload_workbook

        title = name.removesuffix(".xlsx")
        client = http(self.drive)
        file_id = upload_workbook(client, self.classes_folder, title, content, like.id if like else "")
        shared = 0
        if like is not None:
            shared = share_like(client, file_id, like.id, title, client.account_email or self.account_email)
        mark_shared(client, file_id, title)
        return NewWorkbook(WorkbookRef(id=file_id, name=title), shared)

    def _filtered(self, spreadsheet_id: str, filters: list[dict], what: str) -> dict:
        """One `spreadsheets.getByDataFilter`: every tab's layout, cells of the tabs the filters pick."""
        with self.http.doing(what):
            return self.http.request("post", SPREADSHEET_URL % spreadsheet_id + ":getByDataFilter",
                                     params={"fields": READ_FIELDS},
                                     json={"dataFilters": filters}).json()

    def _read(self, spreadsheet_id: str, what: str) -> Workbook:
        with self.http.doing(what):
            answer = open_spreadsheet(self.client, spreadsheet_id).fetch_sheet_metadata({"fields": READ_FIELDS})
        self._layouts[spreadsheet_id] = parse_layout(answer)
        self._values[spreadsheet_id] = parse_values(answer)
        return self._values[spreadsheet_id]

    def _fresh_layout(self, spreadsheet_id: str, what: str) -> Layout:
        with self.http.doing(what):
            return parse_layout(open_spreadsheet(self.client, spreadsheet_id).fetch_sheet_metadata(
                {"fields": LAYOUT_FIELDS}))

    def _write(self, spreadsheet_id: str, tabs: list[Tab], what: str,
               appended: dict[str, tuple[int, int]] | None = None) -> Problems:
        cached = self._layouts.pop(spreadsheet_id, None)
        values = self._values.pop(spreadsheet_id, None) if cached else None
        layout = cached or self._fresh_layout(spreadsheet_id, what)
        plan = plan_write(tabs, layout, values, appended)
        try:
            self._send(spreadsheet_id, plan.requests, layout, what)
        except RequestRejected as error:
            if error.status != 400 or isinstance(error, RequestTooLarge):
                raise
            layout = self._fresh_layout(spreadsheet_id, what)   # and the cells read are stale too
            plan = plan_write(tabs, layout, appended=appended)
            self._send(spreadsheet_id, plan.requests, layout, what)
        self.problems += plan.problems
        return plan.problems

    def _send(self, spreadsheet_id: str, requests_: list[dict], layout: Layout, what: str) -> None:
        """The write in one batchUpdate, or, when that would be over REQUEST_BUDGET, through hidden
        staging tabs and a last small batch that puts them in place (sync.google.batch.staged)."""
        if requests_:
            spreadsheet = open_spreadsheet(self.client, spreadsheet_id)
            with self.http.doing(what):
                for batch in staged(requests_, layout):
                    spreadsheet.batch_update({"requests": batch})


def _not_a_sheet(name: str, mime: str) -> dict[str, str]:
    """The warning for a file in the Classes folder that is not a Google Sheet (as local mode
    names a file in classes/ that is not a workbook): never read, so said."""
    kind = UPLOADED_WORKBOOKS.get(mime)
    if kind:
        found, expected = (f"{kind} uploaded to Drive, not a Google Sheet, so not read",
                           "open it in Drive and choose File > Save as Google Sheets; the sync reads "
                           "the Google Sheet (then move the uploaded file out of the folder)")
    elif mime == "application/vnd.google-apps.shortcut":
        found, expected = ("a shortcut, not a Google Sheet, so not read",
                           "move the class spreadsheet itself into the Classes folder")
    else:
        found, expected = ("a file that is not a class workbook",
                           "only Google Sheets are read from the Classes folder; this file is not")
    return dict(zip(PROBLEMS, [name, "", "", found, expected, "warning"], strict=True))
