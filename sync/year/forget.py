"""`python -m sync forget`: erase leavers from everything the tracker wrote (UK GDPR erasure and
the school's retention period), and list what only the school may delete.

Removed by us: every row that holds the pupil's UPN in our own tabs of Tracker summary (History,
Watchlist, Interventions, Problems ...) and in summaries/, each pupil's parent reports (found by
the reports' manifests), and the one-generation copies of those files in previous/.
Listed for the school: the teachers' class workbooks that still hold the pupil (past years' to be
deleted; in this year's, the row), and copies of teachers' workbooks that import and new-year
kept in previous/. Until those are gone a sync records the pupil again from them.
The audit line in the Sync log holds counts, never names or UPNs.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from functions.pupils import upn_error
from functions.roll import left_before, leavers, retention_cutoff
from sync.errors import SettingsError
from sync.local_store import (OWNED_PROPERTY, PREVIOUS_FOLDER, SUMMARIES_FOLDER, SUMMARY_FILE,
                              LocalStore)
from sync.outputs import SYNC_LOG_COLUMNS
from sync.reports.local import MANIFEST
from sync.reports.names import pupil_key
from sync.year.school_files import read_school_files, save_over

_UPN = re.compile(r"[A-Z]\d{11}[0-9A-Z]")


@dataclass
class ForgetResult:
    pupils: int = 0
    rows: dict[str, int] = field(default_factory=dict)      # tab -> rows removed
    reports: int = 0
    copies: int = 0
    lines: list[str] = field(default_factory=list)


def forget(school: Path, *, before: date | None = None, upns: tuple[str, ...] = (),
           dry_run: bool = False, today: date | None = None, now: datetime | None = None) -> ForgetResult:
    today = today or date.today()
    result = ForgetResult()
    with LocalStore(school).lock():
        found = read_school_files(school)
        settings = found.settings
        gone = leavers(found.pupils, settings.academic_year)
        if upns:
            chosen = sorted({"".join(u.split()).upper() for u in upns})
            for upn in chosen:
                if upn_error(upn) is not None:
                    raise SettingsError(f"--upn: the UPN given is not valid ({upn_error(upn)}).")
            on_roll = sorted(set(chosen) - set(gone["UPN"]) & set(found.pupils["UPN"]))
            if on_roll:
                raise SettingsError("--upn: that pupil is on roll this year; type their Left on "
                                    "date in their class workbook first.")
        else:
            if before is None:
                if settings.retention_years is None:
                    raise SettingsError("Give --left-before DATE or --upn UPN, or set Retention years "
                                        "in Settings.")
                before = retention_cutoff(today, settings.retention_years)
            chosen = left_before(gone, before)
        result.pupils = len(chosen)
        wanted = set(chosen)
        if before is not None:
            result.lines.append(f"Pupils who left before {before:%d/%m/%Y}: {len(chosen)}.")
        if not wanted:
            result.lines.append("Nobody to forget.")
            return result
        ours = [school / SUMMARY_FILE, *sorted((school / SUMMARIES_FOLDER).glob("*.xlsx"))]
        for path in ours:
            _forget_in_workbook(path, wanted, result, dry_run)
        result.reports = _forget_reports(school / settings.reports_folder, wanted, dry_run)
        previous = school / PREVIOUS_FOLDER
        our_copies = [previous / SUMMARY_FILE, *sorted((previous / SUMMARIES_FOLDER).glob("*.xlsx"))]
        result.copies = sum(1 for path in our_copies if path.exists())
        if not dry_run:
            for path in our_copies:
                path.unlink(missing_ok=True)
        held = found.pupils[found.pupils["UPN"].isin(wanted)]
        verb = "Would remove" if dry_run else "Removed"
        result.lines.append(f"{verb}: {result.pupils} pupils; " + ", ".join(
            f"{count} {tab} rows" for tab, count in sorted(result.rows.items()) if count)
            + f"; {result.reports} parent reports; {result.copies} earlier copies of our files.")
        this_year = held["academic_year"] == settings.academic_year
        past = sorted(set(held.loc[~this_year, "workbook"]))
        if past:
            result.lines.append(f"Teachers' workbooks of past years that hold them ({len(past)}); "
                                "the school should delete these files:")
            result.lines += [f"  {settings.classes_folder}/{name}" for name in past]
        for row in held[this_year].itertuples(index=False):
            result.lines.append(f"  {settings.classes_folder}/{row.workbook}: delete Pupils row "
                                f"{row.row} and the pupil's rows in its other tabs.")
        kept = sorted(p.relative_to(school) for p in previous.glob("*/*.xlsx")
                      if p.parent.name.startswith(("import ", "new-year ")))
        if kept:
            result.lines.append(f"Copies of teachers' workbooks kept by import and new-year "
                                f"({len(kept)}): delete them once they are not needed.")
        if past or len(held[this_year]):
            result.lines.append("Until the school deletes them, the next sync records these pupils "
                                "again from those workbooks.")
        if dry_run:
            result.lines.append("Dry run: nothing was removed.")
        else:
            _audit(school / SUMMARY_FILE, result, now or datetime.now())
    return result


def _upns_in(value: object, wanted: set[str]) -> bool:
    return isinstance(value, str) and any(found in wanted for found in _UPN.findall(value.upper()))


def _forget_in_workbook(path: Path, wanted: set[str], result: ForgetResult, dry_run: bool) -> None:
    """Drop every row holding a wanted UPN from the tabs we own in `path`."""
    book = load_workbook(path)
    owned = next((prop.value.split("\n") for prop in book.custom_doc_props.props
                  if prop.name == OWNED_PROPERTY and prop.value), [])
    changed = False
    for title in owned:
        if title not in book.sheetnames or title == "Sync log":
            continue
        sheet = book[title]
        drop = [cells[0].row for cells in sheet.iter_rows()
                if any(_upns_in(cell.value, wanted) for cell in cells)]
        if drop:
            key = "History" if title == "History" else (
                "Class summary" if path.name != SUMMARY_FILE and title == "Class summary" else "other")
            result.rows[key] = result.rows.get(key, 0) + len(drop)
            if not dry_run:
                _drop_rows(sheet, set(drop))
            changed = True
    if changed and not dry_run:
        save_over(book, path, None)   # no copy: a copy would keep what we were asked to erase


def _drop_rows(sheet: Worksheet, drop: set[int]) -> None:
    """Remove rows in one pass: kept rows move up (values and styles), the tail is deleted."""
    target = 1
    width = sheet.max_column
    for row in range(1, sheet.max_row + 1):
        if row in drop:
            continue
        if target != row:
            for col in range(1, width + 1):
                source, dest = sheet.cell(row, col), sheet.cell(target, col)
                dest.value, dest._style = source.value, source._style
        target += 1
    sheet.delete_rows(target, sheet.max_row - target + 1)


def _forget_reports(folder: Path, wanted: set[str], dry_run: bool) -> int:
    keys = {pupil_key(upn) for upn in wanted}
    removed = 0
    for manifest_path in folder.rglob(MANIFEST) if folder.is_dir() else []:
        try:
            manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        mine = {key: name for key, name in manifest.items() if key in keys}
        for name in mine.values():
            report = manifest_path.parent / name
            if report.is_file() and report.parent == manifest_path.parent:
                removed += 1
                if not dry_run:
                    report.unlink()
        if mine and not dry_run:
            kept = {key: name for key, name in manifest.items() if key not in keys}
            manifest_path.write_text(json.dumps(kept, indent=0, sort_keys=True), encoding="utf-8")
    return removed


def _audit(path: Path, result: ForgetResult, now: datetime) -> None:
    """One Sync log row: counts only. The sync keeps it (same columns) in every later log."""
    book = load_workbook(path)
    if "Sync log" not in book.sheetnames:
        sheet = book.create_sheet("Sync log")
        sheet.append(SYNC_LOG_COLUMNS)
    sheet = book["Sync log"]
    stamp = now.strftime("%Y-%m-%d %H:%M:%S")
    rows = ", ".join(f"{count} {tab} rows" for tab, count in sorted(result.rows.items()) if count)
    sheet.append([stamp, stamp, "", 0, 0, 0, 0, 0,
                  f"forget: {result.pupils} pupils; {rows or 'no rows'}; {result.reports} reports"])
    save_over(book, path, None)
