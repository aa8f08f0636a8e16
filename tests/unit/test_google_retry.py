"""Bounded retry in our gspread HTTP client, on a fake clock: backoff grows, jitter is bounded,
Retry-After is honoured, and it gives up after its time budget with a plain sentence."""
from __future__ import annotations

import json
import random
from datetime import UTC, datetime

import pytest
import requests

from sync.errors import AccessDenied, StoreUnavailable
from sync.google.client import RequestRejected, TrackerHTTPClient
from sync.google.pacer import Pacer
from sync.google.retry import RetryPolicy, retry_after


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


class FixedRandom(random.Random):
    def __init__(self, value: float) -> None:
        super().__init__()
        self.value = value

    def random(self) -> float:
        return self.value


def answer(status: int, body: dict | None = None, **headers: str) -> requests.Response:
    response = requests.Response()
    response.status_code = status
    response._content = json.dumps(body or {}).encode()
    response.headers.update({name.replace('_', '-'): value for name, value in headers.items()})
    return response


class Script(requests.Session):
    """A session that plays the outcomes in order (an exception is raised)."""

    def __init__(self, *outcomes: requests.Response | Exception) -> None:
        super().__init__()
        self.queue = list(outcomes)

    def request(self, *args, **kwargs) -> requests.Response:
        outcome = self.queue.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        self.last = outcome
        return outcome


def script(*outcomes: requests.Response | Exception) -> Script:
    return Script(*outcomes)


class Retrier:
    """The HTTP client on a scripted session: `call` sends one GET through it."""

    def __init__(self, clock: FakeClock, rng: random.Random, **policy: float) -> None:
        self.clock, self.rng, self.policy = clock, rng, RetryPolicy(**policy)
        self.client: TrackerHTTPClient | None = None

    def call(self, session: Script, what: str) -> requests.Response:
        self.client = TrackerHTTPClient(None, session, pacer=Pacer(), policy=self.policy,
                                        clock=self.clock, sleep=self.clock.sleep, rng=self.rng)
        with self.client.doing(what):
            try:
                return self.client.request("get", "https://sheets.googleapis.com/v4/spreadsheets/X")
            except (AccessDenied, RequestRejected):   # a refusal not retried: the answer it got
                return session.last

    @property
    def retries(self) -> int:
        return self.client.counts.retries if self.client else 0

    def backoff(self, attempt: int) -> float:
        client = TrackerHTTPClient(None, script(), pacer=Pacer(), policy=self.policy, rng=self.rng)
        return client.backoff(attempt)


def retrier(clock: FakeClock, rng: random.Random, **policy: float) -> Retrier:
    return Retrier(clock, rng, **policy)


def test_backoff_doubles_until_the_cap():
    clock = FakeClock()
    outcomes = [answer(503)] * 7 + [answer(200)]
    # random() = 0.5 puts every wait at 3/4 of its cap: caps 1, 2, 4, 8, 16, 32, 32
    retrier(clock, FixedRandom(0.5), first_delay=1, max_delay=32).call(script(*outcomes), "testing")
    assert clock.sleeps == [0.75, 1.5, 3, 6, 12, 24, 24]


def test_jitter_stays_between_half_and_all_of_the_cap():
    clock, rng = FakeClock(), random.Random(7)
    waits = retrier(clock, rng, first_delay=1, max_delay=8)
    for attempt, cap in [(0, 1), (1, 2), (2, 4), (3, 8), (4, 8), (9, 8)]:
        samples = [waits.backoff(attempt) for _ in range(200)]
        assert min(samples) >= cap / 2 and max(samples) <= cap
        assert max(samples) - min(samples) > cap / 4        # it does vary


def test_retry_after_seconds_is_a_floor_on_the_wait():
    clock = FakeClock()
    send = script(answer(429, Retry_After="30"), answer(200))
    response = retrier(clock, FixedRandom(0.5)).call(send, "testing")
    assert response.status_code == 200
    assert clock.sleeps == [30]


def test_retry_after_shorter_than_the_backoff_does_not_shorten_it():
    clock = FakeClock()
    send = script(answer(503), answer(503), answer(429, Retry_After="1"), answer(200))
    retrier(clock, FixedRandom(0.0), first_delay=4).call(send, "testing")
    assert clock.sleeps == [2, 4, 8]


