"""Which store a command works on: a school folder (local mode) or a Google `Tracker summary`
(shared by `sync.cli` and the commands it registers, so neither imports the other)."""
from __future__ import annotations

from pathlib import Path

import click

from sync.store import Store


def open_store(school: str | None, google: str | None) -> Store:
    """The store for a school folder (local mode) or a `Tracker summary` spreadsheet id."""
    if google:
        from sync.google import open_google_store

        return open_google_store(google)
    if not school:
        raise click.UsageError("Name a school folder, or --google SPREADSHEET_ID.")
    from sync.local_store import LocalStore

    return LocalStore(Path(school))
