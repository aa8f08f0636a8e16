"""Send Google API hosts to `TRACKER_GOOGLE_API_ROOT` when it is set (tests and outside checks).

`https://sheets.googleapis.com/v4/spreadsheets/X` becomes `ROOT/sheets.googleapis.com/v4/spreadsheets/X`.
Token exchange is not rewritten: it follows the key file's own `token_uri`.
"""
from __future__ import annotations

import os
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter

API_ROOT_ENV = "TRACKER_GOOGLE_API_ROOT"
API_HOSTS = frozenset({"sheets.googleapis.com", "www.googleapis.com", "drive.googleapis.com",
                       "cloudtasks.googleapis.com"})


def rerouted(url: str, root: str) -> str:
    """The URL a Google API request goes to under `root`; other URLs are unchanged."""
    parts = urlsplit(url)
    if parts.scheme != "https" or parts.hostname not in API_HOSTS:
        return url
    query = f"?{parts.query}" if parts.query else ""
    return f"{root.rstrip('/')}/{parts.hostname}{parts.path}{query}"


class ApiRootAdapter(HTTPAdapter):
    """A transport adapter that rewrites Google API URLs to a local root before sending."""

    def __init__(self, root: str) -> None:
        super().__init__()
        self.root = root

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> requests.Response:
        request.url = rerouted(request.url or "", self.root)
        return super().send(request, *args, **kwargs)


def mount_api_root(session: requests.Session, root: str | None = None) -> requests.Session:
    """Mount the rerouting adapter on `session` when a root is given or set in the environment."""
    root = root if root is not None else os.environ.get(API_ROOT_ENV, "")
    if root:
        session.mount("https://", ApiRootAdapter(root))
    return session
