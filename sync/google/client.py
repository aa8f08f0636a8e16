"""gspread is our Google client; this module holds the one seam we add to it.

`TrackerHTTPClient` is a subclass of gspread's `HTTPClient`, handed to `gspread.Client` as
`http_client=`. Every Sheets and Drive request of the product goes through its `request`, which:
- signs the request with the credentials (refreshing the token when due) on the injected
  `requests` session, rerouted to `TRACKER_GOOGLE_API_ROOT` when that is set (tests, outside checks);
- paces it under Google's per-user quota (a `Pacer` shared by the process);
- retries 429, 5xx, Drive's rate-limit 403s and dropped connections with exponential backoff and
  jitter, waiting at least what Retry-After asks, and gives up after a time budget with a plain
  sentence (gspread's own `BackOffHTTPClient` never gives up and ignores Retry-After);
- counts reads (GET) and writes (everything else) for the Sync log;
- asks for answers without indentation (`prettyPrint=false`): Google indents JSON by default,
  and a summary read is then about a third of the bytes;
- turns Google's refusals into `sync.errors` without repeating Google's message (it may quote
  cell values); a request body that Google would refuse as too large is never sent.

Credentials come from Application Default Credentials with the narrowest scopes that work:
- `spreadsheets`: read the class workbooks and `Tracker summary`, write our owned tabs. Sheets has no
  narrower scope that can write, and `drive.file` would not see spreadsheets the school shared.
- `drive.metadata.readonly`: one `files.list` on the shared `Classes folder` (names, modifiedTime,
  lastModifyingUser). We never download file content through Drive, so `drive.readonly` is not needed;
  `drive.file` cannot list a folder someone else shared with the service account.
Features that create Drive files (parent reports) pass their own `scopes`.
"""
from __future__ import annotations

import functools
import json as json_module
import random
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import google.auth
import google.auth.credentials
import google.auth.exceptions
import google.auth.transport.requests
import gspread
import requests

from sync.errors import AccessDenied, SchoolNotFound, StoreUnavailable, TrackerError
from sync.google.pacer import Pacer, shared_pacer
from sync.google.retry import CONNECTION_ERRORS, RetryPolicy, is_retryable, retry_after
from sync.google.transport import mount_api_root

SCOPES = ("https://www.googleapis.com/auth/spreadsheets",
          "https://www.googleapis.com/auth/drive.metadata.readonly")
READ_POSTS = (":getByDataFilter", ":batchGetByDataFilter", "developerMetadata:search")  # POSTs Google counts as reads
MAX_REQUEST_BYTES = 10_485_760     # Google refuses a larger body: "Request payload size exceeds the limit"


class RequestRejected(TrackerError):
    """Google refused a request as malformed or conflicting (400, 409): not worth retrying as is."""

    def __init__(self, message: str, status: int, reason: str) -> None:
        super().__init__(message)
        self.status, self.reason = status, reason


class RequestTooLarge(RequestRejected):
    """A request body over Google's limit: refused before sending (Google would answer 400)."""


@dataclass
class RequestCounts:
    """What a client asked of Google, for the Sync log. Retries are extra HTTP tries, not requests.
    `largest_request` and `largest_response` are body sizes in bytes (bench/google_requests.py)."""

    reads: int = 0
    writes: int = 0
    retries: int = 0
    paced_seconds: float = 0.0
    largest_request: int = 0
    largest_response: int = 0


