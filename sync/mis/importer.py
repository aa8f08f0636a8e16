"""`python -m sync import`: bring pupils from the school's MIS into this year's class workbooks.

read (Settings, this year's Pupils tabs, the files) -> functions.roll.plan_import -> print the
plan -> (unless --dry-run) write it as a to-do workbook of our own (sync.mis.to_do): the new
pupils' rows to paste, the blank cells to fill, the cells typed differently. Teachers' workbooks
are only read: no command saves a workbook a person owns again.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, cast

import pandas as pd

from functions.forgotten import Forgotten
from functions.pupils import upn_error
from functions.roll import (
    DETAILS,
    INCOMING,
    STATUTORY_RULE,
    ImportPlan,
    duplicate_upns,
    fill_blank_cells,
    plan_import,
    statutory_results,
)
from sync.errors import SettingsError
from sync.mis.csv_export import read_mis_csv, school_then_ours
from sync.mis.ctf import ASSESSMENTS, read_ctf
from sync.mis.to_do import (
    GOOGLE_TITLE,
    ClassBook,
    statutory_row,
    to_do_path,
    to_do_sheets,
    to_do_tabs,
    write_to_do,
)
from sync.reader.names import normalise
from sync.settings import Settings
from sync.store import Store
from sync.templates import TEMPLATES_DIR
from sync.words import plural
from sync.year.forgotten import read_forgotten
from sync.year.school_files import read_school_store, tab_named

RESULTS_FILE = "ctf_results.toml"
SCHOOL_RESULTS_FILE = "ctf-results.toml"


@dataclass
class StatutoryPlan:
    """CTF results for the Statutory tabs: cells to fill, cells typed differently, and results
    with nowhere to go (workbook, why, count)."""

    fills: pd.DataFrame
    conflicts: pd.DataFrame
    nowhere: list[tuple[str, str, int]] = field(default_factory=list)
    placed: int = 0           # results with a Statutory cell (filled, differing, or the same)


@dataclass
class ImportResult:
    plan: ImportPlan
    lines: list[str] = field(default_factory=list)      # what to print, in order
    to_do: Path | None = None


def read_files(paths: list[Path], settings: Settings, school: Path | None, today: date,
               mapping: str | None) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """Every file's pupils (INCOMING) and CTF assessments, and lines saying what each file was."""
    pupils, assessments, lines = [], [], []
    for path in paths:
        if path.suffix.casefold() == ".xml":
            ctf = read_ctf(path, today)
            lines.append(f"{path.name}: a {ctf.qualifier or 'CTF'} Common Transfer File from "
                         f"{ctf.source_school or 'an unnamed school'}, {len(ctf.pupils)} pupils.")
            ours = settings_dfe_number(settings)
            if ctf.destination and ours and ctf.destination != ours:
                lines.append(f"Warning: {path.name} is addressed to school {ctf.destination}, not "
                             f"this school ({ours}); check it is meant for you.")
            elif ctf.destination and not ours:
                lines.append(f"Warning: {path.name} is addressed to school {ctf.destination}; "
                             "Settings has no DfE number to check it against.")
            pupils.append(ctf.pupils)
            assessments.append(ctf.assessments)
        else:
            frame, chosen = read_mis_csv(path, TEMPLATES_DIR, school, mapping)
            lines.append(f"{path.name}: a CSV export read with the {chosen} column mapping, "
                         f"{len(frame)} pupils.")
            pupils.append(frame)
    incoming = pd.concat(pupils, ignore_index=True) if pupils else pd.DataFrame(columns=INCOMING)
    results = pd.concat(assessments, ignore_index=True) if assessments else pd.DataFrame(columns=ASSESSMENTS)
    return incoming, results, lines


def settings_dfe_number(settings: Settings) -> str:
    return settings.dfe_number


def check_incoming(incoming: pd.DataFrame) -> None:
    """Refuse (one sentence, exit 2) a file with a bad UPN or the same UPN twice."""
    for source, upn in zip(incoming["source"], incoming["UPN"], strict=True):
        if upn and (why := upn_error(upn)) is not None:
            raise SettingsError(f"{source}: the UPN is not valid ({why}); nothing was imported.")
    twice = duplicate_upns(incoming)
    if len(twice):
        raise SettingsError(f"{twice['second'].iloc[0]} has the same UPN as {twice['first'].iloc[0]}; "
                            "nothing was imported.")


