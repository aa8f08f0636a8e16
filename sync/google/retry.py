"""What our bounded retry of Google requests retries, and how long it waits (the loop itself is
in `sync.google.client.TrackerHTTPClient`).

gspread's `BackOffHTTPClient` (6.2.1) never gives up and ignores Retry-After, so we retry in our own
HTTP client: exponential backoff with jitter on 429, 5xx, Google's rate-limit 403s and dropped
connections; a Retry-After header is a floor on the wait; after `give_up_after` seconds in total we
stop with a plain sentence (`StoreUnavailable`, exit 1). Every output is one atomic write, so
stopping never leaves a spreadsheet half-written.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import google.auth.exceptions
import requests

RATE_LIMIT_REASONS = frozenset({"rateLimitExceeded", "userRateLimitExceeded"})
CONNECTION_ERRORS = (requests.ConnectionError, requests.Timeout, google.auth.exceptions.TransportError)


@dataclass(frozen=True)
class RetryPolicy:
    """How long to wait between tries, and for how long to keep trying."""

    first_delay: float = 1.0              # seconds before the second try (before jitter)
    max_delay: float = 32.0               # the backoff stops growing here
    give_up_after: float = 300.0          # total seconds spent on one request, waits included
    timeout: tuple[float, float] = (10.0, 120.0)   # requests' (connect, read) timeout per try


def is_retryable(response: requests.Response) -> bool:
    """429, any 5xx, and the 403s Google uses for rate limits (Drive's `userRateLimitExceeded`)."""
    if response.status_code == 429 or response.status_code >= 500:
        return True
    if response.status_code != 403:
        return False
    try:
        error = response.json().get("error", {})
    except ValueError:
        return False
    reasons = {item.get("reason") for item in error.get("errors", []) if isinstance(item, dict)}
    return error.get("status") == "RESOURCE_EXHAUSTED" or bool(reasons & RATE_LIMIT_REASONS)


def retry_after(response: requests.Response, now: datetime | None = None) -> float | None:
    """Seconds the server asked us to wait (delta-seconds or an HTTP date), None when it did not."""
    value = response.headers.get("Retry-After", "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())
