"""A trust's nightly task: enqueued after its schools' tasks, named by trust and date, due later;
it waits (409, Cloud Tasks tries again) while a school has not synced tonight, and after
TRUST_WAITS tries writes the Trust summary anyway, the school shown as missing."""
from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sync.errors import AlreadyRunning
from sync.web import create_app
from sync.web.service import TRUST_WAITS
from tests.web.fakes import (
    OTHER_SCHOOL,
    SCHOOL,
    FakeJob,
    FakeStore,
    SigningKey,
    fake_google_session,
    web_config,
)

QUEUE = "projects/trust-project/locations/europe-west2/queues/tracker-sync"
TRUST = "trust-spreadsheet-id-0123456789"
NIGHT = datetime(2026, 11, 5, 2, 30, tzinfo=UTC)


@dataclass
class Outcome:
    line: str

    def summary_line(self) -> str:
        return self.line


class FakeTrust:
    """`run_trust_google`: waits while `behind` schools have not synced, else writes."""

    def __init__(self, behind: int) -> None:
        self.behind, self.calls = behind, []

    def __call__(self, trust_id: str, *, waiting_since: str | None) -> Outcome:
        self.calls.append((trust_id, waiting_since))
        if waiting_since and self.behind:
            raise AlreadyRunning(f"{self.behind} school of the trust have not synced tonight yet.")
        return Outcome(f"Trust summary for {trust_id}: written")


def app_with(key: SigningKey, trust: FakeTrust):
    session, google = fake_google_session(key)
    app = create_app(web_config(tasks_queue=QUEUE, service_url="https://tracker.example.org",
                                on_app_engine=True, trusts=(TRUST,)),
                     run_school=FakeJob(), open_school=lambda sid: FakeStore(sid), session=session)
    tracker = app.extensions["tracker"]
    tracker.today = lambda: date(2026, 11, 5)
    tracker.now = lambda: NIGHT
    tracker.run_trust = trust
    return app, google


def test_the_trust_task_is_enqueued_after_its_schools_named_by_trust_and_date(key) -> None:
    app, google = app_with(key, FakeTrust(0))
    google.answers = [(200, {})] * 3
    answer = app.test_client().get("/tasks/sync-all", headers={"X-Appengine-Cron": "true"})
    assert answer.status_code == 200, answer.json
    assert [s["spreadsheetId"] for s in answer.json["schools"]] == [SCHOOL, OTHER_SCHOOL, TRUST]
    task = json.loads(google.requests[-1].body)["task"]
    assert task["name"] == f"{QUEUE}/tasks/trust-{TRUST}-20261105"
    assert task["scheduleTime"] == "2026-11-05T03:00:00Z"          # 30 minutes after the night's start
    assert task["httpRequest"]["url"] == "https://tracker.example.org/tasks/trust"
    assert json.loads(base64.b64decode(task["httpRequest"]["body"])) == {
        "trustId": TRUST, "since": "2026-11-05 02:30:00"}


def test_the_trust_waits_for_its_schools_then_writes_with_the_late_ones_missing(key) -> None:
    trust = FakeTrust(behind=1)
    app, _ = app_with(key, trust)
    client = app.test_client()
    body = {"trustId": TRUST, "since": "2026-11-05 02:30:00"}
    for tries in range(TRUST_WAITS):
        answer = client.post("/tasks/trust", json=body, headers={
            "X-Appengine-Cron": "true", "X-CloudTasks-TaskRetryCount": str(tries)})
        assert answer.status_code == 409                       # Cloud Tasks tries again later
    answer = client.post("/tasks/trust", json=body, headers={
        "X-Appengine-Cron": "true", "X-CloudTasks-TaskRetryCount": str(TRUST_WAITS)})
    assert answer.status_code == 200
    assert trust.calls[-1] == (TRUST, None)                    # written anyway: the school missing


def test_a_trust_the_service_does_not_look_after_is_refused(key) -> None:
    app, _ = app_with(key, FakeTrust(0))
    answer = app.test_client().post("/tasks/trust", json={"trustId": "someone-else"},
                                    headers={"X-Appengine-Cron": "true"})
    assert answer.status_code == 404


class TrustStore:
    """The trust's own spreadsheet: Settings, Schools and its Staff of trust-level roles."""

    def read_summary(self) -> dict[str, list[list[object]]]:
        return {"Settings": [["Trust name", "T"], ["Results bucket", "trust-results"]],
                "Schools": [["School", "Tracker summary"], ["A", SCHOOL]],
                "Staff": [["Email", "Role"], ["ceo@trust.example", "Trust leader"]]}


def test_only_a_trust_level_role_may_ask_for_the_trusts_figures(make_school) -> None:
    school = make_school(trusts=(TRUST,))
    school.stores[TRUST] = TrustStore()
    trust = FakeTrust(0)
    school.app.extensions["tracker"].run_trust = trust
    # the head of a school in the trust: staff of the school, not of the trust
    answer = school.call("trust", school.token("head@school.example"), {"trustId": TRUST})
    assert answer.status_code == 403
    assert "not in this trust's Staff tab" in answer.json["error"]
    assert trust.calls == []
    answer = school.call("trust", school.token("CEO@trust.example"), {"trustId": TRUST})
    assert answer.status_code == 200, answer.json
    assert trust.calls == [(TRUST, None)]
    # and a trust's leader is nobody at a school: the school's own calls still check its Staff tab
    assert school.call("status", school.token("ceo@trust.example")).status_code == 403
