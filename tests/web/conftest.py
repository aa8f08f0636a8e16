"""The web service under test, as Flask's tutorial sets one up: the app built by `create_app`
with fakes (tests/web/fakes.py) for Google's certificates, the school's store and the sync job,
called through Flask's test client. Tests take the `school` fixture (or `make_school(**config)`
for an app with other settings) and never start a server or a real sync.
"""
from __future__ import annotations

from collections.abc import Callable

import pytest

from sync.web import create_app
from tests.web.fakes import (
    ADDON_AUDIENCE,
    OTHER_SCHOOL,
    SCHOOL,
    TEACHER,
    FakeJob,
    FakeStore,
    SigningKey,
    fake_google_session,
    web_config,
)


@pytest.fixture(scope="module")
def key() -> SigningKey:
    return SigningKey.generate("google-key-1")


@pytest.fixture(scope="module")
def impostor() -> SigningKey:
    """A key Google never published, claiming the real key's id: a forged signature."""
    return SigningKey.generate("google-key-1")


class School:
    """The app under test with its fakes, and a way to call it as someone."""

    def __init__(self, key: SigningKey, **config: object) -> None:
        self.key = key
        self.job = FakeJob()
        self.stores = {SCHOOL: FakeStore("Test school"), OTHER_SCHOOL: FakeStore("Other school")}
        self.opened: list[str] = []
        self.reports_written: list[tuple] = []
        self.new_years: list[tuple] = []
        self.session, self.google = fake_google_session(key)
        self.app = create_app(web_config(**config), run_school=self.job,
                              open_school=self.open_school, run_reports=self.run_reports,
                              run_new_year=self.run_new_year,
                              session=self.session)
        self.client = self.app.test_client()

    def open_school(self, spreadsheet_id: str) -> FakeStore:
        self.opened.append(spreadsheet_id)
        store = self.stores[spreadsheet_id]
        if isinstance(store, Exception):
            raise store
        return store

    def run_reports(self, store, *, window, class_name):
        self.reports_written.append((store.display_name, window, class_name))
        return ["Oak/Ada.pdf", "Oak/Ben.pdf"]

    def run_new_year(self, store, *, dry_run):
        self.new_years.append((store.display_name, dry_run))
        return ["Would create 2027-28 Oak (Year 4) with 3 pupils." if dry_run else
                "Created 2027-28 Oak (Year 4) with 3 pupils.", "When the head agrees, type ..."]

    def token(self, email: str = TEACHER, **claims: object) -> str:
        return self.key.mint(email, claims.pop("audience", ADDON_AUDIENCE), **claims)

    def call(self, route: str, token: str | None, body: dict | None = None, headers=None):
        headers = dict(headers or {})
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        body = {"spreadsheetId": SCHOOL} if body is None else body
        if route == "status":
            return self.client.get("/api/status", query_string=body, headers=headers)
        return self.client.post(f"/api/{route}", json=body, headers=headers)


@pytest.fixture
def school(key: SigningKey) -> School:
    return School(key)


@pytest.fixture
def make_school(key: SigningKey) -> Callable[..., School]:
    """`make_school(**config)`: a new app with these WebConfig settings, tokens signed by `key`."""
    return lambda **config: School(key, **config)
