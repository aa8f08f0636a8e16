"""Our own bounded retry for Google requests.

gspread's `BackOffHTTPClient` (6.2.1) never gives up and ignores Retry-After, so we retry here:
exponential backoff with jitter on 429, 5xx, Google's rate-limit 403s and dropped connections;
a Retry-After header is a floor on the wait; after `give_up_after` seconds in total we stop with a
plain sentence (`StoreUnavailable`, exit 1). Every output is one atomic write, so stopping never
leaves a spreadsheet half-written.
"""
from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime

import google.auth.exceptions
import requests

from sync.errors import StoreUnavailable

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
    return max(0.0, (when - (now or datetime.now(timezone.utc))).total_seconds())


class Retrier:
    """Calls `send` until it gets an answer worth keeping or the time budget runs out."""

    def __init__(self, policy: RetryPolicy | None = None, *, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep, rng: random.Random | None = None) -> None:
        self.policy = policy or RetryPolicy()
        self.clock, self.sleep = clock, sleep
        self.rng = rng or random.Random()
        self.retries = 0

    def backoff(self, attempt: int) -> float:
        """The wait after failed try number `attempt` (0-based): between half and all of the cap."""
        cap = min(self.policy.max_delay, self.policy.first_delay * 2 ** attempt)
        return cap * (0.5 + 0.5 * self.rng.random())

    def call(self, send: Callable[[], requests.Response], what: str) -> requests.Response:
        """The first non-retryable response of `send()`; `what` names the work in the message."""
        start, attempt = self.clock(), 0
        while True:
            failure: Exception | None = None
            try:
                response: requests.Response | None = send()
            except CONNECTION_ERRORS as error:
                response, failure = None, error
            if response is not None and not is_retryable(response):
                return response
            delay = self.backoff(attempt)
            asked = retry_after(response) if response is not None else None
            if asked is not None:
                delay = max(delay, asked)
            spent = self.clock() - start
            if spent + delay > self.policy.give_up_after:
                last = f"HTTP {response.status_code}" if response is not None else "no connection"
                raise StoreUnavailable(
                    f"Google did not answer while {what} ({attempt + 1} tries over {spent:.0f} seconds, "
                    f"last: {last}). Nothing was half-written; run the sync again later.") from failure
            self.sleep(delay)
            attempt += 1
            self.retries += 1
