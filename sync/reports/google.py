"""Parent reports in Google mode: a `ReportSink` on Drive.

In the school's `Reports folder` (a Drive folder id from Settings) there is one subfolder per class,
found or created once per run; in it, for each pupil, the report as a PDF and as a Google Doc: the
report as a Word document (sync/reports/docx.py, from the Word template a school can edit), uploaded
with conversion to `application/vnd.google-apps.document`, which keeps its pictures, table and styles.

The Reports folder must be on a shared drive: a service account has no Drive storage of its own,
so Drive refuses any file it would own in someone's My Drive ("Service Accounts do not have storage
quota"). `prepare` checks that first, before anything is rendered, and stops with one sentence
(exit 2) when it is not. The service account needs to be a Content manager of the shared drive,
not a Manager: a second copy of a report (a create that was retried) is moved to the bin, which a
Content manager may do, rather than deleted, which only a Manager may.

Each of our files carries appProperties (private to our Cloud project): the Reports folder it
belongs to, the window ("2026-27 Autumn"), the kind ("pdf" or "doc") and the pupil's key, a hash of
the UPN (sync.reports.names.pupil_key), never the UPN itself. `prepare` lists the window's files
once; `write` then updates a pupil's files in place (content, name, class folder) instead of making
second ones, so links a school has shared stay valid. Requests: per run one look at the Reports
folder, one listing of class folders, one creation per new class folder and one listing per 1,000
earlier files; per pupil two uploads. Messages name the class at most, never a pupil.

Scope: `drive`. `drive.file` only reaches files this app created or a person opened with it through
a picker; the Reports folder is a folder the school made and shared with the service account, so
under `drive.file` creating a class folder in it fails. `drive.metadata*` and `drive.readonly`
cannot create files.
"""
from __future__ import annotations

import functools
import json
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import ClassVar
from urllib.parse import quote

import gspread
from gspread.urls import DRIVE_FILES_API_V3_URL as DRIVE_FILES

from sync.errors import SettingsError
from sync.google.client import TrackerHTTPClient, build_client, http
from sync.google.drive import (
    ALL_DRIVES,
    DRIVE_SCOPES,
    DRIVE_UPLOAD,
    FOLDER_MIME,
    check_shared_drive_folder,
    quoted,
    to_bin,
)
from sync.google.pacer import Pacer
from sync.reports.docx import DOCX_MIME
from sync.reports.local import ReportTarget
from sync.reports.names import safe_name

DOC_MIME = "application/vnd.google-apps.document"
PDF_MIME = "application/pdf"
PAGE_SIZE = "1000"
DRIVE_REQUESTS_PER_MINUTE = 90   # per process and kind (see report_client)
LISTING = {**ALL_DRIVES, "includeItemsFromAllDrives": "true", "pageSize": PAGE_SIZE}


def report_client() -> gspread.Client:
    """A client allowed to create files in a folder shared with the service account, paced for
    Drive rather than Sheets: Drive allows far more than Sheets' 60 a minute, but asks for no more
    than about 3 writes a second per account, sustained; two worker processes at 90 a minute each
    stay under that."""
    return build_client(scopes=DRIVE_SCOPES, pacer=Pacer(limit=DRIVE_REQUESTS_PER_MINUTE))


@dataclass
class _Existing:
    id: str
    parent: str


