"""Reading a CSV export from an MIS through a column mapping (sheets_templates/mis/columns.toml,
or the school's own `mis-columns.toml`). A value the mapping cannot read is refused with its line
number and column, never its content."""
from __future__ import annotations

import tomllib
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from functions.roll import INCOMING
from sync.errors import SettingsError
from sync.reader.dates import parse_date
from sync.reader.names import normalise
from sync.reader.values import clean_upn, parse_year_group

MAPPING_FILE = "columns.toml"
SCHOOL_MAPPING_FILE = "mis-columns.toml"
FIELDS = ["UPN", "First name", "Last name", "Date of birth", "Gender", "Year", "Registration group",
          "Pupil premium", "SEN", "EAL"]
REQUIRED = ["UPN", "First name", "Last name", "Date of birth"]


def school_then_ours(school: Path | None, school_file: str, ours: Path, what: str) -> Iterator[tuple[Path, dict]]:
    """Each mapping file there is, parsed: the school's own (`school_file` in its folder, local
    mode) first, then `ours`; one sentence (SettingsError) naming `what` for one that cannot be read."""
    for file in [*([school / school_file] if school is not None else []), ours]:
        if not file.is_file():
            continue
        try:
            data = tomllib.loads(file.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
            raise SettingsError(f"The {what} {file.name} cannot be read ({error}).") from None
        yield file, data


def load_mappings(templates_dir: Path, school: Path | None) -> tuple[dict[str, dict], dict[str, list[str]]]:
    """Every mapping section (the school's file first) and the shared `[values]` words."""
    sections: dict[str, dict] = {}
    values: dict[str, list[str]] = {}
    for file, data in school_then_ours(school, SCHOOL_MAPPING_FILE, templates_dir / "mis" / MAPPING_FILE,
                                       "column mapping"):
        for name, section in data.items():
            if name == "values":
                for key, words in section.items():
                    values.setdefault(key, [normalise(word) for word in words])
                continue
            unknown = sorted(set(section) - set(FIELDS) - {"description"})
            if unknown:
                raise SettingsError(f"The column mapping {file.name}, section [{name}]: "
                                    f"{unknown[0]} is not a field; fields are {', '.join(FIELDS)}.")
            sections.setdefault(name, section)
    return sections, values


def read_mis_csv(path: Path, templates_dir: Path, school: Path | None,
                 mapping: str | None = None) -> tuple[pd.DataFrame, str]:
    """The file's pupils as INCOMING rows, and the name of the mapping used."""
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        raise SettingsError(f"{path.name} could not be read as a CSV file.") from error
    sections, words = load_mappings(templates_dir, school)
    headings = {normalise(column): column for column in table.columns}
    chosen = _choose(sections, headings, mapping, path.name)
    section = sections[chosen]

    def column(field: str) -> pd.Series:
        for heading in section.get(field, []):
            if normalise(heading) in headings:
                return table[headings[normalise(heading)]].str.strip()
        return pd.Series("", index=table.index)

    lines = pd.Series(range(2, len(table) + 2), index=table.index)
    keep = table.apply(lambda c: c.str.strip()).ne("").any(axis=1)
    table, lines = table[keep], lines[keep]
    out = pd.DataFrame(index=table.index)
    out["source"] = path.name + ", line " + lines.astype(str)
    out["UPN"] = column("UPN").map(clean_upn)
    out["First name"] = column("First name")
    out["Last name"] = column("Last name")
    dates = column("Date of birth")
    out["Date of birth"] = pd.to_datetime(dates.map(lambda v: parse_date(v) if v else None))
    _refuse(out, dates.ne("") & out["Date of birth"].isna(), "Date of birth", "a date such as 03/04/2019")
    out["Gender"] = _words(column("Gender"), {"F": words["female"], "M": words["male"]}, out, "Gender")
    year = column("Year")
    out["Year"] = year.map(lambda v: parse_year_group(v) if v else None).astype(object)
    out["Registration group"] = column("Registration group")
    for field in ("Pupil premium", "EAL"):
        if not any(normalise(h) in headings for h in section.get(field, [])):
            out[field] = ""
            continue
        out[field] = _words(column(field), {"Y": words["yes"], "N": words["no"]}, out, field)
    if any(normalise(h) in headings for h in section.get("SEN", [])):
        out["SEN"] = _words(column("SEN"), {"N": words["sen_none"], "K": words["sen_support"],
                                            "E": words["sen_ehcp"]}, out, "SEN")
    else:
        out["SEN"] = ""
    return out[INCOMING].reset_index(drop=True), chosen


def _choose(sections: dict[str, dict], headings: dict[str, str], mapping: str | None, name: str) -> str:
    if mapping:
        if mapping not in sections:
            raise SettingsError(f"--mapping {mapping}: no such section; the mappings are "
                                f"{', '.join(sections)}.")
        chosen = mapping
    else:
        fits = [key for key, section in sections.items()
                if all(any(normalise(h) in headings for h in section.get(f, [])) for f in REQUIRED)]
        if not fits:
            raise SettingsError(f"{name}: no column mapping fits its headings; it needs columns for "
                                f"{', '.join(REQUIRED)} (see sheets_templates/mis/{MAPPING_FILE}).")
        # the mapping that knows most of the file's headings (the school's own first on a tie)
        chosen = max(fits, key=lambda key: sum(any(normalise(h) in headings for h in sections[key].get(f, []))
                                               for f in FIELDS))
    missing = [f for f in REQUIRED
               if not any(normalise(h) in headings for h in sections[chosen].get(f, []))]
    if missing:
        raise SettingsError(f"{name} has no {missing[0]} column that the mapping {chosen} knows.")
    return chosen


def _words(values: pd.Series, codes: dict[str, list[str]], out: pd.DataFrame, field: str) -> pd.Series:
    """Each value as the code whose word list holds it ("" stays ""); anything else refused."""
    lookup = {word: code for code, words in codes.items() for word in words}
    normal = values.map(normalise)
    result = normal.map(lookup)
    result = result.where(normal != "", "")
    _refuse(out, result.isna(), field, " or ".join(codes))
    return result


def _refuse(out: pd.DataFrame, bad: pd.Series, field: str, expected: str) -> None:
    if bad.any():
        where = out.loc[bad[bad].index[0], "source"]
        raise SettingsError(f"{where}: the {field} column must hold {expected}.")
