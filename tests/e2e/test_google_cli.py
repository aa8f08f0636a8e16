"""`python -m sync run --google ID` as a school's IT person would run it: a real process, signed in
with a service-account key file, against the stand-in running as its own process."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.integration.google_school import demo_school

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def google(tmp_path_factory) -> Iterator[dict[str, str]]:
    """The stand-in process serving the demo's year 5 classes; its first line names the school."""
    folder = tmp_path_factory.mktemp("cli")
    school = demo_school(folder / "school", (5,))
    log = folder / "requests.jsonl"
    with subprocess.Popen([sys.executable, "-m", "tests.google_standin", "--port", "0", "--load", str(school),
                           "--log", str(log)], cwd=ROOT, stdout=subprocess.PIPE, text=True) as process:
        try:    # `with` closes the pipe after (left to the garbage collector: a ResourceWarning)
            started = json.loads(process.stdout.readline())
            yield {**started, "log": str(log)}
        finally:
            process.terminate()
            assert process.wait(timeout=30) == 0, "the stand-in saw a request or answer outside Google's schemas"


def run_cli(google: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "GOOGLE_APPLICATION_CREDENTIALS": google["key_file"],
           "TRACKER_GOOGLE_API_ROOT": google["api_root"]}
    return subprocess.run([sys.executable, "-m", "sync", "run", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=600)


def logged(google: dict[str, str]) -> list[dict]:
    return [json.loads(line) for line in Path(google["log"]).read_text().splitlines()]


def test_run_google_syncs_the_school_then_finds_nothing_changed(google: dict[str, str]) -> None:
    first = run_cli(google, "--google", google["spreadsheet_id"])
    assert first.returncode == 0, first.stderr
    assert "at Autumn: 4 workbooks read" in first.stdout
    assert "Traceback" not in first.stderr
    requests = logged(google)
    assert sum(r["kind"] == "read" for r in requests) <= 4 + 2
    assert sum(r["kind"] == "write" for r in requests) <= 4 + 1

    second = run_cli(google, "--google", google["spreadsheet_id"])
    assert second.returncode == 0, second.stderr
    assert len(logged(google)) - len(requests) <= 3


def test_run_google_with_a_spreadsheet_the_account_cannot_see_fails_in_one_sentence(
        google: dict[str, str]) -> None:
    answer = run_cli(google, "--google", "1NoSuchSpreadsheetAnywhere0000000000000000000")
    assert answer.returncode != 0
    assert answer.stderr.startswith("Error: ") and "Traceback" not in answer.stderr
    assert len(answer.stderr.strip().splitlines()) == 1
