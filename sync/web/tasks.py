"""Fan-out on Cloud Tasks: one task per school on an existing queue (REST `tasks.create`).

Each task is an HTTP request to this service's `POST /tasks/sync-school`, signed by Cloud Tasks
with an OIDC token of the scheduler service account. Task names carry the school and the day, so
enqueueing twice the same day (a retried cron) is refused by Cloud Tasks as a duplicate.
"""
from __future__ import annotations

import base64
import json
from datetime import UTC, date, datetime, timedelta

import requests

from sync.errors import AccessDenied, SettingsError, StoreUnavailable

CLOUD_TASKS_ROOT = "https://cloudtasks.googleapis.com/v2"
SYNC_SCHOOL_PATH = "/tasks/sync-school"
TRUST_PATH = "/tasks/trust"
TRUST_DELAY = timedelta(minutes=30)
"""A trust's task is first tried this long after its schools' tasks were enqueued; while some of its
schools have not synced since, it answers 409 and Cloud Tasks tries it again with the queue's
backoff (sync/web/service.py: TRUST_WAITS)."""
DISPATCH_DEADLINE = "1800s"   # the most Cloud Tasks allows an HTTP target
TIMEOUT_SECONDS = 30


def _signed_post(url: str, payload: dict[str, str], service_account: str, audience: str) -> dict[str, object]:
    """A task's HTTP request: POST `payload` as JSON to `url` of this service, with an OIDC token
    of the scheduler service account for `audience`."""
    return {
        "httpMethod": "POST",
        "url": url,
        "headers": {"Content-Type": "application/json"},
        "body": base64.b64encode(json.dumps(payload).encode()).decode("ascii"),
        "oidcToken": {"serviceAccountEmail": service_account, "audience": audience},
    }


def school_task(queue: str, spreadsheet_id: str, *, service_url: str, service_account: str,
                audience: str, day: date) -> dict[str, object]:
    """The Cloud Tasks `Task` resource that asks this service to sync one school."""
    return {
        "name": f"{queue}/tasks/sync-{spreadsheet_id}-{day:%Y%m%d}",
        "dispatchDeadline": DISPATCH_DEADLINE,
        "httpRequest": _signed_post(service_url + SYNC_SCHOOL_PATH, {"spreadsheetId": spreadsheet_id},
                                    service_account, audience),
    }


def trust_task(queue: str, trust_id: str, *, service_url: str, service_account: str,
               audience: str, now: datetime) -> dict[str, object]:
    """The task that writes a trust's Trust summary after its schools' tasks of the night: named
    by trust and date (a second enqueue the same night is refused), due TRUST_DELAY after `now`,
    and told the night began at `now` (schools synced before it are waited for)."""
    now = now.astimezone(UTC)
    return {
        "name": f"{queue}/tasks/trust-{trust_id}-{now:%Y%m%d}",
        "scheduleTime": (now + TRUST_DELAY).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "dispatchDeadline": DISPATCH_DEADLINE,
        "httpRequest": _signed_post(service_url + TRUST_PATH,
                                    {"trustId": trust_id, "since": now.strftime("%Y-%m-%d %H:%M:%S")},
                                    service_account, audience),
    }


def enqueue(session: requests.Session, queue: str, task: dict[str, object]) -> str:
    """Create `task` on `queue`; returns "queued", or "already queued" for a duplicate name.

    `session` must carry credentials allowed to create tasks (an `AuthorizedSession` on App
    Engine); errors become the shell's named errors, in plain words.
    """
    url = f"{CLOUD_TASKS_ROOT}/{queue}/tasks"
    try:
        response = session.post(url, json={"task": task}, timeout=TIMEOUT_SECONDS)
    except requests.RequestException as error:
        raise StoreUnavailable("Cloud Tasks could not be reached; the next run will retry.") from error
    if response.status_code == 409:
        return "already queued"
    if response.status_code == 404:
        raise SettingsError("The Cloud Tasks queue in TRACKER_TASKS_QUEUE does not exist.")
    if response.status_code in (401, 403):
        raise AccessDenied("The service account may not add tasks to the Cloud Tasks queue.")
    if response.status_code >= 400:
        raise StoreUnavailable(f"Cloud Tasks answered {response.status_code}; the next run will retry.")
    return "queued"
