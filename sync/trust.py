"""`python -m sync trust TRUST`: a trust's `Trust summary` from its schools' results snapshots.

Local mode: TRUST is a folder of school folders (each with its `Tracker summary.xlsx` and the
`results/` its syncs wrote); the command writes `TRUST/Trust summary.xlsx` whole.

Google mode (`--google ID`): ID is the trust's own `Trust summary` spreadsheet, with
- `Settings`: `Trust name` and `Results bucket` (the Cloud Storage bucket its schools' syncs
  write their snapshots to);
- `Schools`: one row per school under a `Tracker summary` header (the school's spreadsheet id or
  link) and, optionally, `School`;
- `Staff`: who may see the trust's figures, under `Email` and `Role` (`Trust leader` or
  `Trust admin`): roles of the trust, not of any one school.
A school counts only when its own Settings name the trust (`Trust`: the trust's spreadsheet id), so
listing a school in a Schools tab never shows its figures to a trust it has not joined. The
command writes Summary, Groups, Governors, Statutory and `Schools counted` (when each school synced,
or why it is missing) into the trust's spreadsheet, beside people's tabs, as a school's sync does.

The figures are computed from pupils (functions/trust.py), for one window: the one asked for, else
the latest any school has synced. A school with no snapshot of that window is missing, not zero.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from functions.trust import SchoolPupils, TrustResults, trust_results
from sync.errors import AlreadyRunning, SettingsError, StoreUnavailable
from sync.local_store import SUMMARY_FILE
from sync.reader.names import canonical_lookup, normalise
from sync.reader.table import is_blank
from sync.reader.values import parse_text
from sync.settings import check_bucket_name
from sync.snapshot import FolderPlace, Place, SnapshotUnreadable, read_snapshot, windows_synced
from sync.statutory import national_figures, statutory_rules
from sync.store import Tab, Workbook
from sync.tabs import frame_to_tab
from sync.words import plural

TRUST_FILE = "Trust summary.xlsx"
SCHOOL_SUMMARY = SUMMARY_FILE
TRUST_ROLES = ("Trust leader", "Trust admin")
TAB_TITLES = ("Summary", "Groups", "Governors", "Statutory", "Schools")
OUR_SCHOOLS_TAB = "Schools counted"
"""Our table of the schools (synced when, or missing): the people's `Schools` tab is the list."""
_SPREADSHEET_ID = re.compile(r"/spreadsheets/d/([A-Za-z0-9_-]+)|^([A-Za-z0-9_-]{20,})$")


@dataclass
class TrustOutcome:
    trust: str
    window: str = ""
    counted: int = 0
    listed: int = 0
    missing: tuple[str, ...] = ()
    where: str = ""

    def summary_line(self) -> str:
        if not self.window:
            return (f"No school of {self.trust} has synced yet: sync each school, then run "
                    "`trust` again.")
        line = (f"Trust summary for {self.trust} at {self.window}: {self.counted} of "
                f"{plural(self.listed, 'school')} counted")
        if self.missing:
            line += f" (missing: {', '.join(self.missing)})"
        return f"{line}; see {self.where}."


@dataclass(frozen=True)
class Target:
    academic_year: str
    window: int
    window_name: str

    @property
    def label(self) -> str:
        return f"{self.window_name} {self.academic_year}"


def choose_target(places: list[Place], window: str | None, academic_year: str | None) -> Target | None:
    """The window to count: the one asked for (in `academic_year`, else the latest year that has
    it), else the latest any school synced; None when no school has synced at all."""
    synced = sorted({found for place in places for found in windows_synced(place)})
    if academic_year:
        synced = [s for s in synced if s[0] == academic_year]
    if window:
        synced = [s for s in synced if normalise(s[2]) == normalise(window)]
        if not synced:
            raise SettingsError(f'--window: no school of the trust has synced a window called '
                                f'"{window}"{" in " + academic_year if academic_year else ""}.')
    if not synced:
        return None
    return Target(*synced[-1])


def gather(places: list[tuple[str, Place]], target: Target, *,
           trust_id: str | None = None) -> list[SchoolPupils]:
    """Each school's snapshot of the target window, or why it is missing."""
    schools = []
    for name, place in places:
        try:
            snapshot = read_snapshot(place, target.academic_year, target.window, target.window_name)
        except SnapshotUnreadable as error:
            schools.append(SchoolPupils(name, None, problem=f"missing: {error}"))
            continue
        if snapshot is None:
            schools.append(SchoolPupils(name, None))
        elif trust_id is not None and snapshot.trust != trust_id:
            schools.append(SchoolPupils(name, None, problem=(
                "missing: the school's Settings do not name this trust (Trust: the trust's "
                "spreadsheet id)")))
        else:
            schools.append(SchoolPupils(name, snapshot.pupils, snapshot.statutory,
                                        synced_at=snapshot.synced_at, framework=snapshot.framework,
                                        counted_marks=snapshot.counted_marks))
    return schools