class TrackerHTTPClient(gspread.HTTPClient):
    """gspread's HTTP client with our signing, pacing, bounded retry, counting and errors."""

    def __init__(self, auth: google.auth.credentials.Credentials | None, session: requests.Session | None = None,
                 *, pacer: Pacer | None = None, policy: RetryPolicy | None = None,
                 clock: Callable[[], float] | None = None, sleep: Callable[[float], None] | None = None,
                 rng: random.Random | None = None) -> None:
        # gspread's own __init__ would wrap the credentials in an AuthorizedSession of its own;
        # we keep the injected session (its adapters reroute to a stand-in) and sign each request.
        self.auth = auth  # type: ignore[assignment]  # None: the stand-in's tests sign nothing
        self.session = mount_api_root(session or requests.Session())
        self.policy = policy or RetryPolicy()
        self.timeout = self.policy.timeout
        self.pacer = pacer or shared_pacer()
        # waits between tries pass on the pacer's clock unless told otherwise: one clock for all waiting
        self.clock, self.sleep = clock or self.pacer.clock, sleep or self.pacer.sleep
        self.rng = rng or random.Random()
        self.counts = RequestCounts()
        self.what = "talking to Google"
        self._auth_request = google.auth.transport.requests.Request(self.session)

    @classmethod
    def configured(cls, **options: Any) -> Callable[..., TrackerHTTPClient]:
        """What `gspread.Client(http_client=...)` calls with (auth, session): this class with
        `options` (pacer, policy, clock, sleep, rng) bound."""
        return functools.partial(cls, **options)

    @property
    def account_email(self) -> str:
        """The service account's address: Drive's `lastModifyingUser` for our own writes."""
        return str(getattr(self.auth, "service_account_email", "") or "")

    @contextmanager
    def doing(self, what: str) -> Iterator[None]:
        """Name the work for the messages of any error raised inside (no pupil data in `what`)."""
        before, self.what = self.what, what
        try:
            yield
        finally:
            self.what = before

    def backoff(self, attempt: int) -> float:
        """The wait after failed try number `attempt` (0-based): between half and all of the cap."""
        cap = min(self.policy.max_delay, self.policy.first_delay * 2 ** attempt)
        return cap * (0.5 + 0.5 * self.rng.random())

    def request(self, method: str, endpoint: str, params: Any = None, data: bytes | None = None,
                json: Any = None, files: Any = None, headers: Any = None, *,
                made_already: Callable[[], dict | None] | None = None) -> requests.Response:
        """One API request, paced, signed, retried within the time budget and counted; a refusal
        raises one of `sync.errors` (gspread would raise its APIError).

        `made_already` is for a request that makes something and must not make it twice (Drive's
        files.create): a try whose answer we never had (a dropped connection, no answer in time) or
        that failed on Google's side may still have made the file, so before trying again it looks
        for it; what it finds (the file's resource) is the answer."""
        kind = "read" if method.upper() == "GET" or endpoint.endswith(READ_POSTS) else "write"
        params = {**(params or {}), "prettyPrint": "false"}    # Google indents answers otherwise
        prepared = requests.Request(method.upper(), endpoint, params=params, data=data, json=json,
                                    files=files, headers=dict(headers or {})).prepare()
        size = len(prepared.body or b"")
        self.counts.largest_request = max(self.counts.largest_request, size)
        if size > MAX_REQUEST_BYTES:
            raise RequestTooLarge(f"A request while {self.what} would be {size:,} bytes, more than "
                                  f"Google accepts ({MAX_REQUEST_BYTES:,}); nothing was sent.", 400, "TOO_LARGE")
        response = self._retried(kind, prepared, made_already)
        self.counts.reads += kind == "read"
        self.counts.writes += kind == "write"
        self.counts.largest_response = max(self.counts.largest_response, len(response.content or b""))
        if response.ok:
            return response
        raise self._refusal(response)

    def _send(self, kind: str, prepared: requests.PreparedRequest) -> requests.Response:
        waited = self.pacer.waited
        self.pacer.acquire(kind)
        method = prepared.method or "GET"
        self.counts.paced_seconds += self.pacer.waited - waited
        headers = dict(prepared.headers)
        if self.auth is not None:
            try:
                self.auth.before_request(self._auth_request, method, prepared.url, headers)
            except google.auth.exceptions.RefreshError as error:
                raise AccessDenied("Google refused the service account's credentials; "
                                   "check GOOGLE_APPLICATION_CREDENTIALS.") from error
        return self.session.request(method, prepared.url or "", data=prepared.body, headers=headers,
                                    timeout=self.timeout)

    def _retried(self, kind: str, prepared: requests.PreparedRequest,
                 made_already: Callable[[], dict | None] | None = None) -> requests.Response:
        """The first answer not worth retrying, or StoreUnavailable once the time budget is spent."""
        start, attempt = self.clock(), 0
        while True:
            failure: Exception | None = None
            try:
                response: requests.Response | None = self._send(kind, prepared)
            except CONNECTION_ERRORS as error:
                response, failure = None, error
            if response is not None and not is_retryable(response):
                return response
            if made_already is not None and (response is None or response.status_code >= 500):
                found = made_already()
                if found is not None:
                    return _answered(found)
            delay = self.backoff(attempt)
            asked = retry_after(response) if response is not None else None
            if asked is not None:
                delay = max(delay, asked)
            spent = self.clock() - start
            if spent + delay > self.policy.give_up_after:
                last = f"HTTP {response.status_code}" if response is not None else "no connection"
                raise StoreUnavailable(
                    f"Google did not answer while {self.what} ({attempt + 1} tries over {spent:.0f} seconds, "
                    f"last: {last}). Nothing was half-written; run the sync again later.") from failure
            self.sleep(delay)
            attempt += 1
            self.counts.retries += 1

    def _refusal(self, response: requests.Response) -> TrackerError:
        """Google's error answer as one of our errors; Google's own message is not repeated."""
        try:
            reason = str(response.json().get("error", {}).get("status", ""))
        except ValueError:
            reason = ""
        if response.status_code in (401, 403):
            account = self.account_email or "the service account"
            return AccessDenied(f"Google refused access while {self.what}: share the file or folder with {account}.")
        if response.status_code == 404:
            return SchoolNotFound(f"Google could not find what we needed while {self.what}; "
                                  "check the id and that it is shared with the service account.")
        return RequestRejected(f"Google rejected a request while {self.what} "
                               f"(HTTP {response.status_code} {reason}).", response.status_code, reason)


