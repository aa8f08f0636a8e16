"""The one factory for authorised Google clients, and the one place a Google request is sent.

Credentials come from Application Default Credentials with the narrowest scopes that work:
- `spreadsheets`: read the class workbooks and `Tracker summary`, write our owned tabs. Sheets has no
  narrower scope that can write, and `drive.file` would not see spreadsheets the school shared.
- `drive.metadata.readonly`: one `files.list` on the shared `Classes folder` (names, modifiedTime,
  lastModifyingUser). We never download file content through Drive, so `drive.readonly` is not needed;
  `drive.file` cannot list a folder someone else shared with the service account.
Features that create Drive files (parent reports) pass their own `scopes`.

Every request goes through `GoogleClient.request`: paced, retried, timed out, counted, and turned into
one of `sync.errors` when Google says no.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import google.auth
import google.auth.credentials
import google.auth.exceptions
import google.auth.transport.requests
import requests

from sync.errors import AccessDenied, SchoolNotFound, TrackerError
from sync.google.pacer import Pacer, shared_pacer
from sync.google.retry import Retrier
from sync.google.transport import mount_api_root

SHEETS = "https://sheets.googleapis.com/v4/spreadsheets"
DRIVE_FILES = "https://www.googleapis.com/drive/v3/files"
SCOPES = ("https://www.googleapis.com/auth/spreadsheets",
          "https://www.googleapis.com/auth/drive.metadata.readonly")


class RequestRejected(TrackerError):
    """Google refused a request as malformed or conflicting (400, 409): not worth retrying as is."""

    def __init__(self, message: str, status: int, reason: str) -> None:
        super().__init__(message)
        self.status, self.reason = status, reason


@dataclass
class RequestCounts:
    """What a store asked of Google, for the Sync log. Retries are extra HTTP tries, not requests."""

    reads: int = 0
    writes: int = 0
    retries: int = 0
    paced_seconds: float = 0.0


class GoogleClient:
    """Sends Sheets and Drive requests with credentials, pacing, bounded retry and counting."""

    def __init__(self, credentials: google.auth.credentials.Credentials, session: requests.Session,
                 *, pacer: Pacer | None = None, retrier: Retrier | None = None) -> None:
        self.credentials, self.session = credentials, session
        self.pacer = pacer or shared_pacer()
        self.retrier = retrier or Retrier()
        self.counts = RequestCounts()
        self._auth_request = google.auth.transport.requests.Request(session)

    @property
    def account_email(self) -> str:
        """The service account's address: Drive's `lastModifyingUser` for our own writes."""
        return str(getattr(self.credentials, "service_account_email", "") or "")

    def request(self, method: str, url: str, *, kind: str, what: str,
                params: dict[str, str] | None = None, body: dict | None = None,
                upload: tuple[bytes, str] | None = None) -> dict:
        """The JSON answer of one API request; `kind` is "read" or "write", `what` names the work.
        `upload` is a raw body and its content type (a Drive media or multipart upload), sent
        instead of the JSON `body`."""
        waited_before = self.pacer.waited
        retries_before = self.retrier.retries

        def send() -> requests.Response:
            self.pacer.acquire(kind)
            headers: dict[str, str] = {"Content-Type": upload[1]} if upload else {}
            try:
                self.credentials.before_request(self._auth_request, method, url, headers)
            except google.auth.exceptions.RefreshError as error:
                raise AccessDenied("Google refused the service account's credentials; "
                                   "check GOOGLE_APPLICATION_CREDENTIALS.") from error
            return self.session.request(method, url, params=params, json=body,
                                        data=upload[0] if upload else None, headers=headers,
                                        timeout=self.retrier.policy.timeout)

        response = self.retrier.call(send, what)
        self.counts.reads += kind == "read"
        self.counts.writes += kind == "write"
        self.counts.retries += self.retrier.retries - retries_before
        self.counts.paced_seconds += self.pacer.waited - waited_before
        if response.ok:
            return response.json() if response.content else {}
        raise self._refusal(response, what)

    def _refusal(self, response: requests.Response, what: str) -> TrackerError:
        """Google's error answer as one of our errors; Google's own message is not repeated (it may
        quote cell values)."""
        try:
            reason = str(response.json().get("error", {}).get("status", ""))
        except ValueError:
            reason = ""
        if response.status_code in (401, 403):
            account = self.account_email or "the service account"
            return AccessDenied(f"Google refused access while {what}: share the file or folder with {account}.")
        if response.status_code == 404:
            return SchoolNotFound(f"Google could not find what we needed while {what}; "
                                  "check the id and that it is shared with the service account.")
        return RequestRejected(f"Google rejected a request while {what} "
                               f"(HTTP {response.status_code} {reason}).", response.status_code, reason)


def build_client(session: requests.Session | None = None, *, scopes: Sequence[str] = SCOPES,
                 credentials: google.auth.credentials.Credentials | None = None,
                 pacer: Pacer | None = None, retrier: Retrier | None = None) -> GoogleClient:
    """An authorised client on `session` (a new one when None), with the API-root adapter mounted
    when `TRACKER_GOOGLE_API_ROOT` is set. `credentials` default to Application Default Credentials."""
    session = mount_api_root(session or requests.Session())
    if credentials is None:
        try:
            credentials, _ = google.auth.default(scopes=list(scopes))
        except google.auth.exceptions.DefaultCredentialsError as error:
            raise AccessDenied("No Google credentials found: set GOOGLE_APPLICATION_CREDENTIALS to the "
                               "service account's key file.") from error
    return GoogleClient(credentials, session, pacer=pacer, retrier=retrier)