def compute(schools: list[SchoolPupils], target: Target) -> TrustResults:
    return trust_results(schools, target.window, target.label, target.academic_year,
                         rules=statutory_rules(), national=national_figures())


def trust_tabs(results: TrustResults, trust: str, target: Target, schools: list[SchoolPupils],
               schools_title: str = "Schools") -> list[Tab]:
    counted = sum(s.pupils is not None for s in schools)
    note = (f"{trust}: {target.label}. Figures of {counted} of {plural(len(schools), 'school')}, "
            "computed from their pupils")
    missing = [s.name for s in schools if s.pupils is None]
    if missing:
        note += f"; missing (not counted): {', '.join(missing)}"
    frames = {"Summary": results.summary, "Groups": results.groups,
              "Governors": results.governors, "Statutory": results.statutory,
              schools_title: results.schools}
    return [frame_to_tab(title, frame, note=note) for title, frame in frames.items()]


# --- local mode ------------------------------------------------------------------------------

def school_folders(trust: Path) -> list[Path]:
    if not trust.is_dir():
        raise SettingsError(f"There is no trust folder at {trust}.")
    folders = sorted(p for p in trust.iterdir() if p.is_dir() and (p / SCHOOL_SUMMARY).is_file())
    if not folders:
        raise SettingsError(f"The trust folder {trust} holds no school folder (a folder with a "
                            f"'{SCHOOL_SUMMARY}'); put each school's folder in it.")
    return folders


def run_trust_local(trust: Path, *, window: str | None = None,
                    academic_year: str | None = None) -> TrustOutcome:
    trust = Path(trust)
    folders = school_folders(trust)
    places: list[tuple[str, Place]] = [(f.name, FolderPlace(f / "results")) for f in folders]
    outcome = TrustOutcome(trust=trust.name, listed=len(places), where=str(trust / TRUST_FILE))
    target = choose_target([p for _, p in places], window, academic_year)
    if target is None:
        return outcome
    schools = gather(places, target)
    tabs = trust_tabs(compute(schools, target), trust.name, target, schools)
    write_workbook(trust / TRUST_FILE, tabs)
    return _finished(outcome, target, schools)


def write_workbook(path: Path, tabs: list[Tab]) -> None:
    """The trust's workbook, wholly ours, written whole and renamed into place; refused while
    someone has it open in Excel or LibreOffice (their save would put the old figures back)."""
    from openpyxl import Workbook as XlsxWorkbook

    from sync.xlsx import render_tab

    for lock in (f"~${path.name}", f".~lock.{path.name}#"):
        if (path.parent / lock).exists():
            raise StoreUnavailable(f"{path.name} is open in Excel or LibreOffice ({lock} is beside "
                                   f"it): close it and run again.")
    book = XlsxWorkbook(write_only=True)
    for tab in tabs:
        render_tab(book.create_sheet(tab.title), tab)
    temporary = path.with_name(f".~{path.name}.tmp")
    try:
        book.save(temporary)
        os.replace(temporary, path)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise StoreUnavailable(f"Could not write {path.name} ({error.strerror}).") from error


def _finished(outcome: TrustOutcome, target: Target, schools: list[SchoolPupils]) -> TrustOutcome:
    outcome.window = target.label
    outcome.counted = sum(s.pupils is not None for s in schools)
    outcome.missing = tuple(s.name for s in schools if s.pupils is None)
    return outcome


# --- Google mode ----------------------------------------------------------------------------

@dataclass(frozen=True)
class TrustSettings:
    name: str
    bucket: str
    schools: tuple[tuple[str, str], ...]     # (spreadsheet id, name shown)
    staff: tuple[tuple[str, str], ...]       # (email in lower case, role)


