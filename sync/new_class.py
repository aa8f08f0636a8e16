"""`python -m sync new-class`: a new class workbook for a school, from the templates.

The school's Settings choose the academic year, framework, windows and subjects; pupils come from
a CSV with the `Pupils` columns (names matched case- and space-insensitively, dates day first,
any further column kept as a custom group), or the workbook starts empty.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from functions.workbooks import class_workbook_name
from sync.errors import SchoolNotFound, SettingsError
from sync.reader.dates import parse_date
from sync.reader.names import canonical_lookup, normalise
from sync.settings import load_settings
from sync.templates import TEMPLATES_DIR, load_layout, load_statements, new_class_workbook
from sync.xlsx import read_values

SUMMARY_FILE = "Tracker summary.xlsx"
_DATE_COLUMNS = ("Date of birth", "Joined on", "Left on")


def create_class_workbook(school: Path, *, name: str, year: int, teacher: str = "",
                          pupils_csv: Path | None = None, templates_dir: Path = TEMPLATES_DIR) -> Path:
    """Create the class workbook in the school's classes folder and return its path."""
    summary_path = school / SUMMARY_FILE
    if not summary_path.is_file():
        raise SchoolNotFound(f"{school} has no {SUMMARY_FILE}; is it a school folder?")
    settings = load_settings(read_values(summary_path), templates_dir, school)
    path = school / settings.classes_folder / class_workbook_name(settings.academic_year, name, year)
    if path.exists():
        raise SettingsError(f"{path.name} already exists in the classes folder; choose another name.")
    pupils = read_pupils_csv(pupils_csv, templates_dir) if pupils_csv else None
    fw = settings.framework
    new_class_workbook(path, class_name=name, year_group=year, teacher=teacher,
                       academic_year=settings.academic_year, fw=fw, subjects=list(settings.subjects),
                       statements=load_statements(templates_dir, fw, list(settings.subjects)),
                       pupils=pupils, templates_dir=templates_dir)
    return path


def read_pupils_csv(path: Path, templates_dir: Path = TEMPLATES_DIR) -> pd.DataFrame:
    """A pupils CSV as the Pupils tab's columns: known names respelt, dates parsed day first.

    Raises SettingsError (naming columns, never pupils) when there is no UPN column.
    """
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError, pd.errors.ParserError) as error:
        raise SettingsError(f"{path.name} could not be read as a CSV file.") from error
    pupils_tab = next(tab for tab in load_layout("class_workbook", templates_dir)["tabs"]
                      if tab["name"] == "Pupils")
    lookup = canonical_lookup(column["name"] for column in pupils_tab["columns"])
    table = table.rename(columns=lambda c: lookup.get(normalise(c), str(c).strip()))
    if "UPN" not in table.columns:
        raise SettingsError(f"{path.name} has no UPN column; its first row must name the Pupils columns.")
    table = table.apply(lambda column: column.str.strip())
    table = table[table.ne("").any(axis=1)].reset_index(drop=True)
    for column in (c for c in _DATE_COLUMNS if c in table.columns):
        parsed = table[column].map(parse_date)
        # a date the parser cannot read stays as typed, so the sync reports it in Problems
        table[column] = parsed.where(parsed.notna(), table[column].replace("", None))
    return table
