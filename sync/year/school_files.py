"""A school folder's class workbooks as the year commands need them: each workbook's Class keys
and its Pupils rows as typed (text as written, dates as dates), with their sheet row numbers."""
from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from openpyxl import Workbook as XlsxWorkbook

from sync.errors import SchoolNotFound, StoreUnavailable, UnreadableWorkbook
from sync.local_store import SUMMARY_FILE
from sync.reader.dates import parse_date
from sync.reader.names import normalise
from sync.reader.problems import ProblemLog
from sync.reader.pupils_tab import PUPIL_COLUMNS, read_class_tab
from sync.reader.table import is_blank, read_table
from sync.reader.values import clean_upn, parse_flag, parse_sen, parse_text
from sync.settings import Settings, load_settings, school_settings
from sync.store import Store
from sync.templates import TEMPLATES_DIR
from sync.xlsx import read_values


@dataclass
class SchoolFiles:
    folder: Path | None             # None in Google mode
    settings: Settings
    summary: dict                 # every tab of Tracker summary, as read
    classes: pd.DataFrame         # workbook, path, academic_year, class_name, year_group, teacher
    pupils: pd.DataFrame          # workbook, academic_year, row, class_name, the Pupils columns, extras

    def this_year(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        year = self.settings.academic_year
        return (self.classes[self.classes["academic_year"] == year].reset_index(drop=True),
                self.pupils[self.pupils["academic_year"] == year].reset_index(drop=True))


def tab_named(workbook: dict, name: str) -> str | None:
    return next((title for title in workbook if normalise(title) == normalise(name)), None)


def read_school_files(folder: Path, templates_dir: Path = TEMPLATES_DIR) -> SchoolFiles:
    """Settings and every class workbook's Class and Pupils tabs, read from a school folder.
    Unreadable workbooks and workbooks without an academic year are skipped (the sync reports
    them)."""
    summary_path = folder / SUMMARY_FILE
    if not summary_path.is_file():
        raise SchoolNotFound(f"{folder} has no {SUMMARY_FILE}; is it a school folder?")
    summary = read_values(summary_path)
    settings = load_settings(summary, templates_dir, folder)
    books: list[tuple[str, Path | None, dict]] = []
    for path in sorted((folder / settings.classes_folder).glob("*.xlsx")):
        if path.name.startswith(("~$", ".~")):
            continue
        try:
            books.append((path.name, path, read_values(path)))
        except Exception:  # noqa: BLE001 - a corrupt workbook is the sync's Problems row, not ours
            continue
    return _school_files(folder, settings, summary, books)


def read_school_store(store: Store) -> tuple[SchoolFiles, dict]:
    """The same through the store port (local or Google), and every class workbook as read
    (name -> (ref, tabs)), for commands that work in both modes. The summary is read whole,
    History included (Google's sync reads only History's open rows)."""
    summary = store.read_whole_summary()
    settings = school_settings(store, summary)
    books: list[tuple[str, Path | None, dict]] = []
    read = {}
    for ref in store.list_class_workbooks():
        try:
            workbook = store.read_workbook(ref)
        except UnreadableWorkbook:
            continue
        books.append((ref.name, None, workbook))
        read[ref.name] = (ref, workbook)
    return _school_files(store.folder, settings, summary, books), read


def _school_files(folder: Path | None, settings: Settings, summary: dict,
                  books: list[tuple[str, Path | None, dict]]) -> SchoolFiles:
    classes, pupils = [], []
    for name, path, workbook in books:
        problems = ProblemLog(name)
        class_tab, pupils_tab = tab_named(workbook, "Class"), tab_named(workbook, "Pupils")
        if class_tab is None or pupils_tab is None:
            continue
        info = read_class_tab(class_tab, workbook[class_tab], Path(name).stem, problems)
        if info.academic_year is None:
            continue
        classes.append({"workbook": name, "path": path, "academic_year": info.academic_year,
                        "class_name": info.class_name, "year_group": info.year_group,
                        "teacher": info.teacher})
        table = read_table(pupils_tab, workbook[pupils_tab], PUPIL_COLUMNS, problems, False)
        for row in table.body:
            typed = {column: table.value(column, row) for column in PUPIL_COLUMNS}
            if is_blank(typed["UPN"]) and is_blank(typed["First name"]) and is_blank(typed["Last name"]):
                continue
            pupils.append({
                "workbook": name, "academic_year": info.academic_year, "row": row.number,
                "class_name": info.class_name, "year_group": info.year_group,
                **as_typed(typed),
                "extras": {header: row.values[at] for header, at in table.extras.items()
                           if normalise(header) != "name"},
            })
    class_columns = ["workbook", "path", "academic_year", "class_name", "year_group", "teacher"]
    pupil_columns = ["workbook", "academic_year", "row", "class_name", "year_group",
                     *PUPIL_COLUMNS, "extras"]
    return SchoolFiles(folder, settings, summary, pd.DataFrame(classes, columns=class_columns),
                       pd.DataFrame(pupils, columns=pupil_columns))


def as_typed(typed: dict[str, object]) -> dict[str, object]:
    """Cells in the forms functions.roll compares: dates as Timestamps (text kept when it is not
    a date), flags Y / N / "" and SEN N/K/E when readable, other text as written."""
    out: dict[str, object] = {}
    for name, value in typed.items():
        if name == "UPN":
            out[name] = clean_upn(value)
        elif name in ("Date of birth", "Joined on", "Left on"):
            day = None if is_blank(value) else parse_date(value)
            out[name] = day if day is not None else (pd.NaT if is_blank(value) else parse_text(value))
        elif name in ("Pupil premium", "EAL"):
            flag = parse_flag(value)
            out[name] = "" if is_blank(value) else ("Y" if flag else "N") if flag is not None else parse_text(value)
        elif name == "SEN":
            out[name] = "" if is_blank(value) else (parse_sen(value) or parse_text(value))
        else:
            out[name] = parse_text(value) or ""
    return out


def save_over(book: XlsxWorkbook, path: Path, keep_copy_in: Path | None) -> None:
    """Copy the old file into `keep_copy_in` (when given), then save to a temporary file and
    rename it over `path`: a reader sees the old file or the new one, never half."""
    temporary = path.with_name(f".~{path.name}.tmp")
    try:
        if keep_copy_in is not None and path.exists():
            keep_copy_in.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, keep_copy_in / path.name)
        book.save(temporary)
        os.replace(temporary, path)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise StoreUnavailable(f"Could not replace {path.name} ({error.strerror}); if it is open in "
                               "Excel or LibreOffice, close it and run the command again.") from error
