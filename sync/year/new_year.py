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

Google mode works through the same store port: the draft is a `Classes next year` tab added to
Tracker summary (a tab of the head's: not marked as ours, not protected, never written again), and
each new class spreadsheet is made from the templates in the Classes folder and shared as the
class spreadsheet it comes from (sync.google.new_files says why it is not a copy of that file).
"""
from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from functions.academic_year import next_academic_year
from functions.owned_tabs import SUMMARY_NAME
from functions.roll import (
    LEAVES,
    NEW_CLASS,
    NEXT_YEAR_HEADER,
    draft_next_year,
    move_up,
)
from sync.errors import SettingsError
from sync.local_store import SUMMARY_FILE, WORKBOOK_SUFFIXES
from sync.new_class import class_workbook_name
from sync.reader.names import normalise
from sync.reader.table import is_blank
from sync.reader.values import parse_text, parse_year_group
from sync.settings import Settings
from sync.store import Store, Tab, WorkbookRef
from sync.templates import TEMPLATES_DIR, load_statements, new_class_workbook
from sync.xlsx import read_values
from sync.year.school_files import read_school_store, tab_named

MAPPING_TAB = "Classes next year"
MAPPING_FILE = f"{MAPPING_TAB}.xlsx"
_YEARS = re.compile(r"(\d{4}-\d{2})\D+(\d{4}-\d{2})")


@dataclass
class NewYearResult:
    lines: list[str] = field(default_factory=list)
    created: list[WorkbookRef] = field(default_factory=list)


def new_year(store: Store, *, dry_run: bool = False) -> NewYearResult:
    """Draft the mapping, or create next year's class workbooks from it (see the module's text),
    through the store: a school folder or a Google school alike."""
    result = NewYearResult()
    summary_name = SUMMARY_FILE if store.folder is not None else SUMMARY_NAME
    with store.lock():
        found, read = read_school_store(store)
        settings = found.settings
        year, following = settings.academic_year, next_academic_year(settings.academic_year)
        classes, pupils = found.this_year()
        mapping_rows, where = _find_mapping(store.folder, found.summary, summary_name)
        if mapping_rows is None:
            draft = draft_next_year(classes)
            place = where
            if not dry_run:
                place = store.add_draft(_mapping_tab(draft, year, following)) or where
            result.lines += [(f"{'Would draft' if dry_run else 'Drafted'} {place}: {len(draft)} "
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
        fw, subjects = settings.framework, list(settings.subjects)
        statements = load_statements(TEMPLATES_DIR, fw, subjects)
        existing = {_stem(ref.name).casefold() for ref in store.list_class_workbooks()}
        this_year: dict[str, WorkbookRef] = {str(row.class_name): read[str(row.workbook)][0]
                                             for row in classes.itertuples(index=False)
                                             if str(row.workbook) in read}
        checked = False
        if not dry_run:
            result.lines += store.finish_sharing()
        for target in targets.itertuples(index=False):
            name, year_group, teacher = target[3], int(target[4]), target[5]
            file_name = class_workbook_name(following, name, year_group)
            theirs = moved[moved["next_class"] == name]
            if _stem(file_name).casefold() in existing:
                result.lines.append(f"{_shown(file_name, store)} exists already; left as it is.")
                continue
            like = _comes_from(mapping, name, this_year)
            shared = ""
            if store.folder is None:
                shared = (f"; shared as {like.name} is" if like is not None else
                          "; shared with nobody yet (no class of this year to copy the sharing from): "
                          "share it in Drive")
            if not checked:
                store.check_can_create()
                checked = True
            if not dry_run:
                content = _class_workbook_bytes(file_name, class_name=name, year_group=year_group,
                                                teacher=teacher, academic_year=following, fw=fw,
                                                subjects=subjects, statements=statements,
                                                pupils=_pupils_columns(theirs))
                made = store.create_class_workbook(file_name, content, like)
                result.created.append(made.ref)
                if store.folder is None and like is not None:
                    shared += f" ({made.shared} {'share' if made.shared == 1 else 'shares'} given)"
            result.lines.append(f"{'Would create' if dry_run else 'Created'} {_shown(file_name, store)} "
                                f"with {len(theirs)} pupils{shared}.")
        leaving = pupils["Left on"].isna() & pupils["class_name"].isin(
            mapping.loc[mapping["Class next year"] == LEAVES, "Class now"])
        left = int(pupils["Left on"].notna().sum())
        result.lines.append(f"Pupils leaving with their class: {int(leaving.sum())}; Pupils rows "
                            f"with a Left on date, not carried: {left}.")
        result.lines.append(settings_to_type(settings, following, _typed_ends(found.summary), summary_name))
        if dry_run:
            result.lines.append("Dry run: nothing was written.")
    return result


def _stem(name: str) -> str:
    """A workbook's name without its suffix: a file name locally, a spreadsheet title on Google."""
    path = Path(name)
    return path.stem if path.suffix.casefold() in WORKBOOK_SUFFIXES else name