def import_pupils(store: Store, files: list[Path], *, class_name: str | None = None,
                  dry_run: bool = False, whole_roll: bool = False, mapping: str | None = None,
                  now: datetime | None = None, rejoined: tuple[str, ...] = ()) -> ImportResult:
    """Local mode (a LocalStore) writes the to-do list as a file of ours in imports/; Google
    mode as tabs of ours in Tracker summary (sync.mis.to_do)."""
    now = now or datetime.now()
    school: Path | None = store.folder
    with store.lock():
        found, read = read_school_store(store)
        tabs_of = {name: tabs for name, (_, tabs) in read.items()}
        settings = found.settings
        classes, pupils = found.this_year()
        if class_name is not None:
            match = classes[classes["class_name"].map(normalise) == normalise(class_name)]
            if match.empty:
                raise SettingsError(f"--class {class_name}: no class of {settings.academic_year} has "
                                    "that name.")
            class_name = str(match["class_name"].iloc[0])
        incoming, assessments, lines = read_files(files, settings, school, now.date(), mapping)
        check_incoming(incoming)
        incoming, assessments, left_out = without_forgotten(incoming, assessments, pupils,
                                                            read_forgotten(store, found.summary), rejoined)
        lines += left_out
        on_roll = pupils[["workbook", "row", "class_name", *DETAILS, "Left on"]]
        plan = plan_import(incoming, on_roll, classes[["workbook", "class_name", "year_group"]],
                           class_name=class_name, whole_roll=whole_roll)
        if len(plan.unplaced):
            first = plan.unplaced.iloc[0]
            group = f"registration group {first['group']!r} is no class" if first["group"] else \
                "no registration group"
            raise SettingsError(f"{first['source']}: a new pupil with {group} of "
                                f"{settings.academic_year}; name their class with --class. "
                                "Nothing was imported.")
        no_upn = plan.joins[plan.joins["UPN"] == ""]
        if len(no_upn):
            raise SettingsError(f"{no_upn['source'].iloc[0]}: a new pupil without a UPN (and no pupil "
                                "with the same name and date of birth); nothing was imported.")
        statutory = plan_statutory(assessments, plan, tabs_of, school)
        result = ImportResult(plan, lines + describe(plan, statutory, len(assessments)))
        if dry_run or plan.changes + len(statutory.fills) + len(plan.conflicts) \
                + len(statutory.conflicts) + len(plan.missing) == 0:
            result.lines.append("Dry run: nothing was written." if dry_run else "Nothing to change.")
            return result
        involved = sorted(set(plan.joins["workbook"]) | set(plan.fills["workbook"])
                          | set(plan.conflicts["workbook"]) | set(statutory.fills["workbook"])
                          | set(statutory.conflicts["workbook"]))
        books = {name: ClassBook(name, tabs_of[name]) for name in involved}
        fills, conflicts = to_do_cells(plan, statutory, books)
        sheets = to_do_sheets(books, plan.joins, fills, conflicts, plan.missing, now.date())
        if school is not None:
            result.to_do = to_do_path(school, now)
            write_to_do(result.to_do, sheets)
            where = result.to_do.relative_to(school).as_posix()
        else:
            store.write_summary(to_do_tabs(sheets))
            where = f"the tabs {', '.join(GOOGLE_TITLE.format(title) for title, _ in sheets)} of Tracker summary"
        result.lines.append(f"Wrote {where}: paste its New pupils rows and type its Fill blanks "
                            "cells into the class workbooks it names (this command never changes a "
                            "teacher's workbook).")
    return result


def without_forgotten(incoming: pd.DataFrame, assessments: pd.DataFrame, pupils: pd.DataFrame,
                      forgotten: Forgotten, rejoined: tuple[str, ...]) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """The file's pupils but those the school forgot (sync.year.forgotten) and has not said are
    back (`rejoined` UPNs, or on roll again this year), and a line for each one left out (the
    file and place, never a name or UPN)."""
    back = {"".join(upn.split()).upper() for upn in rejoined}
    for upn in back:
        if (why := upn_error(upn)) is not None:
            raise SettingsError(f"--rejoined: the UPN given is not valid ({why}); nothing was imported.")
    on_roll = set(pupils["UPN"])
    days = [forgotten.forgotten_on(upn) if upn and upn not in back and upn not in on_roll else None
            for upn in incoming["UPN"]]
    out = pd.Series([day is not None for day in days], index=incoming.index)
    lines = [f"Left out: {source} is a pupil the school forgot (erased) on {day}; if they have rejoined "
             "the school, run the import again with --rejoined and their UPN."
             for source, day in zip(incoming["source"], days, strict=True) if day is not None]
    gone = set(incoming.loc[out, "UPN"])
    return (incoming[~out].reset_index(drop=True),
            assessments[~assessments["UPN"].isin(gone)].reset_index(drop=True), lines)