def trust_settings(summary: Workbook) -> TrustSettings:
    """The trust spreadsheet's Settings, Schools and Staff; a bad one is one sentence."""
    tabs = {normalise(title): rows for title, rows in summary.items()}
    if "settings" not in tabs or "schools" not in tabs:
        raise SettingsError("The Trust summary needs a Settings tab and a Schools tab.")
    values = {}
    keys = canonical_lookup(("Trust name", "Results bucket"))
    for row in tabs["settings"]:
        cells = [v for v in row if not is_blank(v)]
        if len(cells) >= 2 and (key := keys.get(normalise(str(cells[0])))):
            values[key] = parse_text(cells[1]) or ""
    bucket = check_bucket_name(values.get("Results bucket", ""))
    if not bucket:
        raise SettingsError("The Trust summary's Settings need a Results bucket: the Cloud Storage "
                            "bucket its schools' syncs write to.")
    schools = []
    for number, row in _table(tabs["schools"], "Schools", ("tracker summary",)):
        link = parse_text(row.get("tracker summary")) or ""
        match = _SPREADSHEET_ID.search(link.strip())
        if not match:
            raise SettingsError(f"Schools row {number}: the Tracker summary must be a spreadsheet "
                                "link or id.")
        school_id = match.group(1) or match.group(2)
        schools.append((school_id, parse_text(row.get("school")) or school_id))
    staff = []
    roles = canonical_lookup(TRUST_ROLES)
    for number, row in _table(tabs.get("staff", []), "Staff", ("email", "role")):
        role = roles.get(normalise(parse_text(row.get("role")) or ""))
        if role is None:
            raise SettingsError(f"Staff row {number}: the Role must be Trust leader or Trust admin.")
        staff.append(((parse_text(row.get("email")) or "").casefold(), role))
    return TrustSettings(values.get("Trust name", ""), bucket, tuple(schools), tuple(staff))


def trust_role(settings: TrustSettings, email: str) -> str | None:
    """The caller's trust-level role, or None: a school's staff have none here."""
    return dict(settings.staff).get(email.casefold())


def _table(rows: list[list[object]], tab: str, needed: tuple[str, ...]):
    filled = [(n, r) for n, r in enumerate(rows, start=1) if any(not is_blank(v) for v in r)]
    if not filled:
        return []
    header = {normalise(str(v)): i for i, v in enumerate(filled[0][1]) if not is_blank(v)}
    for name in needed:
        if name not in header:
            raise SettingsError(f"The {tab} tab needs a {name.capitalize()} column.")
    return [(n, {name: (r[i] if i < len(r) else None) for name, i in header.items()})
            for n, r in filled[1:]]


def run_trust_google(spreadsheet_id: str, *, store=None, open_bucket=None,
                     window: str | None = None, academic_year: str | None = None,
                     waiting_since: str | None = None) -> TrustOutcome:
    """The trust whose `Trust summary` is `spreadsheet_id`; `store` and `open_bucket` (bucket name
    -> sync.google.storage.Bucket) are injected by tests. With `waiting_since` (UTC
    "YYYY-MM-DD HH:MM:SS", the night's start), `AlreadyRunning` while a school that has joined
    the trust has not synced since: the nightly task then tries again later."""
    from sync.google.storage import Bucket, storage_session
    from sync.outputs import write_beside
    from sync.snapshot import BucketPlace

    if store is None:
        from sync.google import open_google_store

        store = open_google_store(spreadsheet_id)
    settings = trust_settings(store.read_whole_summary())   # every tab: its Schools tab too
    name = settings.name or store.display_name
    bucket = (open_bucket or (lambda b: Bucket(b, storage_session())))(settings.bucket)
    places: list[tuple[str, Place]] = [(shown, BucketPlace(bucket, school_id))
                                       for school_id, shown in settings.schools]
    outcome = TrustOutcome(trust=name, listed=len(places), where="the Trust summary spreadsheet")
    target = choose_target([p for _, p in places], window, academic_year)
    if target is None:
        return outcome
    schools = gather(places, target, trust_id=spreadsheet_id)
    if waiting_since:
        behind = [s.name for s in schools if not s.problem and s.synced_at < waiting_since]
        if behind:
            verb = "has" if len(behind) == 1 else "have"
            raise AlreadyRunning(f"{plural(len(behind), 'school')} of the trust {verb} not synced "
                                 "tonight yet; the trust's figures wait for them.")
    tabs = trust_tabs(compute(schools, target), name, target, schools, OUR_SCHOOLS_TAB)
    tabs, _ = write_beside(tabs, store.foreign_tabs(None), "Trust summary")
    store.write_summary(tabs)
    return _finished(outcome, target, schools)


def frames_of(tabs: list[Tab]) -> dict[str, pd.DataFrame]:
    """Tabs back as frames (header, rows): what a test compares."""
    return {tab.title: pd.DataFrame(tab.rows, columns=tab.header) for tab in tabs}
