"""An offline stand-in for the Google Sheets v4, Drive v3 and OAuth APIs, held to Google's schemas.

    with StandIn() as google:
        book = google.create_spreadsheet("4B", {"Pupils": [["UPN", "First name"], ["A1", "Ann"]]},
                                         parents=[google.create_folder("Classes")])
        os.environ["TRACKER_GOOGLE_API_ROOT"] = google.api_root
        ... run code with GOOGLE_APPLICATION_CREDENTIALS=google.key_file ...
        google.read_spreadsheet(book)["Pupils"]; google.count("write")

Files made through these helpers belong to a teacher and are shared with the service account,
as a school's would be. See server.py for faults, quotas and the request log.
"""
from __future__ import annotations

import json
import secrets
import tempfile
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from .a1 import Box
from .faults import Faults
from .load import cell_from_python, python_from_cell
from .metadata import all_metadata
from .model import read_values, typed
from .oauth import Token, mint_id_token
from .quotas import Quotas
from .server import TOKEN_PATH, RequestRecord, StandInServer, State
from .world import FOLDER, SPREADSHEET, World

SERVICE_ACCOUNT = "tracker-sync@standin-project.iam.gserviceaccount.com"
TEACHER = "teacher@school.example"

__all__ = ["StandIn", "mint_id_token", "SERVICE_ACCOUNT", "TEACHER"]