def describe(plan: ImportPlan, statutory: StatutoryPlan, results: int) -> list[str]:
    """The plan as lines a person reads: where, never more pupil data than the cell values the
    school itself typed or sent."""
    lines = []
    for row in plan.matches[plan.matches["how"] != "UPN"].itertuples(index=False):
        lines.append(f"Matched by name and date of birth: {row.source} is {row.workbook} / Pupils "
                     f"row {row.row:.0f}.")
    for row in plan.fills.itertuples(index=False):
        lines.append(f"Fill: {row.workbook} / Pupils row {row.row:.0f}, {row.column}: "
                     f"{_shown(row.value)} (from {row.source}).")
    for row in plan.conflicts.itertuples(index=False):
        lines.append(f"Problem: {row.workbook} / Pupils row {row.row:.0f}, {row.column}: typed "
                     f"{_shown(row.typed)}, the file says {_shown(row.file)} ({row.source}); "
                     "the cell is left as typed.")
    for row in plan.joins.itertuples(index=False):
        lines.append(f"Join: {row.source} joins {row.class_name} ({row.workbook}).")
    for row in plan.year_warnings.itertuples(index=False):
        lines.append(f"Warning: {row.source} is in Year {row.year} but joins a Year "
                     f"{row.year_group} class.")
    for row in plan.returning.itertuples(index=False):
        lines.append(f"Warning: {row.source} is {row.workbook} / Pupils row {row.row:.0f}, which has a "
                     "Left on date; clear it if the pupil is back. Nothing changed for them.")
    if len(plan.missing):
        lines.append(f"{len(plan.missing)} pupils on roll are not in the file. Nothing is deleted: "
                     "if they have left, type their Left on date in these rows:")
        lines += [f"  {row.workbook} / Pupils row {row.row:.0f}" for row in plan.missing.itertuples(index=False)]
    for row in statutory.fills.itertuples(index=False):
        lines.append(f"Fill: {row.workbook} / Statutory, {row.column}: {_shown(row.value)} "
                     f"(from {row.source}).")
    for row in statutory.conflicts.itertuples(index=False):
        lines.append(f"Problem: {row.workbook} / Statutory, {row.column} ({row.source}): typed "
                     f"{_shown(row.typed)}, the file says {_shown(row.file)}; the cell is left as typed.")
    for workbook, why, count in statutory.nowhere:
        lines.append(f"{count} statutory results for pupils in {workbook} were not imported: {why}.")
    if results:
        lines.append(f"{results} statutory results in the files; {statutory.placed} have a Statutory column "
                     f"(sheets_templates/mis/{RESULTS_FILE} says which).")
    lines.append(f"{plural(len(plan.matches), 'pupil')} matched, {plural(len(plan.fills), 'blank cell')} "
                 f"to fill, {plural(len(plan.conflicts), 'cell')} typed differently (left alone), "
                 f"{plural(len(plan.joins), 'new pupil')}, {len(plan.missing)} not in the file.")
    return lines


def _shown(value: object) -> str:
    if isinstance(value, pd.Timestamp | datetime | date):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, float) and value.is_integer():
        return repr(str(int(value)))
    return repr("" if value is None else str(value))


