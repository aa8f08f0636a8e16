"""The nightly run: each school in turn, outcomes recorded, failures isolated, a deadline kept,
one sync per school at a time, and Cloud Tasks fan-out when a queue is configured."""
from __future__ import annotations

import base64
import json
import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest
import requests

from sync.errors import AccessDenied, StoreUnavailable
from sync.google.transport import mount_api_root
from sync.web import create_app, tasks
from sync.web.schools import SchoolRegistry, run_each
from sync.web.tasks import school_task
from tests.web.fakes import (
    OTHER_SCHOOL,
    SCHEDULER_AUDIENCE,
    SCHEDULER_EMAIL,
    SCHOOL,
    FakeJob,
    FakeStore,
    SigningKey,
    fake_google_session,
    web_config,
)

QUEUE = "projects/trust-project/locations/europe-west2/queues/tracker-sync"


def cron(school):
    token = school.token(SCHEDULER_EMAIL, audience=SCHEDULER_AUDIENCE)
    return school.client.get("/tasks/sync-all", headers={"Authorization": f"Bearer {token}"})


def test_one_school_failing_does_not_stop_the_others_and_cron_is_asked_to_retry(make_school) -> None:
    school = make_school()
    school.job.fail_for = {"Test school": StoreUnavailable("Google did not answer in time.")}
    answer = cron(school)
    assert answer.status_code == 503
    assert answer.json["error"] == "1 of 2 schools did not finish; the schedule will try them again."
    outcomes = {s["spreadsheetId"]: s for s in answer.json["schools"]}
    assert outcomes[SCHOOL]["outcome"] == "failed"
    assert outcomes[SCHOOL]["message"] == "Google did not answer in time."
    assert outcomes[OTHER_SCHOOL]["outcome"] == "done"
    assert sorted(school.job.runs) == ["Other school", "Test school"]


def test_an_unexpected_crash_is_recorded_without_its_message_in_the_log(make_school, caplog) -> None:
    school = make_school()
    school.job.fail_for = {"Other school": KeyError("A123456789012 Ada Lovelace")}
    with caplog.at_level(logging.INFO):
        answer = cron(school)
    outcomes = {s["spreadsheetId"]: s["outcome"] for s in answer.json["schools"]}
    assert outcomes == {SCHOOL: "done", OTHER_SCHOOL: "failed"}
    assert "KeyError" in caplog.text
    assert "A123456789012" not in caplog.text and "Lovelace" not in caplog.text
    assert "Lovelace" not in answer.get_data(as_text=True)


class SteppedClock:
    """Time that moves only when a sync runs: each sync takes `step` seconds."""

    def __init__(self, step: float) -> None:
        self.now, self.step = 0.0, step

    def __call__(self) -> float:
        return self.now

    def sync(self, school: str) -> str:
        self.now += self.step
        return f"synced {school}"


def test_schools_are_started_only_while_the_budget_fits_before_the_deadline() -> None:
    # deadline 300 s, budget 100 s: a school may start while elapsed <= 200 s.
    # Each sync takes 90 s: starts at 0, 90, 180; the fourth would start at 270 > 200.
    clock = SteppedClock(step=90)
    registry = SchoolRegistry(["a", "b", "c", "d", "e"])
    outcomes = run_each(registry.in_run_order(), clock.sync, registry=registry,
                        deadline_seconds=300, budget_seconds=100, clock=clock)
    assert [o.outcome for o in outcomes] == ["done"] * 3 + ["left for the next run"] * 2
    assert [o.seconds for o in outcomes[:3]] == [90, 90, 90]
    assert all(o.retry for o in outcomes[3:])
    assert registry.in_run_order()[:2] == ["d", "e"]   # the next run continues with them


def test_sync_all_through_the_app_leaves_late_schools_for_next_time(make_school) -> None:
    school = make_school(sync_deadline_seconds=100, school_budget_seconds=60)
    clock = SteppedClock(step=50)
    tracker = school.app.extensions["tracker"]
    tracker.clock = clock
    tracker.run_school = lambda store, full=False: (clock.sync(store.display_name),
                                                    school.job(store, full=full))[1]
    first = cron(school)
    assert first.status_code == 503
    assert [s["outcome"] for s in first.json["schools"]] == ["done", "left for the next run"]
    second = cron(school)   # the school left behind goes first
    assert [(s["spreadsheetId"], s["outcome"]) for s in second.json["schools"]] == [
        (OTHER_SCHOOL, "done"), (SCHOOL, "left for the next run")]
    assert school.job.runs == ["Test school", "Other school"]
    assert school.job.full_runs == [True, True]   # the nightly sync reads every workbook


