"""Every route of the web service with good and bad credentials, through Flask's test client.

Tokens are real RS256 signatures; certificates come through the injected fake Google session.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
import requests

from sync.errors import SchoolNotFound, StoreUnavailable
from tests.web.fakes import (
    ADDON_AUDIENCE,
    OTHER_SCHOOL,
    SCHEDULER_AUDIENCE,
    SCHEDULER_EMAIL,
    SCHOOL,
    TEACHER,
    SigningKey,
)

API_ROUTES = ["sync", "status", "reports", "new-year"]


def test_healthz_answers_without_credentials(school: School) -> None:
    answer = school.client.get("/healthz")
    assert answer.status_code == 200
    assert answer.json == {"status": "ok"}


def test_a_teacher_in_staff_syncs_the_school_once(school: School) -> None:
    answer = school.call("sync", school.token())
    assert answer.status_code == 200, answer.json
    assert school.job.runs == ["Test school"]
    assert answer.json["message"] == "Synced Test school: 2 workbooks read, 0 problems."
    assert answer.json["outcome"]["workbooks_read"] == 2


def test_staff_emails_and_roles_match_without_regard_to_case(school: School) -> None:
    answer = school.call("reports", school.token("head@school.example"))
    assert answer.status_code == 200, answer.json


@pytest.mark.parametrize("route", API_ROUTES)
def test_no_token_is_refused_before_the_school_is_opened(school: School, route: str) -> None:
    answer = school.call(route, None)
    assert answer.status_code == 401
    assert "Sign in" in answer.json["error"]
    assert school.opened == [] and school.job.runs == []


@pytest.mark.parametrize("route", API_ROUTES)
@pytest.mark.parametrize("forgery", ["forged signature", "expired", "wrong audience",
                                     "wrong issuer", "unverified email", "not a JWT",
                                     "basic scheme"])
def test_bad_tokens_get_401_and_do_no_work(school: School, impostor: SigningKey, route: str,
                                           forgery: str) -> None:
    tokens = {
        "forged signature": lambda: impostor.mint(TEACHER, ADDON_AUDIENCE),
        "expired": lambda: school.token(expires_in=-120),
        "wrong audience": lambda: school.token(audience="someone-else.apps.googleusercontent.com"),
        "wrong issuer": lambda: school.token(issuer="https://accounts.evil.example"),
        "unverified email": lambda: school.token(email_verified=False),
        "not a JWT": lambda: "not-a-token",
    }
    if forgery == "basic scheme":
        answer = school.call(route, None, headers={"Authorization": "Basic " + school.token()})
    else:
        answer = school.call(route, tokens[forgery]())
    assert answer.status_code == 401, answer.json
    assert set(answer.json) == {"error"}
    assert school.opened == [] and school.job.runs == [] and school.reports_written == []
    assert school.new_years == []


@pytest.mark.parametrize("route", API_ROUTES)
def test_a_verified_email_not_in_staff_gets_403(school: School, route: str) -> None:
    answer = school.call(route, school.token("parent@gmail.example"))
    assert answer.status_code == 403
    assert "Staff tab" in answer.json["error"]
    assert school.job.runs == [] and school.reports_written == []


def test_a_teacher_may_not_create_parent_reports(school: School) -> None:
    answer = school.call("reports", school.token(TEACHER))
    assert answer.status_code == 403
    assert answer.json == {"error": "Only the head or an admin can do this; ask them to."}
    assert school.reports_written == []


def test_a_teacher_may_not_roll_the_school_into_next_year(school: School) -> None:
    answer = school.call("new-year", school.token(TEACHER))
    assert answer.status_code == 403
    assert answer.json == {"error": "Only the head or an admin can do this; ask them to."}
    assert school.new_years == []


def test_a_forged_head_token_may_not_roll_the_school_into_next_year(school: School, impostor: SigningKey) -> None:
    answer = school.call("new-year", impostor.mint("head@school.example", ADDON_AUDIENCE))
    assert answer.status_code == 401
    assert school.opened == [] and school.new_years == []


@pytest.mark.parametrize("who", ["head@school.example", "admin@school.example"])
def test_the_head_or_an_admin_rolls_the_school_into_next_year(school: School, who: str) -> None:
    dry = school.call("new-year", school.token(who), {"spreadsheetId": SCHOOL, "dryRun": True})
    assert dry.status_code == 200, dry.json
    assert dry.json["lines"][0] == "Would create 2027-28 Oak (Year 4) with 3 pupils."
    made = school.call("new-year", school.token(who))
    assert made.status_code == 200, made.json
    assert made.json["message"].startswith("Created 2027-28 Oak (Year 4) with 3 pupils.\nWhen the head agrees")
    assert school.new_years == [("Test school", True), ("Test school", False)]


@pytest.mark.parametrize("dry_run", ["yes", 1, None, [True]])
def test_a_dry_run_that_is_not_true_or_false_is_400_and_does_nothing(school: School, dry_run) -> None:
    answer = school.call("new-year", school.token("head@school.example"), {"spreadsheetId": SCHOOL, "dryRun": dry_run})
    assert answer.status_code == 400
    assert answer.json == {"error": "dryRun should be true or false."}
    assert school.new_years == []


def test_an_admin_creates_parent_reports_for_a_class(school: School) -> None:
    answer = school.call("reports", school.token("admin@school.example"),
                         {"spreadsheetId": SCHOOL, "window": "Spring", "className": "Oak"})
    assert answer.status_code == 200
    assert answer.json == {"message": "Wrote 2 parent reports.", "reports": 2}
    assert school.reports_written == [("Test school", "Spring", "Oak")]


@pytest.mark.parametrize("route", API_ROUTES)
def test_a_school_the_service_does_not_look_after_is_404_and_never_opened(school: School,
                                                                          route: str) -> None:
    answer = school.call(route, school.token(), {"spreadsheetId": "1SomeoneElsesSheet"})
    assert answer.status_code == 404
    assert school.opened == []


@pytest.mark.parametrize("body", [{}, {"spreadsheetId": ""}, {"spreadsheetId": 7}])
def test_a_missing_spreadsheet_id_is_400(school: School, body: dict) -> None:
    answer = school.call("sync", school.token(), body)
    assert answer.status_code == 400
    assert answer.json == {"error": "Say which school: spreadsheetId is missing."}


def test_a_body_that_is_not_json_is_400(school: School) -> None:
    answer = school.client.post("/api/sync", data="spreadsheetId=x",
                                headers={"Authorization": f"Bearer {school.token()}"})
    assert answer.status_code == 400


@pytest.mark.parametrize("error, status", [
    (SchoolNotFound("The Tracker summary spreadsheet cannot be opened."), 404),
    (StoreUnavailable("Google did not answer; nothing was written."), 503)])
def test_store_errors_keep_their_status_and_sentence(school: School, error: Exception,
                                                     status: int) -> None:
    school.stores[SCHOOL] = error
    answer = school.call("sync", school.token())
    assert answer.status_code == status
    assert answer.json == {"error": str(error)}


def test_certificates_unreachable_is_503_not_401(make_school) -> None:
    school = make_school()

    def unreachable(request, **kwargs):
        raise requests.ConnectionError("no route to host")
    school.google.send = unreachable  # the certificate endpoint cannot be reached
    answer = school.call("sync", school.token())
    assert answer.status_code == 503


def test_status_lists_the_last_run_and_this_class_problems(school: School) -> None:
    school.stores[SCHOOL].extra_tabs = {
        "Sync log": [["Started", "Finished", "Window", "Problems", "Outcome"],
                     ["2026-11-01 19:00:00", "2026-11-01 19:01:00", "Autumn", 3, "complete"],
                     ["2026-11-02 19:00:00", "2026-11-02 19:02:00", "Autumn", 2.0, "complete"]],
        "Problems": [["Workbook", "Tab", "Cell", "Found", "Expected", "Severity"],
                     ["Oak 2026-27", "Judgements", "C4", "17x", "a points label", "error"],
                     ["Ash 2026-27", "Tests", "B2", "51/50", "a score up to 50", "error"],
                     ["Oak 2026-27", "Pupils", "A7", "A12345678901Z", "check letter", "warning"]]}
    answer = school.call("status", school.token(), {"spreadsheetId": SCHOOL,
                                                    "workbook": "oak 2026-27"})
    assert answer.status_code == 200
    assert answer.json["running"] is False
    assert answer.json["lastRun"] == {"started": "2026-11-02 19:00:00",
                                      "finished": "2026-11-02 19:02:00", "window": "Autumn",
                                      "problems": "2", "outcome": "complete"}
    assert answer.json["problemCount"] == 2
    assert [p["cell"] for p in answer.json["problems"]] == ["C4", "A7"]
    assert answer.json["problems"][0] == {"workbook": "Oak 2026-27", "tab": "Judgements",
                                          "cell": "C4", "found": "17x",
                                          "expected": "a points label", "severity": "error"}


def test_status_of_a_school_never_synced_has_no_run_and_no_problems(school: School) -> None:
    answer = school.call("status", school.token())
    assert answer.json == {"running": False, "lastRun": None, "problemCount": 0, "problems": []}


# --- the schedule --------------------------------------------------------------------------


def test_cron_header_is_refused_off_app_engine(school: School) -> None:
    answer = school.client.get("/tasks/sync-all", headers={"X-Appengine-Cron": "true"})
    assert answer.status_code == 401
    assert school.job.runs == []


def test_cron_header_is_trusted_on_app_engine(make_school) -> None:
    school = make_school(on_app_engine=True)
    answer = school.client.get("/tasks/sync-all", headers={"X-Appengine-Cron": "true"})
    assert answer.status_code == 200, answer.json
    assert sorted(school.job.runs) == ["Other school", "Test school"]
    assert [s["outcome"] for s in answer.json["schools"]] == ["done", "done"]


def test_scheduler_token_of_the_configured_account_runs_sync_all(school: School) -> None:
    token = school.token(SCHEDULER_EMAIL, audience=SCHEDULER_AUDIENCE)
    answer = school.client.get("/tasks/sync-all", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200
    assert len(school.job.runs) == 2


def test_a_staff_token_cannot_start_the_schedule(school: School) -> None:
    token = school.token(TEACHER, audience=SCHEDULER_AUDIENCE)
    answer = school.client.get("/tasks/sync-all", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 403
    assert school.job.runs == []


@pytest.mark.parametrize("claims", [{"audience": ADDON_AUDIENCE}, {"expires_in": -120},
                                    {"issuer": "https://accounts.evil.example"},
                                    {"email_verified": False}])
def test_bad_scheduler_tokens_get_401(school: School, claims: dict) -> None:
    token = school.token(SCHEDULER_EMAIL, **{"audience": SCHEDULER_AUDIENCE, **claims})
    answer = school.client.get("/tasks/sync-all", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 401
    assert school.job.runs == []


def test_a_cloud_task_syncs_one_school(school: School) -> None:
    token = school.token(SCHEDULER_EMAIL, audience=SCHEDULER_AUDIENCE)
    answer = school.client.post("/tasks/sync-school", json={"spreadsheetId": OTHER_SCHOOL},
                                headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200
    assert school.job.runs == ["Other school"]


def test_a_cloud_task_needs_the_scheduler_token(school: School) -> None:
    answer = school.client.post("/tasks/sync-school", json={"spreadsheetId": SCHOOL},
                                headers={"Authorization": f"Bearer {school.token()}"})
    assert answer.status_code == 401   # a staff token has the add-on's audience, not the service's
    assert school.job.runs == []

if TYPE_CHECKING:
    from tests.web.conftest import School
