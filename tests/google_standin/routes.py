"""The routing table, built from the discovery documents: HTTP method + path -> method id."""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from . import drive, sheets, tasks
from .schemas import discovery

SHEETS_HOST = "sheets.googleapis.com"
DRIVE_HOSTS = ("www.googleapis.com", "drive.googleapis.com")
TASKS_HOST = "cloudtasks.googleapis.com"


@dataclass(frozen=True)
class Route:
    service: str                    # "sheets.v4" | "drive.v3" | "cloudtasks.v2"
    method_id: str                  # "spreadsheets.values.get", "files.list", ...
    http_method: str
    pattern: re.Pattern[str]
    request_schema: str | None
    response_schema: str | None
    parameters: frozenset[str]
    handler: Callable[..., Any] | None
    kind: str                       # "read" | "write"
    body_field: str                 # where Google says a body field is ("data" for values writes)


def _methods(resource: dict[str, Any], prefix: str = "") -> list[tuple[str, dict[str, Any]]]:
    found = [(f"{prefix}{name}", method) for name, method in resource.get("methods", {}).items()]
    for name, child in resource.get("resources", {}).items():
        found += _methods(child, f"{prefix}{name}.")
    return found


def _pattern(hosts: tuple[str, ...], path: str) -> re.Pattern[str]:
    pieces = re.split(r"\{\+?(\w+)\}", path)
    regex = "".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>[^/]+)" for i, p in enumerate(pieces))
    return re.compile(f"^/(?:{'|'.join(map(re.escape, hosts))})/{regex}$")


def build() -> list[Route]:
    routes = []
    services = (("sheets.v4", (SHEETS_HOST,), "", sheets.ROUTES, sheets.READS),
                ("drive.v3", DRIVE_HOSTS, "drive/v3/", drive.ROUTES, drive.READS),
                ("cloudtasks.v2", (TASKS_HOST,), "", tasks.ROUTES, tasks.READS))
    for service, hosts, base, handlers, reads in services:
        document = discovery(service)
        global_params = set(document["parameters"])
        for method_id, method in _methods(document):
            paths = [base + method.get("flatPath", method["path"])]
            upload = method.get("mediaUpload", {}).get("protocols", {}).get("simple", {}).get("path")
            if upload:
                paths.append(upload.lstrip("/"))
            for path in paths:
                routes.append(Route(
                    service, method_id, method["httpMethod"], _pattern(hosts, path),
                    (method.get("request") or {}).get("$ref"),
                    (method.get("response") or {}).get("$ref"),
                    frozenset(method.get("parameters", {})) | global_params
                    | {"uploadType"} | ({"convert"} if upload else set()),
                    handlers.get(method_id),
                    "read" if method_id in reads else "write",
                    "data" if method_id in ("spreadsheets.values.update",
                                            "spreadsheets.values.append") else ""))
    # The most literal path first, so ".../values:batchGet" wins over ".../values/{range}".
    routes.sort(key=lambda r: -len(re.sub(r"\(\?P<\w+>\[\^/\]\+\)", "", r.pattern.pattern)))
    return routes


def find(routes: list[Route], method: str, path: str) -> tuple[Route, dict[str, str]] | None:
    for route in routes:
        if route.http_method != method:
            continue
        match = route.pattern.match(path)
        if match:
            return route, {k: unquote(v) for k, v in match.groupdict().items()}
    return None
