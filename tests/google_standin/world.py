"""Everything the stand-in holds: Drive files, the spreadsheets behind them, who may see what."""
from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .model import ApiError, Spreadsheet, new_id, new_spreadsheet

FOLDER = "application/vnd.google-apps.folder"
SPREADSHEET = "application/vnd.google-apps.spreadsheet"
DOCUMENT = "application/vnd.google-apps.document"


def rfc3339(seconds: float) -> str:
    stamp = dt.datetime.fromtimestamp(seconds, dt.UTC)
    return stamp.strftime("%Y-%m-%dT%H:%M:%S.") + f"{stamp.microsecond // 1000:03d}Z"


@dataclass
class DriveFile:
    id: str
    name: str
    mime_type: str
    parents: list[str]
    created: float
    modified: float
    modified_by: str
    owner: str
    shared_with: set[str] = field(default_factory=set)
    trashed: bool = False
    content: bytes = b""
    document: list[dict[str, Any]] | None = None   # a converted Google Doc: blocks of content
    app_properties: dict[str, str] = field(default_factory=dict)   # private to the app that set them
    drive_id: str = ""            # the shared drive it is on ("" for someone's My Drive)
    permissions: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Permissions given through permissions.create (id -> Permission); everyone else in
    `shared_with` is an editor (`writer`), as the tests' direct shares have always meant."""

    def resource(self, viewer: str) -> dict[str, Any]:
        """The full Drive v3 File resource as `viewer` sees it."""
        def user(email: str) -> dict[str, Any]:
            return {"kind": "drive#user", "displayName": email.split("@")[0], "emailAddress": email,
                    "me": email == viewer, "permissionId": str(abs(hash(email)) % 10**20)}
        out: dict[str, Any] = {
            "kind": "drive#file", "id": self.id, "name": self.name, "mimeType": self.mime_type,
            "parents": self.parents, "trashed": self.trashed, "createdTime": rfc3339(self.created),
            "modifiedTime": rfc3339(self.modified), "lastModifyingUser": user(self.modified_by),
            "owners": [user(self.owner)], "version": str(int(self.modified * 1000)),
            "webViewLink": f"https://drive.google.com/file/d/{self.id}/view"}
        if self.mime_type not in (FOLDER, SPREADSHEET, DOCUMENT):
            out["size"] = str(len(self.content))
        if self.app_properties:
            out["appProperties"] = dict(self.app_properties)
        if self.drive_id:
            out["driveId"] = self.drive_id
        return out


class NotFound(ApiError):
    def __init__(self, file_id: str) -> None:
        message = f"File not found: {file_id}."
        super().__init__(404, "NOT_FOUND", message)
        self.errors = [{"message": message, "domain": "global", "reason": "notFound",
                        "location": "fileId", "locationType": "parameter"}]

    def body(self) -> dict[str, Any]:
        return {"error": {"code": 404, "message": self.message, "errors": self.errors}}


def permission_id(email: str) -> str:
    """A stable numeric permission id for a person (Drive's are numbers, the same on every file)."""
    import zlib

    return str(zlib.crc32(email.lower().encode()) * 7919 % 10**20)


def sheets_not_found() -> ApiError:
    return ApiError(404, "NOT_FOUND", "Requested entity was not found.")


def sheets_forbidden() -> ApiError:
    return ApiError(403, "PERMISSION_DENIED", "The caller does not have permission")


