"""Fault injection and quotas: the failures a sync must survive, on schedule."""
from __future__ import annotations

import time

import pytest
import requests

from tests.google_standin import StandIn


def values_url(standin: StandIn, book: str) -> str:
    return f"{standin.api_root}/sheets.googleapis.com/v4/spreadsheets/{book}/values/Sheet1!A1"


def test_a_429_at_the_second_request_says_resource_exhausted_and_when_to_retry(standin, api) -> None:
    book = standin.create_spreadsheet("4B")
    standin.faults.add("429", at=2, retry_after=7)
    statuses = [api.get(values_url(standin, book)) for _ in range(3)]
    assert [a.status_code for a in statuses] == [200, 429, 200]
    assert statuses[1].headers["Retry-After"] == "7"
    assert statuses[1].json()["error"]["status"] == "RESOURCE_EXHAUSTED"
    assert [(r.kind, r.status) for r in standin.requests] == [("read", 200), ("read", 429), ("read", 200)]


def test_faults_chosen_by_predicate_hit_only_writes(standin, api) -> None:
    book = standin.create_spreadsheet("4B")
    standin.faults.add("500", when=lambda request: request.kind == "write", times=2)
    put = lambda: api.put(values_url(standin, book), params={"valueInputOption": "RAW"},  # noqa: E731
                          json={"values": [["x"]]}).status_code
    assert [api.get(values_url(standin, book)).status_code, put(), put(), put()] == [200, 500, 500, 200]
    assert standin.count("write") == 3


def test_a_dropped_connection_reaches_the_client_as_a_connection_error(standin, api) -> None:
    book = standin.create_spreadsheet("4B")
    standin.faults.add("drop", at=1)
    with pytest.raises(requests.ConnectionError):
        api.get(values_url(standin, book))
    assert standin.requests[0].status == 0
    assert api.get(values_url(standin, book)).status_code == 200


def test_a_slow_answer_can_outlast_a_client_timeout(standin, api) -> None:
    book = standin.create_spreadsheet("4B")
    standin.faults.add("slow", at=1, delay=0.5)
    started = time.monotonic()
    with pytest.raises(requests.Timeout):
        api.get(values_url(standin, book), timeout=0.1)
    assert time.monotonic() - started < 0.45


def test_quotas_refuse_the_61st_read_in_a_minute_until_the_clock_moves_on(standin, api) -> None:
    book = standin.create_spreadsheet("4B")
    now = [1000.0]
    standin.quotas.switch_on(reads=3, writes=3, clock=lambda: now[0])
    assert [api.get(values_url(standin, book)).status_code for _ in range(4)] == [200, 200, 200, 429]
    assert "Read requests per minute per user" in api.get(values_url(standin, book)).json()["error"]["message"]
    put = api.put(values_url(standin, book), params={"valueInputOption": "RAW"}, json={"values": [["x"]]})
    assert put.status_code == 200          # writes have their own quota
    now[0] += 60.0
    assert api.get(values_url(standin, book)).status_code == 200
