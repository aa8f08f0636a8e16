"""HTTP routes: parse the request, call the `Tracker`, answer JSON.

Every error is `{"error": "<plain sentence>"}` with its status; see `register_error_handlers`.
"""
from __future__ import annotations

import logging
import traceback
from collections.abc import Mapping
from typing import cast

from flask import Blueprint, Flask, current_app, g, jsonify, request
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from sync.errors import SettingsError, TrackerError
from sync.web.auth import ROLES_FOR_NEW_YEAR, ROLES_FOR_REPORTS
from sync.web.service import Tracker

log = logging.getLogger(__name__)

health = Blueprint("health", __name__)
schedule = Blueprint("schedule", __name__, url_prefix="/tasks")
api = Blueprint("api", __name__, url_prefix="/api")
MAX_BODY_BYTES = 64 * 1024
"""The largest request body accepted (Flask's MAX_CONTENT_LENGTH): the add-on sends a few
hundred bytes of JSON."""


def tracker() -> Tracker:
    return current_app.extensions["tracker"]


@health.get("/healthz")
def healthz() -> ResponseReturnValue:
    return {"status": "ok"}


@schedule.get("/sync-all")
def sync_all() -> ResponseReturnValue:
    """The nightly run: each school's outcome; 503 when any should be retried, so cron retries."""
    caller = tracker().check_scheduler(_headers())
    outcomes = tracker().sync_all(caller)
    log.info("sync-all by %s: %d schools", caller, len(outcomes))
    answer: dict[str, object] = {"schools": [outcome.as_json() for outcome in outcomes]}
    retry = [outcome for outcome in outcomes if outcome.retry]
    if retry:
        answer["error"] = (f"{len(retry)} of {len(outcomes)} schools did not finish; "
                           "the schedule will try them again.")
        return answer, 503
    return answer


@schedule.post("/sync-school")
def sync_school_task() -> ResponseReturnValue:
    """One Cloud Task: sync one school."""
    tracker().check_scheduler(_headers())
    spreadsheet_id = _spreadsheet_id(_json_body())
    return {"message": tracker().sync_one_task(spreadsheet_id)}


@schedule.post("/trust")
def trust_task() -> ResponseReturnValue:
    """One Cloud Task: a trust's Trust summary after its schools' syncs of the night."""
    tracker().check_scheduler(_headers())
    body = _json_body()
    trust_id = body.get("trustId")
    if not isinstance(trust_id, str) or not trust_id.strip():
        raise SettingsError("Say which trust: trustId is missing.")
    tries = request.headers.get("X-CloudTasks-TaskRetryCount", "0")
    return {"message": tracker().trust_from_task(trust_id.strip(), str(body.get("since") or ""),
                                                 int(tries) if tries.isdigit() else 0)}


@api.before_request
def signed_in() -> None:
    """Every add-on call proves who is calling before anything of its body is read: a request
    without a valid token costs no more than its headers."""
    g.claims = tracker().verify_caller(request.headers.get("Authorization"))


@api.post("/sync")
def sync_now() -> ResponseReturnValue:
    spreadsheet_id = _spreadsheet_id(_json_body())
    store, _ = tracker().staff_school(request.headers.get("Authorization"), spreadsheet_id,
                                      claims=g.claims)
    return tracker().sync(spreadsheet_id, store)


@api.get("/status")
def status() -> ResponseReturnValue:
    spreadsheet_id = _spreadsheet_id(request.args)
    _, summary = tracker().staff_school(request.headers.get("Authorization"), spreadsheet_id,
                                        claims=g.claims)
    return tracker().status(spreadsheet_id, summary, request.args.get("workbook", ""))


@api.post("/reports")
def reports() -> ResponseReturnValue:
    body = _json_body()
    spreadsheet_id = _spreadsheet_id(body)
    store, _ = tracker().staff_school(request.headers.get("Authorization"), spreadsheet_id,
                                      ROLES_FOR_REPORTS, claims=g.claims)
    return tracker().reports(spreadsheet_id, store, window=_optional_text(body, "window"),
                             class_name=_optional_text(body, "className"))


@api.post("/new-year")
def new_year() -> ResponseReturnValue:
    """The head's menu item: draft next year's classes, or create next year's class spreadsheets
    from the draft (Head and Admin in the Staff tab only)."""
    body = _json_body()
    spreadsheet_id = _spreadsheet_id(body)
    dry_run = body.get("dryRun", False)
    if not isinstance(dry_run, bool):
        raise SettingsError("dryRun should be true or false.")
    store, _ = tracker().staff_school(request.headers.get("Authorization"), spreadsheet_id,
                                      ROLES_FOR_NEW_YEAR, claims=g.claims)
    return tracker().new_year(spreadsheet_id, store, dry_run=dry_run)


@api.post("/trust")
def trust_now() -> ResponseReturnValue:
    """A trust leader asks for the trust's figures now (trust-level roles only)."""
    body = _json_body()
    trust_id = body.get("trustId")
    if not isinstance(trust_id, str) or not trust_id.strip():
        raise SettingsError("Say which trust: trustId is missing.")
    return tracker().trust_now(g.claims, trust_id.strip())


def _json_body() -> dict:
    try:
        body = request.get_json(silent=True)
    except RecursionError:   # "[[[[...]]]]" deeper than Python's parser goes
        raise SettingsError("The request's JSON is nested too deeply; send a flat JSON object.") from None
    if not isinstance(body, dict):
        raise SettingsError('Send a JSON object, for example {"spreadsheetId": "..."}.')
    return body


def _spreadsheet_id(source: dict | object) -> str:
    value = source.get("spreadsheetId") if hasattr(source, "get") else None
    if not isinstance(value, str) or not value.strip():
        raise SettingsError("Say which school: spreadsheetId is missing.")
    return value.strip()


def _optional_text(body: dict, key: str) -> str | None:
    value = body.get(key)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise SettingsError(f"{key} should be text.")
    return value.strip()


def register_error_handlers(app: Flask) -> None:
    """Named errors become their status and plain sentence; anything else a 500 with no detail."""

    @app.errorhandler(TrackerError)
    def tracker_error(error: TrackerError) -> ResponseReturnValue:
        return jsonify(error=str(error)), error.http_status

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> ResponseReturnValue:
        if isinstance(error, RequestEntityTooLarge):
            return jsonify(error=f"The request is larger than the {MAX_BODY_BYTES // 1024} KB this "
                                 "service accepts."), 413
        return jsonify(error=error.description or error.name), error.code or 500

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> ResponseReturnValue:
        # The message may quote pupil data: log the type only, answer a plain sentence.
        log.error("unexpected %s in %s at:\n%s", type(error).__name__, request.path,
                  "".join(traceback.format_tb(error.__traceback__)))
        return jsonify(error="Something went wrong in the tracker service; try again later."), 500


def _headers() -> Mapping[str, str]:
    """The request's headers: a case-insensitive mapping, which is all the checks read."""
    return cast(Mapping[str, str], request.headers)
