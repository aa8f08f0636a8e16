"""The web service's settings, read once from the environment (or given whole by tests).

| variable | meaning |
|---|---|
| `TRACKER_SCHOOLS` | comma-separated spreadsheet ids of the schools' `Tracker summary` spreadsheets |
| `TRACKER_SCHOOLS_FILE` | or a registry file: one spreadsheet id a line, `#` starts a comment |
| `TRACKER_OAUTH_AUDIENCE` | comma-separated OAuth client ids the add-on's ID tokens are issued for |
| `TRACKER_SCHEDULER_EMAIL` | the service account Cloud Scheduler / Cloud Tasks sign their OIDC tokens as |
| `TRACKER_SCHEDULER_AUDIENCE` | the audience those tokens carry (the service's URL) |
| `TRACKER_TASKS_QUEUE` | `projects/P/locations/L/queues/Q`: when set, sync-all enqueues one task a school |
| `TRACKER_TRUSTS` | comma-separated spreadsheet ids of trusts' `Trust summary` spreadsheets: with a queue, each gets a task after its schools' |
| `TRACKER_SERVICE_URL` | the service's public URL, the target of those tasks |
| `TRACKER_SYNC_DEADLINE_SECONDS` | how long sync-all may run in one request (default 540, under 10 minutes) |
| `TRACKER_SCHOOL_BUDGET_SECONDS` | a school is started only if this much time is left (default 120) |
| `GAE_ENV` | set by App Engine itself: only then is `X-Appengine-Cron` trusted |
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from sync.errors import SettingsError


@dataclass(frozen=True)
class WebConfig:
    """Everything the web service needs to know about its deployment."""

    schools: tuple[str, ...] = ()
    oauth_audiences: tuple[str, ...] = ()
    scheduler_email: str = ""
    scheduler_audience: str = ""
    tasks_queue: str = ""
    service_url: str = ""
    on_app_engine: bool = False
    sync_deadline_seconds: float = 540.0
    school_budget_seconds: float = 120.0
    trusts: tuple[str, ...] = ()

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> WebConfig:
        """Read the settings from environment variables (see the module docstring)."""
        schools = _split(environ.get("TRACKER_SCHOOLS", ""))
        registry = environ.get("TRACKER_SCHOOLS_FILE", "").strip()
        if registry:
            schools += read_registry(Path(registry))
        return cls(
            schools=tuple(dict.fromkeys(schools)),
            oauth_audiences=_split(environ.get("TRACKER_OAUTH_AUDIENCE", "")),
            scheduler_email=environ.get("TRACKER_SCHEDULER_EMAIL", "").strip(),
            scheduler_audience=environ.get("TRACKER_SCHEDULER_AUDIENCE", "").strip(),
            tasks_queue=environ.get("TRACKER_TASKS_QUEUE", "").strip(),
            service_url=environ.get("TRACKER_SERVICE_URL", "").strip().rstrip("/"),
            on_app_engine=bool(environ.get("GAE_ENV", "").strip()),
            sync_deadline_seconds=_seconds(environ, "TRACKER_SYNC_DEADLINE_SECONDS", 540.0),
            school_budget_seconds=_seconds(environ, "TRACKER_SCHOOL_BUDGET_SECONDS", 120.0),
            trusts=tuple(dict.fromkeys(_split(environ.get("TRACKER_TRUSTS", "")))),
        )


def read_registry(path: Path) -> tuple[str, ...]:
    """Spreadsheet ids from a registry file: one a line, blank lines and `# comments` ignored."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise SettingsError(f"The schools registry file {path} cannot be read.") from error
    lines = (line.split("#", 1)[0].strip() for line in text.splitlines())
    return tuple(line for line in lines if line)


def _split(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(",") if part.strip())


def _seconds(environ: Mapping[str, str], name: str, default: float) -> float:
    raw = environ.get(name, "").strip()
    if not raw:
        return default
    try:
        seconds = float(raw)
    except ValueError as error:
        raise SettingsError(f"{name} should be a number of seconds, not {raw!r}.") from error
    if seconds <= 0:
        raise SettingsError(f"{name} should be a positive number of seconds.")
    return seconds
