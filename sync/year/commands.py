"""The year commands of the command line: import, new-year, forget, export (registered in
sync.cli). None of them changes a file a person owns: they read those and write files of ours."""
from __future__ import annotations

from pathlib import Path

import click

from sync.command_errors import plain_errors
from sync.stores import open_store


@click.command("import")
@click.argument("school", required=False, type=click.Path(exists=True))
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False, exists=True))
@click.option("--google", metavar="SPREADSHEET_ID", help="A Google-mode school (its Tracker summary's id); then FILES alone.")
@click.option("--class", "class_name", help="The class new pupils join (else their registration group).")
@click.option("--dry-run", is_flag=True, help="Print what would change and write nothing.")
@click.option("--whole-roll", is_flag=True,
              help="The files list every pupil on roll: list pupils on roll who are not in them.")
@click.option("--mapping", help="The CSV column mapping to use (a section of sheets_templates/mis/columns.toml).")
@click.option("--rejoined", multiple=True, metavar="UPN",
              help="A pupil the school forgot (erased) who has come back: import them (repeatable).")
@plain_errors
def import_command(school: str | None, files: tuple[str, ...], google: str | None,
                   class_name: str | None, dry_run: bool, whole_roll: bool, mapping: str | None,
                   rejoined: tuple[str, ...]) -> None:
    """Bring pupils from the school's MIS into this year's class workbooks.

    FILES are DfE Common Transfer Files (.xml) or CSV exports from SIMS, Arbor or Bromcom
    (columns named in sheets_templates/mis/columns.toml; a school adds its own in
    SCHOOL/mis-columns.toml). Pupils are matched by UPN, else by name and date of birth. New
    pupils join the class their registration group names (or --class) with Joined on; blank
    Pupils cells are to be filled; a cell typed differently is printed as a problem; pupils not
    in a whole-roll file are listed, never deleted. A pupil the school erased with forget is
    left out (and said so) unless --rejoined names their UPN.

    It never changes a teacher's workbook: it writes a to-do list of its own,
    SCHOOL/imports/Import <date time>.xlsx (with --google: `Import: ...` tabs in Tracker
    summary), with the new pupils' rows to paste into each class workbook (and the row they go
    at) and each blank cell to fill. --dry-run prints the same and writes nothing.

    Example: python -m sync import demo-school arrivals.xml --class Rowan --dry-run
    """
    from sync.mis.importer import import_pupils

    if google and school is not None:
        files = (school, *files)
        school = None
    if not files:
        raise click.UsageError("Name the school and at least one file to import.")
    for name in files:
        if not Path(name).is_file():
            raise click.UsageError(f"{name} is not a file.")
    result = import_pupils(open_store(school, google), [Path(f) for f in files], class_name=class_name,
                           dry_run=dry_run, whole_roll=whole_roll, mapping=mapping, rejoined=rejoined)
    for line in result.lines:
        click.echo(line)


@click.command("new-year")
@click.argument("school", required=False, type=click.Path(file_okay=False, exists=True))
@click.option("--google", metavar="SPREADSHEET_ID", help="A Google-mode school (its Tracker summary's id).")
@click.option("--dry-run", is_flag=True, help="Print what would be created and write nothing.")
@plain_errors
def new_year_command(school: str | None, google: str | None, dry_run: bool) -> None:
    """Create next academic year's class workbooks from this year's.

    The first run drafts SCHOOL/Classes next year.xlsx (which class moves into which; Year 6
    leaves) and stops so the head can check it. The next run creates each class workbook of
    next year that does not exist yet: pupils move up a year into their mapped class; pupils with
    a Left on date are not carried. It then says what to type in Settings to move the school on:
    this command never changes Tracker summary or this year's class workbooks, and writes only
    files that did not exist. Once Settings say next year, running it again changes nothing.

    With --google the draft is a `Classes next year` tab added to Tracker summary, and each new
    class spreadsheet is made in the Classes folder (which must be on a shared drive) and shared
    as the class spreadsheet it comes from.

    Example: python -m sync new-year demo-school --dry-run
    """
    from sync.year.new_year import new_year

    for line in new_year(open_store(school, google), dry_run=dry_run).lines:
        click.echo(line)


@click.command()
@click.argument("school", required=False, type=click.Path(file_okay=False))
@click.option("--google", metavar="SPREADSHEET_ID", help="A Google-mode school (its Tracker summary's id).")
@click.option("--left-before", "left_before", type=click.DateTime(["%Y-%m-%d", "%d/%m/%Y"]),
              help="Forget every pupil who left before this day (default: Settings' Retention years).")
@click.option("--upn", "upns", multiple=True, metavar="UPN", help="Forget this pupil (repeatable).")
@click.option("--dry-run", is_flag=True, help="List what would go and remove nothing.")
@plain_errors
def forget(school: str | None, google: str | None, left_before, upns: tuple[str, ...], dry_run: bool) -> None:
    """Erase pupils who left from everything the tracker wrote.

    Removes their rows from History and every other tab the sync writes (Tracker summary and
    summaries/), their parent reports, and the earlier copies of those files in previous/. Writes
    an audit line with counts (never names or UPNs) to the Sync log. Teachers' class workbooks
    that still hold them are listed for the school to delete: we never delete people's files.
    With --google the same tabs are rewritten in Google Sheets, and the reports in the Reports
    folder go to the shared drive's bin (Drive empties it after 30 days).

    Example: python -m sync forget demo-school --left-before 2021-09-01 --dry-run
    """
    from sync.year.forget import forget as run_forget

    result = run_forget(open_store(school, google), before=left_before.date() if left_before else None,
                        upns=upns, dry_run=dry_run)
    for line in result.lines:
        click.echo(line)


@click.command()
@click.argument("school", required=False, type=click.Path(file_okay=False))
@click.argument("directory", required=False, type=click.Path(file_okay=False))
@click.option("--google", metavar="SPREADSHEET_ID", help="A Google-mode school (then DIRECTORY alone).")
@plain_errors
def export(school: str | None, directory: str | None, google: str | None) -> None:
    """Write everything the tracker holds about a school as CSV files in DIRECTORY.

    One CSV per tab of Tracker summary, of each class workbook and of each class summary, and a
    list of the parent reports: the way out when a school leaves.

    Example: python -m sync export demo-school demo-export
    """
    from sync.year.export import export_school

    if google and directory is None:
        school, directory = None, school
    if directory is None:
        raise click.UsageError("Name the school and the folder to write the CSV files in.")
    written = export_school(open_store(school, google), Path(directory))
    click.echo(f"Wrote {len(written)} CSV files in {directory}.")


def register(cli: click.Group) -> None:
    from sync.new_school import new_school

    for command in (new_school, import_command, new_year_command, forget, export):
        cli.add_command(command)
