"""An in-memory Store (the port in sync/store.py) for unit tests of the sync job: no files, no HTTP.

A school is a dict of tabs for `Tracker summary` and a dict of class workbooks; what the job writes
is kept in `summary` (our tabs over the people's, as both adapters do) and `class_outputs`, and
every write is recorded in `writes` in the order it was made.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from functions.forgotten import Forgotten
from functions.owned_tabs import SUMMARY_NAME
from sync.errors import SettingsError, UnreadableWorkbook
from sync.reports.local import ReportSink
from sync.store import NewWorkbook, Store, Tab, Workbook, WorkbookRef


def as_rows(tab: Tab) -> list[list[object]]:
    """A tab as a store reads it back: the note line (if any), the header, the rows."""
    return ([[tab.note]] if tab.note else []) + [list(tab.header)] + [list(row) for row in tab.rows]


@dataclass
class FakeStore:
    """A school held in memory. `people_tabs` are the titles of tabs people made in Tracker summary
    (Settings and Staff always are); `modified_by` (workbook name -> who changed it last) and
    `account` make the store one that can tell who changed what, as Google can."""

    summary: dict[str, list[list[object]]]
    workbooks: dict[str, Workbook]
    people_tabs: set[str] = field(default_factory=set)
    account: str = ""
    modified: dict[str, str] = field(default_factory=dict)
    modified_by: dict[str, str] = field(default_factory=dict)
    unreadable: set[str] = field(default_factory=set)
    display_name: str = "Fake school"
    folder: Path | None = None
    results_name: str = SUMMARY_NAME
    school_id: str = ""
    class_outputs: dict[str, dict[str, Tab]] = field(default_factory=dict)
    writes: list[tuple[str, list[str]]] = field(default_factory=list)
    retired: set[str] = field(default_factory=set)
    requests: int = 0
    classes_folder: str = ""
    created: dict[str, bytes] = field(default_factory=dict)          # workbook name -> its .xlsx
    shared_like: dict[str, str] = field(default_factory=dict)        # new workbook -> the one copied
    forgotten: Forgotten | None = None                               # the erased pupils' list

    @property
    def account_email(self) -> str:
        return self.account

    @contextmanager
    def lock(self) -> Iterator[None]:
        yield

    def check_outputs_closed(self) -> None:
        return None

    def read_summary(self) -> Workbook:
        self.requests += 1
        return {title: [list(row) for row in rows] for title, rows in self.summary.items()}

    def read_whole_summary(self) -> Workbook:
        return self.read_summary()

    def set_classes_folder(self, folder: str) -> None:
        self.classes_folder = folder

    def foreign_tabs(self, ref: WorkbookRef | None = None) -> set[str]:
        if ref is not None:
            return set()
        return {"Settings", "Staff"} | self.people_tabs

    def list_class_workbooks(self) -> list[WorkbookRef]:
        self.requests += 1
        return [WorkbookRef(id=f"id-{name}", name=name, modified=self.modified.get(name, ""),
                            modified_by=self.modified_by.get(name, ""))
                for name in sorted(self.workbooks)]

    def listing_problems(self) -> list[dict]:
        return []

    def read_workbook(self, ref: WorkbookRef) -> Workbook:
        self.requests += 1
        if ref.name in self.unreadable:
            raise UnreadableWorkbook(f"{ref.name} is not a workbook Excel can open.")
        return self.workbooks[ref.name]

    def formula_blanks(self) -> list[tuple[str, str]]:
        return []

    def write_class_outputs(self, ref: WorkbookRef, tabs: list[Tab]) -> list[dict]:
        self.requests += 1
        self.class_outputs[ref.name] = {tab.title: tab for tab in tabs}
        self.writes.append((ref.name, [tab.title for tab in tabs]))
        return []

    def retire_class_outputs(self, kept: set[str]) -> None:
        self.retired |= set(self.class_outputs) - kept
        for name in set(self.class_outputs) - kept:
            del self.class_outputs[name]

    def write_summary(self, tabs: list[Tab]) -> list[dict]:
        self.requests += 1
        self.summary.update({tab.title: as_rows(tab) for tab in tabs})
        self.writes.append((SUMMARY_NAME, [tab.title for tab in tabs]))
        return []

    def request_count(self) -> int:
        return self.requests

    def report_destination(self, reports_folder: str) -> tuple[Path, ReportSink | None]:
        return Path(reports_folder), None

    def read_forgotten(self, summary: Workbook) -> Forgotten | None:
        return self.forgotten

    def write_forgotten(self, forgotten: Forgotten) -> None:
        self.requests += 1
        self.forgotten = forgotten

    def add_draft(self, tab: Tab) -> str | None:
        if tab.title in self.summary:
            return None
        self.summary[tab.title] = as_rows(tab)
        self.people_tabs.add(tab.title)
        self.writes.append((SUMMARY_NAME, [tab.title]))
        return f"the {tab.title} tab of {SUMMARY_NAME}"

    def check_can_create(self) -> None:
        return None

    def finish_sharing(self) -> list[str]:
        return []

    def create_class_workbook(self, name: str, content: bytes, like: WorkbookRef | None) -> NewWorkbook:
        if name in self.workbooks or name in self.created:
            raise SettingsError(f"{name} exists already; it was left as it is.")
        self.requests += 1
        self.created[name] = content
        if like is not None:
            self.shared_like[name] = like.name
        self.writes.append((name, []))
        return NewWorkbook(WorkbookRef(id=f"id-{name}", name=name), shared=int(like is not None))


def _is_a_store(store: FakeStore) -> Store:
    """For mypy: the fake implements the whole port (as LocalStore and GoogleStore do)."""
    return store
