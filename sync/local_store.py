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

from openpyxl import Workbook as XlsxWorkbook
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.packaging.custom import StringProperty
from python_calamine import CalamineError

from functions.frames import PROBLEMS
from sync.errors import AlreadyRunning, SchoolNotFound, StoreUnavailable, UnreadableWorkbook
from sync.file_lock import lock_without_waiting, unlock
from sync.store import Tab, Workbook, WorkbookRef
from sync.xlsx import read_values_and_blanks, render_tab, sheet_parts

SUMMARY_FILE = "Tracker summary.xlsx"
CLASSES_FOLDER = "classes"
SUMMARIES_FOLDER = "summaries"
PREVIOUS_FOLDER = "previous"
OWNED_PROPERTY = "tracker-owned-tabs"
LOCK_FILE = ".tracker.lock"
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")
"""What calamine reads: Excel's formats and LibreOffice's own (any case: `.XLSX` too)."""
MAX_UNPACKED_BYTES = 256 * 2**20
"""A workbook whose parts would unpack to more than this (256 MB; a class of 30 is well under
1 MB) is refused before it is read: a zip bomb cannot fill the memory."""
SYSTEM_FILES = {"thumbs.db", "desktop.ini"}


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
        self.listing_problems: list[dict] = []   # files in classes/ that are not read, and why
        self.formula_blanks: list[tuple[str, str]] = []   # the last file read: formulas saved without a value

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
        """Every workbook in the classes folder, whatever its format or the case of its suffix.
        Anything else there becomes a warning in `listing_problems` (an owner or lock file: the
        workbook is open in Excel or LibreOffice); hidden and system files are left alone."""
        folder = self.folder / CLASSES_FOLDER
        self.listing_problems = []
        if not folder.is_dir():
            return []
        refs, others = [], []
        for path in sorted(folder.iterdir()):
            if path.name.startswith(("~$", ".~lock.")):
                others.append(path.name)
            elif path.name.startswith(".") or path.name.casefold() in SYSTEM_FILES:
                continue
            elif path.suffix.casefold() in WORKBOOK_SUFFIXES:
                try:
                    stamp = path.stat().st_mtime
                except OSError:
                    stamp = 0.0   # a dangling link: read_workbook reports it
                modified = datetime.fromtimestamp(stamp, timezone.utc)
                refs.append(WorkbookRef(id=f"{CLASSES_FOLDER}/{path.name}", name=path.name,
                                        modified=modified.isoformat(timespec="seconds")))
            else:
                others.append(path.name)
        names = [ref.name for ref in refs]
        for name in others:
            self.listing_problems.append(_not_a_workbook(name, names))
        self.listing_problems = [row for row in self.listing_problems if row]
        return refs

    def read_workbook(self, ref: WorkbookRef) -> Workbook:
        """A class workbook's values; any file we cannot read (a dangling link, no permission,
        a folder with a workbook's name, too big when unpacked) is `UnreadableWorkbook`."""
        self.reads += 1
        path = self.folder / ref.id
        try:
            return self._read(path)
        except StoreUnavailable as error:
            raise UnreadableWorkbook(str(error), found="a file the sync may not open or read",
                                     expected=str(error)) from error

    def write_class_outputs(self, ref: WorkbookRef, tabs: list[Tab]) -> list[dict]:
        book = XlsxWorkbook(write_only=True)  # the file is wholly ours: nothing to keep
        for tab in tabs:
            render_tab(book.create_sheet(tab.title), tab)
        _mark_owned(book, [tab.title for tab in tabs])
        self._replace(self.folder / SUMMARIES_FOLDER / output_name(ref.name), book)
        return []

    def retire_class_outputs(self, kept: set[str]) -> None:
        """Move the summary of every class not read this time (its workbook gone, renamed or
        unreadable) out of summaries/ into previous/summaries/, so that nothing in summaries/
        looks current when it is not. `kept`: the names of the workbooks read."""
        folder = self.folder / SUMMARIES_FOLDER
        if not folder.is_dir():
            return
        wanted = {output_name(name) for name in kept}
        for path in folder.glob("*.xlsx"):
            if path.name in wanted or not path.is_file():
                continue
            previous = self.folder / PREVIOUS_FOLDER / SUMMARIES_FOLDER / path.name
            try:
                previous.parent.mkdir(parents=True, exist_ok=True)
                os.replace(path, previous)
            except OSError as error:
                raise StoreUnavailable(f"Could not move the old summary {path.name} out of "
                                       f"{SUMMARIES_FOLDER} ({error.strerror}).") from error

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
            _check_unpacked_size(path)
            values, self.formula_blanks = read_values_and_blanks(path)
            return values
        except UnreadableWorkbook:
            raise
        except OSError as error:
            reason = error.strerror or "the file could not be read"
            raise StoreUnavailable(f"Could not open {path.name}: {reason}.") from error
        except MemoryError:
            raise
        except Exception as error:   # noqa: BLE001 - a damaged file can fail in any parser's way
            raise UnreadableWorkbook(f"{path.name} is not a workbook Excel can open.") from error

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


