"""The school's `Settings` and `Staff` tabs (in `Tracker summary`) as one checked `Settings` value.

Any bad setting raises `SettingsError` with one plain sentence naming the setting; a sync never
starts on settings it would have to guess.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from functions.academic_year import date_in_year, first_and_last_day
from functions.framework import Framework, FrameworkError, load_framework
from sync.errors import SettingsError
from sync.reader.dates import parse_date
from sync.reader.names import canonical_lookup, likely_typo, normalise
from sync.reader.table import is_blank
from sync.reader.values import parse_academic_year, parse_text
from sync.store import Rows, Store, Workbook
from sync.templates import TEMPLATES_DIR

LOCAL_REPORTS_FOLDER = "reports"
"""Where parent reports go when `Reports folder` is blank (a folder inside the school folder)."""

KEYS = ("School name", "Academic year", "Framework", "Windows", "Window ends", "Current window",
        "Locked windows", "Subjects", "Classes folder", "Reports folder", "DfE number",
        "Retention years", "Results bucket", "Trust")
DEFAULT_SUBJECTS = ("Reading", "Writing", "Maths")
BUILT_IN_FRAMEWORKS = ("points", "steps")
ROLES = ("Teacher", "Head", "Admin")
_LIST_SEPARATOR = re.compile(r"\s*[,;]\s*")


@dataclass(frozen=True)
class StaffMember:
    email: str   # lower case
    role: str    # one of ROLES


@dataclass(frozen=True)
class Settings:
    school_name: str
    academic_year: str                  # "2026-27"
    framework: Framework                # with the school's windows applied
    windows: tuple[str, ...]
    window_ends: tuple[date, ...]       # one per window, inside the academic year, increasing
    current_window: str | None          # None: the latest window with any judgement
    locked_windows: tuple[str, ...]
    subjects: tuple[str, ...]
    classes_folder: str
    reports_folder: str
    staff: tuple[StaffMember, ...]
    dfe_number: str = ""                # LA and establishment number, "8012417" ("" not set)
    retention_years: int | None = None  # keep leavers' data this many years (None: not set)
    results_bucket: str = ""            # Google mode: Cloud Storage bucket for results snapshots
    trust: str = ""                     # Google mode: the trust's Trust summary spreadsheet id


def school_settings(store: Store, summary: Workbook) -> Settings:
    """The school's settings from its `Tracker summary` as `store` read it: how every command
    loads them. A framework file named by path is looked for in the school folder (local mode);
    the store learns its `Classes folder`."""
    settings = load_settings(summary, TEMPLATES_DIR, store.folder)
    store.set_classes_folder(settings.classes_folder)
    return settings


def load_settings(summary: Workbook, templates_dir: Path, school_dir: Path | None) -> Settings:
    """Read `Settings` and `Staff` from the summary workbook and load the chosen framework.

    `templates_dir` is `sheets_templates/` (built-in frameworks live in its `frameworks/`); a
    framework file named by path is looked for in `school_dir`, then in `templates_dir`.
    """
    tabs = {normalise(title): rows for title, rows in summary.items()}
    if "settings" not in tabs:
        raise SettingsError("The Tracker summary has no Settings tab.")
    values = _key_values(tabs["settings"])
    academic_year = _required(values, "Academic year")
    year = parse_academic_year(academic_year)
    if year is None:
        raise SettingsError("Academic year must be written like 2026-27.")
    framework = _framework(_text(values, "Framework") or "points", templates_dir, school_dir)
    names = _list(values, "Windows")
    ends = _window_ends(values.get("Window ends"), year)
    try:
        framework = framework.with_windows(
            names or list(framework.windows),
            [f"{end:%m-%d}" for end in ends] if ends is not None else None)
    except FrameworkError as error:
        raise SettingsError(f"Windows: {error}") from error
    windows = framework.windows
    window_ends = ends if ends is not None else _place_in_year(framework.window_ends, year)
    return Settings(
        school_name=_text(values, "School name"),
        academic_year=year,
        framework=framework,
        windows=windows,
        window_ends=window_ends,
        current_window=_window(values.get("Current window"), windows, "Current window"),
        locked_windows=tuple(window for name in _list(values, "Locked windows")
                             if (window := _window(name, windows, "Locked windows")) is not None),
        subjects=_subjects(values),
        classes_folder=_text(values, "Classes folder") or "classes",
        reports_folder=_text(values, "Reports folder") or LOCAL_REPORTS_FOLDER,
        staff=_staff(tabs.get("staff", [])),
        dfe_number=_dfe_number(values),
        retention_years=_retention_years(values),
        results_bucket=_results_bucket(values),
        trust=_trust(values),
    )


def _trust(values: dict[str, object]) -> str:
    """The trust the school has joined: its Trust summary spreadsheet's id, or a link to it."""
    text = _text(values, "Trust").strip()
    found = re.search(r"/spreadsheets/d/([A-Za-z0-9_-]+)", text)
    return found.group(1) if found else text


