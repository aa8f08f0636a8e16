"""What every Drive request of ours shares: the API's addresses and types, and the one check that a
folder named in Settings (Classes folder, Reports folder) is a folder on a shared drive, where a
service account may create files (Drive gives it no storage of its own)."""
from __future__ import annotations

from urllib.parse import quote

from gspread.urls import DRIVE_FILES_API_V3_URL as DRIVE_FILES

from sync.errors import SettingsError
from sync.google.client import TrackerHTTPClient

DRIVE_UPLOAD = "https://www.googleapis.com/upload/drive/v3/files"
DRIVE_SCOPES = ("https://www.googleapis.com/auth/drive",)
FOLDER_MIME = "application/vnd.google-apps.folder"
ALL_DRIVES = {"supportsAllDrives": "true"}   # a folder may live on a shared drive


def check_shared_drive_folder(client: TrackerHTTPClient, folder_id: str, setting: str, *, paste: str,
                              to: str = "", then: str) -> None:
    """One sentence (SettingsError) unless `folder_id`, the Settings tab's `setting` ("Classes
    folder"), is a folder on a shared drive. `paste` is what to paste instead of a file that is no
    folder, `to` what the shared drive is needed for, `then` what to do after moving it there."""
    with client.doing(f"opening the {setting}"):
        folder = client.request("get", f"{DRIVE_FILES}/{quote(folder_id, safe='')}",
                                params={**ALL_DRIVES, "fields": "id,mimeType,driveId"}).json()
    if folder.get("mimeType") != FOLDER_MIME:
        raise SettingsError(f"The {setting} in the Settings tab is not a Drive folder: paste the id of "
                            f"{paste} there.")
    if not folder.get("driveId"):
        raise SettingsError(f"The {setting} must be on a shared drive{to} (Drive gives a service account "
                            "no storage of its own): move it to a shared drive where the service account "
                            f"is a Content manager, {then}.")


def quoted(text: str) -> str:
    """`text` inside a single-quoted Drive query string."""
    return text.replace("\\", "\\\\").replace("'", "\\'")


def to_bin(client: TrackerHTTPClient, file_id: str, what: str) -> None:
    """Move a file to its shared drive's bin: a Content manager may (only a Manager may delete),
    and Drive empties the bin after 30 days. `what` names the work for error messages."""
    with client.doing(what):
        client.request("patch", f"{DRIVE_FILES}/{quote(file_id, safe='')}",
                       params={**ALL_DRIVES, "fields": "id"}, json={"trashed": True})
