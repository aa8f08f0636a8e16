"""The local store: a school is a folder of workbooks (README.md, "What the demo wrote").

    SCHOOL/Tracker summary.xlsx     Settings, Staff and any tab a person makes (people; only ever read)
    SCHOOL/Tracker results.xlsx     the school tabs: Summary ... Problems, Sync log (ours, whole)
    SCHOOL/classes/*                class workbooks (people; only ever read)
    SCHOOL/summaries/<wb>.xlsx      Class summary and Problems for each class (ours, whole)
    SCHOOL/previous/                the version of every file we replaced, one generation back

The sync never writes a file people edit: a workbook saved again by a library loses what that
library does not model (cached formula values, text boxes, sparklines, data bars, checkboxes), so
the school's figures go to a workbook of their own, written whole. Every write goes to a
temporary file that is renamed over the old one, so a reader sees the old file or the new one,
never half. A school synced before the split still has our old tabs in `Tracker summary.xlsx`:
they are read once (History, Sync log) and named in Problems as no longer updated.
"""
from __future__ import annotations

import errno
import json
import os
import shutil
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path

from openpyxl import Workbook as XlsxWorkbook
from openpyxl import load_workbook
from openpyxl.packaging.custom import StringProperty

from functions.forgotten import Forgotten
from functions.frames import PROBLEMS
from functions.owned_tabs import SUMMARY_NAME
from sync.errors import AlreadyRunning, SchoolNotFound, SettingsError, StoreUnavailable, UnreadableWorkbook
from sync.file_lock import lock_without_waiting, unlock
from sync.reports.local import ReportSink
from sync.store import NewWorkbook, Tab, Workbook, WorkbookRef
from sync.xlsx import custom_property, read_values_and_blanks, render_tab, tab_titles

SUMMARY_FILE = f"{SUMMARY_NAME}.xlsx"
RESULTS_FILE = "Tracker results.xlsx"
RESULT_TABS = ("Summary", "Groups", "Classes", "Completion", "Watchlist", "Progress matrix",
               "Statutory", "Moderation", "Interventions", "Trends", "Governors", "History",
               "Problems", "Sync state", "Sync log")