def _results_bucket(values: dict[str, object]) -> str:
    return check_bucket_name(_text(values, "Results bucket"))


def check_bucket_name(name: str) -> str:
    """A Cloud Storage bucket name as Google allows it, else one sentence (SettingsError)."""
    if name and not re.fullmatch(r"[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]", name):
        raise SettingsError("Results bucket must be a Cloud Storage bucket name: 3 to 63 lower-case "
                            "letters, digits, dashes, dots or underscores.")
    return name


def _dfe_number(values: dict[str, object]) -> str:
    text = "".join(_text(values, "DfE number").replace("/", "").split())
    if text and not re.fullmatch(r"\d{7}", text):
        raise SettingsError("DfE number must be the LA and establishment numbers, 7 digits such as 8012417.")
    return text


def _retention_years(values: dict[str, object]) -> int | None:
    text = _text(values, "Retention years")
    if not text:
        return None
    if not re.fullmatch(r"\d{1,2}", text) or int(text) < 1:
        raise SettingsError("Retention years must be a whole number of years, such as 6.")
    return int(text)


def _key_values(rows: Rows) -> dict[str, object]:
    """Known key -> its value (the cell right after the key; any further cell is help text for
    people); a misspelt key is an error."""
    lookup = canonical_lookup(KEYS)
    values: dict[str, object] = {}
    for row in rows:
        filled = [i for i, value in enumerate(row) if not is_blank(value)]
        if not filled:
            continue
        cells = list(row[filled[0]:filled[0] + 2])
        key = lookup.get(normalise(cells[0]))
        if key is None:
            if (guess := likely_typo(str(cells[0]), KEYS)) is not None:
                raise SettingsError(f'Settings: "{str(cells[0]).strip()}" is not a setting; '
                                    f"did you mean {guess}?")
            continue
        values.setdefault(key, cells[1] if len(cells) > 1 else None)
    return values


def _text(values: dict[str, object], key: str) -> str:
    return parse_text(values.get(key)) or ""


def _required(values: dict[str, object], key: str) -> object:
    if is_blank(values.get(key)):
        raise SettingsError(f"{key} is missing from the Settings tab.")
    return values[key]


def _list(values: dict[str, object], key: str) -> list[str]:
    text = _text(values, key)
    return [item for item in _LIST_SEPARATOR.split(text) if item] if text else []


def _framework(choice: str, templates_dir: Path, school_dir: Path | None) -> Framework:
    if choice.casefold() in BUILT_IN_FRAMEWORKS:
        path = templates_dir / "frameworks" / f"{choice.casefold()}.toml"
    else:
        given = Path(choice)
        places = [given] if given.is_absolute() else [
            *([school_dir / given] if school_dir else []), templates_dir / given,
            templates_dir / "frameworks" / given]
        found = next((place for place in places if place.is_file()), None)
        if found is None:
            raise SettingsError(f'Framework: no file "{choice}" in the school folder or the templates; '
                                f"use points, steps or a framework file.")
        path = found
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise SettingsError(f"Framework: the file {path.name} cannot be read.") from error
    except tomllib.TOMLDecodeError as error:
        raise SettingsError(f"Framework: the file {path.name} is not valid TOML ({error}).") from error
    try:
        return load_framework(data, source=path.name)
    except FrameworkError as error:
        raise SettingsError(f"Framework: {error}") from error


def _window_ends(value: object, academic_year: str) -> tuple[date, ...] | None:
    """Window ends as dates inside the academic year, increasing; None when not set."""
    if is_blank(value):
        return None
    items = _LIST_SEPARATOR.split(value.strip()) if isinstance(value, str) else [value]
    days = [parse_date(item) for item in items if not is_blank(item)]
    if any(day is None for day in days):
        raise SettingsError("Window ends must be dates such as 20/12/2026, separated by commas.")
    ends = tuple(day.date() for day in days)  # type: ignore[union-attr]
    first, last = first_and_last_day(academic_year)
    if not all(first <= end <= last for end in ends):
        raise SettingsError(f"Window ends must fall inside the academic year {academic_year}.")
    if list(ends) != sorted(set(ends)):
        raise SettingsError("Window ends must be in order, earliest first, each a different day.")
    return ends


def _place_in_year(month_days: tuple[str, ...], academic_year: str) -> tuple[date, ...]:
    """Framework defaults "MM-DD" as dates inside the academic year."""
    return tuple(date_in_year(int(md[:2]), int(md[3:]), academic_year) for md in month_days)


