"""`python -m sync export`: every tab of every workbook we hold about a school, as CSV files,
read through the store port (a school folder or Google Sheets).

    DIR/Tracker summary/<tab>.csv
    DIR/classes/<workbook>/<tab>.csv       (in Google mode with the class's Class summary, Problems)
    DIR/summaries/<workbook>/<tab>.csv     (local mode)
    DIR/Tracker summary/Forgotten pupils.csv   the forget list (keyed hashes, sync.year.forgotten)
    DIR/reports.csv                        the parent reports (local mode: the path of each PDF)
"""
from __future__ import annotations

import csv
from datetime import date, datetime
from pathlib import Path
from typing import cast

from functions.forgotten import TITLE as FORGOTTEN_TITLE
from functions.owned_tabs import SUMMARY_NAME
from sync.errors import SettingsError, UnreadableWorkbook
from sync.local_store import SUMMARIES_FOLDER
from sync.reports.names import safe_name
from sync.settings import school_settings
from sync.store import Store
from sync.tabs import forgotten_tab
from sync.xlsx import read_values


def export_school(store: Store, out: Path) -> list[Path]:
    if out.exists() and any(out.iterdir()):
        raise SettingsError(f"{out} is not empty; name a new folder.")
    written: list[Path] = []
    with store.lock():
        summary = store.read_whole_summary()   # History too
        folder = store.folder
        settings = school_settings(store, summary)
        forgotten = store.read_forgotten(summary)
        if forgotten is not None and FORGOTTEN_TITLE not in summary:   # on Google a tab of the summary
            tab = forgotten_tab(forgotten)
            summary = {**summary, FORGOTTEN_TITLE: [[tab.note], list(tab.header), *tab.rows]}
        written += _write_tabs(summary, out / SUMMARY_NAME)
        for ref in store.list_class_workbooks():
            try:
                workbook = store.read_workbook(ref)
            except UnreadableWorkbook:
                continue
            written += _write_tabs(workbook, out / "classes" / safe_name(Path(ref.name).stem))
        if folder is not None:
            for path in sorted((folder / SUMMARIES_FOLDER).glob("*.xlsx")):
                try:
                    workbook = read_values(path)
                except Exception as error:  # noqa: BLE001 - one sentence, no traceback
                    raise UnreadableWorkbook(f"{path.name} could not be read; nothing more was "
                                             "exported.") from error
                written += _write_tabs(workbook, out / SUMMARIES_FOLDER / safe_name(path.stem))
        listing = out / "reports.csv"
        with open(listing, "w", newline="", encoding="utf-8-sig") as handle:
            writer = csv.writer(handle)
            writer.writerow(["Report"])
            reports = folder / settings.reports_folder if folder is not None else None
            for pdf in sorted(reports.rglob("*.pdf")) if reports is not None and reports.is_dir() else []:
                writer.writerow([str(pdf.relative_to(cast(Path, folder)))])   # reports is in folder
        written.append(listing)
    return written


def _write_tabs(workbook: dict, target: Path) -> list[Path]:
    target.mkdir(parents=True, exist_ok=True)
    files = []
    for title, rows in workbook.items():
        file = target / f"{safe_name(title)}.csv"
        with open(file, "w", newline="", encoding="utf-8-sig") as handle:
            csv.writer(handle).writerows([[_plain(v) for v in row] for row in rows])
        files.append(file)
    return files


def _plain(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, datetime) and value.time() == datetime.min.time():
        return value.date().isoformat()
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value
