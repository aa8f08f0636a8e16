"""Parent reports for a school: read it as a sync does, assess it, render each pupil's report."""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from functions.school import assess_school
from sync.errors import SettingsError
from sync.job import TEMPLATES_DIR, parameters, read_school
from sync.reports.write import write_reports
from sync.store import Store


def write_reports_for_school(store: Store, *, window: str | None = None, class_name: str | None = None,
                             upn: str | None = None, jobs: int = 1) -> list[Path]:
    """Write the reports of one window (default: the current one) for every pupil on roll, or for
    one class or pupil. Local mode writes PDFs under SCHOOL/<Reports folder>/."""
    school = read_school(store)
    settings = school.settings
    if window is not None and window not in settings.windows:
        raise SettingsError(f"There is no window called {window!r}; the windows are "
                            f"{', '.join(settings.windows)}.")
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
    results = assess_school(school.data, parameters(settings, window=window, now=stamp),
                            existing_history=school.history)
    if class_name is not None and class_name not in set(results.school["class_name"]):
        raise SettingsError(f"There is no class called {class_name!r} this year.")
    folder = getattr(store, "folder", None)
    if folder is None:
        raise SettingsError("Parent reports in Google mode are written by the web service's "
                            "'Create parent reports' menu; run this command on a school folder.")
    return write_reports(
        results.school, school.data.statements, school.data.ticks, school.data.comments,
        school_name=settings.school_name, academic_year=settings.academic_year,
        window_names=list(settings.windows), window=results.window, fw=settings.framework,
        out_dir=Path(folder) / (settings.reports_folder or "reports"), class_name=class_name,
        upn=upn, jobs=jobs, templates_dir=TEMPLATES_DIR)