class StandIn:
    """The server in a background thread, and helpers to set up and inspect what it holds."""

    def __init__(self, port: int = 0, log_file: IO[str] | None = None,
                 service_account: str = SERVICE_ACCOUNT, key_dir: Path | None = None) -> None:
        self.state = State(log_file=log_file)
        self.server = StandInServer(port, self.state)
        self.service_account = service_account
        self._key_dir = key_dir or Path(tempfile.mkdtemp(prefix="standin-keys-"))
        self.key_file = self.new_key_file(service_account)
        self._thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True)

    # -- lifecycle ----------------------------------------------------------------------------
    def start(self) -> StandIn:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self) -> StandIn:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- what tests look at -------------------------------------------------------------------
    @property
    def api_root(self) -> str:
        return self.server.api_root

    @property
    def token_uri(self) -> str:
        return self.api_root + TOKEN_PATH

    @property
    def world(self) -> World:
        return self.state.world

    @property
    def requests(self) -> list[RequestRecord]:
        return self.state.requests

    @property
    def faults(self) -> Faults:
        return self.state.faults

    @property
    def quotas(self) -> Quotas:
        return self.state.quotas

    @property
    def schema_errors(self) -> list[str]:
        return self.state.schema_errors

    @property
    def unknown_params(self) -> list[tuple[str, str]]:
        return self.state.unknown_params

    def count(self, kind: str | None = None) -> int:
        """API requests served so far ("read", "write" or all)."""
        return sum(1 for r in self.requests if kind is None or r.kind == kind)

    def access_token(self, email: str | None = None, scopes: tuple[str, ...] = ("drive", "spreadsheets")) -> str:
        """An access token as the token endpoint would issue, without the JWT round trip."""
        token = "ya29.standin-direct-" + secrets.token_urlsafe(16)
        self.state.accounts.tokens[token] = Token(email or self.service_account, frozenset(scopes),
                                                  self.world.clock() + 3600)
        return token

    def new_key_file(self, email: str) -> Path:
        """A service-account key file the stand-in will accept (token_uri points here)."""
        path = self._key_dir / f"{email.split('@')[0]}-{len(self.state.accounts.keys)}.json"
        path.write_text(json.dumps(self.state.accounts.key_file(email, self.token_uri)))
        return path

    # -- setting up files directly in the model ----------------------------------------------
    def _shares(self, shared_with: tuple[str, ...] | None) -> set[str]:
        return set(shared_with) if shared_with is not None else {self.service_account}

    def create_folder(self, name: str, parents: list[str] | None = None, owner: str = TEACHER,
                      shared_with: tuple[str, ...] | None = None) -> str:
        with self.world.lock:
            return self.world.add_file(name, FOLDER, owner, parents, shared_with=self._shares(shared_with)).id

    def create_shared_drive(self, name: str, members: dict[str, str] | None = None) -> str:
        """A shared drive (its id is also its root folder's); by default the teacher is its
        Manager (organizer) and the service account a Content manager (fileOrganizer), as
        docs/google-setup.md asks a school to set it up."""
        with self.world.lock:
            root = self.world.add_file(name, FOLDER, TEACHER, [], shared_with=set())
            root.drive_id = root.id
            self.world.drives[root.id] = dict(members if members is not None else
                                              {TEACHER: "organizer", self.service_account: "fileOrganizer"})
            return root.id

    def create_file(self, name: str, mime_type: str, content: bytes = b"",
                    parents: list[str] | None = None, owner: str = TEACHER,
                    shared_with: tuple[str, ...] | None = None) -> str:
        with self.world.lock:
            return self.world.add_file(name, mime_type, owner, parents, content,
                                       shared_with=self._shares(shared_with)).id

    def create_spreadsheet(self, title: str, tabs: dict[str, list[list[Any]]] | None = None,
                           parents: list[str] | None = None, owner: str = TEACHER,
                           shared_with: tuple[str, ...] | None = None) -> str:
        """A spreadsheet with these tabs (rows of Python values; dates become serial numbers)."""
        with self.world.lock:
            item = self.world.add_file(title, SPREADSHEET, owner, parents,
                                       shared_with=self._shares(shared_with))
            book = self.world.books[item.id]
            for index, (name, rows) in enumerate((tabs or {"Sheet1": []}).items()):
                sheet = book.sheets[0] if index == 0 else book.add_sheet({"title": name})
                sheet.properties["title"] = name
                for r, row in enumerate(rows):
                    for c, value in enumerate(row):
                        if value is not None and value != "":
                            sheet.cells[(r, c)] = cell_from_python(value)
                sheet.grow(len(rows), max((len(r) for r in rows), default=0))
            return item.id

    def edit(self, spreadsheet_id: str, tab: str, row: int, col: int, value: Any,
             by: str = TEACHER) -> None:
        """A person edits one cell (0-based row and column): modifiedTime moves, by them."""
        with self.world.lock:
            sheet = self.world.books[spreadsheet_id].sheet_by_title(tab)
            if sheet is None:
                raise KeyError(tab)
            sheet.cells[(row, col)] = cell_from_python(value)
            self.world.touched(spreadsheet_id, by)

    def type_in(self, spreadsheet_id: str, tab: str, row: int, col: int, text: str,
                by: str = TEACHER) -> None:
        """A person types `text` into one cell (0-based): Sheets parses it as an en_GB spreadsheet
        does (`100%` becomes the number 1 formatted as a percentage, `8/10` the date 8 October)."""
        with self.world.lock:
            sheet = self.world.books[spreadsheet_id].sheet_by_title(tab)
            if sheet is None:
                raise KeyError(tab)
            sheet.cells[(row, col)] = typed(text, datetime.fromtimestamp(self.world.clock(), UTC).date())
            self.world.touched(spreadsheet_id, by)

    def share(self, file_id: str, email: str) -> None:
        self.world.files[file_id].shared_with.add(email)

    # -- reading back -------------------------------------------------------------------------
    def read_spreadsheet(self, spreadsheet_id: str) -> dict[str, list[list[Any]]]:
        """Tab title -> rows of Python values (dates as datetimes), trailing blanks trimmed."""
        with self.world.lock:
            out = {}
            for sheet in self.world.books[spreadsheet_id].sheets:
                _, shape = read_values(sheet, Box(None, None, None, None), "UNFORMATTED_VALUE",
                                       "SERIAL_NUMBER", "ROWS")
                out[sheet.title] = [[python_from_cell(sheet.cells.get((r, c), {})) if v != "" else None
                                     for c, v in enumerate(row)] for r, row in enumerate(shape)]
            return out

    def cell(self, spreadsheet_id: str, tab: str, row: int, col: int) -> dict[str, Any]:
        """The raw CellData of one cell (to see a formula, a format, a note)."""
        sheet = self.world.books[spreadsheet_id].sheet_by_title(tab)
        return dict(sheet.cells.get((row, col), {})) if sheet else {}

    def file(self, file_id: str) -> dict[str, Any]:
        """The Drive File resource as the service account sees it."""
        return self.world.files[file_id].resource(self.service_account)

    def metadata(self, spreadsheet_id: str) -> list[dict[str, Any]]:
        """Every developer metadata entry of a spreadsheet, wherever it is located."""
        return [entry for _, entry in all_metadata(self.world.books[spreadsheet_id])]
