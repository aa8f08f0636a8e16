"""The Flask web service: the add-on's buttons and the nightly schedule (docs/web-service.md).

`create_app()` is the application factory gunicorn and `python -m sync serve` call; tests pass
their own configuration and fakes for the sync job, the store and the HTTP session.
"""
from __future__ import annotations

import logging
import os
from collections.abc import Mapping

import requests
from flask import Flask

from sync.store import Store
from sync.web.config import WebConfig
from sync.web.routes import MAX_BODY_BYTES, api, health, register_error_handlers, schedule
from sync.web.service import OpenSchool, Outcome, RunNewYear, RunReports, RunSchool, Tracker

CLOUD_TASKS_SCOPE = "https://www.googleapis.com/auth/cloud-platform"   # the only scope Cloud Tasks accepts


def create_app(config: WebConfig | Mapping[str, str] | None = None, *,
               run_school: RunSchool | None = None, open_school: OpenSchool | None = None,
               run_reports: RunReports | None = None, run_new_year: RunNewYear | None = None,
               session: requests.Session | None = None) -> Flask:
    """Build the app. `config` is a `WebConfig`, or environment-like variables (default
    `os.environ`); the collaborators default to the Google store, the sync job and the report job.
    Built from environment variables (as gunicorn does), it also sends log lines to stderr at
    TRACKER_LOG_LEVEL (default INFO) when nothing has configured logging yet.
    """
    if not isinstance(config, WebConfig):   # a deployment (gunicorn calls create_app()): its logs
        environ = os.environ if config is None else config
        configure_logging(environ.get("TRACKER_LOG_LEVEL", "INFO"))
        config = WebConfig.from_env(environ)
    app = Flask(__name__, static_folder=None)
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES
    app.extensions["tracker"] = Tracker(
        config=config,
        open_school=open_school or _open_google_school,
        run_school=run_school or _run_sync,
        run_reports=run_reports or _write_reports,
        run_new_year=run_new_year or _new_year,
        session=session or _google_session(config),
    )
    app.register_blueprint(health)
    app.register_blueprint(schedule)
    app.register_blueprint(api)
    register_error_handlers(app)
    return app


def configure_logging(level: str = "INFO") -> None:
    """Send log lines to stderr, where App Engine and gunicorn collect them, as `python -m sync`
    does: gunicorn configures only its own loggers, so without this the service logs nothing. Only
    when nothing has configured logging yet (the root logger has no handler), so a second app, the
    command line or a test harness keeps its own. Our lines name schools by spreadsheet id and give
    counts and outcomes, never a pupil's name, UPN or comment."""
    wanted = level.upper() if level.upper() in logging.getLevelNamesMapping() else "INFO"
    logging.basicConfig(level=wanted, format="%(levelname)s %(name)s: %(message)s")
    for noisy in ("weasyprint", "fontTools"):     # one warning per report about optional fonts
        logging.getLogger(noisy).setLevel(logging.ERROR)


def _open_google_school(spreadsheet_id: str) -> Store:
    from sync.google.store import GoogleStore

    return GoogleStore(spreadsheet_id)


def _run_sync(store: Store, *, full: bool = False) -> Outcome:
    from sync.job import run_sync

    return run_sync(store, full=full)


def _write_reports(store: Store, *, window: str | None, class_name: str | None) -> list:
    from sync.report_job import write_reports_for_school

    return write_reports_for_school(store, window=window, class_name=class_name, upn=None, jobs=1)


def _new_year(store: Store, *, dry_run: bool) -> list[str]:
    from sync.year.new_year import new_year

    return new_year(store, dry_run=dry_run).lines


def _google_session(config: WebConfig) -> requests.Session:
    """A session for Google: authorised for Cloud Tasks when a queue is configured (certificates
    are public, so a plain session does otherwise), rerouted when TRACKER_GOOGLE_API_ROOT is set."""
    from sync.google.transport import mount_api_root

    if config.tasks_queue:
        import google.auth
        from google.auth.transport.requests import AuthorizedSession

        credentials, _ = google.auth.default(scopes=[CLOUD_TASKS_SCOPE])
        return mount_api_root(AuthorizedSession(credentials))
    return mount_api_root(requests.Session())
