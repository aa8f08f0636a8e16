"""The web service on a real server (127.0.0.1) against the Google stand-in: ID tokens signed by the
stand-in's key and verified with certificates fetched through TRACKER_GOOGLE_API_ROOT, the Staff
tab read by the real Google store, and the per-school lock under a slow Google answer."""
from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import pytest
import requests
from werkzeug.serving import make_server

from sync.store import Tab
from sync.web import create_app
from sync.web.config import WebConfig
from tests.google_standin import StandIn, mint_id_token
from tests.google_standin.oauth import new_key
from tests.integration.google_school import demo_school, serve

AUDIENCE = "1234-addon.apps.googleusercontent.com"
HEAD = "head@school.example"


@pytest.fixture
def standin(monkeypatch) -> Iterator[StandIn]:
    with StandIn() as google:
        monkeypatch.setenv("TRACKER_GOOGLE_API_ROOT", google.api_root)
        monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(google.key_file))
        yield google


@pytest.fixture
def school(standin: StandIn) -> str:
    return standin.create_spreadsheet("Tracker summary", {
        "Settings": [["School name", "Stand-in Primary"], ["Academic year", "2026-27"]],
        "Staff": [["Email", "Role"], [HEAD, "Head"]],
    })


def summary_touch(store, *, full: bool = False) -> object:
    """A sync's Google round trip in miniature, under the store's own lock: read the summary,
    write one owned tab in one atomic request."""
    with store.lock():
        store.read_summary()
        store.write_summary([Tab("Sync log", ["Started", "Outcome"],
                                 [["2026-11-02 19:00:00", "complete"]])])

    class Outcome:
        def summary_line(self) -> str:
            return "Synced."

        def as_dict(self) -> dict:
            return {}
    return Outcome()


@contextmanager
def serve_app(app) -> Iterator[str]:
    """An app served on 127.0.0.1 by werkzeug, in a thread, until the test ends."""
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    thread.join(timeout=10)


@pytest.fixture
def server(school: str) -> Iterator[str]:
    """The app with the real Google store and session, and a miniature sync."""
    with serve_app(create_app(WebConfig(schools=(school,), oauth_audiences=(AUDIENCE,)),
                              run_school=summary_touch)) as url:
        yield url


@pytest.fixture(scope="module")
def demo_folder(tmp_path_factory):
    """The demo's year 5 classes (two this year, two last year) as a local-mode folder."""
    return demo_school(tmp_path_factory.mktemp("web") / "school", (5,))


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_status_reads_staff_from_google_and_checks_tokens_with_the_standins_certificates(
        standin: StandIn, school: str, server: str) -> None:
    url = f"{server}/api/status"
    good = requests.get(url, params={"spreadsheetId": school},
                        headers=bearer(mint_id_token(HEAD, AUDIENCE)), timeout=30)
    assert good.status_code == 200, good.text
    assert good.json()["lastRun"] is None
    assert any("oauth2/v1/certs" in record.path for record in standin.state.auth_requests)

    forged = requests.get(url, params={"spreadsheetId": school},
                          headers=bearer(mint_id_token(HEAD, AUDIENCE, key=new_key())), timeout=30)
    assert forged.status_code == 401
    stranger = requests.get(url, params={"spreadsheetId": school},
                            headers=bearer(mint_id_token("parent@example.org", AUDIENCE)), timeout=30)
    assert stranger.status_code == 403


def test_a_sync_through_the_api_writes_the_summary_and_status_then_shows_it(
        standin: StandIn, school: str, server: str) -> None:
    token = mint_id_token(HEAD, AUDIENCE)
    answer = requests.post(f"{server}/api/sync", json={"spreadsheetId": school},
                           headers=bearer(token), timeout=60)
    assert answer.status_code == 200, answer.text
    assert standin.read_spreadsheet(school)["Sync log"][-1] == ["2026-11-02 19:00:00", "complete"]
    status = requests.get(f"{server}/api/status", params={"spreadsheetId": school},
                          headers=bearer(token), timeout=30).json()
    assert status["lastRun"] == {"started": "2026-11-02 19:00:00", "outcome": "complete"}


