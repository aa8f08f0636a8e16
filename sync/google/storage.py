"""Cloud Storage objects through the JSON API: the few calls the snapshot and the lease need.

`Bucket` sends each call on a `requests.Session` that carries the credentials (an
`AuthorizedSession` with the `devstorage.read_write` scope in production; a plain session for the
emulator in tests). `TRACKER_STORAGE_API_ROOT` points it at an emulator
(`http://127.0.0.1:PORT`); unset, it is Google's `https://storage.googleapis.com`.

Preconditions are Cloud Storage's own: `if_generation_match=0` creates an object only when none
exists, `if_generation_match=N` replaces or deletes it only when its generation is still N; a
failed precondition is `PreconditionFailed` (HTTP 412), which is how the lease knows it lost.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Literal, overload
from urllib.parse import quote

import requests

from sync.errors import AccessDenied, SettingsError, StoreUnavailable, TrackerError

STORAGE_ROOT_ENV = "TRACKER_STORAGE_API_ROOT"
GOOGLE_STORAGE_ROOT = "https://storage.googleapis.com"
SCOPE = "https://www.googleapis.com/auth/devstorage.read_write"
TIMEOUT_SECONDS = 30


class PreconditionFailed(TrackerError):
    """The object's generation was not the one the call was conditional on (HTTP 412)."""


@dataclass(frozen=True)
class StoredObject:
    name: str
    generation: int
    data: bytes = b""


class Bucket:
    """One bucket: put, get, delete and list objects, each one HTTP request."""

    def __init__(self, name: str, session: requests.Session, root: str | None = None) -> None:
        self.name = name
        self.session = session
        self.root = (root or os.environ.get(STORAGE_ROOT_ENV) or GOOGLE_STORAGE_ROOT).rstrip("/")

    def _object_url(self, name: str) -> str:
        return f"{self.root}/storage/v1/b/{self.name}/o/{quote(name, safe='')}"

    def put(self, name: str, data: bytes, *, content_type: str = "application/octet-stream",
            if_generation_match: int | None = None) -> StoredObject:
        """Create or replace `name` with `data`; returns its new generation."""
        params: dict[str, str] = {"uploadType": "media", "name": name}
        if if_generation_match is not None:
            params["ifGenerationMatch"] = str(if_generation_match)
        response = self._send("POST", f"{self.root}/upload/storage/v1/b/{self.name}/o",
                              params=params, data=data, headers={"Content-Type": content_type})
        return StoredObject(name, int(response.json()["generation"]), data)

    def get(self, name: str) -> StoredObject | None:
        """The object's bytes and generation; None when there is no such object."""
        meta = self._send("GET", self._object_url(name), missing_ok=True)
        if meta is None:
            return None
        generation = int(meta.json()["generation"])
        body = self._send("GET", self._object_url(name),
                          params={"alt": "media", "generation": str(generation)}, missing_ok=True)
        if body is None:   # replaced or deleted between the two calls: as if not there yet
            return None
        return StoredObject(name, generation, body.content)

    def delete(self, name: str, *, if_generation_match: int | None = None) -> bool:
        """Delete `name`; False when it was not there."""
        params = {} if if_generation_match is None else {"ifGenerationMatch": str(if_generation_match)}
        return self._send("DELETE", self._object_url(name), params=params, missing_ok=True) is not None

    def list(self, prefix: str) -> list[str]:
        """Names of the objects under `prefix`, every page."""
        names: list[str] = []
        token = ""
        while True:
            params = {"prefix": prefix, "fields": "items(name),nextPageToken"}
            if token:
                params["pageToken"] = token
            page = self._send("GET", f"{self.root}/storage/v1/b/{self.name}/o", params=params).json()
            names += [item["name"] for item in page.get("items", [])]
            token = page.get("nextPageToken", "")
            if not token:
                return names

    @overload
    def _send(self, method: str, url: str, *, missing_ok: Literal[False] = ...,
              **kwargs: object) -> requests.Response: ...

    @overload
    def _send(self, method: str, url: str, *, missing_ok: bool, **kwargs: object) -> requests.Response | None: ...

    def _send(self, method: str, url: str, *, missing_ok: bool = False,
              **kwargs: object) -> requests.Response | None:
        try:
            response = self.session.request(method, url, timeout=TIMEOUT_SECONDS, **kwargs)  # type: ignore[arg-type]
        except requests.RequestException as error:
            raise StoreUnavailable(f"Cloud Storage could not be reached (bucket {self.name}); "
                                   "try again later.") from error
        if response.status_code == 404 and missing_ok:
            return None
        if response.status_code == 412:
            raise PreconditionFailed(f"An object in bucket {self.name} changed meanwhile.")
        if response.status_code == 404:
            raise SettingsError(f"There is no Cloud Storage bucket named {self.name}.")
        if response.status_code in (401, 403):
            raise AccessDenied(f"The service account may not use the Cloud Storage bucket {self.name}.")
        if response.status_code >= 400:
            raise StoreUnavailable(f"Cloud Storage answered {response.status_code} "
                                   f"(bucket {self.name}); try again later.")
        return response


def storage_session() -> requests.Session:
    """A session for Cloud Storage: Application Default Credentials with the storage scope, or a
    plain session when `TRACKER_STORAGE_API_ROOT` points at an emulator (which wants none)."""
    if os.environ.get(STORAGE_ROOT_ENV):
        return requests.Session()
    import google.auth
    from google.auth.transport.requests import AuthorizedSession

    credentials, _ = google.auth.default(scopes=[SCOPE])
    return AuthorizedSession(credentials)
