"""Shared fixtures. The Google stand-in: an in-process fake of Sheets, Drive and OAuth."""
from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator

import pytest
import requests
from hypothesis import settings

from sync.google.pacer import Pacer
from tests.fakes import SimClock
from tests.google_standin import StandIn

# Property tests check behaviour, not speed: hypothesis' default 200 ms deadline per example is a
# timing assertion that fails on a busy machine (seen with two cores under load). Speed is
# measured by the scripts under bench/.
settings.register_profile("behaviour", deadline=None)
settings.load_profile("behaviour")


@pytest.fixture(autouse=True, scope="session")
def _temporary_files_in_pytests_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """What the code under test leaves in the temporary folder (each school's Google sync lock
    file, the stand-in's key files), here and in the commands tests start, goes to a folder of
    pytest's own, which pytest prunes, instead of piling up in /tmp run after run."""
    folder = str(tmp_path_factory.mktemp("tmp"))
    before = os.environ.get("TMPDIR"), tempfile.tempdir
    os.environ["TMPDIR"], tempfile.tempdir = folder, folder
    yield
    if before[0] is None:
        os.environ.pop("TMPDIR", None)
    else:
        os.environ["TMPDIR"] = before[0]
    tempfile.tempdir = before[1]


@pytest.fixture(autouse=True)
def _google_pacing_on_a_simulated_clock(monkeypatch: pytest.MonkeyPatch) -> Pacer:
    """The Google client keeps under Google's 60 requests a minute by sleeping (sync.google.pacer),
    with one pacer a process. In pytest's one process that pacer counted every earlier test's
    requests, so a test slept on the real clock for requests others made (a whole run slept for
    minutes). Each test gets a pacer of its own whose waits pass on a simulated clock: it paces
    exactly as before, and no test waits for real time. (Commands a test starts in a process of
    their own pace for real, as a school's would.)"""
    from sync.google import client

    clock = SimClock()
    pacer = Pacer(clock=clock, sleep=clock.sleep)
    monkeypatch.setattr(client, "shared_pacer", lambda: pacer)
    return pacer


@pytest.fixture
def standin() -> Iterator[StandIn]:
    """The stand-in on a free port of 127.0.0.1; fails the test if it ever broke Google's schemas.

    Has .api_root, .key_file, .requests, .faults, .quotas and helpers (create_spreadsheet,
    create_folder, read_spreadsheet, edit, ...): see tests/google_standin/__init__.py.
    """
    with StandIn() as google:
        yield google
        assert google.schema_errors == [], "the stand-in sent a response its schema rejects"


@pytest.fixture
def api(standin: StandIn) -> requests.Session:
    """A plain HTTP session signed in to the stand-in as the service account: for tests that
    speak the Google APIs directly, without our client."""
    session = requests.Session()
    session.trust_env = False
    session.headers["Authorization"] = f"Bearer {standin.access_token()}"
    return session


@pytest.fixture
def google(standin: StandIn, monkeypatch: pytest.MonkeyPatch) -> StandIn:
    """The stand-in, with GOOGLE_APPLICATION_CREDENTIALS and TRACKER_GOOGLE_API_ROOT pointing at
    it, so the product's own client factory signs in and sends every request there."""
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(standin.key_file))
    monkeypatch.setenv("TRACKER_GOOGLE_API_ROOT", standin.api_root)
    return standin