def _shown(file_name: str, store: Store) -> str:
    return file_name if store.folder is not None else _stem(file_name)


def _comes_from(mapping: pd.DataFrame, name: str, this_year: dict[str, WorkbookRef]) -> WorkbookRef | None:
    """The workbook of this year whose sharing a new class workbook copies: the first class that
    moves into it, else (a new class) the class of this year with its name."""
    rows = mapping[(mapping["Class next year"] == name) & (mapping["Class now"] != NEW_CLASS)]
    source = str(rows["Class now"].iloc[0]) if len(rows) else name
    return this_year.get(source)


def _class_workbook_bytes(file_name: str, **details: Any) -> bytes:
    """The class workbook our templates make, as .xlsx bytes (made in a temporary folder)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / file_name
        new_class_workbook(path, **details)
        return path.read_bytes()


def settings_to_type(settings: Settings, following: str, typed_ends: bool,
                     summary_name: str = SUMMARY_FILE) -> str:
    """The one sentence that tells the head what to type in Settings to move the school on: the
    Settings tab is theirs, so no command changes it."""
    values = [f"Academic year {following}", f"Current window {settings.windows[0]}"]
    if settings.locked_windows:
        values.append("Locked windows blank")
    if typed_ends:
        values.append("Window ends " + ", ".join(f"{_a_year_on(end):%d/%m/%Y}" for end in settings.window_ends))
    never = f"changes {SUMMARY_FILE}" if summary_name == SUMMARY_FILE else "changes the Settings tab"
    return (f"When the head agrees, type in the Settings tab of {summary_name}: {'; '.join(values)}. "
            f"Until then the sync carries on with {settings.academic_year} (this command never {never}).")


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


def _find_mapping(school: Path | None, summary: dict, summary_name: str) -> tuple[list[list] | None, str]:
    """The rows of the mapping and where they are: `Classes next year.xlsx` (its first tab, in a
    school folder), else a `Classes next year` tab in Tracker summary. None and where a draft goes
    when there is none."""
    path = school / MAPPING_FILE if school is not None else None
    if path is not None and path.is_file():
        try:
            tabs = read_values(path)
        except Exception:  # noqa: BLE001 - any unreadable file is one sentence
            raise SettingsError(f"{MAPPING_FILE} cannot be read; open it in Excel or LibreOffice "
                                "and save it, or delete it to draft a new one.") from None
        title = tab_named(tabs, MAPPING_TAB) or next(iter(tabs), None)
        return (tabs[title] if title is not None else []), MAPPING_FILE
    title = tab_named(summary, MAPPING_TAB)
    if title is None:
        return None, MAPPING_FILE if path is not None else f"the {MAPPING_TAB} tab of {summary_name}"
    return summary[title], f"The {title} tab of {summary_name}"


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


def _mapping_tab(draft: pd.DataFrame, year: str, following: str) -> Tab:
    """The draft for the head: a note saying which years, the columns, a row per class."""
    rows = [[None if pd.isna(v) else (int(v) if isinstance(v, int | float) else v) for v in row]
            for row in draft.itertuples(index=False)]
    return Tab(title=MAPPING_TAB, header=list(NEXT_YEAR_HEADER), rows=rows,
               note=(f"From {year} to {following}: which class each class moves into. Write {LEAVES} "
                     f"for a class that leaves; {NEW_CLASS} rows make new classes."),
               widths=dict(zip(NEXT_YEAR_HEADER, (16, 10, 18, 14, 20), strict=True)))
