"""Parent reports for a school: read it as a sync does, assess it, render each pupil's report."""
from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import cast

from functions.academic_year import previous_academic_year
from functions.school import assess_school
from functions.statutory import report_lines
from sync.errors import SettingsError
from sync.job import parameters, read_school
from sync.reader.values import clean_upn
from sync.reports import fresh
from sync.reports.write import write_reports
from sync.settings import choose_window
from sync.statutory import statutory_rules
from sync.store import Store
from sync.templates import TEMPLATES_DIR


def write_reports_for_school(store: Store, *, window: str | None = None, class_name: str | None = None,
                             upn: str | None = None, jobs: int | None = None,
                             force: bool = False) -> list[Path]:
    """Write the reports of one window (default: the current one) for every pupil on roll, or for
    one class or pupil. Local mode writes PDFs under SCHOOL/<Reports folder>/; Google mode writes
    a PDF and a Google Doc per pupil into <Reports folder>/<class>/ on Drive. A local report
    whose content has not changed since it was drawn is kept as it is, unless `force`; `jobs`
    (processes) defaults to every core."""
    folder = store.folder
    if folder is not None:
        assumed = fresh.reports_folder_guess(Path(folder))
        inputs = fresh.fingerprint(Path(folder), assumed)   # before anything is read
    school = read_school(store)
    settings = school.settings
    window = choose_window(settings, window)
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S")
    results = assess_school(school.data, parameters(settings, window=window, now=stamp,
                                                    results_name=store.results_name),
                            existing_history=school.history)
    if class_name is not None and class_name not in set(results.school["class_name"]):
        raise SettingsError(f"There is no class called {class_name!r} this year.")
    if upn is not None:
        upn = clean_upn(upn)
        if upn not in set(results.school["upn"]):
            raise SettingsError("No pupil on roll this year has the UPN given with --pupil.")
    out_dir, sink = store.report_destination(settings.reports_folder)
    first_names = cast(dict[str, str], results.school.drop_duplicates("upn").set_index("upn")["first_name"]
                       .fillna("").astype(str).to_dict())
    lines = report_lines(results.statutory_results, statutory_rules(), first_names,
                         [settings.academic_year, previous_academic_year(settings.academic_year)])
    written = write_reports(
        results.school, school.data.statements, school.data.ticks, school.data.comments,
        school_name=settings.school_name, academic_year=settings.academic_year,
        window_names=list(settings.windows), window=results.window, fw=settings.framework,
        out_dir=out_dir, class_name=class_name, upn=upn, jobs=jobs, templates_dir=TEMPLATES_DIR,
        sink=sink, force=force, statutory=lines)
    if folder is not None:
        fresh.remember(Path(folder), window=window, class_name=class_name, upn=upn,
                       reports_folder=settings.reports_folder, files=written,
                       inputs=inputs if settings.reports_folder == assumed else "")
    return written
