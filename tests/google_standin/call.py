"""One API call as a route sees it: path parameters, query, JSON body and the caller."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .world import World


@dataclass
class Call:
    method_id: str                  # the discovery method id, e.g. "sheets.spreadsheets.get"
    params: dict[str, str]          # path parameters, unquoted
    query: dict[str, list[str]]
    body: Any                       # parsed JSON, or bytes for uploads
    headers: dict[str, str]
    email: str
    world: World

    def arg(self, name: str, default: str | None = None) -> str | None:
        values = self.query.get(name)
        return values[0] if values else default

    def flag(self, name: str) -> bool:
        return (self.arg(name) or "").lower() == "true"


@dataclass
class Reply:
    """A non-JSON answer (exports, deletes)."""

    status: int
    content: bytes = b""
    content_type: str = "application/octet-stream"
