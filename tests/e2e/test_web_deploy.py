"""The deployment files keep the promises the lock design and the schedule rely on
(docs/web-service.md): one process an instance, the lease across instances, the app factory, a London-time nightly cron."""
from __future__ import annotations

import re
import shlex
from pathlib import Path

from flask import Flask

import sync.web

ROOT = Path(__file__).resolve().parents[2]


def setting(text: str, key: str) -> str:
    match = re.search(rf"^\s*{key}:\s*(.+?)\s*$", text, re.MULTILINE)
    assert match, f"{key} is missing"
    return match.group(1)


def test_app_engine_runs_one_gunicorn_process_on_the_app_factory() -> None:
    app_yaml = (ROOT / "app.yaml").read_text()
    assert setting(app_yaml, "runtime") == "python312"
    command = shlex.split(setting(app_yaml, "entrypoint"))
    assert command[0] == "gunicorn"
    assert command[command.index("--workers") + 1] == "1"   # the lock lives in one process
    module, factory = command[-1].split(":")
    assert factory == "create_app()"
    assert module == "sync.web"
    assert isinstance(sync.web.create_app({}), Flask)


def test_more_than_one_instance_only_with_the_lease_bucket() -> None:
    """One sync per school across instances rests on the lease (sync/lease.py): an app.yaml with
    more than one instance must name its bucket."""
    app_yaml = (ROOT / "app.yaml").read_text()
    assert "basic_scaling:" in app_yaml
    if int(setting(app_yaml, "max_instances").split("#")[0]) > 1:
        assert setting(app_yaml, "TRACKER_LEASE_BUCKET").strip('"')


def test_the_nightly_cron_runs_in_london_time_with_bounded_retries() -> None:
    cron_yaml = (ROOT / "cron.yaml").read_text()
    assert setting(cron_yaml, "url") == "/tasks/sync-all"
    assert setting(cron_yaml, "timezone") == "Europe/London"
    assert re.fullmatch(r"every day \d\d:\d\d", setting(cron_yaml, "schedule"))
    assert 1 <= int(setting(cron_yaml, "job_retry_limit")) <= 5