def test_retry_after_as_an_http_date_counts_from_now():
    now = datetime(2026, 3, 2, 10, 0, 0, tzinfo=UTC)
    response = answer(503, Retry_After="Mon, 02 Mar 2026 10:00:45 GMT")
    assert retry_after(response, now=now) == 45


def test_gives_up_after_the_time_budget_with_a_plain_sentence():
    clock = FakeClock()
    send = script(*[answer(500)] * 50)
    with pytest.raises(StoreUnavailable) as caught:
        retrier(clock, FixedRandom(0.999999), first_delay=1, max_delay=32, give_up_after=100).call(
            send, "reading the class workbook 'Year 3 Oak'")
    # waits of about 1, 2, 4, 8, 16, 32, 32 = 95 s; the next 32 s would pass 100 s: it stops at try 8
    assert len(clock.sleeps) == 7 and 94 < clock.now <= 100
    message = str(caught.value)
    assert message.startswith("Google did not answer while reading the class workbook 'Year 3 Oak'")
    assert "8 tries" in message and "HTTP 500" in message and "run the sync again later" in message


def test_dropped_connections_are_retried():
    clock = FakeClock()
    send = script(requests.ConnectionError("reset"), requests.Timeout("slow"), answer(200))
    assert retrier(clock, FixedRandom(0.5)).call(send, "testing").status_code == 200
    assert len(clock.sleeps) == 2


def test_a_bad_request_is_returned_at_once():
    clock = FakeClock()
    response = retrier(clock, FixedRandom(0.5)).call(script(answer(400)), "testing")
    assert response.status_code == 400 and clock.sleeps == []


def test_rate_limit_403_is_retried_but_permission_denied_is_not():
    clock = FakeClock()
    limited = answer(403, {"error": {"code": 403, "errors": [{"reason": "userRateLimitExceeded"}]}})
    denied = answer(403, {"error": {"code": 403, "status": "PERMISSION_DENIED"}})
    response = retrier(clock, FixedRandom(0.5)).call(script(limited, denied), "testing")
    assert response is denied and len(clock.sleeps) == 1


def test_retries_are_counted():
    clock = FakeClock()
    retry = retrier(clock, FixedRandom(0.5))
    retry.call(script(answer(500), answer(502), answer(200)), "testing")
    assert retry.retries == 2


def creating(clock: FakeClock, session: Script, looks: list[dict | None]) -> tuple[dict, list[int]]:
    """One POST that makes a file, with `made_already` answering from `looks` in turn; the answer's
    JSON and the number of tries already sent when each look was made."""
    client = TrackerHTTPClient(None, session, pacer=Pacer(), policy=RetryPolicy(),
                               clock=clock, sleep=clock.sleep, rng=FixedRandom(0.5))
    looked_after: list[int] = []

    def made_already() -> dict | None:
        looked_after.append(len(session.sent))
        return looks.pop(0)

    response = client.request("post", "https://www.googleapis.com/upload/drive/v3/files", made_already=made_already)
    return response.json(), looked_after


class Counting(Script):
    def __init__(self, *outcomes: requests.Response | Exception) -> None:
        super().__init__(*outcomes)
        self.sent: list[int] = []

    def request(self, *args, **kwargs) -> requests.Response:
        self.sent.append(1)
        return super().request(*args, **kwargs)


def test_a_create_whose_answer_was_lost_is_found_not_made_again():
    clock = FakeClock()
    send = Counting(requests.ConnectionError("reset after sending"), answer(200, {"id": "second"}))
    found, looked_after = creating(clock, send, [{"id": "first"}])
    assert found == {"id": "first"}                 # the file the lost try made is the answer
    assert send.sent == [1] and looked_after == [1]  # one try sent, one look, no second create


def test_a_create_is_tried_again_when_the_look_finds_nothing_and_after_a_server_error():
    clock = FakeClock()
    send = Counting(answer(503), requests.Timeout("no answer"), answer(200, {"id": "made"}))
    found, looked_after = creating(clock, send, [None, None])
    assert found == {"id": "made"}
    assert looked_after == [1, 2] and len(send.sent) == 3 and len(clock.sleeps) == 2


def test_a_rate_limited_create_is_not_looked_for():
    clock = FakeClock()      # a 429 is Google saying it did nothing: no look, just the wait
    send = Counting(answer(429, Retry_After="2"), answer(200, {"id": "made"}))
    found, looked_after = creating(clock, send, [])
    assert found == {"id": "made"} and looked_after == [] and clock.sleeps == [2]