@dataclass
class World:
    files: dict[str, DriveFile] = field(default_factory=dict)
    books: dict[str, Spreadsheet] = field(default_factory=dict)
    clock: Callable[[], float] = time.time
    lock: threading.RLock = field(default_factory=threading.RLock)
    last_stamp: float = 0.0
    tasks: dict[str, dict[str, Any]] = field(default_factory=dict)    # Cloud Tasks: name -> task
    drives: dict[str, dict[str, str]] = field(default_factory=dict)
    """Shared drive id -> member email -> role (organizer, fileOrganizer = Content manager, writer)."""

    def role(self, item: DriveFile, email: str) -> str:
        """The caller's role on the shared drive `item` is on ("" when none, or not on one)."""
        return self.drives.get(item.drive_id, {}).get(email, "") if item.drive_id else ""

    def stamp(self) -> float:
        """Now, strictly later than any stamp before: modifiedTime moves on every write."""
        self.last_stamp = max(self.clock(), self.last_stamp + 0.001)
        return self.last_stamp

    def can_see(self, item: DriveFile, email: str) -> bool:
        seen: set[str] = set()
        todo = [item]
        while todo:
            here = todo.pop()
            if email in here.shared_with or "anyone" in here.shared_with or self.role(here, email):
                return True
            seen.add(here.id)
            todo += [self.files[p] for p in here.parents if p in self.files and p not in seen]
        return False

    def permission_list(self, item: DriveFile) -> list[dict[str, Any]]:
        """Everyone who may open `item` and how, as Drive's permissions.list answers: the owner (not
        on a shared drive), the file's own permissions, then those it inherits from its folders and
        its shared drive (with `permissionDetails`, which Drive gives for shared drive items)."""
        def detail(role: str, inherited_from: str = "", kind: str = "file") -> dict[str, Any]:
            found: dict[str, Any] = {"permissionType": kind, "role": role, "inherited": bool(inherited_from)}
            if inherited_from:
                found["inheritedFrom"] = inherited_from
            return found

        def person(email: str, role: str, inherited_from: str = "", kind: str = "file") -> dict[str, Any]:
            entry: dict[str, Any] = ({"kind": "drive#permission", "id": "anyoneWithLink", "type": "anyone",
                                      "role": role, "allowFileDiscovery": False} if email == "anyone" else
                                     {"kind": "drive#permission", "id": permission_id(email), "type": "user",
                                      "role": role, "emailAddress": email, "displayName": email.split("@")[0]})
            if item.drive_id:
                entry["permissionDetails"] = [detail(role, inherited_from, kind)]
            return entry

        given = {p.get("emailAddress", p["type"]) for p in item.permissions.values()}
        out = [] if item.drive_id else [person(item.owner, "owner")]
        out += [person(email, "reader" if email == "anyone" else "writer")
                for email in sorted(item.shared_with - {item.owner} - given)]
        out += [dict(p, permissionDetails=[detail(p["role"])]) if item.drive_id else dict(p)
                for p in item.permissions.values()]
        seen, todo = {item.id}, list(item.parents)
        while todo:
            folder = self.files.get(todo.pop())
            if folder is None or folder.id in seen:
                continue
            seen.add(folder.id)
            out += [person(email, "writer", folder.id) for email in sorted(folder.shared_with)
                    if email != folder.owner or not folder.drive_id]
            todo += folder.parents
        for email, role in sorted(self.drives.get(item.drive_id, {}).items()):
            out.append(person(email, role, item.drive_id, "member"))
        return out

    def role_of(self, item: DriveFile, email: str) -> str:
        """The caller's role on `item`: owner, its shared drive role, a permission's, else writer
        when it is shared with them (or through a folder), else ""."""
        if item.owner == email and not item.drive_id:
            return "owner"
        for permission in item.permissions.values():
            if permission.get("emailAddress") == email:
                return str(permission["role"])
        return self.role(item, email) or ("writer" if self.can_see(item, email) else "")

    def file(self, file_id: str, email: str) -> DriveFile:
        """A file the caller may see, else Drive's 404 (Drive hides what is not shared)."""
        item = self.files.get(file_id)
        if item is None or not self.can_see(item, email):
            raise NotFound(file_id)
        return item

    def book(self, spreadsheet_id: str, email: str) -> Spreadsheet:
        """A spreadsheet the caller may open: 404 when none, 403 when not shared, as Sheets does."""
        item = self.files.get(spreadsheet_id)
        if item is None or spreadsheet_id not in self.books or item.trashed:
            raise sheets_not_found()
        if not self.can_see(item, email):
            raise sheets_forbidden()
        return self.books[spreadsheet_id]

    def add_file(self, name: str, mime_type: str, owner: str, parents: list[str] | None = None,
                 content: bytes = b"", file_id: str | None = None,
                 shared_with: set[str] | None = None, drive_id: str = "") -> DriveFile:
        """A new file; one put in a folder on a shared drive is on that drive too."""
        now = self.stamp()
        if not drive_id and parents and parents[0] in self.files:
            drive_id = self.files[parents[0]].drive_id
        item = DriveFile(file_id or new_id(33 if mime_type == FOLDER else 44), name, mime_type,
                         list(parents or []), now, now, owner, owner,
                         {owner} | (shared_with or set()), content=content, drive_id=drive_id)
        self.files[item.id] = item
        if mime_type == SPREADSHEET:
            self.books[item.id] = new_spreadsheet(name, item.id)
        return item

    def touched(self, file_id: str, email: str) -> None:
        item = self.files[file_id]
        item.modified, item.modified_by = self.stamp(), email
        if file_id in self.books:
            item.name = self.books[file_id].properties["title"]

    def delete(self, file_id: str) -> None:
        for child in [f.id for f in self.files.values() if file_id in f.parents]:
            self.delete(child)
        self.files.pop(file_id, None)
        self.books.pop(file_id, None)