def output_name(workbook: str) -> str:
    """summaries/<name>: the class workbook's own name for an .xlsx, else `<name>.xlsx` (our
    outputs are always .xlsx; `Oak.ods` -> `Oak.ods.xlsx`, never clashing with an `Oak.xlsx`)."""
    return workbook if workbook.endswith(".xlsx") else f"{workbook}.xlsx"


def _check_unpacked_size(path: Path) -> None:
    """Refuse a workbook whose parts would unpack past MAX_UNPACKED_BYTES, from the sizes its
    zip directory declares (a reader stops at a part's declared size), before any is read; a
    file that is not a zip (.xls) is bounded by its own size."""
    limit = f"{MAX_UNPACKED_BYTES // 2**20} MB"
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            total = sum(item.file_size for item in archive.infolist())
    else:
        total = path.stat().st_size
    if total > MAX_UNPACKED_BYTES:
        raise UnreadableWorkbook(
            f"{path.name} would unpack to more than {limit}, the most the sync reads.",
            found=f"a workbook that unpacks to {total // 2**20} MB",
            expected=f"a workbook under {limit} unpacked, the most the sync reads (this class is left out)")


def _not_a_workbook(name: str, workbooks: list[str]) -> dict:
    """The warning for a file in the classes folder that is not a class workbook; {} for an
    owner or lock file of no workbook there (left from a crash: nothing to say)."""
    for prefix, program in (("~$", "Excel"), (".~lock.", "LibreOffice")):
        if name.startswith(prefix):
            rest = name[len(prefix):].removesuffix("#") if program == "LibreOffice" else name[2:]
            # Excel's owner file of a long name replaces its first two letters with ~$
            owner = next((wb for wb in workbooks if wb == rest or (program == "Excel" and wb[2:] == rest)), None)
            if owner is None:
                return {}
            return dict(zip(PROBLEMS, [
                owner, "", "", f"{owner} is open in {program} ({name} beside it)",
                "the last saved version was read; changes not yet saved are not in this sync",
                "warning"]))
    return dict(zip(PROBLEMS, [
        name, "", "", "a file that is not a class workbook",
        f"only workbooks ({', '.join(WORKBOOK_SUFFIXES)}) are read from {CLASSES_FOLDER}; this file is not",
        "warning"]))


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
        emptied = {part for title, part in sheet_parts(source).items() if title in owned}
        for item in source.infolist():
            copy.writestr(item, _EMPTY_SHEET if item.filename in emptied else source.read(item))
    return load_workbook(buffer)


_EMPTY_SHEET = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData/></worksheet>'
def _owned_titles(book: XlsxWorkbook) -> set[str]:
    for prop in book.custom_doc_props.props:
        if prop.name == OWNED_PROPERTY and prop.value:
            return set(prop.value.split("\n"))
    return set()


def _mark_owned(book: XlsxWorkbook, titles: list[str]) -> None:
    props = book.custom_doc_props
    props.props = [prop for prop in props.props if prop.name != OWNED_PROPERTY]
    props.append(StringProperty(name=OWNED_PROPERTY, value="\n".join(titles)))