def _window(value: object, windows: tuple[str, ...], key: str) -> str | None:
    if is_blank(value):
        return None
    name = canonical_lookup(windows).get(normalise(value))
    if name is None:
        raise SettingsError(f"{key} must name one of the windows: {', '.join(windows)}.")
    return name


def _subjects(values: dict[str, object]) -> tuple[str, ...]:
    subjects = _list(values, "Subjects") or list(DEFAULT_SUBJECTS)
    if len({normalise(subject) for subject in subjects}) != len(subjects):
        raise SettingsError("Subjects lists the same subject twice.")
    return tuple(subjects)


def _staff(rows: Rows) -> tuple[StaffMember, ...]:
    """Staff rows under an `Email`, `Role` header; a row with a bad email or role is an error."""
    filled = [(number, row) for number, row in enumerate(rows, start=1)
              if any(not is_blank(value) for value in row)]
    if not filled:
        return ()
    header = {normalise(value): i for i, value in enumerate(filled[0][1]) if not is_blank(value)}
    if "email" not in header or "role" not in header:
        raise SettingsError("The Staff tab needs an Email column and a Role column.")
    roles = canonical_lookup(ROLES)
    staff = []
    for number, row in filled[1:]:
        cell = lambda name, row=row: row[header[name]] if header[name] < len(row) else None  # noqa: E731
        email, role = parse_text(cell("email")) or "", roles.get(normalise(cell("role") or ""))
        if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email):
            raise SettingsError(f"Staff row {number}: the Email is not an email address.")
        if role is None:
            raise SettingsError(f"Staff row {number}: the Role must be Teacher, Head or Admin.")
        staff.append(StaffMember(email.casefold(), role))
    return tuple(staff)


def choose_window(settings: Settings, asked: str | None, key: str = "--window") -> str | None:
    """The window a command asked for, spelt as the Settings spell it (None: not asked)."""
    if asked is None:
        return None
    name = canonical_lookup(settings.windows).get(normalise(asked))
    if name is None:
        raise SettingsError(f'{key}: there is no window called "{parse_text(asked) or asked}"; '
                            f"the windows are {', '.join(settings.windows)}.")
    return name


def check_against_workbooks(settings: Settings, headings: list[list[str]], grids: list[list[str]]) -> None:
    """A subject or window of the Settings that no class workbook has anywhere is a typo in the
    Settings (`Math`, `Sprng`), not a problem in every teacher's tab: one sentence naming the key
    and the values the workbooks have.

    `headings`: per workbook, the headings of its Judgements tab; `grids`: per workbook, the
    subjects of its `<Subject> grid` tabs. Workbooks without a Judgements tab are not counted.
    """
    if not headings:
        return
    every = {normalise(h): " ".join(str(h).split()) for hs in headings for h in hs}
    grid_subjects = {normalise(s): s for gs in grids for s in gs}
    windows = [*settings.windows, "Baseline"]
    subjects_seen = dict(grid_subjects)
    windows_seen: dict[str, str] = {}
    for key, text in every.items():
        for window in windows:
            tail = f" {normalise(window)}"
            if key.endswith(tail):
                subjects_seen.setdefault(key[: -len(tail)], text[: -len(tail)])
        for subject in [*settings.subjects, *subjects_seen.values()]:
            head = f"{normalise(subject)} "
            if key.startswith(head) and key != head.strip():
                windows_seen.setdefault(key[len(head):], text[len(head):])
    windows_seen.pop("baseline", None)
    for subject in settings.subjects:
        if normalise(subject) not in subjects_seen:
            known = ", ".join(sorted(set(subjects_seen.values()))) or "none"
            raise SettingsError(f'Settings: Subjects lists "{subject}", which no class workbook has; '
                                f"the class workbooks have {known}.")
    for window in settings.windows:
        if normalise(window) not in windows_seen:
            known = ", ".join(dict.fromkeys(windows_seen.values())) or "none"
            raise SettingsError(f'Settings: Windows lists "{window}", which no class workbook has; '
                                f"the class workbooks have {known}.")


def workbook_headings(workbook: Workbook) -> tuple[list[str], list[str]] | None:
    """For `check_against_workbooks`: the text in the first rows of a class workbook's
    Judgements tab and the subjects of its grid tabs; None when it has no Judgements tab."""
    grids = [" ".join(title.split())[: -len(" grid")] for title in workbook
             if normalise(title).endswith(" grid")]
    judgements = next((rows for title, rows in workbook.items() if normalise(title) == "judgements"), None)
    if judgements is None:
        return None
    texts = [str(value) for row in judgements[:3] for value in row if isinstance(value, str) and value.strip()]
    return texts, grids