"""The tabs of RESULTS_FILE (sync.outputs writes them), by which the sync also knows its old tabs
in a `Tracker summary.xlsx` from before the split, even when their record is lost."""
CLASSES_FOLDER = "classes"
SUMMARIES_FOLDER = "summaries"
PREVIOUS_FOLDER = "previous"
OWNED_PROPERTY = "tracker-owned-tabs"
LOCK_FILE = ".tracker.lock"
FORGOTTEN_FILE = ".tracker-forgotten.json"
"""The pupils the school erased, as keyed hashes (`sync.year.forgotten`)."""
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
            raise SchoolNotFound(f"There is no school folder at {self.folder}; to start a school "
                                 f"there, run {_start_hint(self.folder)}.")
        if not (self.folder / SUMMARY_FILE).is_file():
            raise SchoolNotFound(f"The folder {self.folder} has no '{SUMMARY_FILE}'; to start a school "
                                 f"there, run {_start_hint(self.folder)} (or python -m sync demo to "
                                 "try a made-up one).")
        self.display_name = self.folder.name
        self.reads = 0
        self.writes = 0
        self._listing_problems: list[dict] = []   # files in classes/ that are not read, and why
        self._summary_notes: list[dict] = []      # Tracker summary: our old tabs still there
        self._formula_blanks: list[tuple[str, str]] = []   # the last file read: formulas saved without a value

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

    results_name = RESULTS_FILE.removesuffix(".xlsx")   # as Problems names it
    school_id = ""   # a folder's results stay in it (results/)

    @property
    def results_path(self) -> Path:
        return self.folder / RESULTS_FILE

    def read_whole_summary(self) -> Workbook:
        """`read_summary`: a folder's summary is always read whole."""
        return self.read_summary()

    def read_summary(self) -> Workbook:
        """The people's `Tracker summary` (Settings, Staff, their tabs) with our tabs from
        `Tracker results` over it. Before the first run that writes `Tracker results`, our old
        tabs in `Tracker summary` (History, Sync log) carry on from where they were."""
        self.reads += 1
        people = self._read(self.summary_path)
        self._summary_notes = _old_tabs_note(people, self.summary_path)
        if not self.results_path.is_file():
            return people
        self.reads += 1
        ours = self._read(self.results_path)
        return {**{title: rows for title, rows in people.items() if title not in ours}, **ours}

    def foreign_tabs(self, ref: WorkbookRef | None = None) -> set[str]:
        """The people's tabs among what `read_summary` returns (Settings, Staff and any tab a
        person made in Tracker summary), which a command reading the summary must leave alone.
        None of them is ever written: every file the sync writes (Tracker results, summaries/)
        is wholly ours, so no tab of ours goes beside one. Our own old tabs in a Tracker summary
        from before the split count as ours."""
        if ref is not None:
            return set()
        people = set(_sheet_names(self.summary_path))
        ours = set(_sheet_names(self.results_path)) if self.results_path.is_file() else set()
        return people - ours - set(RESULT_TABS)

    def check_outputs_closed(self) -> None:
        """Before anything is written: stop (StoreUnavailable, exit 1) when a person has one of
        our output workbooks open (Excel's `~$` owner file or LibreOffice's lock file beside it),
        because their next save would put back what this run replaced; or when a person added a
        tab to one, because the file is replaced whole."""
        outputs = [self.results_path, *sorted((self.folder / SUMMARIES_FOLDER).glob("*.xlsx"))]
        for path in outputs:
            for lock in (f"~${path.name}", f"~${path.name[2:]}", f".~lock.{path.name}#"):
                if (path.parent / lock).exists():
                    raise StoreUnavailable(
                        f"{path.name} is open in Excel or LibreOffice ({lock} is beside it): close "
                        f"{path.name} and run again (if nobody has it open, delete {lock}).")
        for path in outputs:
            if not path.is_file():
                continue
            try:
                titles, owned = tab_titles(path), custom_property(path, OWNED_PROPERTY)
            except Exception:   # noqa: BLE001 - a damaged output is simply replaced
                continue
            ours = (set(owned.split("\n")) if owned else set()) | set(RESULT_TABS) | {"Class summary", "Problems"}
            made = [title for title in titles if title not in ours]
            if made:
                raise StoreUnavailable(
                    f"{path.name} has a tab the sync did not write ('{made[0]}'); the sync "
                    f"replaces that file whole, so move the tab into {SUMMARY_FILE} (or another "
                    "workbook) and run again.")

    def list_class_workbooks(self) -> list[WorkbookRef]:
        """Every workbook in the classes folder, whatever its format or the case of its suffix.
        Anything else there becomes a warning in `listing_problems()` (an owner or lock file: the
        workbook is open in Excel or LibreOffice); hidden and system files are left alone."""
        folder = self.folder / CLASSES_FOLDER
        self._listing_problems = []
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
                modified = datetime.fromtimestamp(stamp, UTC)
                refs.append(WorkbookRef(id=f"{CLASSES_FOLDER}/{path.name}", name=path.name,
                                        modified=modified.isoformat(timespec="seconds")))
            else:
                others.append(path.name)
        names = [ref.name for ref in refs]
        for name in others:
            self._listing_problems.append(_not_a_workbook(name, names))
        self._listing_problems = [row for row in self._listing_problems if row]
        return refs

    def listing_problems(self) -> list[dict]:
        """Files in classes/ not read, and why; our old tabs still in Tracker summary."""
        return [*self._summary_notes, *self._listing_problems]

    def formula_blanks(self) -> list[tuple[str, str]]:
        return list(self._formula_blanks)

    def set_classes_folder(self, folder: str) -> None:
        """Nothing to do: a school folder's class workbooks are always in `classes/`."""

    @property
    def account_email(self) -> str:
        """Files do not say who changed them: every sync reads every workbook."""
        return ""

    def request_count(self) -> int:
        return self.reads + self.writes

    def report_destination(self, reports_folder: str) -> tuple[Path, ReportSink | None]:
        """PDF files under the school folder's `Reports folder` (default `reports/`)."""
        return self.folder / reports_folder, None

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
        """Write the school's tabs into `Tracker results`, a workbook wholly ours, never into
        `Tracker summary`. A write of some tabs only (the Sync log of a run with no changes)
        keeps the others."""
        if self.results_path.is_file() and "Summary" not in {tab.title for tab in tabs}:
            book = load_workbook(self.results_path)
            for tab in tabs:
                index = len(book.sheetnames)
                if tab.title in book.sheetnames:
                    index = book.sheetnames.index(tab.title)
                    book.remove(book[tab.title])
                render_tab(book.create_sheet(tab.title, index), tab)
            titles = book.sheetnames
        else:
            book = XlsxWorkbook(write_only=True)
            for tab in tabs:
                render_tab(book.create_sheet(tab.title), tab)
            titles = [tab.title for tab in tabs]
        _mark_owned(book, titles)
        self._replace(self.results_path, book)
        return []

    def read_forgotten(self, summary: Workbook) -> Forgotten | None:
        """`.tracker-forgotten.json` in the school folder (a file of ours)."""
        path = self.folder / FORGOTTEN_FILE
        if not path.is_file():
            return None
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return Forgotten(bytes.fromhex(data["key"]), {str(k): str(v) for k, v in data["pupils"].items()})
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            raise SettingsError(f"{FORGOTTEN_FILE} in the school folder cannot be read; restore it from a "
                                "backup (it lists the pupils the school erased, so that an import does "
                                "not bring them back), or delete it to start a new list.") from None

    def write_forgotten(self, forgotten: Forgotten) -> None:
        """The whole list over the last, through a temporary file (never half written)."""
        path = self.folder / FORGOTTEN_FILE
        temporary = path.with_name(f"{FORGOTTEN_FILE}.tmp")
        try:
            temporary.write_text(json.dumps({"key": forgotten.key.hex(), "pupils": forgotten.pupils},
                                            indent=1, sort_keys=True), encoding="utf-8")
            os.replace(temporary, path)
        except OSError as error:
            temporary.unlink(missing_ok=True)
            raise StoreUnavailable(f"Could not write {FORGOTTEN_FILE} ({error.strerror}).") from error

    def add_draft(self, tab: Tab) -> str | None:
        """`<title>.xlsx` in the school folder, a new file (never one that exists: it is the head's)."""
        path = self.folder / f"{tab.title}.xlsx"
        if path.exists():
            return None
        book = XlsxWorkbook(write_only=True)
        render_tab(book.create_sheet(tab.title), tab)
        self._create(path, book)
        return path.name

    def check_can_create(self) -> None:
        """A folder can always hold a new workbook (a full disk is said when it happens)."""

    def finish_sharing(self) -> list[str]:
        """Files in a folder carry no sharing: nothing to finish."""
        return []

    def create_class_workbook(self, name: str, content: bytes, like: WorkbookRef | None) -> NewWorkbook:
        """classes/<name>, a new file; `like` is for Google's sharing (files carry no sharing here)."""
        path = self.folder / CLASSES_FOLDER / name
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(path, "xb") as handle:      # never over a file that exists
                handle.write(content)
        except FileExistsError:
            raise SettingsError(f"{CLASSES_FOLDER}/{name} exists already; it was left as it is.") from None
        except OSError as error:
            path.unlink(missing_ok=True)
            raise StoreUnavailable(f"Could not write {name} ({error.strerror}).") from error
        self.writes += 1
        return NewWorkbook(WorkbookRef(id=f"{CLASSES_FOLDER}/{name}", name=name))

    def _create(self, path: Path, book: XlsxWorkbook) -> None:
        """Save a workbook of ours as a new file: through a temporary file, never over one."""
        temporary = path.with_name(f".~{path.name}.tmp")
        try:
            book.save(temporary)
            os.link(temporary, path)          # fails when a file took the name meanwhile
        except OSError as error:
            _discard(book)
            raise StoreUnavailable(f"Could not write {path.name} ({error.strerror}).") from error
        finally:
            with suppress(OSError):
                temporary.unlink(missing_ok=True)
        self.writes += 1

    def _read(self, path: Path) -> Workbook:
        try:
            with _zip_of(path) as archive:
                _check_unpacked_size(path, archive)
                values, self._formula_blanks = read_values_and_blanks(path, archive)
            return values
        except UnreadableWorkbook:
            raise
        except OSError as error:
            reason = error.strerror or "the file could not be read"
            raise StoreUnavailable(f"Could not open {path.name}: {reason}.") from error
        except MemoryError:
            raise
        except Exception as error:   # noqa: BLE001 - a damaged file can fail in any parser's way
            if _is_compound_file(path):
                raise UnreadableWorkbook(
                    f"{path.name} has a password to open it, or is an old .xls file.",
                    found="a workbook with a password to open it (or an old .xls file renamed .xlsx)",
                    expected=("the workbook without a password to open it, saved as .xlsx: in Excel, File > "
                              "Info > Protect Workbook > Encrypt with Password, clear the password and save "
                              "(this class is left out until then)")) from error
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
            _discard(book)
            if error.errno in (errno.ENOSPC, errno.EDQUOT):
                raise StoreUnavailable(
                    f"Could not write {path.name}: the disk is full ({error.strerror}); {path.name} "
                    "is as the last run left it: free some space and run the sync again.") from error
            raise StoreUnavailable(
                f"Could not replace {path.name} ({error.strerror}); if it is open in Excel or "
                "LibreOffice, close it and run the sync again.") from error
        self.writes += 1


