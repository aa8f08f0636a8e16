"""`python -m sync new-year`: next academic year's class workbooks from this year's.

First run: drafts `Classes next year.xlsx`, a new workbook beside Tracker summary, and stops for
the head to check it (from then on it is the head's: never written again). Next run: creates each
class workbook of next year that does not exist yet, with the pupils who move into it (Year 6 and
pupils with a Left on date are not carried), and says what to type in Settings. This year's
workbooks stay as they are; History carries on; the sync counts progress from this year's last
positions (functions.baselines). Once the head has typed next year's Academic year in Settings, a
run changes nothing.

No workbook a person owns is ever saved again (a library's save loses cached formula values,
text boxes and more): Tracker summary and this year's class workbooks are only read, and only
files that did not exist are written. A `Classes next year` tab a head made in Tracker summary is
read as well.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import pandas as pd
from openpyxl import Workbook as XlsxWorkbook
from openpyxl.styles import Font, PatternFill

from functions.roll import (
    LEAVES,
    NEW_CLASS,
    NEXT_YEAR_HEADER,
    draft_next_year,
    move_up,
    next_academic_year,
)
from sync.errors import SettingsError
from sync.local_store import SUMMARY_FILE, LocalStore
from sync.new_class import class_workbook_name
from sync.reader.names import normalise
from sync.reader.table import is_blank
from sync.reader.values import parse_text, parse_year_group
from sync.settings import Settings
from sync.templates import TEMPLATES_DIR, load_statements, new_class_workbook
from sync.xlsx import read_values
from sync.year.school_files import read_school_files, save_over, tab_named

MAPPING_TAB = "Classes next year"
MAPPING_FILE = f"{MAPPING_TAB}.xlsx"
_YEARS = re.compile(r"(\d{4}-\d{2})\D+(\d{4}-\d{2})")


@dataclass
class NewYearResult:
    lines: list[str] = field(default_factory=list)
    created: list[Path] = field(default_factory=list)


def new_year(school: Path, *, dry_run: bool = False, now: datetime | None = None) -> NewYearResult:
    result = NewYearResult()
    with LocalStore(school).lock():
        found = read_school_files(school)
        settings = found.settings
        year, following = settings.academic_year, next_academic_year(settings.academic_year)
        classes, pupils = found.this_year()
        mapping_rows, where = _find_mapping(school, found.summary)
        if mapping_rows is None:
            draft = draft_next_year(classes)
            if not dry_run:
                _write_mapping(school / MAPPING_FILE, draft, year, following)
            result.lines += [(f"{'Would draft' if dry_run else 'Drafted'} {MAPPING_FILE}: {len(draft)} "
                             f"rows, from {year} to {following}."),
                             ("Check each class's row (a class may be renamed, merged or given a "
                             "teacher), then run this command again to create the workbooks.")]
            return result
        from_year, to_year, mapping = _read_mapping(mapping_rows, where)
        if to_year == year:
            result.lines.append(f"The school has already moved into {year}; nothing to do (to roll "
                                f"into the year after, delete {where} and run this command again).")
            return result
        if from_year != year:
            raise SettingsError(f"{where} is for {from_year} to {to_year} but the Academic "
                                f"year is {year}; delete it to draft a new one.")
        _check_mapping(mapping, classes, where)
        moved = move_up(pupils, mapping)
        targets = (mapping[mapping["Class next year"] != LEAVES]
                   .drop_duplicates("Class next year", keep="first"))
        folder = school / settings.classes_folder
        fw, subjects = settings.framework, list(settings.subjects)
        statements = load_statements(TEMPLATES_DIR, fw, subjects)
        for target in targets.itertuples(index=False):
            name, year_group, teacher = target[3], int(target[4]), target[5]
            path = folder / class_workbook_name(following, name, year_group)
            theirs = moved[moved["next_class"] == name]
            if path.exists():
                result.lines.append(f"{path.name} exists already; left as it is.")
                continue
            result.lines.append(f"{'Would create' if dry_run else 'Created'} {path.name} with "
                                f"{len(theirs)} pupils.")
            if not dry_run:
                new_class_workbook(path, class_name=name, year_group=year_group,
                                   teacher=teacher, academic_year=following, fw=fw,
                                   subjects=subjects, statements=statements,
                                   pupils=_pupils_columns(theirs))
                result.created.append(path)
        leaving = pupils["Left on"].isna() & pupils["class_name"].isin(
            mapping.loc[mapping["Class next year"] == LEAVES, "Class now"])
        left = int(pupils["Left on"].notna().sum())
        result.lines.append(f"Pupils leaving with their class: {int(leaving.sum())}; Pupils rows "
                            f"with a Left on date, not carried: {left}.")
        result.lines.append(settings_to_type(settings, following, _typed_ends(found.summary)))
        if dry_run:
            result.lines.append("Dry run: nothing was written.")
    return result


def settings_to_type(settings: Settings, following: str, typed_ends: bool) -> str:
    """The one sentence that tells the head what to type in Settings to move the school on: the
    Settings tab is theirs, so no command changes it."""
    values = [f"Academic year {following}", f"Current window {settings.windows[0]}"]
    if settings.locked_windows:
        values.append("Locked windows blank")
    if typed_ends:
        values.append("Window ends " + ", ".join(f"{_a_year_on(end):%d/%m/%Y}" for end in settings.window_ends))
    return (f"When the head agrees, type in the Settings tab of {SUMMARY_FILE}: {'; '.join(values)}. "
            f"Until then the sync carries on with {settings.academic_year} (this command never "
            f"changes {SUMMARY_FILE}).")


def _typed_ends(summary: dict) -> bool:
    """Whether Settings has Window ends typed (else their defaults move with the year)."""
    title = tab_named(summary, "Settings")
    return any(len(row) > 1 and normalise(row[0]) == "window ends" and not is_blank(row[1])
               for row in summary.get(title, []) if row and isinstance(row[0], str))


def _a_year_on(day: date) -> date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:              # 29 February
        return day.replace(year=day.year + 1, day=28)


def _find_mapping(school: Path, summary: dict) -> tuple[list[list] | None, str]:
    """The rows of the mapping and where they are: `Classes next year.xlsx` (its first tab), else
    a `Classes next year` tab in Tracker summary."""
    path = school / MAPPING_FILE
    if path.is_file():
        try:
            tabs = read_values(path)
        except Exception:  # noqa: BLE001 - any unreadable file is one sentence
            raise SettingsError(f"{MAPPING_FILE} cannot be read; open it in Excel or LibreOffice "
                                "and save it, or delete it to draft a new one.") from None
        title = tab_named(tabs, MAPPING_TAB) or next(iter(tabs), None)
        return (tabs[title] if title is not None else []), MAPPING_FILE
    title = tab_named(summary, MAPPING_TAB)
    if title is None:
        return None, MAPPING_FILE
    return summary[title], f"The {title} tab of {SUMMARY_FILE}"


def _pupils_columns(moved: pd.DataFrame) -> pd.DataFrame:
    columns = ["UPN", "First name", "Last name", "Date of birth", "Gender", "Pupil premium", "SEN", "EAL"]
    frame = moved[columns].copy()
    for name in ("Pupil premium", "EAL"):
        frame[name] = frame[name].where(frame[name] == "Y", "")
    frame["SEN"] = frame["SEN"].where(frame["SEN"].isin(["K", "E"]), "")
    frame["Date of birth"] = frame["Date of birth"].map(lambda v: v if isinstance(v, pd.Timestamp) else None)
    extras = pd.DataFrame(list(moved["extras"]), index=moved.index) if len(moved) else pd.DataFrame()
    frame = frame.join(extras) if len(extras.columns) else frame
    return frame.replace("", None).reset_index(drop=True)


def _read_mapping(rows: list[list], where: str) -> tuple[str, str, pd.DataFrame]:
    filled = [row for row in rows if any(not is_blank(value) for value in row)]
    years = next((m for row in filled[:2] for value in row if isinstance(value, str)
                  if (m := _YEARS.search(value))), None)
    at = next((i for i, row in enumerate(filled)
               if [normalise(v) for v in row[:2]] == [normalise(h) for h in NEXT_YEAR_HEADER[:2]]), None)
    if years is None or at is None:
        raise SettingsError(f"{where}: the first rows must say which years (From 2026-27 to "
                            f"2027-28) and name the columns {', '.join(NEXT_YEAR_HEADER)}.")
    body = []
    for number, row in enumerate(filled[at + 1:], start=at + 2):
        cells = [*row, *[None] * 5][:5]
        text = [parse_text(value) or "" for value in cells]
        year_next = parse_year_group(cells[3]) if not is_blank(cells[3]) else None
        body.append({"row": number, "Class now": text[0], "Year now": text[1],
                     "Class next year": LEAVES if normalise(text[2]) == normalise(LEAVES) else text[2],
                     "Year next year": year_next, "Teacher next year": text[4]})
    return years[1], years[2], pd.DataFrame(body, columns=["row", *NEXT_YEAR_HEADER])


def _check_mapping(mapping: pd.DataFrame, classes: pd.DataFrame, source: str) -> None:
    known = {normalise(name): name for name in classes["class_name"]}
    for row in mapping.itertuples(index=False):
        where = f"{source} row {row.row}"
        if normalise(row[1]) != normalise(NEW_CLASS) and normalise(row[1]) not in known:
            raise SettingsError(f"{where}: Class now must be a class of this year or {NEW_CLASS}.")
        if not row[3]:
            raise SettingsError(f"{where}: Class next year is blank; write a class name or {LEAVES}.")
        if row[3] != LEAVES and row[4] is None:
            raise SettingsError(f"{where}: Year next year must be a year group from 1 to 6.")
    mapping["Class now"] = mapping["Class now"].map(lambda n: known.get(normalise(n), NEW_CLASS))
    missing = sorted(set(classes["class_name"]) - set(mapping["Class now"]))
    if missing:
        raise SettingsError(f"{source} has no row for the class {missing[0]}; add one "
                            f"(write {LEAVES} if its pupils leave).")
    going = mapping[mapping["Class next year"] != LEAVES]
    if (going.groupby(going["Class next year"].map(normalise))["Year next year"].nunique() > 1).any():
        raise SettingsError(f"{source}: one class next year is given two year groups.")


def _write_mapping(path: Path, draft: pd.DataFrame, year: str, following: str) -> None:
    """A new workbook of its own (never an existing one saved again)."""
    book = XlsxWorkbook()
    del book[book.sheetnames[0]]
    sheet = book.create_sheet(MAPPING_TAB)
    sheet.append([(f"From {year} to {following}: which class each class moves into. Write {LEAVES} "
                  f"for a class that leaves; {NEW_CLASS} rows make new classes.")])
    sheet.append(NEXT_YEAR_HEADER)
    for row in draft.itertuples(index=False):
        sheet.append([None if pd.isna(v) else (int(v) if isinstance(v, int | float) else v) for v in row])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="D9E1F2")
    for letter, width in zip("ABCDE", (16, 10, 18, 14, 20), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A3"
    save_over(book, path, None)
