"""A small school served by the Google stand-in, for the fault sweep and the concurrency tests.

The school is the fuzz tests' tiny one (two class workbooks, ten pupils, built with the product's
templates), loaded into the stand-in as a school's Drive folder would be. Each sync gets its own
`GoogleStore` on a fake clock: the pacer and the retrier's backoff sleep on it, so retries cost no
real time; only a `slow` fault's late answer is real waiting.
"""
from __future__ import annotations

import copy
import random
from dataclasses import dataclass
from pathlib import Path

import requests
from google.oauth2 import service_account

from sync.google.client import SCOPES, build_client
from sync.google.pacer import Pacer
from sync.google.retry import RetryPolicy
from sync.google.store import GoogleStore
from sync.google.transport import mount_api_root
from tests.fakes import SimClock as FakeClock
from tests.google_standin import TEACHER, StandIn
from tests.google_standin.load import load_school
from tests.integration.fuzz_school import build_school

OWN_TABS_WITH_TIMES = {"Sync log"}   # finish times and request counts: differ on every run
SYNC_STATE = "Sync state"            # Drive's modifiedTime of each workbook: kept to the ids

Snapshot = dict[str, dict[str, dict[tuple[int, int], object]]]
"""Spreadsheet id -> tab title -> (row, column) -> the cell's userEnteredValue."""


@dataclass
class ServedSchool:
    """The school's spreadsheets in the stand-in, and a pristine copy to put back between runs."""

    google: StandIn
    summary_id: str
    class_ids: dict[str, str]       # workbook title -> spreadsheet id
    pristine: tuple[dict, dict]     # (Drive files, spreadsheets) as loaded

    def reset(self) -> None:
        """Everything as loaded: no outputs, no request log, no faults."""
        world = self.google.world
        with world.lock:
            world.files, world.books = copy.deepcopy(self.pristine)
        self.google.faults.clear()
        with self.google.state.lock:
            self.google.requests.clear()


def serve_school(google: StandIn, folder: Path) -> ServedSchool:
    """Build the tiny school in `folder`, load it into the stand-in and share it with the service
    account. Grids are cut to the cells used (Google's 1,000 empty rows only slow the stand-in)."""
    build_school(folder)
    world = google.world
    with world.lock:
        summary_id = load_school(world, folder, TEACHER, google.service_account)
        for item in world.files.values():
            item.shared_with.add(google.service_account)
        for book in world.books.values():
            for sheet in book.sheets:
                sheet.grid["rowCount"] = max((r for r, _ in sheet.cells), default=0) + 2
                sheet.grid["columnCount"] = max((c for _, c in sheet.cells), default=0) + 2
        class_ids = {book.properties["title"]: book_id for book_id, book in world.books.items()
                     if book_id != summary_id}
        pristine = copy.deepcopy((world.files, world.books))
    return ServedSchool(google, summary_id, class_ids, pristine)


def credentials(google: StandIn) -> service_account.Credentials:
    """The service account's credentials, shared by every store of a test (one token exchange)."""
    return service_account.Credentials.from_service_account_file(
        str(google.key_file), scopes=list(SCOPES))


def store_on_fake_clock(school: ServedSchool, creds: service_account.Credentials,
                        policy: RetryPolicy, seed: int = 0) -> tuple[GoogleStore, FakeClock]:
    """A GoogleStore whose pacing and retry waits pass on a fake clock, with seeded jitter."""
    clock = FakeClock()
    session = mount_api_root(requests.Session(), school.google.api_root)
    client = build_client(session, credentials=creds, pacer=Pacer(clock=clock, sleep=clock.sleep),
                          policy=policy, clock=clock, sleep=clock.sleep, rng=random.Random(seed))
    return GoogleStore(school.summary_id, client=client), clock


def snapshot(google: StandIn) -> Snapshot:
    """Every spreadsheet's cells as entered, read from the stand-in's model (no API request)."""
    with google.world.lock:
        return {book_id: {sheet.title: {at: copy.deepcopy(cell.get("userEnteredValue"))
                                        for at, cell in sheet.cells.items() if cell.get("userEnteredValue")}
                          for sheet in book.sheets}
                for book_id, book in google.world.books.items()}


def comparable(book: dict[str, dict[tuple[int, int], object]]) -> dict[str, dict[tuple[int, int], object]]:
    """A spreadsheet's tabs without what changes on every run: the Sync log, and the Drive times
    in Sync state (its workbook ids stay)."""
    out = {title: cells for title, cells in book.items() if title not in OWN_TABS_WITH_TIMES}
    if SYNC_STATE in out:
        out[SYNC_STATE] = {at: value for at, value in out[SYNC_STATE].items() if at[1] == 0}
    return out
