"""Replaying the recorded Google exchanges against the stand-in and comparing answer shapes.

Ids differ between Google and the stand-in, so each answer teaches a map from recorded ids to the
stand-in's (spreadsheetId, sheetId, file id, ...) that is applied to the requests that follow.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests

from . import StandIn, routes
from .batch import HANDLERS

ID_KEYS = ("id", "spreadsheetId", "sheetId", "namedRangeId", "protectedRangeId", "chartId", "metadataId")
RECORDINGS = Path(__file__).resolve().parents[2].parent / "shared" / "google-api-recordings" / "gspread-cassettes"


@dataclass
class Outcome:
    cassette: str
    method: str
    uri: str
    status: tuple[int, int]          # (Google's, the stand-in's)
    differences: list[str]


RECORDING_ACCOUNT = "gspread-recorder@example.com"


@dataclass
class Replay:
    standin: StandIn
    ids: dict[Any, Any] = field(default_factory=dict)
    outcomes: list[Outcome] = field(default_factory=list)
    skipped: int = 0

    def run(self, cassette: Path) -> None:
        session = requests.Session()
        session.trust_env = False
        # as a person: the recordings' files were made in the recording account's own My Drive,
        # which Drive no longer lets a service account do (it has no storage quota)
        session.headers["Authorization"] = f"Bearer {self.standin.access_token(RECORDING_ACCOUNT)}"
        for interaction in json.loads(cassette.read_text())["interactions"]:
            self.one(cassette.stem, session, interaction["request"], interaction["response"])

    def supported(self, method: str, uri: str, body: Any) -> bool:
        url = urlsplit(uri)
        found = routes.find(self.standin.state.routes, method, f"/{url.netloc}{url.path}")
        if found is None or found[0].handler is None:
            return False
        if isinstance(body, dict) and found[0].method_id == "spreadsheets.batchUpdate":
            return all(next(iter(r)) in HANDLERS for r in body.get("requests") or [])
        return True

    def one(self, cassette: str, session: requests.Session, request: dict[str, Any],
            response: dict[str, Any]) -> None:
        raw = request.get("body")
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = raw
        if not self._known_ids(request["uri"], response):
            self.skipped += 1
            return
        uri = self._swap_text(request["uri"])
        if not self.supported(request["method"], uri, body):
            self.skipped += 1
            return
        url = urlsplit(uri)
        headers = {"Content-Type": h[0] for k, h in request["headers"].items()  # noqa: B035 - the recorded one, whatever its case
                   if k.lower() == "content-type"}
        data = json.dumps(self._swap(body)) if isinstance(body, (dict, list)) else body
        answer = session.request(request["method"], f"{self.standin.api_root}/{url.netloc}{url.path}"
                                 + (f"?{url.query}" if url.query else ""), data=data, headers=headers)
        recorded_status = response["status"]["code"]
        recorded = _json(response["body"]["string"])
        actual = _json(answer.text)
        if answer.status_code == recorded_status and recorded is not None and actual is not None:
            self._learn(recorded, actual)
        differences = ([f"status {recorded_status} != {answer.status_code}"]
                       if recorded_status != answer.status_code else shape_differences(recorded, actual))
        self.outcomes.append(Outcome(cassette, request["method"], request["uri"],
                                     (recorded_status, answer.status_code), differences))

    def _known_ids(self, uri: str, response: dict[str, Any]) -> bool:
        """Recorded ids of files we never saw created can only be replayed for Google's 404/403."""
        url = urlsplit(uri)
        parts = url.path.split("/")
        for marker in ("spreadsheets", "files"):
            if marker in parts and parts.index(marker) + 1 < len(parts):
                target = parts[parts.index(marker) + 1].split(":")[0]
                if target and target not in self.ids:
                    status = response["status"]["code"]
                    if status == 403:  # Google's answer for a spreadsheet not shared with us
                        self.ids[target] = self.standin.create_spreadsheet("private", shared_with=())
                    return status in (403, 404)
        return True

    def _learn(self, recorded: Any, actual: Any) -> None:
        if isinstance(recorded, dict) and isinstance(actual, dict):
            for key, value in recorded.items():
                if key in ID_KEYS and key in actual and not isinstance(value, (dict, list)):
                    self.ids.setdefault(value, actual[key])
                    if isinstance(value, int):
                        self.ids.setdefault(str(value), str(actual[key]))
                elif key in actual:
                    self._learn(value, actual[key])
        elif isinstance(recorded, list) and isinstance(actual, list):
            for old, new in zip(recorded, actual, strict=False):
                self._learn(old, new)

    def _swap(self, value: Any, key: str = "") -> Any:
        if isinstance(value, dict):
            return {k: self._swap(v, k) for k, v in value.items()}
        if isinstance(value, list):
            return [self._swap(v, key) for v in value]
        if key in ID_KEYS and not isinstance(value, bool) and value in self.ids:
            return self.ids[value]
        if isinstance(value, str):
            return self._swap_text(value)
        return value

    def _swap_text(self, text: str) -> str:
        for old, new in self.ids.items():
            if isinstance(old, str) and len(old) > 20:
                text = text.replace(old, str(new))
        return text


def _json(text: str) -> Any:
    try:
        return json.loads(text) if text.strip() else None
    except ValueError:
        return text


def _type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    return type(value).__name__


def shape_differences(recorded: Any, actual: Any, where: str = "") -> list[str]:
    """Where two JSON values differ in keys or types (values themselves may differ)."""
    if _type(recorded) != _type(actual):
        return [f"{where or '.'}: {_type(recorded)} != {_type(actual)}"]
    if isinstance(recorded, dict):
        found = [f"{where}.{k}: missing" for k in recorded if k not in actual]
        found += [f"{where}.{k}: extra" for k in actual if k not in recorded]
        for key in recorded.keys() & actual.keys():
            found += shape_differences(recorded[key], actual[key], f"{where}.{key}")
        return found
    if isinstance(recorded, list):
        # Lengths are data (how many files an account holds), not shape: compare the items both have.
        return [d for i, (r, a) in enumerate(zip(recorded, actual, strict=False))
                for d in shape_differences(r, a, f"{where}[{i}]")]
    return []