START_HINT = 'python -m sync new-school "{folder}" --name "Your school\'s name"'
"""How to start a school (`sync.new_school`), as the sentences that find no school say it."""


def _start_hint(folder: Path) -> str:
    return START_HINT.format(folder=folder)


def _discard(book: XlsxWorkbook) -> None:
    """A write-only workbook whose save failed: close its sheets' row writers now, quietly; left
    to the garbage collector they print "Exception ignored ... Traceback" as Python exits."""
    for sheet in book.worksheets:
        for writer in (getattr(sheet, "_rows", None), getattr(getattr(sheet, "_writer", None), "xf", None)):
            if writer is not None:
                with suppress(Exception):
                    writer.close()


def output_name(workbook: str) -> str:
    """summaries/<name>: the class workbook's own name for an .xlsx, else `<name>.xlsx` (our
    outputs are always .xlsx; `Oak.ods` -> `Oak.ods.xlsx`, never clashing with an `Oak.xlsx`)."""
    return workbook if workbook.endswith(".xlsx") else f"{workbook}.xlsx"


@contextmanager
def _zip_of(path: Path) -> Iterator[zipfile.ZipFile | None]:
    """The file opened as a zip (its directory read once for the size check and the read), or
    None when it is not one (.xls)."""
    if not zipfile.is_zipfile(path):
        yield None
        return
    with zipfile.ZipFile(path) as archive:
        yield archive