def wait_until(condition, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def test_ten_concurrent_triggers_of_one_school_run_one_sync_and_nine_409s(make_school) -> None:
    school = make_school()
    school.job.hold()
    token = school.token()

    def trigger(_: int):
        client = school.app.test_client()
        return client.post("/api/sync", json={"spreadsheetId": SCHOOL},
                           headers={"Authorization": f"Bearer {token}"})

    with ThreadPoolExecutor(max_workers=10) as pool:
        futures = [pool.submit(trigger, n) for n in range(10)]
        assert school.job.started.wait(timeout=30)
        wait_until(lambda: sum(future.done() for future in futures) == 9)
        school.job.release()   # only now may the one sync that got the lock finish
        answers = [future.result(timeout=30) for future in futures]
    statuses = sorted(answer.status_code for answer in answers)
    assert statuses == [200] + [409] * 9
    assert school.job.runs == ["Test school"]
    assert {a.json["error"] for a in answers if a.status_code == 409} == {
        "A sync of this school is already running; try again when it has finished."}


def test_status_says_running_and_sync_all_skips_a_school_held_by_the_add_on(make_school) -> None:
    school = make_school()
    school.job.hold()
    worker = threading.Thread(target=lambda: school.call("sync", school.token()))
    worker.start()
    assert school.job.started.wait(timeout=30)
    try:
        assert school.call("status", school.token()).json["running"] is True
        answer_holder = {}
        cron_thread = threading.Thread(target=lambda: answer_holder.update(answer=cron(school)))
        cron_thread.start()
        wait_until(lambda: "Other school" in school.job.runs)  # held too, after the refusal
    finally:
        school.job.release()
    worker.join(timeout=30)
    cron_thread.join(timeout=30)
    outcomes = {s["spreadsheetId"]: s["outcome"] for s in answer_holder["answer"].json["schools"]}
    assert outcomes == {SCHOOL: "already running", OTHER_SCHOOL: "done"}
    assert sorted(school.job.runs) == ["Other school", "Test school"]


# --- Cloud Tasks fan-out -------------------------------------------------------------------


def test_the_task_for_a_school_posts_its_id_with_an_oidc_token() -> None:
    task = school_task(QUEUE, SCHOOL, service_url="https://tracker.example.org",
                       service_account=SCHEDULER_EMAIL, audience=SCHEDULER_AUDIENCE,
                       day=date(2026, 11, 5))
    assert task["name"] == f"{QUEUE}/tasks/sync-{SCHOOL}-20261105"
    request = task["httpRequest"]
    assert request["httpMethod"] == "POST"
    assert request["url"] == "https://tracker.example.org/tasks/sync-school"
    assert json.loads(base64.b64decode(request["body"])) == {"spreadsheetId": SCHOOL}
    assert request["oidcToken"] == {"serviceAccountEmail": SCHEDULER_EMAIL,
                                    "audience": SCHEDULER_AUDIENCE}


def queued_app(key: SigningKey):
    session, google = fake_google_session(key)
    job = FakeJob()
    app = create_app(web_config(tasks_queue=QUEUE, service_url="https://tracker.example.org",
                                on_app_engine=True),
                     run_school=job, open_school=lambda sid: FakeStore(sid), session=session)
    app.extensions["tracker"].today = lambda: date(2026, 11, 5)
    return app, google, job


def test_with_a_queue_sync_all_enqueues_one_task_per_school_and_syncs_none_inline(key) -> None:
    app, google, job = queued_app(key)
    google.answers = [(200, {"name": "created"}), (409, {"error": {"status": "ALREADY_EXISTS"}})]
    answer = app.test_client().get("/tasks/sync-all", headers={"X-Appengine-Cron": "true"})
    assert answer.status_code == 200, answer.json
    assert job.runs == []
    assert [(s["spreadsheetId"], s["outcome"], s["message"]) for s in answer.json["schools"]] == [
        (SCHOOL, "queued", "queued"), (OTHER_SCHOOL, "queued", "already queued")]
    assert [r.url for r in google.requests] == [
        f"https://cloudtasks.googleapis.com/v2/{QUEUE}/tasks"] * 2
    bodies = [json.loads(r.body) for r in google.requests]
    assert [b["task"]["name"].rsplit("/", 1)[1] for b in bodies] == [
        f"sync-{SCHOOL}-20261105", f"sync-{OTHER_SCHOOL}-20261105"]


@pytest.mark.parametrize("status, outcome, retry", [(503, "failed", True), (404, "failed", False),
                                                    (403, "failed", False)])
def test_a_queue_error_is_recorded_per_school(key, status, outcome, retry) -> None:
    app, google, _ = queued_app(key)
    google.answers = [(status, {}), (200, {})]
    answer = app.test_client().get("/tasks/sync-all", headers={"X-Appengine-Cron": "true"})
    first, second = answer.json["schools"]
    assert (first["outcome"], first["retry"]) == (outcome, retry)
    assert second["outcome"] == "queued"
    assert answer.status_code == (503 if retry else 200)


def test_the_services_cloud_tasks_session_is_signed_with_a_scope_cloud_tasks_accepts(google) -> None:
    """Against the stand-in, which accepts only `cloud-platform` for Cloud Tasks as Google does."""
    from sync.web import _google_session

    session = _google_session(web_config(tasks_queue=QUEUE))
    task = school_task(QUEUE, SCHOOL, service_url="https://tracker.example.org",
                       service_account=SCHEDULER_EMAIL, audience=SCHEDULER_AUDIENCE, day=date(2026, 11, 5))
    assert tasks.enqueue(session, QUEUE, task) == "queued"
    assert tasks.enqueue(session, QUEUE, task) == "already queued"      # one task per school a day
    assert list(google.world.tasks) == [task["name"]]


def test_cloud_tasks_refuses_a_token_without_the_cloud_platform_scope(google) -> None:
    token = google.access_token(scopes=("cloud-tasks",))               # no such scope exists
    session = mount_api_root(requests.Session(), google.api_root)
    session.headers["Authorization"] = f"Bearer {token}"
    task = school_task(QUEUE, SCHOOL, service_url="https://tracker.example.org",
                       service_account=SCHEDULER_EMAIL, audience=SCHEDULER_AUDIENCE, day=date(2026, 11, 5))
    with pytest.raises(AccessDenied):
        tasks.enqueue(session, QUEUE, task)
    assert google.world.tasks == {}


def test_a_cloud_scheduler_trigger_without_a_queue_stops_starting_schools_inside_its_deadline(make_school) -> None:
    # Cloud Scheduler gives up on an attempt after 30 minutes at most: without a queue the run
    # starts schools for 20 minutes only (the deadline setting says 50); App Engine cron keeps 50.
    def run(headers_of) -> list[str]:
        school = make_school(sync_deadline_seconds=3000, school_budget_seconds=60, on_app_engine=True)
        clock = SteppedClock(step=1200)
        tracker = school.app.extensions["tracker"]
        tracker.clock = clock
        tracker.run_school = lambda store, full=False: (clock.sync(store.display_name),
                                                        school.job(store, full=full))[1]
        answer = school.client.get("/tasks/sync-all", headers=headers_of(school))
        return [s["outcome"] for s in answer.json["schools"]]

    scheduler = run(lambda school: {"Authorization": "Bearer " + school.token(SCHEDULER_EMAIL,
                                                                               audience=SCHEDULER_AUDIENCE)})
    assert scheduler == ["done", "left for the next run"]
    assert run(lambda school: {"X-Appengine-Cron": "true"}) == ["done", "done"]


def test_the_app_logs_its_own_lines_to_stderr_under_gunicorn(make_school, key, capfd) -> None:
    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    root.handlers[:] = []                       # as under gunicorn: nothing has configured logging
    try:
        environ = {"TRACKER_SCHOOLS": f"{SCHOOL},{OTHER_SCHOOL}", "TRACKER_SCHEDULER_EMAIL": SCHEDULER_EMAIL,
                   "TRACKER_SCHEDULER_AUDIENCE": SCHEDULER_AUDIENCE}
        session, _ = fake_google_session(key)
        job = FakeJob()
        app = create_app(environ, run_school=job, open_school=lambda sid: FakeStore(sid), session=session)
        create_app(environ, run_school=job, open_school=lambda sid: FakeStore(sid), session=session)
        assert len(root.handlers) == 1 and root.level == logging.INFO   # a second app adds no second
        token = make_school().token(SCHEDULER_EMAIL, audience=SCHEDULER_AUDIENCE)   # signed with `key`
        answer = app.test_client().get("/tasks/sync-all", headers={"Authorization": f"Bearer {token}"})
        assert answer.status_code == 200, answer.json
        err = capfd.readouterr().err
        assert "INFO sync.web.routes: sync-all by scheduler token: 2 schools" in err
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