@dataclass
class GoogleDriveSink:
    """Reports as a PDF and a Google Doc per pupil in `<Reports folder>/<class>/` on Drive.

    `prepare` runs in the parent process; the sink is then pickled to worker processes with what
    it found (without its client: each process signs in for itself).
    """

    reports_folder: str
    client_factory: Callable[[], gspread.Client] = report_client
    wants_docx: ClassVar[bool] = True   # write() gets the report as a .docx, for its Google Doc
    class_folders: dict[str, str] = field(default_factory=dict)   # class name -> folder id
    existing: dict[tuple[str, str, str], _Existing] = field(default_factory=dict)
    _client: TrackerHTTPClient | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if not self.reports_folder.strip():
            raise SettingsError("The Settings tab has no Reports folder: paste the id of the Drive "
                                "folder for parent reports there, shared with the service account.")

    def __getstate__(self) -> dict:
        return {**self.__dict__, "_client": None}

    @property
    def client(self) -> TrackerHTTPClient:
        """The gspread client's HTTP client: Drive has no gspread wrapper for what we do here."""
        if self._client is None:
            self._client = http(self.client_factory())
        return self._client

    def prepare(self, targets: list[ReportTarget]) -> None:
        """Check the Reports folder is on a shared drive, find or create the class folders, and
        find the pupils' earlier files for the window."""
        self._check_shared_drive()
        if not targets:
            return
        self._class_folders({t.class_name for t in targets})
        wanted = {t.key for t in targets}
        for window in sorted({_window(t) for t in targets}):
            found: dict[tuple[str, str, str], list[_Existing]] = {}
            for item in self._list(self._reports_query(window), "id,parents,appProperties",
                                   "finding earlier parent reports"):
                props = item.get("appProperties") or {}
                if props.get("trackerPupil") in wanted:
                    key = (window, str(props["trackerPupil"]), str(props.get("trackerKind", "")))
                    parent = (item.get("parents") or [""])[0]
                    found.setdefault(key, []).append(_Existing(item["id"], parent))
            for key, items in found.items():
                self.existing[key] = items[0]
                for extra in items[1:]:   # a second copy (a create that was retried): to the bin
                    to_bin(self.client, extra.id, "removing a duplicate parent report")

    def erase(self, keys: set[str], *, dry_run: bool) -> int:
        """Move every file of these pupils in the Reports folder (each window's PDF and Google Doc)
        to the shared drive's bin, which Drive empties after 30 days: a Content manager may bin a
        file, only a Manager may delete one. The number of reports (PDFs) found."""
        files = [item for item in self._list(self._reports_query(), "id,appProperties",
                                             "finding parent reports to remove")
                 if (item.get("appProperties") or {}).get("trackerPupil") in keys]
        if not dry_run:
            for item in files:
                to_bin(self.client, item["id"], "moving a parent report to the bin")
        return sum(1 for item in files if item["appProperties"].get("trackerKind") == "pdf")

    def _check_shared_drive(self) -> None:
        check_shared_drive_folder(self.client, self.reports_folder, "Reports folder",
                                  paste="a folder on a shared drive", then="or paste the id of a folder there")

    def write(self, target: ReportTarget, pdf: bytes, docx: bytes) -> str:
        """Upload (or replace) the pupil's PDF and Google Doc; return "<class>/<name>"."""
        folder = self.class_folders[target.class_name]
        what = f"writing a parent report for class {target.class_name}"
        self._upload(target, "pdf", f"{target.stem}.pdf", PDF_MIME, (pdf, PDF_MIME), folder, what)
        self._upload(target, "doc", target.stem, DOC_MIME, (docx, DOCX_MIME), folder, what)
        return f"{safe_name(target.class_name)}/{target.stem}"

    def _upload(self, target: ReportTarget, kind: str, name: str, mime: str,
                media: tuple[bytes, str], folder: str, what: str) -> None:
        props = {"trackerReports": self.reports_folder, "trackerWindow": _window(target),
                 "trackerKind": kind, "trackerPupil": target.key}
        old = self.existing.get((_window(target), target.key, kind))
        params = {**ALL_DRIVES, "uploadType": "multipart", "fields": "id"}
        if old is None:
            meta = {"name": name, "mimeType": mime, "parents": [folder], "appProperties": props}
            self._request("post", DRIVE_UPLOAD, params, multipart(meta, *media), what,
                          made_already=lambda: self._first(self._made_query(folder, props), what))
            return
        if old.parent != folder:   # the pupil moved class: move the file with them
            params |= {"addParents": folder, "removeParents": old.parent}
        self._request("patch", f"{DRIVE_UPLOAD}/{quote(old.id, safe='')}", params,
                      multipart({"name": name, "appProperties": props}, *media), what)

    def _request(self, method: str, url: str, params: dict, upload: tuple[bytes, str], what: str,
                 made_already: Callable[[], dict | None] | None = None) -> dict:
        """A Drive upload (`upload` = the raw body and its content type); its JSON answer.
        `made_already` finds what a create made if its answer was lost (TrackerHTTPClient.request)."""
        with self.client.doing(what):
            return self.client.request(method, url, params=params, data=upload[0],
                                       headers={"Content-Type": upload[1]}, made_already=made_already).json()

    @staticmethod
    def _made_query(folder: str, props: dict[str, str]) -> str:
        """Our file in `folder` with every one of `props`."""
        marks = " and ".join(f"appProperties has {{ key='{key}' and value='{quoted(value)}' }}"
                             for key, value in props.items())
        return f"'{quoted(folder)}' in parents and {marks} and trashed = false"

    def _first(self, query: str, what: str) -> dict | None:
        found = self._list(query, "id", what)
        return found[0] if found else None

    def _class_folders(self, classes: Iterable[str]) -> None:
        parent = quoted(self.reports_folder)
        query = f"'{parent}' in parents and mimeType = '{FOLDER_MIME}' and trashed = false"
        by_name: dict[str, str] = {}
        for item in self._list(query, "id,name", "listing the Reports folder", order="createdTime"):
            by_name.setdefault(str(item.get("name", "")), item["id"])
        for class_name in sorted(classes):
            name = safe_name(class_name)
            if name not in by_name:
                with self.client.doing(f"making the folder for class {class_name} in the Reports folder"):
                    made_by_a_lost_try = functools.partial(self._first, f"{query} and name = '{quoted(name)}'",
                                                           "listing the Reports folder")
                    made = self.client.request(
                        "post", DRIVE_FILES, params={**ALL_DRIVES, "fields": "id"},
                        json={"name": name, "mimeType": FOLDER_MIME, "parents": [self.reports_folder]},
                        made_already=made_by_a_lost_try).json()
                by_name[name] = made["id"]
            self.class_folders[class_name] = by_name[name]

    def _reports_query(self, window: str | None = None) -> str:
        """Our files in this Reports folder (for one window, or every one), not in the bin."""
        query = f"appProperties has {{ key='trackerReports' and value='{quoted(self.reports_folder)}' }}"
        if window is not None:
            query += f" and appProperties has {{ key='trackerWindow' and value='{quoted(window)}' }}"
        return query + " and trashed = false"

    def _list(self, query: str, fields: str, what: str, order: str = "") -> list[dict]:
        params = {**LISTING, "q": query, "fields": f"nextPageToken,files({fields})"}
        if order:
            params["orderBy"] = order
        items: list[dict] = []
        while True:
            with self.client.doing(what):
                answer = self.client.request("get", DRIVE_FILES, params=params).json()
            items += answer.get("files", [])
            if not answer.get("nextPageToken"):
                return items
            params = {**params, "pageToken": answer["nextPageToken"]}


def multipart(metadata: dict, content: bytes, content_type: str) -> tuple[bytes, str]:
    """A Drive multipart upload body (metadata then media, multipart/related) and its type."""
    boundary = f"tracker-{uuid.uuid4().hex}"
    head = (f"--{boundary}\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n"
            f"{json.dumps(metadata)}\r\n--{boundary}\r\nContent-Type: {content_type}\r\n\r\n")
    body = head.encode("utf-8") + content + f"\r\n--{boundary}--\r\n".encode("ascii")
    return body, f"multipart/related; boundary={boundary}"


def _window(target: ReportTarget) -> str:
    return f"{target.academic_year} {target.window_name}"