def test_ten_triggers_while_google_holds_the_first_sync_give_one_sync_and_nine_409s(
        standin: StandIn, school: str, server: str) -> None:
    token = mint_id_token(HEAD, AUDIENCE)
    # Google answers every write after 3 s: the first sync is held inside its write while the
    # other nine triggers (a certificate fetch and a summary read each, milliseconds) arrive.
    standin.faults.add("slow", when=lambda request: request.kind == "write", times=0, delay=3.0)

    def trigger(_: int) -> requests.Response:
        return requests.post(f"{server}/api/sync", json={"spreadsheetId": school},
                             headers=bearer(token), timeout=90)

    with ThreadPoolExecutor(max_workers=10) as pool:
        answers = list(pool.map(trigger, range(10)))
    assert sorted(answer.status_code for answer in answers) == [200] + [409] * 9
    writes = [r for r in standin.requests if r.kind == "write"]
    assert len(writes) == 1


def test_a_head_presses_sync_now_and_the_real_sync_writes_the_schools_summary(
        standin: StandIn, demo_folder) -> None:
    """POST /api/sync with the default collaborators: the real run_sync on the real Google store."""
    school = serve(standin, demo_folder)
    head = "okonkwo@hazelbrook.example"      # the demo's Staff tab: Head
    with serve_app(create_app(WebConfig(schools=(school,), oauth_audiences=(AUDIENCE,)))) as url:
        answer = requests.post(f"{url}/api/sync", json={"spreadsheetId": school},
                               headers=bearer(mint_id_token(head, AUDIENCE)), timeout=600)
        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert body["outcome"]["outcome"] == "complete"
        assert body["outcome"]["workbooks_read"] == 4
        assert "4 workbooks read" in body["message"]
        teacher = requests.post(f"{url}/api/sync", json={"spreadsheetId": school},
                                headers=bearer(mint_id_token("parent@example.org", AUDIENCE)), timeout=60)
        assert teacher.status_code == 403
    tabs = standin.read_spreadsheet(school)
    assert tabs["Summary"][1][:3] == ["Year", "Subject", "Pupils"]
    assert {(str(row[0]), row[1]) for row in tabs["Summary"][2:]} >= {("5", "Reading"), ("5", "Writing"), ("5", "Maths")}
    assert tabs["Sync log"][-1][-1] == "complete"
    assert standin.schema_errors == []


def test_the_head_rolls_the_school_into_next_year_from_the_menu_and_nobody_else_may(
        standin: StandIn, tmp_path) -> None:
    """POST /api/new-year with the default collaborators: the real new-year on the real Google store."""
    from tests.integration.test_new_year_google import on_a_shared_drive, titled
    from tests.year_school import make_school

    school = serve(standin, make_school(tmp_path / "school"))
    on_a_shared_drive(standin)
    standin.edit(school, "Staff", 1, 0, HEAD)
    standin.edit(school, "Staff", 1, 1, "Head")
    standin.edit(school, "Staff", 2, 0, "oak@school.example")
    standin.edit(school, "Staff", 2, 1, "Teacher")
    books = len(standin.world.books)
    with serve_app(create_app(WebConfig(schools=(school,), oauth_audiences=(AUDIENCE,)))) as url:
        def press(email: str, key=None) -> requests.Response:
            token = mint_id_token(email, AUDIENCE, key=key) if key else mint_id_token(email, AUDIENCE)
            return requests.post(f"{url}/api/new-year", json={"spreadsheetId": school},
                                 headers=bearer(token), timeout=300)

        assert press("oak@school.example").status_code == 403
        assert press(HEAD, key=new_key()).status_code == 401          # a forged head
        assert "Classes next year" not in standin.read_spreadsheet(school)
        drafted = press(HEAD)
        assert drafted.status_code == 200, drafted.text
        assert drafted.json()["lines"][0].startswith("Drafted the Classes next year tab of Tracker summary")
        made = press(HEAD)
        assert made.status_code == 200, made.text
        assert "Created 2027-28 Oak (Year 4) with 3 pupils" in made.json()["message"]
    assert len(standin.world.books) == books + 2
    assert standin.read_spreadsheet(titled(standin, "2027-28 Oak (Year 4)"))["Pupils"][1][0]
    assert standin.schema_errors == []