COMPOUND_FILE = bytes.fromhex("d0cf11e0a1b11ae1")
"""How an OLE compound file starts: what Excel saves a workbook with a password to open in (the
.xlsx inside is encrypted), and the old .xls format."""


def _is_compound_file(path: Path) -> bool:
    try:
        with path.open("rb") as file:
            return file.read(len(COMPOUND_FILE)) == COMPOUND_FILE
    except OSError:
        return False


def _check_unpacked_size(path: Path, archive: zipfile.ZipFile | None) -> None:
    """Refuse a workbook whose parts would unpack past MAX_UNPACKED_BYTES, from the sizes its
    zip directory declares (a reader stops at a part's declared size), before any is read; a
    file that is not a zip (`archive` None: .xls) is bounded by its own size."""
    limit = f"{MAX_UNPACKED_BYTES // 2**20} MB"
    if archive is not None:
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
                "warning"], strict=True))
    return dict(zip(PROBLEMS, [
        name, "", "", "a file that is not a class workbook",
        f"only workbooks ({', '.join(WORKBOOK_SUFFIXES)}) are read from {CLASSES_FOLDER}; this file is not",
        "warning"], strict=True))


def _sheet_names(path: Path) -> list[str]:
    try:
        return tab_titles(path)
    except Exception:   # noqa: BLE001 - unreadable: read_summary says so
        return []


def _old_tabs_note(people: Workbook, path: Path) -> list[dict]:
    """A warning when `Tracker summary` still holds the tabs the sync wrote there before its
    figures moved to `Tracker results` (known by the Sync log or Sync state among them)."""
    titles = [title for title in people if title in RESULT_TABS]
    if not {"Sync log", "Sync state"} & set(titles):
        return []
    return [dict(zip(PROBLEMS, [
        SUMMARY_FILE, ", ".join(titles), "",
        "tabs the sync wrote here before; they are no longer updated",
        f"the school's figures are now in {RESULTS_FILE}: delete these tabs from {SUMMARY_FILE} "
        "when you are ready (the sync never changes that file)", "warning"], strict=True))]


def _mark_owned(book: XlsxWorkbook, titles: list[str]) -> None:
    props = book.custom_doc_props  # type: ignore[attr-defined]  # not in openpyxl's stubs
    props.props = [prop for prop in props.props if prop.name != OWNED_PROPERTY]
    props.append(StringProperty(name=OWNED_PROPERTY, value="\n".join(titles)))