def to_do_cells(plan: ImportPlan, statutory: StatutoryPlan,
                books: dict[str, ClassBook]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The cells to fill and the cells typed differently, by workbook, tab and A1 address."""
    joining = {name: list(plan.joins.loc[plan.joins["workbook"] == name, "UPN"]) for name in books}
    fills, conflicts = [], []
    for row in plan.fills.itertuples(index=False):
        fills.append((row.workbook, "Pupils", books[str(row.workbook)].cell("Pupils", _number(row.row), str(row.column)),
                      row.value, row.source))
    for row in plan.conflicts.itertuples(index=False):
        conflicts.append((row.workbook, "Pupils", books[str(row.workbook)].cell("Pupils", _number(row.row), str(row.column)),
                          row.typed, row.file, row.source))
    for frame, out in ((statutory.fills, fills), (statutory.conflicts, conflicts)):
        for item in frame.to_dict("records"):
            book = books[item["workbook"]]
            at = statutory_row(book, item["UPN"], joining[item["workbook"]])
            cell = book.cell(tab_named(book.tabs, "Statutory") or "Statutory", at, item["column"]) if at else None
            value = _number_or_text(str(item["value"])) if "value" in item else None
            out.append((item["workbook"], "Statutory", cell,
                        *((value, item["source"]) if out is fills else (item["typed"], item["file"], item["source"]))))
    return (pd.DataFrame(fills, columns=["workbook", "tab", "cell", "value", "source"]),
            pd.DataFrame(conflicts, columns=["workbook", "tab", "cell", "typed", "file", "source"]))


def _number_or_text(value: str) -> object:
    """A result as a cell value: a whole number as a number (a score), anything else as text."""
    return int(value) if value.isdigit() else value


def _number(value: object) -> int:
    """A row number as a frame with blanks carries it (2 or 2.0)."""
    return int(float(str(value)))


def load_result_rules(templates_dir: Path, school: Path | None) -> pd.DataFrame:
    """The [[result]] rules: the school's `ctf-results.toml` first (local mode), then the templates'."""
    rules = []
    for file, data in school_then_ours(school, SCHOOL_RESULTS_FILE, templates_dir / "mis" / RESULTS_FILE,
                                       "result mapping"):
        for number, rule in enumerate(data.get("result", []), start=1):
            if not str(rule.get("column", "")).strip():
                raise SettingsError(f"{file.name}: [[result]] number {number} has no column.")
            rules.append([str(rule.get(key.casefold(), "")) for key in STATUTORY_RULE])
    return pd.DataFrame(rules, columns=STATUTORY_RULE)


def plan_statutory(assessments: pd.DataFrame, plan: ImportPlan, tabs_of: dict[str, dict],
                   school: Path | None) -> StatutoryPlan:
    """Where each CTF result goes: the Statutory tab of the workbook its pupil is (or joins) in."""
    wanted = statutory_results(assessments, load_result_rules(TEMPLATES_DIR, school))
    empty = pd.DataFrame(columns=["workbook", "UPN", "column", "value", "source"])
    places = pd.concat([plan.matches[["source", "workbook"]], plan.joins[["source", "workbook"]]])
    wanted = wanted.merge(places, on="source", how="inner") if len(wanted) else empty
    joining = set(plan.joins["UPN"])
    typed_rows, placed, nowhere = [], [], []
    for key, group in wanted.groupby("workbook", sort=True):
        workbook = str(key)
        values = tabs_of[workbook]
        title = tab_named(values, "Statutory")
        if title is None:
            nowhere.append((workbook, "it has no Statutory tab", len(group)))
            continue
        rows = [row for row in values[title] if any(v not in (None, "") for v in row)]
        header = {normalise(v): i for i, v in enumerate(rows[0]) if v not in (None, "")} if rows else {}
        by_upn = {str(row[header["upn"]] or "").replace(" ", "").upper(): row
                  for row in rows[1:]} if "upn" in header else {}
        has_column = group["column"].map(normalise).isin(list(header))
        if (~has_column).any():
            nowhere.append((workbook, "its Statutory tab has no column " +
                            ", ".join(sorted(set(group.loc[~has_column, "column"]))), int((~has_column).sum())))
        for item in cast(Iterable[Any], group[has_column].itertuples(index=False)):
            row = by_upn.get(item.UPN)
            if row is None and item.UPN not in joining:
                nowhere.append((workbook, "the pupil has no row in its Statutory tab", 1))
                continue
            at = header[normalise(item.column)]
            typed_rows.append((workbook, item.UPN, item.column,
                               row[at] if row is not None and at < len(row) else None))
            placed.append(item)
    wanted = pd.DataFrame(placed, columns=wanted.columns) if placed else empty
    typed = pd.DataFrame(typed_rows, columns=["workbook", "UPN", "column", "typed"])
    fills, conflicts = fill_blank_cells(wanted[["workbook", "UPN", "column", "value", "source"]], typed)
    return StatutoryPlan(fills, conflicts, nowhere, len(wanted))
