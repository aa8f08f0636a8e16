"""`python -m sync new-school SCHOOL --name NAME`: start a school folder (local mode).

Writes `Tracker summary.xlsx` (Settings with the school's name and academic year, and an empty
Staff tab, from the layout in sheets_templates/layouts) and an empty `classes/` folder; the next
step is `new-class`. A folder that already holds a Tracker summary is refused: it is a school.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from functions.academic_year import academic_year_of
from sync.command_errors import plain_errors
from sync.errors import SettingsError


def create_school(folder: Path, name: str, today: date | None = None) -> Path:
    from sync.local_store import CLASSES_FOLDER, SUMMARY_FILE
    from sync.templates import new_tracker_summary

    if not name.strip():
        raise SettingsError("--name: give the school's name.")
    summary = folder / SUMMARY_FILE
    if summary.exists():
        raise SettingsError(f"{folder} already has a {SUMMARY_FILE}: it is a school already, and "
                            "nothing was changed.")
    folder.mkdir(parents=True, exist_ok=True)
    new_tracker_summary(summary, {"School name": name.strip(),
                                  "Academic year": academic_year_of(today or date.today())}, [])
    (folder / CLASSES_FOLDER).mkdir(exist_ok=True)
    return summary


@click.command("new-school")
@click.argument("school", type=click.Path(file_okay=False))
@click.option("--name", required=True, help="The school's name, as reports and summaries show it.")
@plain_errors
def new_school(school: str, name: str) -> None:
    """Start a school in the folder SCHOOL: its Tracker summary.xlsx (Settings, Staff) and an
    empty classes/ folder. Then make each class's workbook with new-class.

    Example: python -m sync new-school "Oak Lane Primary" --name "Oak Lane Primary School"
    """
    summary = create_school(Path(school), name)
    click.echo(f"Started a school in {school}: check the Settings tab of {summary.name}, then "
               f'make each class\'s workbook with python -m sync new-class "{school}" --name Oak '
               "--year 3 --pupils oak.csv.")
