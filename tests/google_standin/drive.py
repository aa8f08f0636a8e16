"""Drive v3 routes: files list/get/create/update/delete/copy/export, with q, fields and paging;
permissions list/create."""
from __future__ import annotations

import base64
import copy
import csv
import email.parser
import email.policy
import io
import json
import re
from collections.abc import Callable
from typing import Any

from . import docs, fieldmask, schemas
from .a1 import Box
from .call import Call, Reply
from .load import fill_from_xlsx, workbook_bytes
from .model import ApiError, read_values
from .world import DOCUMENT, FOLDER, SPREADSHEET, DriveFile, World, new_id

Route = Callable[[Call], Any]
ROUTES: dict[str, Route] = {}
READS = {"files.list", "files.get", "files.export", "permissions.list"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
IMPORTS_TO_SPREADSHEET = {  # about.importFormats: what Drive converts into a Google Sheet
    XLSX, "application/vnd.ms-excel", "application/vnd.ms-excel.sheet.macroenabled.12",
    "application/vnd.oasis.opendocument.spreadsheet", "application/x-vnd.oasis.opendocument.spreadsheet",
    "text/csv", "text/tab-separated-values", "text/plain", "application/vnd.google-apps.script+text/plain",
    "application/x-msexcel", "application/vnd.ms-excel.sheet.binary.macroenabled.12"}
ROLES = ("owner", "organizer", "fileOrganizer", "writer", "commenter", "reader")
PERMISSION_TYPES = ("user", "group", "domain", "anyone")
DEFAULT_PERMISSION_FIELDS = "kind,id,type,role"
DEFAULT_FIELDS = "kind,id,name,mimeType"
_CLAUSE = re.compile(
    r"""^\s*(?:'(?P<parent>(?:[^'\\]|\\.)*)'\s+in\s+parents"""
    r"""|(?P<props>appProperties|properties)\s+has\s+\{\s*key\s*=\s*'(?P<key>(?:[^'\\]|\\.)*)'\s+and\s+"""
    r"""value\s*=\s*'(?P<pvalue>(?:[^'\\]|\\.)*)'\s*\}"""
    r"""|(?P<field>mimeType|name|trashed|modifiedTime|createdTime)\s*(?P<op>!=|=|>=|<=|>|<|contains)\s*"""
    r"""(?P<value>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|true|false))\s*$""")


def route(method_id: str) -> Callable[[Route], Route]:
    def register(function: Route) -> Route:
        ROUTES[method_id] = function
        return function
    return register


def invalid(location: str, message: str = "Invalid Value") -> ApiError:
    error = ApiError(400, "INVALID_ARGUMENT", message)
    error.body = lambda: {"error": {"code": 400, "message": message, "errors": [  # type: ignore[method-assign]
        {"message": message, "domain": "global", "reason": "invalid",
         "locationType": "parameter", "location": location}]}}
    return error


def _split_and(query: str) -> list[str]:
    """Split on " and " outside quotes and `{ }` (a `has` clause); "or" and parentheses are not
    supported (400)."""
    parts, current, quote, braces = [], "", "", 0
    tokens = re.split(r"(\s+and\s+|'|\"|\{|\})", query)
    for token in tokens:
        if token in ("'", '"'):
            quote = "" if quote == token else (quote or token)
            current += token
        elif not quote and token in ("{", "}"):
            braces += 1 if token == "{" else -1
            current += token
        elif not quote and not braces and re.fullmatch(r"\s+and\s+", token or ""):
            parts.append(current)
            current = ""
        else:
            current += token or ""
    return parts + [current]


def matcher(query: str) -> Callable[[DriveFile], bool]:
    """A Drive `q` -> a predicate. Supports the clauses a sync uses, joined by `and`."""
    tests = []
    for clause in _split_and(query):
        match = _CLAUSE.match(clause)
        if not match:
            raise invalid("q")
        if match["parent"] is not None:
            parent = match["parent"]
            tests.append(lambda f, p=parent: p in f.parents)
            continue
        if match["props"] is not None:
            if match["props"] == "properties":
                raise invalid("q", "The stand-in keeps appProperties only.")
            key, wanted = (re.sub(r"\\(.)", r"\1", match[name]) for name in ("key", "pvalue"))
            tests.append(lambda f, k=key, v=wanted: f.app_properties.get(k) == v)
            continue
        raw = match["value"]
        value: Any = raw == "true" if raw in ("true", "false") else re.sub(r"\\(.)", r"\1", raw[1:-1])
        tests.append(_compare(match["field"], match["op"], value))
    return lambda item: all(test(item) for test in tests)


def _compare(name: str, op: str, value: Any) -> Callable[[DriveFile], bool]:
    def have(item: DriveFile) -> Any:
        return {"mimeType": item.mime_type, "name": item.name, "trashed": item.trashed,
                "modifiedTime": item.resource("")["modifiedTime"],
                "createdTime": item.resource("")["createdTime"]}[name]
    operations = {"=": lambda a, b: a == b, "!=": lambda a, b: a != b, ">": lambda a, b: a > b,
                  "<": lambda a, b: a < b, ">=": lambda a, b: a >= b, "<=": lambda a, b: a <= b,
                  "contains": lambda a, b: str(b).lower() in str(a).lower()}
    return lambda item: operations[op](have(item), value)


def _shaped(call: Call, item: DriveFile, default: str = DEFAULT_FIELDS) -> dict[str, Any]:
    return fieldmask.apply(item.resource(call.email), fieldmask.parse(call.arg("fields") or default))


@route("files.list")
def files_list(call: Call) -> dict[str, Any]:
    world = call.world
    wanted = matcher(call.arg("q")) if call.arg("q") else (lambda item: True)
    found = [f for f in world.files.values() if world.can_see(f, call.email) and wanted(f)
             and (not f.trashed or "trashed" in (call.arg("q") or ""))]
    order = (call.arg("orderBy") or "").split(",")[0].split()
    if order:
        key = {"name": lambda f: f.name.lower(), "modifiedTime": lambda f: f.modified,
               "createdTime": lambda f: f.created}.get(order[0])
        if key is None:
            raise invalid("orderBy")
        found.sort(key=key, reverse=order[-1] == "desc")
    size = int(call.arg("pageSize") or 100)
    if not 1 <= size <= 1000:
        raise invalid("pageSize")
    start = int(base64.urlsafe_b64decode(call.arg("pageToken")).decode()) if call.arg("pageToken") else 0
    page = found[start:start + size]
    out: dict[str, Any] = {"kind": "drive#fileList", "incompleteSearch": False,
                           "files": [f.resource(call.email) for f in page]}
    if start + size < len(found):
        out["nextPageToken"] = base64.urlsafe_b64encode(str(start + size).encode()).decode()
    return fieldmask.apply(out, fieldmask.parse(call.arg("fields") or
                                                "kind,incompleteSearch,nextPageToken,files(kind,id,name,mimeType)"))


@route("files.get")
def files_get(call: Call) -> dict[str, Any]:
    return _shaped(call, call.world.file(call.params["fileId"], call.email))


def _metadata_and_media(call: Call) -> tuple[dict[str, Any], bytes | None, str]:
    """The File metadata and the uploaded content (multipart or media upload, else none)."""
    kind = call.arg("uploadType")
    if kind is None:
        return call.body or {}, None, ""
    if kind == "media":
        return {}, call.body or b"", call.headers.get("content-type", "application/octet-stream")
    if kind != "multipart":
        raise invalid("uploadType", "The stand-in supports media and multipart uploads only.")
    header = f"Content-Type: {call.headers.get('content-type')}\r\n\r\n".encode()
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(header + call.body)
    parts = list(message.iter_parts())
    if len(parts) != 2:
        raise invalid("body", "A multipart upload has a metadata part and a media part.")
    try:
        meta = json.loads(parts[0].get_content())
    except ValueError:
        raise ApiError(400, "INVALID_ARGUMENT", "Invalid JSON payload received.") from None
    found = schemas.violations("drive.v3", "File", meta)
    if found:
        raise ApiError(400, "INVALID_ARGUMENT", found[0].description,
                       [{"field": v.field, "description": v.description} for v in found])
    media = parts[1].get_payload(decode=True) or b""
    return meta, media, parts[1].get_content_type()


def _set_app_properties(item: DriveFile, meta: dict[str, Any]) -> None:
    """Merge `appProperties` as Drive does: a null value removes the key."""
    for key, value in (meta.get("appProperties") or {}).items():
        if value is None:
            item.app_properties.pop(key, None)
        else:
            item.app_properties[key] = str(value)


def _spreadsheet_import(media_type: str) -> str:
    """"" when Drive converts this media into a Google Sheet and the stand-in can too, else the
    refusal's message."""
    kind = media_type.split(";")[0].strip().lower()
    if kind not in IMPORTS_TO_SPREADSHEET:
        # the stand-in's wording: Drive refuses media it cannot import into the target type
        return f"The uploaded content ({media_type}) cannot be converted to a Google Sheet."
    if kind != XLSX:
        raise ApiError(501, "UNIMPLEMENTED", "The stand-in converts only .xlsx uploads into a Google Sheet.")
    return ""


def _store_media(item: DriveFile, media: bytes, media_type: str, world: World | None = None) -> None:
    if item.mime_type == SPREADSHEET and world is not None and item.id in world.books:
        refusal = _spreadsheet_import(media_type)
        if refusal:
            raise invalid("mimeType", refusal)
        try:
            fill_from_xlsx(world.books[item.id], io.BytesIO(media))
        except Exception:  # noqa: BLE001 - any content openpyxl cannot open
            raise invalid("media", "The uploaded content could not be converted.") from None
    elif item.mime_type == DOCUMENT:
        if not docs.importable(media_type):
            # the stand-in's wording: Drive refuses media it cannot import into the target type
            raise invalid("mimeType", f"The uploaded content ({media_type}) cannot be converted to a Google Doc.")
        item.document = docs.from_upload(media, media_type)
    else:
        item.content = media


NO_QUOTA = ("Service Accounts do not have storage quota. Leverage shared drives "
            "(https://developers.google.com/workspace/drive/api/guides/about-shareddrives), or use OAuth "
            "delegation (http://support.google.com/a/answer/7281227) instead.")


def _error(code: int, status: str, message: str, reason: str, domain: str = "global") -> ApiError:
    """Drive's error shape: `errors` with a reason, as Drive v3 still answers."""
    error = ApiError(code, status, message)
    error.body = lambda: {"error": {"code": code, "message": message, "errors": [  # type: ignore[method-assign]
        {"message": message, "domain": domain, "reason": reason}]}}
    return error


def _is_service_account(email: str) -> bool:
    return email.endswith(".gserviceaccount.com")


@route("files.create")
def files_create(call: Call) -> dict[str, Any]:
    meta, media, media_type = _metadata_and_media(call)
    parents = meta.get("parents") or []
    for parent in parents:
        if call.world.file(parent, call.email).mime_type != FOLDER:
            raise invalid("parents", "The parent is not a folder.")
    mime = meta.get("mimeType") or media_type or "application/octet-stream"
    on_shared_drive = bool(parents) and bool(call.world.files[parents[0]].drive_id)
    if _is_service_account(call.email) and mime != FOLDER and not on_shared_drive:
        # a service account would own the file, and it has no storage quota of its own
        raise _error(403, "PERMISSION_DENIED", NO_QUOTA, "storageQuotaExceeded", "usageLimits")
    if mime == DOCUMENT and media is not None and not docs.importable(media_type):
        # the stand-in's wording: Drive refuses media it cannot import into a Google Doc; nothing is made
        raise invalid("mimeType", f"The uploaded content ({media_type}) cannot be converted to a Google Doc.")
    if mime == SPREADSHEET and media is not None and _spreadsheet_import(media_type):
        raise invalid("mimeType", _spreadsheet_import(media_type))
    item = call.world.add_file(meta.get("name") or "Untitled", mime, call.email, parents)
    _set_app_properties(item, meta)
    if media is not None:
        try:
            _store_media(item, media, media_type, call.world)
        except ApiError:
            call.world.delete(item.id)      # nothing is made
            raise
    return _shaped(call, item)


@route("files.update")
def files_update(call: Call) -> dict[str, Any]:
    item = call.world.file(call.params["fileId"], call.email)
    meta, media, media_type = _metadata_and_media(call)
    if meta.get("name"):
        item.name = meta["name"]
        if item.id in call.world.books:
            call.world.books[item.id].properties["title"] = item.name
    if meta.get("trashed") is not None:
        role = call.world.role(item, call.email)
        if item.drive_id and role not in ("organizer", "fileOrganizer") and item.owner != call.email:
            raise _error(403, "PERMISSION_DENIED", "The user does not have sufficient permissions "
                         "for this file.", "insufficientFilePermissions")
        item.trashed = bool(meta["trashed"])
    _set_app_properties(item, meta)
    removed = set(filter(None, (call.arg("removeParents") or "").split(",")))
    added = [p for p in (call.arg("addParents") or "").split(",") if p]
    for parent in added:
        call.world.file(parent, call.email)
    item.parents = [p for p in item.parents if p not in removed] + added
    if media is not None:
        _store_media(item, media, media_type)
    call.world.touched(item.id, call.email)
    return _shaped(call, item)


@route("files.delete")
def files_delete(call: Call) -> Reply:
    item = call.world.file(call.params["fileId"], call.email)
    # on a shared drive only an organizer (Manager) may delete; a Content manager may only trash
    allowed = call.world.role(item, call.email) == "organizer" if item.drive_id else item.owner == call.email
    if not allowed:
        raise _error(403, "PERMISSION_DENIED", "The user does not have sufficient permissions for this file.",
                     "insufficientFilePermissions")
    call.world.delete(item.id)
    return Reply(204)


@route("files.copy")
def files_copy(call: Call) -> dict[str, Any]:
    item = call.world.file(call.params["fileId"], call.email)
    meta = call.body or {}
    parents = meta.get("parents") or item.parents
    for parent in meta.get("parents") or []:
        if call.world.file(parent, call.email).mime_type != FOLDER:
            raise invalid("parents", "The parent is not a folder.")
    on_shared_drive = bool(parents) and parents[0] in call.world.files and bool(call.world.files[parents[0]].drive_id)
    if _is_service_account(call.email) and not on_shared_drive:
        # the copy would be the service account's own, and it has no storage quota
        raise _error(403, "PERMISSION_DENIED", NO_QUOTA, "storageQuotaExceeded", "usageLimits")
    twin = call.world.add_file(meta.get("name") or f"Copy of {item.name}", item.mime_type,
                               call.email, parents, item.content)
    twin.document = copy.deepcopy(item.document)
    if item.id in call.world.books:
        book = copy.deepcopy(call.world.books[item.id])
        book.id, book.properties["title"] = twin.id, twin.name
        call.world.books[twin.id] = book
    return _shaped(call, twin)


@route("permissions.list")
def permissions_list(call: Call) -> dict[str, Any]:
    item = call.world.file(call.params["fileId"], call.email)
    found = call.world.permission_list(item)
    size = int(call.arg("pageSize") or 100)
    if not 1 <= size <= 100:
        raise invalid("pageSize")
    start = int(base64.urlsafe_b64decode(call.arg("pageToken")).decode()) if call.arg("pageToken") else 0
    out: dict[str, Any] = {"kind": "drive#permissionList", "permissions": found[start:start + size]}
    if start + size < len(found):
        out["nextPageToken"] = base64.urlsafe_b64encode(str(start + size).encode()).decode()
    return fieldmask.apply(out, fieldmask.parse(call.arg("fields") or
                                                f"kind,nextPageToken,permissions({DEFAULT_PERMISSION_FIELDS})"))


@route("permissions.create")
def permissions_create(call: Call) -> dict[str, Any]:
    """Share a file, refusing what the Drive v3 reference says Drive refuses."""
    item = call.world.file(call.params["fileId"], call.email)
    body = call.body or {}
    kind, role = body.get("type"), body.get("role")
    if call.world.role_of(item, call.email) not in ("owner", "organizer", "fileOrganizer", "writer"):
        raise _error(403, "PERMISSION_DENIED", "The user does not have sufficient permissions for this file.",
                     "insufficientFilePermissions")
    if kind not in PERMISSION_TYPES:
        raise invalid("permission.type", "Invalid permission type." if kind else "The permission type field is required.")
    if role not in ROLES:
        raise invalid("permission.role", "Invalid permission role." if role else "The permission role field is required.")
    notify = call.arg("sendNotificationEmail")
    if notify is not None and kind not in ("user", "group"):
        # "This defaults to true for users and groups, and is not allowed for other requests."
        raise invalid("sendNotificationEmail", "sendNotificationEmail is only allowed for users and groups.")
    if kind in ("user", "group") and not body.get("emailAddress"):
        raise invalid("permission.emailAddress", "The permission emailAddress field is required.")
    if kind == "domain" and not body.get("domain"):
        raise invalid("permission.domain", "The permission domain field is required.")
    if role == "owner":
        if item.drive_id:
            raise _error(403, "PERMISSION_DENIED", "Shared drive files cannot have an owner.",
                         "teamDriveOwnershipNotSupported")
        if call.arg("transferOwnership") != "true":
            raise _error(403, "PERMISSION_DENIED", "The transferOwnership parameter must be enabled when "
                         "the permission role is 'owner'.", "forbidden")
        if notify == "false":
            raise invalid("sendNotificationEmail", "sendNotificationEmail must not be disabled for ownership transfers.")
    if role in ("organizer", "fileOrganizer") and item.mime_type != FOLDER:
        # the stand-in's wording: these roles are given on shared drives and their folders
        raise invalid("permission.role", f"The {role} role cannot be given on a file.")
    email = str(body.get("emailAddress", "")).lower()
    permission: dict[str, Any] = {"kind": "drive#permission", "type": kind, "role": role}
    if email:
        permission |= {"emailAddress": email, "displayName": email.split("@")[0]}
    if kind == "domain":
        permission["domain"] = body["domain"]
    if kind in ("domain", "anyone"):
        permission["allowFileDiscovery"] = bool(body.get("allowFileDiscovery", False))
    old = next((pid for pid, p in item.permissions.items() if p.get("emailAddress", p["type"]) ==
                permission.get("emailAddress", kind)), None)
    permission["id"] = old or ("anyoneWithLink" if kind == "anyone" else new_id(20))
    item.permissions[permission["id"]] = permission
    if kind in ("user", "group"):
        item.shared_with.add(email)
    elif kind == "anyone":
        item.shared_with.add("anyone")
    return fieldmask.apply(permission, fieldmask.parse(call.arg("fields") or DEFAULT_PERMISSION_FIELDS))


@route("files.export")
def files_export(call: Call) -> Reply:
    item = call.world.file(call.params["fileId"], call.email)
    wanted = call.arg("mimeType") or ""
    if item.mime_type == SPREADSHEET and wanted == "text/csv":
        return Reply(200, sheet_csv(call.world, item.id), "text/csv")
    if item.mime_type == SPREADSHEET and wanted.endswith("spreadsheetml.sheet"):
        return Reply(200, workbook_bytes(call.world.books[item.id]), wanted)
    if item.mime_type == DOCUMENT and wanted in ("text/plain", "text/html"):
        return Reply(200, docs.export(item.document or [], wanted), wanted)
    raise invalid("mimeType", "Export only supports Docs Editors files." if item.mime_type not in
                  (SPREADSHEET, DOCUMENT) else "The requested conversion is not supported.")


def sheet_csv(world: World, book_id: str) -> bytes:
    """The first sheet as CSV, as Drive exports it."""
    sheet = world.books[book_id].sheets[0]
    _, rows = read_values(sheet, Box(None, None, None, None), "FORMATTED_VALUE", "FORMATTED_STRING", "ROWS")
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue().rstrip("\r\n").encode()
