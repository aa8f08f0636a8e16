"""`python -m sync export`: every tab of every workbook we hold about a school, as CSV files.

    DIR/Tracker summary/<tab>.csv
    DIR/classes/<workbook>/<tab>.csv
    DIR/summaries/<workbook>/<tab>.csv
    DIR/reports.csv          the parent reports (path of each PDF)
"""
from __future__ import annotations

import csv
from datetime import date, datetime
from pathlib import Path

from sync.errors import SettingsError, UnreadableWorkbook
from sync.local_store import SUMMARIES_FOLDER, SUMMARY_FILE, LocalStore
from sync.reports.names import safe_name
from sync.settings import load_settings
from sync.templates import TEMPLATES_DIR
from sync.xlsx import read_values


def export_school(school: Path, out: Path) -> list[Path]:
    store = LocalStore(school)
    if out.exists() and any(out.iterdir()):
        raise SettingsError(f"{out} is not empty; name a new folder.")
    settings = load_settings(read_values(school / SUMMARY_FILE), TEMPLATES_DIR, school)
    written: list[Path] = []
    with store.lock():
        sources = [(school / SUMMARY_FILE, out / "Tracker summary")]
        for folder in (settings.classes_folder, SUMMARIES_FOLDER):
            sources += [(path, out / safe_name(folder) / safe_name(path.stem))
                        for path in sorted((school / folder).glob("*.xlsx"))
                        if not path.name.startswith(("~$", ".~"))]
        for path, target in sources:
            try:
                workbook = read_values(path)
            except Exception as error:  # noqa: BLE001 - one sentence below, no traceback
                raise UnreadableWorkbook(f"{path.name} could not be read; nothing more was exported.") from error
            target.mkdir(parents=True, exist_ok=True)
            for title, rows in workbook.items():
                file = target / f"{safe_name(title)}.csv"
                with open(file, "w", newline="", encoding="utf-8-sig") as handle:
                    csv.writer(handle).writerows([[_plain(v) for v in row] for row in rows])
                written.append(file)
        reports = school / settings.reports_folder
        listing = out / "reports.csv"
        with open(listing, "w", newline="", encoding="utf-8-sig") as handle:
            writer = csv.writer(handle)
            writer.writerow(["Report"])
            for pdf in sorted(reports.rglob("*.pdf")) if reports.is_dir() else []:
                writer.writerow([str(pdf.relative_to(school))])
        written.append(listing)
    return written


def _plain(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, datetime) and value.time() == datetime.min.time():
        return value.date().isoformat()
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value
