"""The local store: a school is a folder of .xlsx workbooks (spec/interfaces.md, "Local mode files").

    SCHOOL/Tracker summary.xlsx     Settings and Staff (people); the school tabs (ours)
    SCHOOL/classes/*.xlsx           class workbooks (people; only ever read)
    SCHOOL/summaries/<wb>.xlsx      Class summary and Problems for each class (ours)
    SCHOOL/previous/                the version of every file we replaced, one generation back

Every write goes to a temporary file that is renamed over the old one, so a reader sees the old
file or the new one, never half. Tabs we own are listed in a workbook property, so a tab a person
made with the same name is never replaced.
"""
from __future__ import annotations

import io
import os
import shutil
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import datetime, timezone
from pathlib import Path
from xml.etree import ElementTree

from openpyxl import Workbook as XlsxWorkbook
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.packaging.custom import StringProperty
from python_calamine import CalamineError

from sync.errors import AlreadyRunning, SchoolNotFound, StoreUnavailable, UnreadableWorkbook
from sync.file_lock import lock_without_waiting, unlock
from sync.store import Tab, Workbook, WorkbookRef
from sync.xlsx import read_values, render_tab

SUMMARY_FILE = "Tracker summary.xlsx"
CLASSES_FOLDER = "classes"
SUMMARIES_FOLDER = "summaries"
PREVIOUS_FOLDER = "previous"
OWNED_PROPERTY = "tracker-owned-tabs"
LOCK_FILE = ".tracker.lock"


class LocalStore:
    """A school folder in local mode."""

    def __init__(self, folder: Path | str) -> None:
        self.folder = Path(folder)
        if not self.folder.is_dir():
            raise SchoolNotFound(f"There is no school folder at {self.folder}.")
        if not (self.folder / SUMMARY_FILE).is_file():
            raise SchoolNotFound(f"The folder {self.folder} has no '{SUMMARY_FILE}'.")
        self.display_name = self.folder.name
        self.reads = 0
        self.writes = 0

    @property
    def summary_path(self) -> Path:
        return self.folder / SUMMARY_FILE

    @contextmanager
    def lock(self) -> Iterator[None]:
        """An OS file lock on the school folder: held by one sync at a time, across processes."""
        try:
            handle = open(self.folder / LOCK_FILE, "a+")
        except OSError as error:
            raise StoreUnavailable(
                f"Could not make the lock file {LOCK_FILE} in {self.folder} "
                f"({error.strerror or 'file error'}); the sync needs to write in the school folder."
            ) from error
        try:
            if not lock_without_waiting(handle):
                raise AlreadyRunning(f"Another sync of {self.display_name} is running.")
            try:
                yield
            finally:
                unlock(handle)
        finally:
            handle.close()

    def read_summary(self) -> Workbook:
        self.reads += 1
        return self._read(self.summary_path)

    def foreign_tabs(self, ref: WorkbookRef | None = None) -> set[str]:
        """Titles of tabs that people made in a spreadsheet we write to (None: the summary)."""
        if ref is not None:
            return set()  # class outputs go to files that are wholly ours
        book = load_workbook(self.summary_path, read_only=True)
        try:
            return set(book.sheetnames) - _owned_titles(book)
        finally:
            book.close()

    def list_class_workbooks(self) -> list[WorkbookRef]:
        folder = self.folder / CLASSES_FOLDER
        if not folder.is_dir():
            return []
        refs = []
        for path in sorted(folder.glob("*.xlsx")):
            if path.name.startswith(("~$", ".~")):
                continue  # Excel's and LibreOffice's lock files
            modified = datetime.fromtimestamp(path.stat().st_mtime, timezone.utc)
            refs.append(WorkbookRef(id=f"{CLASSES_FOLDER}/{path.name}", name=path.name,
                                    modified=modified.isoformat(timespec="seconds")))
        return refs

    def read_workbook(self, ref: WorkbookRef) -> Workbook:
        self.reads += 1
        return self._read(self.folder / ref.id)

    def write_class_outputs(self, ref: WorkbookRef, tabs: list[Tab]) -> list[dict]:
        book = XlsxWorkbook(write_only=True)  # the file is wholly ours: nothing to keep
        for tab in tabs:
            render_tab(book.create_sheet(tab.title), tab)
        _mark_owned(book, [tab.title for tab in tabs])
        self._replace(self.folder / SUMMARIES_FOLDER / ref.name, book)
        return []

    def write_summary(self, tabs: list[Tab]) -> list[dict]:
        """Replace our tabs of `Tracker summary`, keeping people's tabs and the tab order."""
        book = _load_without_owned_cells(self.summary_path)
        owned = _owned_titles(book)
        for tab in tabs:
            index = len(book.sheetnames)
            if tab.title in book.sheetnames:
                if tab.title not in owned:
                    raise StoreUnavailable(
                        f"The tab '{tab.title}' of {SUMMARY_FILE} was made by a person; "
                        "the sync does not write over it.")
                index = book.sheetnames.index(tab.title)
                book.remove(book[tab.title])
            render_tab(book.create_sheet(tab.title, index), tab)
        _mark_owned(book, sorted(owned | {tab.title for tab in tabs}))
        self._replace(self.summary_path, book)
        return []

    def _read(self, path: Path) -> Workbook:
        try:
            return read_values(path)
        except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, CalamineError) as error:
            raise UnreadableWorkbook(f"{path.name} is not a workbook Excel can open.") from error
        except OSError as error:
            reason = error.strerror or "the file could not be read"
            raise StoreUnavailable(f"Could not open {path.name}: {reason}.") from error

    def _replace(self, path: Path, book: XlsxWorkbook) -> None:
        """Save to a temporary file, keep the old file in previous/, then rename over it."""
        temporary = path.with_name(f".~{path.name}.tmp")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)  # fails (OSError) when a file has its name
            book.save(temporary)
            if path.exists():
                previous = self.folder / PREVIOUS_FOLDER / path.relative_to(self.folder)
                previous.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(path, previous)
            os.replace(temporary, path)
        except OSError as error:
            with suppress(OSError):
                temporary.unlink(missing_ok=True)
            raise StoreUnavailable(
                f"Could not replace {path.name} ({error.strerror}); if it is open in Excel or "
                "LibreOffice, close it and run the sync again.") from error
        self.writes += 1


