"""`python -m sync new-class`: a new class workbook for a school, from the templates.

The school's Settings choose the academic year, framework, windows and subjects; pupils come from
a CSV with the `Pupils` columns (names matched case- and space-insensitively, dates day first,
any further column kept as a custom group), or the workbook starts empty.
"""
from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pandas as pd
from pathvalidate import ValidationError, validate_filename

from functions.pupils import CHECK_LETTERS
from functions.workbooks import class_workbook_name
from sync.errors import SchoolNotFound, SettingsError
from sync.local_store import SUMMARY_FILE
from sync.reader.dates import parse_date
from sync.reader.names import canonical_lookup, normalise
from sync.settings import load_settings
from sync.templates import TEMPLATES_DIR, load_layout, load_statements, new_class_workbook
from sync.xlsx import read_values

_DATE_COLUMNS = ("Date of birth", "Joined on", "Left on")


def create_class_workbook(school: Path, *, name: str, year: int, teacher: str = "",
                          pupils_csv: Path | None = None, templates_dir: Path = TEMPLATES_DIR) -> Path:
    """Create the class workbook in the school's classes folder and return its path."""
    check_class_name(name)
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


def check_class_name(name: str) -> None:
    """A class name becomes part of a file name: refuse what cannot be one on every computer a
    school uses (the message does not repeat the name: it may hold invisible characters)."""
    invisible = any(unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") for ch in name)
    try:
        validate_filename(name, platform="universal")
    except ValidationError:
        valid = False
    else:
        valid = name == name.strip() and not name.startswith(".")
    if invisible or not valid or not name.strip():
        raise SettingsError('The class name cannot be used in a file name: use letters, digits, '
                            'spaces and - only, not / \\ : * ? " < > |, invisible characters or a '
                            "name Windows keeps for itself (CON, NUL, ...).")


def read_pupils_csv(path: Path, templates_dir: Path = TEMPLATES_DIR) -> pd.DataFrame:
    """A pupils CSV as the Pupils tab's columns: known names respelt, dates parsed day first.

    Raises SettingsError (naming columns, never pupils) when there is no UPN column.
    """
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig",
                            skip_blank_lines=False)
    except (OSError, UnicodeDecodeError, pd.errors.ParserError) as error:
        raise SettingsError(f"{path.name} could not be read as a CSV file.") from error
    pupils_tab = next(tab for tab in load_layout("class_workbook", templates_dir)["tabs"]
                      if tab["name"] == "Pupils")
    lookup = canonical_lookup(column["name"] for column in pupils_tab["columns"])
    table = table.rename(columns=lambda c: lookup.get(normalise(c), str(c).strip()))
    if "UPN" not in table.columns:
        raise SettingsError(f"{path.name} has no UPN column; its first row must name the Pupils columns.")
    table = table.apply(lambda column: column.str.strip())
    table.index = table.index + 2   # the file's line numbers: line 1 is the header
    table = table[table.ne("").any(axis=1)]
    for line, value in table["UPN"].items():
        if not _is_upn(value):
            raise SettingsError(f"{path.name} line {line}: the UPN is not a UPN (a letter, "
                                "11 digits, then a digit or a letter).")
    for column in (c for c in _DATE_COLUMNS if c in table.columns):
        parsed = table[column].map(parse_date)
        bad = table[column].ne("") & parsed.isna()
        if bad.any():
            raise SettingsError(f"{path.name} line {bad.idxmax()}: the {column} is not a date "
                                "(write it day first, like 03/04/2019).")
        table[column] = parsed
    return table.reset_index(drop=True)


def _is_upn(value: str) -> bool:
    """The shape the sync requires (a wrong check letter is only a warning there, and here)."""
    return re.fullmatch(rf"[A-Z]\d{{11}}[\d{CHECK_LETTERS}]", "".join(value.split()).upper()) is not None
