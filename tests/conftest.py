"""Shared fixtures. The Google stand-in: an in-process fake of Sheets, Drive and OAuth."""
from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator

import pytest
import requests
from hypothesis import settings

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