def _load_without_owned_cells(path: Path) -> XlsxWorkbook:
    """The workbook with our own tabs emptied before openpyxl parses them.

    They are replaced anyway, and parsing the last run's History (thousands of rows) cost more
    than writing it again; people's tabs are loaded whole, with their formatting.
    """
    preview = load_workbook(path, read_only=True)
    owned = _owned_titles(preview)
    preview.close()
    if not owned:
        return load_workbook(path)
    buffer = io.BytesIO()
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as copy:
        emptied = {part for title, part in _sheet_parts(source).items() if title in owned}
        for item in source.infolist():
            copy.writestr(item, _EMPTY_SHEET if item.filename in emptied else source.read(item))
    return load_workbook(buffer)


_EMPTY_SHEET = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData/></worksheet>'
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_RELATIONSHIP = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Tab title -> the zip part that holds its cells (xl/workbook.xml and its relationships)."""
    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    relations = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {rel.get("Id"): rel.get("Target", "") for rel in relations}
    parts = {}
    for sheet in workbook.iter(f"{_MAIN}sheet"):
        target = targets.get(sheet.get(_RELATIONSHIP), "")
        parts[sheet.get("name")] = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return parts


def _owned_titles(book: XlsxWorkbook) -> set[str]:
    for prop in book.custom_doc_props.props:
        if prop.name == OWNED_PROPERTY and prop.value:
            return set(prop.value.split("\n"))
    return set()


def _mark_owned(book: XlsxWorkbook, titles: list[str]) -> None:
    props = book.custom_doc_props
    props.props = [prop for prop in props.props if prop.name != OWNED_PROPERTY]
    props.append(StringProperty(name=OWNED_PROPERTY, value="\n".join(titles)))