def _answered(resource: dict) -> requests.Response:
    """The answer a lost try would have had: 200 with the resource it made."""
    response = requests.Response()
    response.status_code = 200
    response.headers["Content-Type"] = "application/json; charset=UTF-8"
    response._content = json_module.dumps(resource).encode("utf-8")
    return response


def build_client(session: requests.Session | None = None, *, scopes: Sequence[str] = SCOPES,
                 credentials: google.auth.credentials.Credentials | None = None,
                 **options: Any) -> gspread.Client:
    """A gspread client on `session` (a new one when None) through `TrackerHTTPClient`; `options`
    go to it (pacer, policy, clock, sleep, rng). `credentials` default to Application Default
    Credentials."""
    if credentials is None:
        try:
            credentials, _ = google.auth.default(scopes=list(scopes))
        except google.auth.exceptions.DefaultCredentialsError as error:
            raise AccessDenied("No Google credentials found: set GOOGLE_APPLICATION_CREDENTIALS to the "
                               "service account's key file.") from error
    # gspread calls http_client(auth, session): the class with our options bound does the same
    return gspread.Client(credentials, session,
                          http_client=TrackerHTTPClient.configured(**options))  # type: ignore[arg-type]


def http(client: gspread.Client) -> TrackerHTTPClient:
    """The client's TrackerHTTPClient (typed)."""
    assert isinstance(client.http_client, TrackerHTTPClient)
    return client.http_client


def open_spreadsheet(client: gspread.Client, spreadsheet_id: str) -> gspread.Spreadsheet:
    """gspread's Spreadsheet for an id without the metadata read its constructor makes: our one
    read of a spreadsheet asks for more (values and layout, with a fields mask), through
    `Spreadsheet.fetch_sheet_metadata`. (gspread is pinned; its constructor sets only these two.)"""
    spreadsheet = gspread.Spreadsheet.__new__(gspread.Spreadsheet)
    spreadsheet.client, spreadsheet._properties = client.http_client, {"id": spreadsheet_id}
    return spreadsheet
